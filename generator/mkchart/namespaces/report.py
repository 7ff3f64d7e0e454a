"""`mkchart namespaces`' report for people: what was written (or would be), the figures
of each namespace, and the errors that set the exit code. Printing is the CLI's."""

from __future__ import annotations

from dataclasses import dataclass, field

from mkchart.errors import ExitCode
from mkchart.i18n import t
from mkchart.namespaces.bootstrap import Plan, Request
from mkchart.regen import report


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)  # results: stdout (stderr in JSON mode)
    errors: list[str] = field(default_factory=list)  # always stderr
    code: ExitCode = ExitCode.OK


def fleet_lines(plan: Plan) -> list[str]:
    """The figures of each namespace, as the chart's values.yaml holds them."""
    lines = [t("n.fleet", envs=len(plan.environments), services=plan.services, headroom=plan.headroom)]
    for env in plan.environments:
        quota = env.quota(plan.headroom)
        lines.append(t("n.env", env=env.name, level="restricted" if env.restricted else "privileged",
                       requests_cpu=quota["requests.cpu"], requests_memory=quota["requests.memory"],
                       limits_cpu=quota["limits.cpu"], limits_memory=quota["limits.memory"], pods=quota["pods"],
                       services=quota["services"], claims=quota["persistentvolumeclaims"],
                       storage=quota["requests.storage"]))
    return lines


def build(plan: Plan, request: Request) -> Report:
    """The lines and errors of a run (with --check: of what it would do)."""
    found = Report()
    if request.check:
        if diff := report.unified_diff(plan).rstrip("\n"):
            found.lines.append(diff)
        found.lines += [report.summary_line(plan), *fleet_lines(plan)]
        if not plan.current:
            problem = t("n.check.drift") if plan.writes else t("r.check.unresolved")
            message = t("n.check", folder=plan.chart, problem=problem, services=request.services)
            found.errors.append(f"mkchart: {message}")
            found.code = ExitCode.DRIFT
        return found
    if plan.created:
        found.lines.append(t("n.wrote", name=plan.name, count=len(plan.files), target=plan.chart))
    else:
        found.lines += [*report.change_lines(plan), report.summary_line(plan, written=True)]
    found.lines += fleet_lines(plan)
    if plan.conflicts:
        conflicts = t("r.conflicts", count=len(plan.conflicts), files=", ".join(plan.conflicts))
        found.errors.append(f"mkchart: {conflicts}\n  {t('n.conflicts.hint')}")
        found.code = ExitCode.DRIFT
    return found
