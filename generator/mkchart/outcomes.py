"""What a run did, per chart: the statuses, and the one JSON document for CI
(`--output json`). The schema is documented in docs/ci-jenkins.md."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import Enum

from mkchart import __version__
from mkchart.errors import ExitCode


class Word(str, Enum):
    """An enum whose members print, format and serialise as their word (like Python
    3.11's StrEnum): scripts parse these words, in JSON and in text."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Status(Word):
    """What happened to one chart; the same words for every command."""

    CREATED = "created"  # a new chart was written
    UPDATED = "updated"  # regenerated; files changed, no conflicts
    UNCHANGED = "unchanged"  # regenerated, checked or linted; nothing to change
    CONFLICTED = "conflicted"  # regenerated; conflict markers were written
    DRIFT = "drift"  # `regen --check`: the chart differs from what it would be
    REFUSED = "refused"  # its input was invalid (or lint failed); nothing was written for it
    PACKAGED = "packaged"  # `package`: the archive was written
    INTERRUPTED = "interrupted"  # the run stopped first: the chart is as it was, or wholly done


@dataclass
class ChartOutcome:
    name: str
    path: str
    status: Status
    written: list[str] = field(default_factory=list)  # files created or replaced
    pending: list[str] = field(default_factory=list)  # files --check/--dry-run would write
    merged: list[str] = field(default_factory=list)  # files where edits were kept by a merge
    conflicts: list[str] = field(default_factory=list)  # files with conflict markers
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what needs doing by hand (a workload switch's steps)
    archive: str | None = None


def exit_code(outcomes: list[ChartOutcome]) -> ExitCode:
    """A run's exit code, the worst of its charts: BAD_INPUT if any was refused, else
    DRIFT if any drifted or conflicted, else OK."""
    statuses = {outcome.status for outcome in outcomes}
    if Status.REFUSED in statuses:
        return ExitCode.BAD_INPUT
    return ExitCode.DRIFT if statuses & {Status.DRIFT, Status.CONFLICTED} else ExitCode.OK


@dataclass
class RunReport:
    command: str
    exitCode: int = 0  # JSON field names are camelCase like the answers
    charts: list[ChartOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems not tied to one chart

    def to_json(self) -> str:
        document = {"mkchart": __version__, "command": self.command, "ok": self.exitCode == 0,
                    "exitCode": int(self.exitCode), "charts": [asdict(c) for c in self.charts],
                    "errors": self.errors}
        return json.dumps(document, indent=2, ensure_ascii=False)
