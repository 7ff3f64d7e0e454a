"""One chart folder through `mkchart regen` (or `--check`, `--dry-run`): its outcome, the
lines to print, and its exit code. Pure of printing, so many folders can run on every
core (mkchart.fleet) and the CLI prints the results in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mkchart import regen as regeneration
from mkchart import report
from mkchart.errors import EXIT_DRIFT, MkchartError
from mkchart.i18n import t
from mkchart.results import REFUSED, ChartOutcome, from_regen


@dataclass(frozen=True)
class Job:
    folder: Path
    answers: Path | None
    sets: tuple[str, ...]
    check: bool
    dry_run: bool


@dataclass
class FolderResult:
    outcome: ChartOutcome
    code: int = 0
    lines: list[str] = field(default_factory=list)  # results: stdout (stderr in JSON mode)
    notes: list[str] = field(default_factory=list)  # always stderr
    errors: list[str] = field(default_factory=list)  # always stderr
    # Messages, not exception objects: results cross process boundaries by pickling.


def _refused(job: Job, error: MkchartError) -> FolderResult:
    return FolderResult(ChartOutcome(job.folder.name, str(job.folder), REFUSED, errors=[str(error)]),
                        error.exit_code, errors=[f"mkchart: {t('e.error')}: {error}"])


def run(job: Job) -> FolderResult:
    try:
        plan = regeneration.plan_regen(job.folder, job.answers, job.sets)
    except MkchartError as error:
        return _refused(job, error)
    notes = [f"mkchart: {t('e.note')}: {note}" for note in plan.notes]
    if job.check or job.dry_run:
        lines = [diff] if (diff := report.unified_diff(plan).rstrip("\n")) else []
        if job.dry_run:
            lines += report.file_lines(plan, everything=True)
        lines.append(report.summary(plan))
        result = FolderResult(from_regen(plan, written=False), lines=lines, notes=notes)
        if job.check and not plan.current:
            result.code = EXIT_DRIFT
            problem = t("r.check.drift") if plan.writes else t("r.check.unresolved")
            result.errors.append(f"mkchart: {t('r.check', folder=job.folder, problem=problem)}")
        return result
    try:
        regeneration.apply(plan)
    except MkchartError as error:  # the OS refused a write: rolled back, the other folders go on
        return _refused(job, error)
    lines = [*report.file_lines(plan), report.summary(plan, written=True)]
    result = FolderResult(from_regen(plan, written=True), lines=lines, notes=notes)
    if plan.conflicts:
        result.code = EXIT_DRIFT
        conflicts = t("r.conflicts", count=len(plan.conflicts), files=", ".join(plan.conflicts))
        result.errors.append(f"mkchart: {conflicts}\n  {t('r.conflicts.hint')}")
    return result
