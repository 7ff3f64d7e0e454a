"""One chart folder through `mkchart regen` (or `--check`, `--dry-run`): its outcome, the
lines to print, and its exit code. Pure of printing, so many folders can run in forked
workers (mkchart.fleet) and the CLI prints the results in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mkchart.chart.version import DEFAULT_BUMP
from mkchart.errors import ExitCode, InterruptError, MkchartError
from mkchart.i18n import t
from mkchart.inputs import Inputs, read_inputs
from mkchart.outcomes import ChartOutcome, Status
from mkchart.regen import report
from mkchart.regen.plan import regenerate


@dataclass(frozen=True)
class RegenJob:
    folder: Path
    answers: Path | None
    sets: tuple[str, ...]
    check: bool
    dry_run: bool
    bump: str = DEFAULT_BUMP  # how Chart.yaml's version moves when the chart changes


@dataclass
class RegenResult:
    outcome: ChartOutcome
    code: int = ExitCode.OK
    lines: list[str] = field(default_factory=list)  # results: stdout (stderr in JSON mode)
    notes: list[str] = field(default_factory=list)  # stderr, not with --quiet
    warnings: list[str] = field(default_factory=list)  # always stderr
    errors: list[str] = field(default_factory=list)  # always stderr
    # Messages, not exception objects: results cross process boundaries by pickling.


def _refused(job: RegenJob, error: MkchartError) -> RegenResult:
    return RegenResult(ChartOutcome(job.folder.name, str(job.folder), Status.REFUSED, errors=[str(error)]),
                        error.exit_code, errors=[f"mkchart: {t('e.error')}: {error}"])


def interrupted(jobs: list[RegenJob], outcomes: list[ChartOutcome]) -> InterruptError:
    """Ctrl-C or SIGTERM during a regen of many folders: what each folder got. Each chart
    being written was finished or rolled back, so the unreported ones are whole, old or new."""
    unfinished = [ChartOutcome(job.folder.name, str(job.folder), Status.INTERRUPTED) for job in jobs[len(outcomes):]]
    written = sum(outcome.status in (Status.UPDATED, Status.CONFLICTED) for outcome in outcomes)
    return InterruptError(t("r.interrupted", done=len(outcomes), total=len(jobs), written=written),
                          outcomes=[*outcomes, *unfinished])


def run_regen_job(job: RegenJob) -> RegenResult:
    writes = not (job.check or job.dry_run)
    try:
        plan = regenerate(job.folder, read_inputs(Inputs(answers_file=job.answers, sets=job.sets)), writes, job.bump)
    except MkchartError as error:  # refused, or the OS refused a write: rolled back, other folders go on
        return _refused(job, error)
    notes = [f"mkchart: {t('e.note')}: {note}" for note in plan.notes]
    warnings = [f"mkchart: {t('e.warning')}: {warning}" for warning in plan.warnings]
    if not writes:
        lines = [diff] if (diff := report.unified_diff(plan).rstrip("\n")) else []
        if job.dry_run:
            lines += report.change_lines(plan, everything=True)
        lines.append(report.summary_line(plan))
        result = RegenResult(plan.outcome(written=False), lines=lines, notes=notes, warnings=warnings)
        if job.check and not plan.current:
            result.code = ExitCode.DRIFT
            if plan.leftovers:
                problem = t("j.interrupted", files=", ".join(plan.leftovers))
            else:
                problem = t("r.check.drift") if plan.writes else t("r.check.unresolved")
                if plan.bump:  # the version a release of this chart would carry
                    problem += t("r.check.bump", old=plan.bump[0], new=plan.bump[1])
            result.errors.append(f"mkchart: {t('r.check', folder=job.folder, problem=problem)}")
        return result
    lines = [*report.change_lines(plan), report.summary_line(plan, written=True)]
    result = RegenResult(plan.outcome(written=True), lines=lines, notes=notes, warnings=warnings)
    if plan.conflicts:
        result.code = ExitCode.DRIFT
        conflicts = t("r.conflicts", count=len(plan.conflicts), files=", ".join(plan.conflicts))
        result.errors.append(f"mkchart: {conflicts}\n  {t('r.conflicts.hint')}")
    return result
