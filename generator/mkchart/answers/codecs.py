"""How each type of answer is read: one codec per type, for both kinds of input.

`value` takes what YAML gave (an answers file, a batch entry, a chart's record) and
`text` takes what was typed (`--set KEY=TEXT`, a prompt), so `image.tag=9.0` stays the
string 9.0 and `replicas: "2"` is refused the same way from every source. Both raise
`AnswerError` naming the key.

`written` comes first, where YAML enters (see `resolve.as_written`): YAML read with its
text kept gives numbers and booleans that carry the text they were written as, and a
string answer takes that text (`tag: 0812` is "0812", `JAVA_VERSION: 1.10` is "1.10",
an argument `True` is "True"), while a number or boolean answer takes the value.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from mkchart import yamlio
from mkchart.answers.tree import Only, Replace
from mkchart.errors import AnswerError, brief, clipped
from mkchart.i18n import t

_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


@dataclass(frozen=True)
class Codec:
    kind: str  # the type's name in messages: message id e.type.KIND
    value: Callable[[Any, str], Any]  # (a YAML value, key) -> the typed value
    text: Callable[[str, str], Any]  # (typed text, key) -> a value for `value`
    written: Callable[[Any], Any] = yamlio.plain  # (YAML read with its text kept) -> a value for `value`


def as_text(raw: Any) -> Any:
    """A YAML scalar as the text it was written as, when it was read with its text kept;
    anything else as plain values (a string stays as it is)."""
    if isinstance(raw, str):
        return raw
    source = yamlio.source_text(raw)
    return yamlio.plain(raw) if source is None else source


def _texts(raw: Any) -> Any:
    return [as_text(item) for item in raw] if isinstance(raw, list) else yamlio.plain(raw)


def _text_map(raw: Any) -> Any:
    return {as_text(k): as_text(v) for k, v in raw.items()} if isinstance(raw, Mapping) else yamlio.plain(raw)


def _wrong(kind: str, raw: Any, path: str) -> AnswerError:
    return AnswerError(path, t("e.type", type=t(f"e.type.{kind}"), value=brief(raw)))


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_int(raw: Any) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool)


# Characters no string answer may hold: C0 controls but tab and newline, DEL, C1 controls,
# the line and paragraph separators U+2028/U+2029, lone surrogates, U+FFFE and U+FFFF.
# Helm's toYaml fails on most of them without a word (both probes vanish from the
# Deployment); it breaks lines at U+2028/U+2029 where `nindent` does not indent, which
# garbles the manifest; YAML cannot hold the surrogates; and none has a use in an answer.
# Everything else reaches the objects byte for byte (tests/test_string_answers_property.py).
UNCARRIED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def character_name(char: str) -> str:
    return f"U+{ord(char):04X}"


def carried(text: str, path: str) -> str:
    """`text`, unless it holds a character in `UNCARRIED`: then `AnswerError` naming the
    key and the character (U+XXXX)."""
    found = UNCARRIED.search(text)
    if found:
        raise AnswerError(path, t("v.control", char=character_name(found.group())), t("v.control.hint"))
    return text


def _str_value(raw: Any, path: str) -> str:
    if isinstance(raw, str):
        return carried(raw, path)
    if _is_int(raw):
        return str(raw)
    if isinstance(raw, float):
        # YAML read 1.10 as the number 1.1: the text the user meant is already lost.
        raise AnswerError(path, t("e.yaml_number", value=brief(raw)),
                          t("e.yaml_number.hint", key=path.rsplit(".", 1)[-1], raw=raw))
    raise _wrong("str", raw, path)


def _int_value(raw: Any, path: str) -> int:
    if _is_int(raw):
        return int(raw)
    raise _wrong("int", raw, path)


def _int_text(text: str, path: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _wrong("int", text, path) from None


def _bool_value(raw: Any, path: str) -> bool:
    if isinstance(raw, bool):
        return raw
    raise _wrong("bool", raw, path)


def _bool_text(text: str, path: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _wrong("bool", text, path)


def _list_value(raw: Any, path: str) -> tuple[str, ...]:
    if isinstance(raw, list | tuple) and all(_is_scalar(item) for item in raw):
        return tuple(carried(_scalar_text(item), f"{path}[{index}]") for index, item in enumerate(raw))
    raise _wrong("list", raw, path)


def _list_text(text: str, path: str) -> Any:
    if text.startswith("["):
        value = yamlio.parse(text, f"--set {path}", keep_text=True)
        if not isinstance(value, list):
            raise AnswerError(path, t("e.list"))
        return _texts(value)
    return [item for item in text.split(",") if item != ""]


def _map_value(raw: Any, path: str) -> dict[str, str]:
    if isinstance(raw, Mapping) and all(_is_scalar(item) for item in raw.values()):
        return {carried(str(k), path): carried(_scalar_text(item), f"{path}.{clipped(str(k))}")
                for k, item in raw.items()}
    raise _wrong("dict", raw, path)


def _map_text(text: str, path: str) -> Replace:
    pairs: dict[str, str] = {}
    for item in filter(None, text.split(",")):
        key, sep, value = item.partition("=")
        if not sep:
            raise AnswerError(path, t("e.pairs", item=brief(item)), t("e.pairs.hint", path=path))
        pairs[key] = value
    return Replace(pairs)


def _sections_value(raw: Any, path: str) -> dict[str, Any]:
    """Named sections (environments): a mapping of NAME to its answers, or a list of names."""
    if isinstance(raw, Only):
        return raw
    if isinstance(raw, list | tuple) and all(_is_scalar(item) for item in raw):
        return Only({_scalar_text(item): {} for item in raw})
    if isinstance(raw, Mapping) and all(_is_scalar(name) for name in raw):
        return {_scalar_text(name): section for name, section in raw.items()}
    raise _wrong("sections", raw, path)


def _sections_text(text: str, path: str) -> Only:
    return Only({name.strip(): {} for name in text.split(",") if name.strip()})


def _sections_written(raw: Any) -> Any:
    if isinstance(raw, list):
        return Only({as_text(item): {} for item in raw})
    return yamlio.plain(raw)


def _same(text: str, path: str) -> str:
    return text


CODECS: dict[Any, Codec] = {
    str: Codec("str", _str_value, _same, as_text),
    int: Codec("int", _int_value, _int_text),
    bool: Codec("bool", _bool_value, _bool_text),
    tuple: Codec("list", _list_value, _list_text, _texts),
    dict: Codec("dict", _map_value, _map_text, _text_map),
}


def _optional(inner: Codec) -> Codec:
    """Empty is allowed: None from YAML, or empty text."""
    return Codec(inner.kind,
                 lambda raw, path: None if raw is None else inner.value(raw, path),
                 lambda text, path: None if text == "" else inner.text(text, path),
                 inner.written)


SECTIONS = Codec("sections", _sections_value, _sections_text, _sections_written)


@cache
def codec(tp: Any) -> Codec:
    """The codec of a leaf type of the model: str, int, bool, X | None, tuple, dict, and a
    mapping of named sections (made once per type: every leaf of every answers tree asks)."""
    if typing.get_origin(tp) is dict and isinstance(typing.get_args(tp)[1], type) and hasattr(
            typing.get_args(tp)[1], "__dataclass_fields__"):
        return SECTIONS
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        return _optional(codec(inner))
    return CODECS[typing.get_origin(tp) or tp]
