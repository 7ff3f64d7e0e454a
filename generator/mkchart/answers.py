"""From raw inputs to one validated `Answers`: layering, type checks, rules, `--set`.

Precedence, strongest first (issue #2, docs/answers.md):
`--set` > answers file > the name's parts > the server-type profile > built-in defaults.
Every path into mkchart (flags, answers file, batch entry, prompt) ends up here.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from mkchart import profiles
from mkchart import validators as v
from mkchart.errors import InvalidAnswer, InvalidAnswers, MissingAnswers, UsageError
from mkchart.i18n import t
from mkchart.model import PROBE_STYLES, Answers
from mkchart.naming import NameParts, name_problem, split_name

Tree = dict[str, Any]


# --- the schema, read off the dataclasses -------------------------------------------


@dataclass(frozen=True)
class Key:
    """One leaf of the answers tree, such as `probe.style`."""

    path: str
    type: Any  # str, int, bool, int | None, tuple[str, ...], dict[str, str]
    field: dataclasses.Field[Any]

    @property
    def doc(self) -> str:
        return self.field.metadata.get("doc", "")

    @property
    def choices(self) -> tuple[str, ...]:
        if self.path == "serverType":
            return tuple(profiles.all_profiles())
        return self.field.metadata.get("choices", ())

    @property
    def required(self) -> bool:
        return self.field.default is dataclasses.MISSING and self.field.default_factory is dataclasses.MISSING


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def iter_keys(cls: type = Answers, prefix: str = "") -> Iterator[Key]:
    """Every leaf key in document order, e.g. `name`, ..., `image.repository`, ..."""
    hints = _hints(cls)
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        if _is_model(tp):
            yield from iter_keys(tp, f"{prefix}{f.name}.")
        else:
            yield Key(prefix + f.name, tp, f)


@cache
def keys() -> dict[str, Key]:
    return {k.path: k for k in iter_keys()}


# --- conversion with every problem collected -----------------------------------------


def _type_name(tp: Any) -> str:
    kind = {str: "str", int: "int", bool: "bool"}.get(
        tp, "list" if typing.get_origin(tp) is tuple else "dict" if typing.get_origin(tp) is dict else "value")
    return t(f"e.type.{kind}")


def _convert(tp: Any, raw: Any, path: str, problems: list[InvalidAnswer]) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if raw is None:
            return None
        tp = next(arg for arg in typing.get_args(tp) if arg is not type(None))
        origin = typing.get_origin(tp)
    if _is_model(tp):
        if not isinstance(raw, Mapping):
            problems.append(InvalidAnswer(path, t("e.mapping", value=repr(raw))))
            return None
        return _build(tp, raw, path + ".", problems, [])
    if tp is bool:
        if isinstance(raw, bool):
            return raw
    elif tp is int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
    elif tp is str:
        if isinstance(raw, str):
            return raw
        if isinstance(raw, int) and not isinstance(raw, bool):
            return str(raw)
        if isinstance(raw, float):
            problems.append(InvalidAnswer(
                path, t("e.yaml_number", value=repr(raw)),
                t("e.yaml_number.hint", key=path.rsplit(".", 1)[-1], raw=raw)))
            return None
    elif origin is tuple:
        if isinstance(raw, list | tuple) and all(_is_scalar(item) for item in raw):
            return tuple(_scalar_text(item) for item in raw)
    elif origin is dict:
        if isinstance(raw, Mapping) and all(_is_scalar(item) for item in raw.values()):
            return {str(k): _scalar_text(item) for k, item in raw.items()}
    problems.append(InvalidAnswer(path, t("e.type", type=_type_name(tp), value=repr(raw))))
    return None


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _unknown_key(path: str, known: list[str]) -> InvalidAnswer:
    name = path.rsplit(".", 1)[-1]
    close = difflib.get_close_matches(name, known, n=1)
    hint = t("e.did_you_mean", close=close[0]) if close else t("e.known_keys", keys=", ".join(known))
    return InvalidAnswer(path, t("e.unknown_key"), t("e.unknown_key.hint", hint=hint))


def _leaf(f: dataclasses.Field[Any], tp: Any, raw: Any, path: str, problems: list[InvalidAnswer]) -> tuple[bool, Any]:
    """Convert and check one leaf value: (True, value), or (False, None) with the problem noted."""
    value = _convert(tp, raw, path, problems)
    if value is None and raw is not None:
        return False, None
    check = f.metadata.get("check")
    problem = check(value) if check and value is not None else None
    choices = f.metadata.get("choices")
    if problem is None and choices and value not in choices:
        problem = v.one_of(choices)
    if problem:
        problems.append(InvalidAnswer(path, problem))
        return False, None
    return True, value


def check_answer(path: str, raw: Any) -> Any:
    """One answer checked by exactly the rules `resolve` applies: its value, or `InvalidAnswer`.

    The interactive session calls this for each typed answer, so a rule is never copied.
    """
    key = keys()[path]
    problems: list[InvalidAnswer] = []
    ok, value = _leaf(key.field, key.type, raw, path, problems)
    if not ok:
        raise problems[0]
    return value


def _build(cls: type, raw: Mapping[str, Any], prefix: str, problems: list[InvalidAnswer], missing: list[str]) -> Any:
    hints = _hints(cls)
    known = [f.name for f in dataclasses.fields(cls)]
    for key in raw:
        if key not in known:
            problems.append(_unknown_key(f"{prefix}{key}", known))
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        path = prefix + f.name
        tp = hints[f.name]
        if f.name in raw:
            if _is_model(tp):
                if not isinstance(raw[f.name], Mapping):
                    problems.append(InvalidAnswer(path, t("e.mapping", value=repr(raw[f.name]))))
                    continue
                values[f.name] = _build(tp, raw[f.name], path + ".", problems, missing)
                continue
            ok, value = _leaf(f, tp, raw[f.name], path, problems)
            if ok:
                values[f.name] = value
        elif _is_model(tp):
            values[f.name] = _build(tp, {}, path + ".", problems, missing)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            missing.append(path)
    if any(f.name not in values and (f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING) for f in dataclasses.fields(cls)):
        return None
    return cls(**values)


# --- layering ---------------------------------------------------------------------------


class Replace(dict):  # type: ignore[type-arg]
    """A mapping given whole (`--set config.env=A=1,B=2`): it replaces the weaker layers'
    mapping instead of merging into it, so entries can also be dropped."""


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> Tree:
    """A new tree: `over` wins; mappings merge key by key (`--set config.env.NAME=v` adds
    one variable and keeps the others), except a `Replace`d one."""
    merged: Tree = dict(base)
    for key, value in over.items():
        if isinstance(value, Replace):
            merged[key] = dict(value)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@dataclass(frozen=True)
class Resolved:
    answers: Answers
    notes: tuple[str, ...]  # things worth telling the user, such as a generic profile


def lookup(tree: Mapping[str, Any], path: str) -> Any:
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def name_layer(parts: NameParts) -> Tree:
    return {"business": parts.business, "instance": parts.instance}


def resolve(
    name: str | None,
    file_layer: Mapping[str, Any] | None = None,
    set_layer: Mapping[str, Any] | None = None,
    source: str | None = None,
) -> Resolved:
    """Layer the inputs, pick the profile and validate: one `Answers`, or an error listing
    every problem (`InvalidAnswers`) or every missing key (`MissingAnswers`)."""
    merged, notes = layered(name, file_layer, set_layer, source)
    problems: list[InvalidAnswer] = []
    missing: list[str] = []
    answers = _build(Answers, merged, "", problems, missing)
    if answers is not None and not problems:  # a section that failed its own rules is None
        problems += across(answers)
    if problems:
        raise InvalidAnswers(problems, source)
    if missing:
        raise MissingAnswers(missing, notes)
    return Resolved(answers=answers, notes=tuple(notes))


# Environment names the chart sets itself: a config.env entry of the same name would be
# a duplicate in the container's env list, where the last one silently wins.
RESERVED_ENV = ("TZ",)
RESERVED_ENV_PREFIX = "MKCHART_ARG_"


def across(answers: Answers) -> list[InvalidAnswer]:
    """Rules that involve more than one answer; each names the key to change."""
    problems = []
    for kind in ("cpu", "memory"):
        request = getattr(answers.resources.requests, kind)
        limit = getattr(answers.resources.limits, kind)
        if v.quantity_value(request) > v.quantity_value(limit):
            problems.append(InvalidAnswer(f"resources.requests.{kind}", t("v.request_over_limit", request=request,
                                                                           limit=limit, kind=kind)))
    if answers.probe.timeoutSeconds >= answers.probe.periodSeconds:
        problems.append(InvalidAnswer("probe.timeoutSeconds", t("v.timeout_period",
                                                                 period=answers.probe.periodSeconds)))
    if answers.ingress.enabled and not answers.ingress.host:
        host = f"{answers.name}.{answers.ingress.domain}"
        if not answers.ingress.domain or v.host_or_empty(host):
            problems.append(InvalidAnswer("ingress.host", t("v.ingress_host", host=host)))
    for name in answers.config.env:
        if name in RESERVED_ENV or name.startswith(RESERVED_ENV_PREFIX):
            problems.append(InvalidAnswer(f"config.env.{name}", t("v.env_reserved", name=name)))
    return problems


def layered(
    name: str | None,
    file_layer: Mapping[str, Any] | None = None,
    set_layer: Mapping[str, Any] | None = None,
    source: str | None = None,
) -> tuple[Tree, list[str]]:
    """Every layer merged into one raw tree (profile < name parts < file < --set), with
    the name and server type checked, since the profile depends on them. The leaves are
    not validated yet: the interactive session reads its defaults from this tree."""
    file_layer = dict(file_layer or {})
    set_layer = dict(set_layer or {})
    top: Tree = deep_merge(file_layer, set_layer)
    if name is not None:
        top["name"] = name
    chosen_name = top.get("name")
    notes: list[str] = []
    if chosen_name is None:
        raise MissingAnswers(["name"])
    if not isinstance(chosen_name, str):
        raise InvalidAnswers([InvalidAnswer("name", t("e.type", type=t("e.type.str"), value=repr(chosen_name)))], source)
    problem = name_problem(chosen_name)
    if problem:
        raise InvalidAnswers([InvalidAnswer(
            "name", f"{chosen_name!r} {problem}",
            t("e.name.hint"))], source)

    spellings = profiles.type_spellings()
    parts = split_name(chosen_name, spellings)
    server_type = top.get("serverType")
    if server_type is None:
        server_type = parts.server_type or profiles.GENERIC
        if parts.unknown_type:
            notes.append(t("e.generic_note", part=parts.unknown_type, known=", ".join(profiles.all_profiles())))
    if not isinstance(server_type, str) or server_type not in spellings:
        raise InvalidAnswers([InvalidAnswer(
            "serverType", t("e.unknown_type", value=repr(server_type)),
            t("e.unknown_type.hint", known=", ".join(profiles.all_profiles())))], source)
    profile = profiles.get(server_type)
    top["serverType"] = profile.name

    return deep_merge(deep_merge(profile.defaults, name_layer(parts)), top), notes


# --- --set KEY=VALUE ------------------------------------------------------------------


def _parse_text(tp: Any, text: str, path: str) -> Any:
    """Turn a --set value into the key's type (so `image.tag=9.0` stays the string 9.0)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if text == "":
            return None
        tp = next(arg for arg in typing.get_args(tp) if arg is not type(None))
        origin = typing.get_origin(tp)
    if tp is bool:
        lowered = text.lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
        raise InvalidAnswer(path, t("e.type", type=t("e.type.bool"), value=repr(text)))
    if tp is int:
        try:
            return int(text)
        except ValueError:
            raise InvalidAnswer(path, t("e.type", type=t("e.type.int"), value=repr(text))) from None
    if origin is tuple:
        if text.startswith("["):
            from mkchart import yamlio

            value = yamlio.parse(text, f"--set {path}")
            if not isinstance(value, list):
                raise InvalidAnswer(path, t("e.list"))
            return value
        return [item for item in text.split(",") if item != ""]
    if origin is dict:
        pairs: dict[str, str] = {}
        for item in filter(None, text.split(",")):
            key, sep, value = item.partition("=")
            if not sep:
                raise InvalidAnswer(path, t("e.pairs", item=repr(item)), t("e.pairs.hint", path=path))
            pairs[key] = value
        return Replace(pairs)
    return text


def parse_text(path: str, text: str) -> Any:
    """Typed text for the key `path`, read as `--set` reads it; raises `InvalidAnswer`."""
    return _parse_text(keys()[path].type, text, path)


def parse_sets(pairs: list[str]) -> Tree:
    """Turn `--set key=value` options into a tree of typed values.

    Keys are the answers file's dotted keys; `config.env.NAME=value` sets one entry.
    """
    tree: Tree = {}
    problems: list[InvalidAnswer] = []
    table = keys()
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(t("e.set_format", pair=repr(pair)), t("e.set_format.hint"))
        try:
            if key in table:
                value = _parse_text(table[key].type, text, key)
                path = key.split(".")
            elif key.rsplit(".", 1)[0] in table and typing.get_origin(table[key.rsplit(".", 1)[0]].type) is dict:
                value = text
                path = key.split(".")
                path = [*path[:-2], path[-2], path[-1]]
            else:
                known = sorted(table)
                close = difflib.get_close_matches(key, known, n=1)
                hint = t("e.did_you_mean", close=close[0]) if close else t("e.keys_doc")
                raise InvalidAnswer(key, t("e.unknown_key"), hint)
        except InvalidAnswer as problem:
            problems.append(problem)
            continue
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    if problems:
        raise InvalidAnswers(problems, "--set")
    return tree


# --- back to plain data ------------------------------------------------------------------


def to_tree(answers: Any) -> Tree:
    """The answers as a plain nested mapping (lists, not tuples; no None), in key order."""
    out: Tree = {}
    for f in dataclasses.fields(answers):
        value = getattr(answers, f.name)
        if dataclasses.is_dataclass(value):
            out[f.name] = to_tree(value)
        elif isinstance(value, tuple):
            out[f.name] = list(value)
        elif isinstance(value, dict):
            out[f.name] = dict(value)
        elif value is not None:
            out[f.name] = value
    return out


__all__ = [
    "PROBE_STYLES", "Key", "Resolved", "check_answer", "deep_merge", "iter_keys", "keys",
    "layered", "lookup", "parse_sets", "parse_text", "resolve", "to_tree",
]
