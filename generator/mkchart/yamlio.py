"""YAML reading and writing in one place (ruamel.yaml), imported only when needed.

Every YAML input mkchart reads comes from a person or a repository, so reading is
bounded: a file of at most `safeio.INPUT_LIMIT` bytes, nesting at most `MAX_DEPTH` deep,
aliases that expand to at most `MAX_NODES` values (a 3 KB "billion laughs" file would
otherwise expand to gigabytes when walked), and numbers of at most `MAX_NUMBER_LENGTH`
characters. Anything beyond is refused with a message naming the file.

Answers are read keeping the text as written (`parse(..., keep_text=True)`): a number or
boolean becomes a `TextInt`, `TextFloat` or `TextBool` that carries its source text, so a
string answer written `tag: 0812` or `JAVA_VERSION: 1.10` stays "0812" and "1.10" rather
than the 812 and 1.1 YAML reads; `mkchart.answers` takes the text or the value by each
key's type, right where the answers enter.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from mkchart.errors import AnswersFileError, UnsafeFileError
from mkchart.i18n import t
from mkchart.safeio import read_regular

# The most values a YAML input may expand to (its aliases followed), and the deepest it
# may nest: real answers and services files hold a few thousand values, ten levels deep.
MAX_NODES = 100_000
MAX_DEPTH = 64
# The longest number mkchart reads: Python refuses to convert integers of more than 4,300
# digits, and converting long ones costs quadratic time; no answer needs more than ten.
MAX_NUMBER_LENGTH = 1000


class TextInt(int):
    """An integer as YAML read it, with the text it was written as (`0812`, `0x1f`)."""

    source: str

    def __new__(cls, value: int, source: str) -> TextInt:
        made = super().__new__(cls, value)
        made.source = source
        return made


class TextFloat(float):
    """A float as YAML read it, with the text it was written as (`1.10`, `1e3`)."""

    source: str

    def __new__(cls, value: float, source: str) -> TextFloat:
        made = super().__new__(cls, value)
        made.source = source
        return made


class TextBool:
    """A boolean as YAML read it, with the text it was written as (`True`, `FALSE`); not a
    bool (bool cannot be subclassed), so it never leaves the reading of answers: see
    `plain` and `mkchart.answers.resolve.as_written`."""

    __slots__ = ("source", "value")

    def __init__(self, value: bool, source: str) -> None:
        self.value = value
        self.source = source

    def __bool__(self) -> bool:
        return self.value

    def __eq__(self, other: object) -> bool:
        return bool(other) == self.value if isinstance(other, bool | TextBool) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return self.source


def source_text(value: Any) -> str | None:
    """The text a scalar was written as, when it was read with `keep_text`; else None."""
    return value.source if isinstance(value, TextInt | TextFloat | TextBool) else None


class _BoundError(Exception):
    """Raised while constructing: the input goes beyond a bound (message id and values)."""

    def __init__(self, message_id: str, mark: Any = None, **params: Any) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.mark = mark
        self.params = params


@cache
def _constructor() -> Any:
    """ruamel's safe constructor, bounded: merge keys (`<<: *base`) keep one entry per key,
    so that merges of merges cannot multiply, and long numbers are refused."""
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.nodes import ScalarNode

    class BoundedConstructor(SafeConstructor):
        def flatten_mapping(self, node: Any) -> Any:
            super().flatten_mapping(node)
            merged = getattr(node, "merge", None)
            if merged:
                own = node.value[len(merged):]
                # The last entry of a key wins when the mapping is built: keep only that one.
                last = {}
                for index, (key, _) in enumerate(merged):
                    last[(key.tag, key.value) if isinstance(key, ScalarNode) else id(key)] = index
                node.merge = [merged[index] for index in sorted(last.values())]
                node.value = node.merge + own

        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            # No answer is a date: a date-like value is the text written (and 2024-13-45,
            # no date at all, is no error).
            return str(node.value)

        def construct_yaml_int(self, node: Any) -> Any:
            if len(node.value) > MAX_NUMBER_LENGTH:
                raise _BoundError("e.yaml.long_number", node.start_mark, length=len(node.value),
                               most=MAX_NUMBER_LENGTH)
            return super().construct_yaml_int(node)

    BoundedConstructor.add_constructor("tag:yaml.org,2002:int", BoundedConstructor.construct_yaml_int)
    BoundedConstructor.add_constructor("tag:yaml.org,2002:timestamp", BoundedConstructor.construct_yaml_timestamp)
    return BoundedConstructor


@cache
def _text_constructor() -> Any:
    """The bounded constructor that keeps each number's and boolean's source text."""

    class TextConstructor(_constructor()):  # type: ignore[misc]
        def construct_yaml_int(self, node: Any) -> Any:
            return TextInt(super().construct_yaml_int(node), node.value)

        def construct_yaml_float(self, node: Any) -> Any:
            return TextFloat(super().construct_yaml_float(node), node.value)

        def construct_yaml_bool(self, node: Any) -> Any:
            return TextBool(super().construct_yaml_bool(node), node.value)

    for tag, method in (("int", TextConstructor.construct_yaml_int), ("float", TextConstructor.construct_yaml_float),
                        ("bool", TextConstructor.construct_yaml_bool)):
        TextConstructor.add_constructor(f"tag:yaml.org,2002:{tag}", method)
    return TextConstructor


@cache
def _safe(keep_text: bool = False) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)
    yaml.Constructor = _text_constructor() if keep_text else _constructor()
    return yaml


@cache
def _round_trip() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: keeps comments and key order when a file is rewritten
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


# Each level of nesting starts with one of these characters ('[', '{', a '-' entry, a
# ':' or '?' key), so a text with fewer of them cannot nest deeper than that count.
_NESTING = "[{-:?"
# The C parser builds nested nodes by recursion: beyond some ten thousand levels it
# overflows the C stack (a crash, not an exception). Texts that could nest deeper than
# this are measured first, from the parser's events, which need no recursion.
_MEASURE_FROM = 2000


def _nesting_depth(text: str) -> int:
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

    depth = deepest = 0
    for event in _safe().parse(text):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return deepest


def _measure(value: Any) -> None:
    """Refuse a parsed value that expands beyond `MAX_NODES` values or nests beyond
    `MAX_DEPTH` levels. Shared collections (aliases) are measured once, so a bomb costs
    no more to measure than its text; a collection that holds itself is too deep."""
    measured: dict[int, tuple[int, int]] = {}  # id -> (values, levels)
    open_now: set[int] = set()
    collections = (dict, list, tuple, set)

    def walk(node: Any, depth: int) -> tuple[int, int]:
        key = id(node)
        if key in open_now or depth > MAX_DEPTH:
            raise _BoundError("e.yaml.too_deep", most=MAX_DEPTH)
        if key in measured:
            values, levels = measured[key]
        else:
            open_now.add(key)
            values, levels = 1, 1
            children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            for child in children:
                if isinstance(child, collections):  # a scalar counts one, with no level
                    size, below = walk(child, depth + 1)
                    values += size
                    levels = max(levels, below + 1)
                else:
                    values += 1
                if values > MAX_NODES:
                    raise _BoundError("e.yaml.too_big", most=MAX_NODES)
            open_now.discard(key)
            measured[key] = values, levels
        if depth + levels > MAX_DEPTH + 1:
            raise _BoundError("e.yaml.too_deep", most=MAX_DEPTH)
        return values, levels

    if isinstance(value, collections):
        walk(value, 1)


def parse(text: str, source: str, keep_text: bool = False) -> Any:
    """Parse YAML text; a syntax error becomes one line naming the file and the place, and
    an input beyond the bounds (see the module) is refused the same way. With
    `keep_text`, numbers and booleans carry their source text (see the module)."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        if sum(map(text.count, _NESTING)) > _MEASURE_FROM and _nesting_depth(text) > MAX_DEPTH:
            raise _BoundError("e.yaml.too_deep", most=MAX_DEPTH)
        value = _safe(keep_text).load(text)
        _measure(value)
        return value
    except _BoundError as refused:
        mark = refused.mark
        where = t("e.yaml.where", line=mark.line + 1, column=mark.column + 1) if mark else ""
        raise AnswersFileError(t(refused.message_id, source=source, where=where, **refused.params),
                               t(f"{refused.message_id}.hint")) from None
    except RecursionError:  # nested deeper than Python's stack, yet below _MEASURE_FROM
        raise AnswersFileError(t("e.yaml.too_deep", source=source, where="", most=MAX_DEPTH),
                               t("e.yaml.too_deep.hint")) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = t("e.yaml.where", line=mark.line + 1, column=mark.column + 1) if mark else ""
        raise AnswersFileError(t("e.yaml.syntax", source=source, where=where, problem=exc.problem),
                               t("e.yaml.syntax.hint")) from None
    except (YAMLError, ValueError) as exc:  # ValueError: a scalar Python cannot build
        raise AnswersFileError(t("e.yaml.other", source=source, error=exc), t("e.yaml.other.hint")) from None


def read_mapping(path: Path, given_as: str = "--answers", keep_text: bool = False) -> dict[str, Any]:
    """Read a YAML file whose top level must be a mapping (an answers or batch file);
    `given_as` names where the path came from, for the hint; `keep_text` as for `parse`.

    Only a regular file of at most `safeio.INPUT_LIMIT` bytes is read, opened without
    blocking: a FIFO or a device such as /dev/zero is refused, never waited on."""
    try:
        text = read_regular(path).decode("utf-8")
    except FileNotFoundError:
        raise AnswersFileError(t("e.answers.not_found", path=path),
                               t("e.answers.not_found.hint", given_as=given_as)) from None
    except UnsafeFileError as exc:
        raise AnswersFileError(exc.message, exc.hint) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersFileError(t("e.answers.unreadable", path=path, error=exc),
                               t("e.answers.unreadable.hint")) from None
    data = parse(text, str(path), keep_text)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AnswersFileError(t("e.answers.top", path=path, kind=type(data).__name__), t("e.answers.top.hint"))
    return data


def load_round_trip(text: str) -> Any:
    """Parse with comments kept (for rewriting), within the same bounds as `parse`; beyond
    them, or for a value Python cannot build (a 5,000-digit number, the 13th month), it
    raises ruamel's YAMLError as for text that is not YAML."""
    from ruamel.yaml.error import YAMLError

    try:
        if sum(map(text.count, _NESTING)) > _MEASURE_FROM and _nesting_depth(text) > MAX_DEPTH:
            raise _BoundError("e.yaml.too_deep")
        value = _round_trip().load(text)
        _measure(value)
        return value
    except (_BoundError, RecursionError, ValueError) as error:
        raise YAMLError(str(error)) from None


def plain(node: Any) -> Any:
    """A round-trip node (or a tree read with `keep_text`) as plain dicts, lists and
    scalars, for validation and comparison."""
    if isinstance(node, TextBool):
        return node.value
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def dump_round_trip(data: Any) -> str:
    buffer = io.StringIO()
    _round_trip().dump(data, buffer)
    return buffer.getvalue()


# --- a fast emitter for plain trees -------------------------------------------------------
# ruamel's emitter costs ~8 ms per answers file, more than rendering a whole chart; batch
# runs write hundreds of them. Trees mkchart writes hold only mappings, lists, strings,
# integers and booleans, so a small emitter with conservative quoting does the job.

_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./@+-]*( [A-Za-z0-9_./@+-]+)*")
_RESERVED = {"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "null"
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED and not text.endswith(":"):
        return text
    return _double_quoted(text)


def styled(value: Any) -> Any:
    """`value` with the quoting `dump_plain` gives it, for ruamel round-trip edits, so a
    file written fresh and one edited in place come out the same."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = styled(item)
        _set_style(mapping)
        return mapping
    if isinstance(value, list | tuple):
        sequence = CommentedSeq(styled(item) for item in value)
        _set_style(sequence)
        return sequence
    if isinstance(value, str) and _scalar(value).startswith('"'):
        return DoubleQuotedScalarString(value)
    return value


def _set_style(node: Any) -> None:
    # dump_plain writes empty collections as {} / [] and the rest in block style.
    if node:
        node.fa.set_block_style()
    else:
        node.fa.set_flow_style()


def _double_quoted(text: str) -> str:
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    # YAML's double-quoted escapes; unlike JSON's, \U takes astral characters whole.
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def _emit(node: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in node.items():
        head = f"{pad}{_scalar(key)}:"
        if isinstance(value, dict) and value:
            out.append(head)
            _emit(value, indent + 2, out)
        elif isinstance(value, list | tuple) and value:
            out.append(head)
            for item in value:
                out.append(f"{pad}  - {_scalar(item)}")
        elif isinstance(value, dict):
            out.append(f"{head} {{}}")
        elif isinstance(value, list | tuple):
            out.append(f"{head} []")
        else:
            out.append(f"{head} {_scalar(value)}")


def dump_plain(tree: dict[str, Any]) -> str:
    """Block-style YAML for a tree of mappings, lists of scalars and scalars."""
    out: list[str] = []
    _emit(tree, 0, out)
    return "\n".join(out) + "\n"


# --- reading back what dump_plain wrote, fast ---------------------------------------------
# A chart's record is read on every regen (twice per chart in a batch re-run), and the full
# YAML loader costs ~1 ms a file. Output of `dump_plain` is a small subset of YAML, so it is
# read here directly; the caller re-emits the tree and keeps it only if the text is the
# same (see mkchart.record), else it parses the file with the full loader.

_INT = re.compile(r"-?[0-9]+")
_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _unquote(text: str) -> str | None:
    """A double-quoted scalar as `_double_quoted` writes it; None for anything else."""
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return None
    out, index, body = [], 0, text[1:-1]
    while index < len(body):
        char = body[index]
        if char == '"':
            return None
        if char != "\\":
            out.append(char)
            index += 1
            continue
        code = body[index + 1:index + 2]
        if code in ('"', "\\"):
            out.append(code)
            index += 2
        elif code in _ESCAPES:
            digits = body[index + 2:index + 2 + _ESCAPES[code]]
            if len(digits) != _ESCAPES[code] or not all(c in "0123456789abcdefABCDEF" for c in digits):
                return None
            out.append(chr(int(digits, 16)))
            index += 2 + _ESCAPES[code]
        else:
            return None
    return "".join(out)


def _own_scalar(text: str) -> tuple[bool, Any]:
    if text.startswith('"'):
        value = _unquote(text)
        return value is not None, value
    simple: dict[str, Any] = {"true": True, "false": False, "null": None, "{}": {}, "[]": []}
    if text in simple:
        return True, simple[text]
    if _INT.fullmatch(text):
        # A long number goes to the full parser, whose refusal names the file.
        return len(text) <= 20, int(text) if len(text) <= 20 else None
    return bool(_PLAIN.fullmatch(text)), text


def _own_key_value(body: str) -> tuple[str, str | None] | None:
    """`key: value` or `key:` (a block follows) as (key, value text or None)."""
    if body.startswith('"'):
        end = 1
        while end < len(body) and body[end] != '"':
            end += 2 if body[end] == "\\" else 1
        key, rest = _unquote(body[:end + 1]), body[end + 1:]
    else:
        key, colon, tail = body.partition(":")
        rest = colon + tail
    if key is None or not rest.startswith(":"):
        return None
    if rest == ":":
        return key, None
    return (key, rest[2:]) if rest.startswith(": ") else None


def load_own(text: str) -> dict[str, Any] | None:
    """The tree `dump_plain` wrote (comment lines skipped), or None when `text` is not in
    that form. Only a re-emit compared with the text proves the tree right."""
    return _load_blocks(text, _own_scalar, any_indent=False)


_QUANTITY_WORD = re.compile(r"[0-9]+(m|k|Ki|Mi|Gi|Ti|M|G|T)")


def _flow_mapping(text: str) -> dict[str, Any] | None:
    """`{key: value, key: value}` with scalar values as the skeleton writes them."""
    if not (text.startswith("{") and text.endswith("}")):
        return None
    found: dict[str, Any] = {}
    body, start, quoted, index = text[1:-1], 0, False, 0
    parts = []
    while index < len(body):
        char = body[index]
        if char == "\\" and quoted:
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            parts.append(body[start:index].strip())
            start = index + 1
        index += 1
    parts.append(body[start:].strip())
    for part in parts:
        pair = _own_key_value(part)
        if pair is None or pair[1] is None:
            return None
        ok, value = _values_scalar(pair[1])
        if not ok or pair[0] in found:
            return None
        found[pair[0]] = value
    return found


def _values_scalar(text: str) -> tuple[bool, Any]:
    if text.startswith("{") and text != "{}":
        mapping = _flow_mapping(text)
        return mapping is not None, mapping
    if text.lower() in _RESERVED - {"true", "false", "null"}:
        return False, None  # yes, on, ~: words YAML versions read differently, for the full parser
    if _QUANTITY_WORD.fullmatch(text):
        return True, text  # 10m, 16Mi: a string to YAML (no number has a letter after its digits)
    return _own_scalar(text)


def _load_blocks(text: str, scalar: Callable[[str], tuple[bool, Any]], any_indent: bool) -> dict[str, Any] | None:
    """Block mappings and lists of scalars, comment lines skipped, each scalar read by
    `scalar`; None for anything else. `any_indent`: a block may be indented by any number
    of spaces (values.yaml's lists sit at their key's column + 2, as do its mappings)."""
    root: dict[str, Any] = {}
    stack: list[tuple[int, Any]] = [(0, root)]  # (indent of the children, container)
    opened: tuple[dict[str, Any], str, int] | None = None  # a key whose block comes next
    for line in text.splitlines():
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        indent = len(line) - len(body)
        if opened is not None:
            parent, key, at = opened
            if indent <= at or (not any_indent and indent != at + 2):
                return None
            parent[key] = [] if body.startswith("- ") else {}
            stack.append((indent, parent[key]))
            opened = None
        while stack[-1][0] > indent:
            stack.pop()
        depth, container = stack[-1]
        if depth != indent:
            return None
        if isinstance(container, list):
            ok, item = scalar(body[2:]) if body.startswith("- ") else (False, None)
            if not ok:
                return None
            container.append(item)
            continue
        pair = _own_key_value(body)
        if pair is None or pair[0] in container:
            return None
        key, value_text = pair
        if value_text is None:
            opened = (container, key, indent)
            continue
        ok, value = scalar(value_text)
        if not ok:
            return None
        container[key] = value
    return None if opened is not None else root


def load_values(text: str) -> dict[str, Any] | None:
    """A chart's values.yaml as the skeleton renders it (block mappings, lists of scalars or
    of flow mappings, comments), read in one pass without the full parser: a batch writes
    the values table and schema of every chart from it. None for anything else, which the
    caller reads with `parse`."""
    return _load_blocks(text, _values_scalar, any_indent=True)


def parse_as_helm(text: str, source: str) -> Any:
    """`text` read with YAML 1.1's scalars, as Helm's Go reader takes a values file (`yes`
    and `on` are true, `010` is 8), after `parse` has checked its size and nesting: what
    Helm will hold against the chart's schema."""
    import warnings

    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    parse(text, source)  # the bounds, and a refusal that names the file
    reader = YAML(typ="safe", pure=True)
    reader.version = (1, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 1e3 without a dot: YAML 1.1 frowns, Go reads it
        try:
            return reader.load(text)
        except YAMLError as error:
            raise AnswersFileError(f"{source}: {error}") from None
