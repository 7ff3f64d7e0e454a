"""Line-based three-way merge (diff3 style) on difflib, with git's conflict markers.

Written here rather than taken from PyPI (`merge3` would do): it is ~70 lines, keeps
mkchart's labels (`yours` / `mkchart`) and leaves no dependency to vet for the one
feature whose bugs would cost users their edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

OURS_MARK = "<<<<<<< yours"
SPLIT_MARK = "======="
THEIRS_MARK = ">>>>>>> mkchart"


@dataclass(frozen=True)
class Merged:
    text: str
    conflicts: int  # number of conflict blocks written with markers


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def conflict_lines(ours: list[str], theirs: list[str]) -> list[str]:
    """Both versions between the markers, as lines (also used by the values.yaml merge)."""
    def block(lines: list[str]) -> list[str]:
        # A side that ends without a newline would glue itself to the next marker.
        return [*lines[:-1], lines[-1] + "\n"] if lines and not lines[-1].endswith("\n") else lines

    return [OURS_MARK + "\n", *block(ours), SPLIT_MARK + "\n", *block(theirs), THEIRS_MARK + "\n"]


def _sync_points(base: list[str], ours: list[str], theirs: list[str]) -> list[tuple[int, int, int, int]]:
    """Runs of base lines that both sides kept unchanged: (base, ours, theirs, length),
    ending with an empty run at the three ends."""
    to_ours = SequenceMatcher(None, base, ours, autojunk=False).get_matching_blocks()
    to_theirs = SequenceMatcher(None, base, theirs, autojunk=False).get_matching_blocks()
    points = []
    i = j = 0
    while i < len(to_ours) and j < len(to_theirs):
        a, b = to_ours[i], to_theirs[j]
        start = max(a.a, b.a)
        end = min(a.a + a.size, b.a + b.size)
        if start < end:
            points.append((start, a.b + start - a.a, b.b + start - b.a, end - start))
        if a.a + a.size < b.a + b.size:
            i += 1
        else:
            j += 1
    points.append((len(base), len(ours), len(theirs), 0))
    return points


def merge3(base: str, ours: str, theirs: str) -> Merged:
    """Keep every change of either side; where both changed the same lines differently,
    write both between conflict markers."""
    b, o, t = _lines(base), _lines(ours), _lines(theirs)
    out: list[str] = []
    conflicts = 0
    at_b = at_o = at_t = 0
    for sync_b, sync_o, sync_t, length in _sync_points(b, o, t):
        chunk_b, chunk_o, chunk_t = b[at_b:sync_b], o[at_o:sync_o], t[at_t:sync_t]
        if chunk_o == chunk_b:
            out += chunk_t
        elif chunk_t in (chunk_b, chunk_o):
            out += chunk_o
        else:
            out += conflict_lines(chunk_o, chunk_t)
            conflicts += 1
        out += b[sync_b:sync_b + length]
        at_b, at_o, at_t = sync_b + length, sync_o + length, sync_t + length
    return Merged("".join(out), conflicts)


def merge2(ours: str, theirs: str) -> Merged:
    """Without a base nobody knows whose change a difference is: keep the common lines
    and write every difference as a conflict."""
    o, t = _lines(ours), _lines(theirs)
    out: list[str] = []
    conflicts = 0
    for tag, o1, o2, t1, t2 in SequenceMatcher(None, o, t, autojunk=False).get_opcodes():
        if tag == "equal":
            out += o[o1:o2]
        else:
            out += conflict_lines(o[o1:o2], t[t1:t2])
            conflicts += 1
    return Merged("".join(out), conflicts)


def has_markers(text: str) -> bool:
    """Whether a file still holds a conflict regen wrote and nobody resolved."""
    return any(line.rstrip("\r\n") == OURS_MARK for line in _lines(text))
