"""One chart folder through `mkchart regen` (or `--check`, `--dry-run`): its outcome, the
lines to print, and its exit code. Pure of printing, so many folders can run in forked
workers (mkchart.fleet) and the CLI prints the results in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mkchart.errors import ExitCode, MkchartError
from mkchart.i18n import t
from mkchart.outcomes import ChartOutcome, Status
from mkchart.regen import report
from mkchart.regen.plan import apply, plan_regen


@dataclass(frozen=True)
class RegenJob:
    folder: Path
    answers: Path | None
    sets: tuple[str, ...]
    check: bool
    dry_run: bool


@dataclass
class RegenResult:
    outcome: ChartOutcome
    code: int = ExitCode.OK
    lines: list[str] = field(default_factory=list)  # results: stdout (stderr in JSON mode)
    notes: list[str] = field(default_factory=list)  # always stderr
    errors: list[str] = field(default_factory=list)  # always stderr
    # Messages, not exception objects: results cross process boundaries by pickling.


def _refused(job: RegenJob, error: MkchartError) -> RegenResult:
    return RegenResult(ChartOutcome(job.folder.name, str(job.folder), Status.REFUSED, errors=[str(error)]),
                        error.exit_code, errors=[f"mkchart: {t('e.error')}: {error}"])


def run_regen_job(job: RegenJob) -> RegenResult:
    try:
        plan = plan_regen(job.folder, job.answers, job.sets)
    except MkchartError as error:
        return _refused(job, error)
    notes = [f"mkchart: {t('e.note')}: {note}" for note in plan.notes]
    if job.check or job.dry_run:
        lines = [diff] if (diff := report.unified_diff(plan).rstrip("\n")) else []
        if job.dry_run:
            lines += report.change_lines(plan, everything=True)
        lines.append(report.summary_line(plan))
        result = RegenResult(plan.outcome(written=False), lines=lines, notes=notes)
        if job.check and not plan.current:
            result.code = ExitCode.DRIFT
            problem = t("r.check.drift") if plan.writes else t("r.check.unresolved")
            result.errors.append(f"mkchart: {t('r.check', folder=job.folder, problem=problem)}")
        return result
    try:
        apply(plan)
    except MkchartError as error:  # the OS refused a write: rolled back, the other folders go on
        return _refused(job, error)
    lines = [*report.change_lines(plan), report.summary_line(plan, written=True)]
    result = RegenResult(plan.outcome(written=True), lines=lines, notes=notes)
    if plan.conflicts:
        result.code = ExitCode.DRIFT
        conflicts = t("r.conflicts", count=len(plan.conflicts), files=", ".join(plan.conflicts))
        result.errors.append(f"mkchart: {conflicts}\n  {t('r.conflicts.hint')}")
    return result
