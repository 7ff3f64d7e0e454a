"""regen's report for people: a line per file, a unified diff, a one-line summary.

The action words (update, merge, ...) stay English in every language: scripts parse them.
"""

from __future__ import annotations

import difflib
from collections import Counter

from mkchart.i18n import t
from mkchart.regen.plan import Action, ChangeSet


def _text(content: bytes | None) -> list[str]:
    if content is None:
        return []
    return content.decode("utf-8", "replace").splitlines(keepends=True)


def _binary(content: bytes | None) -> bool:
    """A NUL byte is no text (git's test): a diff of it would be noise."""
    return content is not None and b"\0" in content[:8000]


def unified_diff(plan: ChangeSet) -> str:
    """The diff from the chart on disk to what regen writes, git-style paths."""
    chunks = []
    for change in plan.files:
        if change.path not in plan.writes:
            continue
        before = f"a/{change.path}" if change.before is not None else "/dev/null"
        after = f"b/{change.path}" if change.after is not None else "/dev/null"
        if _binary(change.before) or _binary(change.after):  # the stored base: its own files show above
            chunks.append(f"Binary files {before} and {after} differ\n")
            continue
        lines = list(difflib.unified_diff(_text(change.before), _text(change.after), before, after))
        chunks.append("".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                              for line in lines))
    return "".join(chunks)


def change_lines(plan: ChangeSet, everything: bool = False) -> list[str]:
    """`  update  values.yaml` lines: the files regen changes (or, with everything, all)."""
    return [f"  {c.action:<9} {c.path}" + (f"  ({c.note})" if c.note else "")
            for c in plan.files if everything or c.action != Action.UNCHANGED]


def summary_line(plan: ChangeSet, written: bool = False) -> str:
    """`NAME: 2 file(s) to change (12 unchanged, 2 update)`; with `written`, once applied."""
    counts = Counter(c.action for c in plan.files)
    parts = ", ".join(f"{n} {action}" for action, n in sorted(counts.items()))
    if plan.current:
        state = t("r.up_to_date")
    else:
        count = len(plan.writes)
        state = t("r.changed", count=count) if written else t("r.to_change", count=count)
        if plan.conflicts:
            state += t("r.with_conflicts", count=len(plan.conflicts))
    return t("r.summary", name=plan.name, state=state, counts=parts)
