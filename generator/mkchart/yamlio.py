"""YAML reading and writing in one place (ruamel.yaml), imported only when needed."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path
from typing import Any

from mkchart.errors import AnswersFileError
from mkchart.i18n import t


@cache
def _safe() -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=False)


@cache
def _round_trip() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: keeps comments and key order when a file is rewritten
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def parse(text: str, source: str) -> Any:
    """Parse YAML text; a syntax error becomes one line naming the file and the place."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return _safe().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = t("e.yaml.where", line=mark.line + 1, column=mark.column + 1) if mark else ""
        raise AnswersFileError(t("e.yaml.syntax", source=source, where=where, problem=exc.problem),
                               t("e.yaml.syntax.hint")) from None
    except YAMLError as exc:
        raise AnswersFileError(t("e.yaml.other", source=source, error=exc), t("e.yaml.other.hint")) from None


def read_mapping(path: Path, given_as: str = "--answers") -> dict[str, Any]:
    """Read a YAML file whose top level must be a mapping (an answers or batch file);
    `given_as` names where the path came from, for the hint."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnswersFileError(t("e.answers.not_found", path=path),
                               t("e.answers.not_found.hint", given_as=given_as)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersFileError(t("e.answers.unreadable", path=path, error=exc),
                               t("e.answers.unreadable.hint")) from None
    data = parse(text, str(path))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AnswersFileError(t("e.answers.top", path=path, kind=type(data).__name__), t("e.answers.top.hint"))
    return data


def load_round_trip(text: str) -> Any:
    return _round_trip().load(text)


def plain(node: Any) -> Any:
    """A round-trip node as plain dicts, lists and scalars, for validation and comparison."""
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
        return True, int(text)
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
    root: dict[str, Any] = {}
    stack: list[tuple[int, Any]] = [(0, root)]  # (indent of the children, container)
    opened: tuple[dict[str, Any], str, int] | None = None  # a key whose block comes next
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line[indent:]
        if opened is not None:
            parent, key, at = opened
            if indent != at + 2:
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
            ok, item = _own_scalar(body[2:]) if body.startswith("- ") else (False, None)
            if not ok:
                return None
            container.append(item)
            continue
        pair = _own_key_value(body)
        if pair is None:
            return None
        key, value_text = pair
        if value_text is None:
            opened = (container, key, indent)
            continue
        ok, value = _own_scalar(value_text)
        if not ok:
            return None
        container[key] = value
    return None if opened is not None else root
