"""What a run did, per chart, as one JSON document for CI (`--output json`).

The schema is documented in docs/ci-jenkins.md; `mkchart.report` words regen for people."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from mkchart import __version__

if TYPE_CHECKING:
    from mkchart.regen import RegenPlan

# Per-chart statuses, shared by every command.
CREATED = "created"  # a new chart was written
UPDATED = "updated"  # regenerated; files changed, no conflicts
UNCHANGED = "unchanged"  # regenerated or checked; nothing to change
CONFLICTED = "conflicted"  # regenerated; conflict markers were written
DRIFT = "drift"  # `regen --check`: the chart differs from what it would be
REFUSED = "refused"  # its answers were invalid; nothing was written for it
PACKAGED = "packaged"  # `package`: the archive was written


@dataclass
class ChartOutcome:
    name: str
    path: str
    status: str
    written: list[str] = field(default_factory=list)  # files created or replaced
    pending: list[str] = field(default_factory=list)  # files --check/--dry-run would write
    merged: list[str] = field(default_factory=list)  # files where edits were kept by a merge
    conflicts: list[str] = field(default_factory=list)  # files with conflict markers
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    archive: str | None = None


def from_regen(plan: RegenPlan, written: bool) -> ChartOutcome:
    """The outcome of regenerating (written) or checking (not written) one chart."""
    from mkchart.regen import MERGE

    if plan.conflicts:
        status = CONFLICTED
    elif plan.current:
        status = UNCHANGED
    else:
        status = UPDATED if written else DRIFT
    return ChartOutcome(
        name=plan.answers.name, path=str(plan.chart), status=status,
        written=sorted(plan.writes) if written else [], pending=[] if written else sorted(plan.writes), merged=[c.path for c in plan.files if c.action == MERGE],
        conflicts=list(plan.conflicts), notes=list(plan.notes),
    )


@dataclass
class RunReport:
    command: str
    exitCode: int = 0  # noqa: N815 - JSON field names are camelCase like the answers
    charts: list[ChartOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems not tied to one chart

    def to_json(self) -> str:
        document = {"mkchart": __version__, "command": self.command, "ok": self.exitCode == 0,
                    "exitCode": self.exitCode, "charts": [asdict(c) for c in self.charts],
                    "errors": self.errors}
        return json.dumps(document, indent=2, ensure_ascii=False)
