"""Structural three-way merge of `values.yaml`, edited as text so every comment stays.

ruamel's round-trip loader tells where each key sits; the merge then decides key by
key (a leaf is a scalar, a list or a mapping that is not block style on all sides):

- the user's value differs from the previous render: it stays, comments and all;
- the user kept the previous value: it follows the new render (added, changed, removed);
- both changed it differently: the key's lines are written between conflict markers.

A key's leading comment (the comment lines right above it) follows the same rule, so
`# livenessProbe ... (http check)` becomes `(tcp check)` unless the user reworded it.
Anything the merge cannot place safely makes it return None: the caller then falls back
to the line merge, which never drops an edit either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap

from mkchart import yamlio
from mkchart.regen.textmerge import Merged, conflict_lines

_MISSING = object()


def _same(left: Any, right: Any) -> bool:
    """Equal as values of a YAML file: Python's True == 1 == 1.0, but `true`, `1` and `1.0`
    are three values, and changing one into another is an edit."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


@dataclass(frozen=True)
class _Block:
    start: int  # first line of the key's leading comment (or the key line)
    key: int  # the key's line
    value_end: int  # last line of the key's value
    end: int  # last non-blank line before the next sibling's block
    col: int


@dataclass
class _Doc:
    lines: list[str]
    root: Any

    def blocks(self, mapping: Any, limit: int) -> dict[Any, _Block]:
        keys = list(mapping)
        found: dict[Any, _Block] = {}
        starts = []
        for index, key in enumerate(keys):
            line, col = mapping.lc.key(key)
            floor = mapping.lc.key(keys[index - 1])[0] if index else -1
            start = line
            while start - 1 > floor and self._is_comment(start - 1) and self._indent(start - 1) <= col:
                start -= 1
            starts.append((key, start, line, col))
        for index, (key, start, line, col) in enumerate(starts):
            stop = starts[index + 1][1] - 1 if index + 1 < len(starts) else limit
            end = stop
            while end > line and not self.lines[end].strip():
                end -= 1
            value_end = line
            while value_end < end and self._in_value(value_end + 1, col):
                value_end += 1
            while value_end > line and not self.lines[value_end].strip():
                value_end -= 1
            found[key] = _Block(start, line, value_end, end, col)
        return found

    def _indent(self, index: int) -> int:
        text = self.lines[index]
        return len(text) - len(text.lstrip(" "))

    def _is_comment(self, index: int) -> bool:
        return self.lines[index].lstrip().startswith("#")

    def _in_value(self, index: int, col: int) -> bool:
        stripped = self.lines[index].strip()
        if not stripped:
            return True
        indent = self._indent(index)
        return indent > col or (indent == col and (stripped == "-" or stripped.startswith("- ")))

    def text(self, first: int, last: int) -> list[str]:
        return self.lines[first:last + 1]


def _is_block_map(node: Any) -> bool:
    return isinstance(node, CommentedMap) and bool(node) and not node.fa.flow_style()


def _split_comment(text: str) -> tuple[str, str]:
    """Split a one-line value from its end-of-line comment (outside quotes)."""
    quote = ""
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t"):
            return text[:index].rstrip(), text[len(text[:index].rstrip()):]
    return text.rstrip("\r\n").rstrip(), text[len(text.rstrip("\r\n").rstrip()):]


@dataclass
class _Edits:
    deleted: set[int] = field(default_factory=set)
    replaced: dict[int, list[str]] = field(default_factory=dict)
    inserted: dict[int, list[str]] = field(default_factory=dict)
    conflicts: int = 0

    def replace(self, first: int, last: int, lines: list[str]) -> None:
        self.replaced[first] = lines
        self.deleted.update(range(first + 1, last + 1))

    def insert(self, at: int, lines: list[str]) -> None:
        self.inserted.setdefault(at, []).extend(lines)

    def apply(self, lines: list[str]) -> str:
        out: list[str] = []
        for index in range(len(lines) + 1):
            out += self.inserted.get(index, [])
            if index < len(lines) and index not in self.deleted:
                out += self.replaced.get(index, [lines[index]])
        return "".join(out)


def _reindent(lines: list[str], shift: int) -> list[str]:
    if shift > 0:
        return [(" " * shift + line) if line.strip() else line for line in lines]
    if shift < 0:
        return [line[-shift:] if line[:-shift].strip() == "" else line for line in lines]
    return lines


@dataclass
class _Level:
    """One mapping being merged, in its three versions: the keys, where each key's lines
    are, how much deeper the user's file indents it, and the keys the merge removes."""

    maps: tuple[Any, Any, Any]  # base, ours, theirs
    blocks: tuple[dict[Any, _Block], dict[Any, _Block], dict[Any, _Block]]
    shift: int
    removed: set[Any] = field(default_factory=set)

    @property
    def ours(self) -> dict[Any, _Block]:
        return self.blocks[1]

    @property
    def theirs(self) -> dict[Any, _Block]:
        return self.blocks[2]


# Keys of which an object may hold only one: the API server refuses a probe with two
# handlers, so a merge that would leave two is a conflict for the person to settle.
ONE_OF: dict[str, frozenset[str]] = {
    probe: frozenset({"httpGet", "tcpSocket", "exec", "grpc"})
    for probe in ("livenessProbe", "readinessProbe", "startupProbe")
}


def _breaks_one_of(root: Any) -> set[str]:
    """The top-level keys whose mapping holds more than one key of its ONE_OF group."""
    return {key for key, group in ONE_OF.items()
            if isinstance(root.get(key), dict) and len(group & set(root[key])) > 1}


class _Merger:
    def __init__(self, base: _Doc, ours: _Doc, theirs: _Doc, conflicted: frozenset[str] = frozenset()) -> None:
        self.base, self.ours, self.theirs = base, ours, theirs
        self.edits = _Edits()
        self.conflicted = conflicted  # top-level keys to write between markers whole

    def merge_map(self, maps: tuple[Any, Any, Any], limits: tuple[int, int, int]) -> bool:
        """Merge one mapping; True when every key of the user's version goes and none
        comes, so the parent must say `{}` (a key with nothing below reads as null)."""
        b_map, o_map, t_map = maps
        blocks = (self.base.blocks(b_map, limits[0]), self.ours.blocks(o_map, limits[1]),
                  self.theirs.blocks(t_map, limits[2]))
        bb, ob, tb = blocks
        shift = (next(iter(ob.values())).col - next(iter(tb.values())).col) if ob and tb else 0
        level = _Level(maps, blocks, shift)
        top = maps[1] is self.ours.root
        edits_before = (len(self.edits.inserted), self.edits.conflicts)
        for key in [*t_map, *(k for k in b_map if k not in t_map)]:
            if top and key in self.conflicted and key in tb:
                self._conflict_key(level, key)
                continue
            vb, vo, vt = (m.get(key, _MISSING) if key in m else _MISSING for m in maps)
            if key in bb and key in ob and key in tb:
                self._comment(bb[key], ob[key], tb[key], shift)
            if all(_is_block_map(v) for v in (vb, vo, vt)):
                if self.merge_map((vb, vo, vt), (bb[key].end, ob[key].end, tb[key].end)):
                    self._say_empty(ob[key])
                continue
            pb, po, pt = (_MISSING if v is _MISSING else yamlio.plain(v) for v in (vb, vo, vt))
            if _same(pt, pb) or _same(po, pt):
                continue
            if _same(po, pb) and pt is _MISSING:
                self._removal(level, key)
            elif _same(po, pb) and po is _MISSING:
                self.edits.insert(*self._placement(level, key))
            elif _same(po, pb):
                self._replace_value(level, key)
            elif pt is _MISSING:
                continue  # mkchart no longer writes this key, but the user changed it: theirs to keep
            else:
                self._conflict_key(level, key)
        self._remove(level)
        return bool(o_map) and set(o_map) <= level.removed and edits_before == (
            len(self.edits.inserted), self.edits.conflicts)

    def _say_empty(self, block: _Block) -> None:
        """`key:` whose every child went becomes `key: {}` (its comment kept)."""
        head, tail = _split_comment(self.ours.lines[block.key])
        self.edits.replace(block.key, block.key, [f"{head} {{}}{tail}"])

    def _removal(self, level: _Level, key: Any) -> None:
        """mkchart no longer writes `key`, whose value the user kept: it goes, unless the
        user's lines for it differ (a comment added or reworded): an edit, never dropped."""
        b, o = level.blocks[0][key], level.ours[key]
        mine, old = self.ours.text(o.start, o.end), self.base.text(b.start, b.end)
        if [line.strip() for line in mine if line.strip()] == [line.strip() for line in old if line.strip()]:
            level.removed.add(key)
            return
        self.edits.replace(o.start, o.end, conflict_lines(mine, []))
        self.edits.conflicts += 1

    def _comment(self, b: _Block, o: _Block, t: _Block, shift: int) -> None:
        old, mine, new = (doc.text(block.start, block.key - 1)
                          for doc, block in ((self.base, b), (self.ours, o), (self.theirs, t)))
        if mine == old and new != old and o.key > o.start:
            self.edits.replace(o.start, o.key - 1, _reindent(new, shift))
        elif mine == old and new != old:
            self.edits.insert(o.key, _reindent(new, shift))

    def _theirs_value(self, level: _Level, key: Any) -> list[str]:
        """The new render's lines for `key`'s value, indented as the user's file indents it."""
        t = level.theirs[key]
        return _reindent(self.theirs.text(t.key, t.value_end), level.shift)

    def _replace_value(self, level: _Level, key: Any) -> None:
        _, o_map, t_map = level.maps
        b, o, t = (blocks[key] for blocks in level.blocks)
        mine = self.ours.text(o.key, o.value_end)
        if o.key == o.value_end and t.key == t.value_end:
            o_col = o_map.lc.value(key)[1]
            t_col = t_map.lc.value(key)[1]
            o_line, t_line = mine[0], self.theirs.lines[t.key]
            if o_map.lc.value(key)[0] == o.key and t_map.lc.value(key)[0] == t.key:
                # A one-line value: swap the value, keep the user's end-of-line comment.
                _, tail = _split_comment(o_line[o_col:])
                value, _ = _split_comment(t_line[t_col:])
                self.edits.replace(o.key, o.key, [o_line[:o_col] + value + tail])
                return
        if [line.lstrip() for line in mine] != [line.lstrip() for line in self.base.text(b.key, b.value_end)]:
            # Same data, other text (a comment inside a list, say): not ours to rewrite.
            self.edits.replace(o.key, o.value_end, conflict_lines(mine, self._theirs_value(level, key)))
            self.edits.conflicts += 1
            return
        self.edits.replace(o.key, o.value_end, self._theirs_value(level, key))

    def _placement(self, level: _Level, key: Any) -> tuple[int, list[str]]:
        """Where a key new to the user's file goes (after the sibling it follows in the new
        render) and its lines, with the blank lines that separate it there."""
        ob, tb = level.ours, level.theirs
        order = list(level.maps[2])
        at = order.index(key)
        t = tb[key]
        # Only its own lines: from the end of the key before it in the new render to the start
        # of the key after it. A neighbour new too is placed on its own; one the user deleted
        # stays deleted.
        for prev in reversed(order[:at]):
            if prev in ob and prev not in level.removed:
                first = tb[order[at - 1]].end + 1
                return ob[prev].end + 1, _reindent(self.theirs.text(first, t.end), level.shift)
        for nxt in order[at + 1:]:
            if nxt in ob and nxt not in level.removed:
                stop = tb[order[at + 1]].start - 1
                return ob[nxt].start, _reindent(self.theirs.text(t.start, stop), level.shift)
        last = max((b.end for b in ob.values()), default=-1)
        return last + 1, _reindent(self.theirs.text(t.start, t.end), level.shift)

    def _conflict_key(self, level: _Level, key: Any) -> None:
        theirs = self._theirs_value(level, key)
        o = level.ours.get(key)
        if o is None:
            at, _ = self._placement(level, key)
            self.edits.insert(at, conflict_lines([], theirs))
        else:
            self.edits.replace(o.key, o.value_end, conflict_lines(self.ours.text(o.key, o.value_end), theirs))
        self.edits.conflicts += 1

    def _remove(self, level: _Level) -> None:
        ob = level.ours
        order = list(level.maps[1])
        for key in level.removed:
            at = order.index(key)
            block = ob[key]
            if at + 1 < len(order):
                self.edits.deleted.update(range(block.start, ob[order[at + 1]].start))
            elif at > 0:
                self.edits.deleted.update(range(ob[order[at - 1]].end + 1, block.end + 1))
            else:
                self.edits.deleted.update(range(block.start, block.end + 1))


def _load(text: str) -> _Doc | None:
    from ruamel.yaml.error import YAMLError

    try:
        root = yamlio.load_round_trip(text)
    except YAMLError:
        return None
    return _Doc(text.splitlines(keepends=True), root) if _is_block_map(root) else None


def merge_values(base: str, ours: str, theirs: str) -> Merged | None:
    """Merge three versions of values.yaml by structure, or None when that is not safe."""
    b, o, t = (_load(text) for text in (base, ours, theirs))
    if b is None or o is None or t is None or not all(d.lines[-1].endswith("\n") for d in (b, o, t)):
        return None
    if any(line.lstrip().startswith("? ") for d in (b, o, t) for line in d.lines):
        return None  # complex keys (`? key` / `: value`): a layout the line merge handles
    merged = _merge(b, o, t, frozenset())
    if merged is None or merged.conflicts:
        return merged
    parsed = _load(merged.text)
    broken = _breaks_one_of(parsed.root) if parsed is not None else set()
    return _merge(b, o, t, frozenset(broken)) if broken else merged


def _merge(b: _Doc, o: _Doc, t: _Doc, conflicted: frozenset[str]) -> Merged | None:
    merger = _Merger(b, o, t, conflicted)
    try:
        merger.merge_map((b.root, o.root, t.root), (len(b.lines) - 1, len(o.lines) - 1, len(t.lines) - 1))
    except (KeyError, ValueError, TypeError, IndexError):
        return None  # a layout the text editor does not understand: the line merge takes over
    first = [min(blocks.start for blocks in d.blocks(d.root, len(d.lines) - 1).values()) for d in (b, o, t)]
    preamble = [d.text(0, f - 1) for d, f in zip((b, o, t), first, strict=True)]
    if preamble[1] == preamble[0] and preamble[2] != preamble[0]:
        merger.edits.insert(0, preamble[2])
        merger.edits.deleted.update(range(first[1]))
    elif preamble[1] not in (preamble[0], preamble[2]) and preamble[2] != preamble[0]:
        merger.edits.insert(0, conflict_lines(preamble[1], preamble[2]))
        merger.edits.deleted.update(range(first[1]))
        merger.edits.conflicts += 1
    text = merger.edits.apply(o.lines)
    if not merger.edits.conflicts and _load(text) is None:
        return None
    return Merged(text, merger.edits.conflicts)
