"""From layers to one validated `Answers`, every problem collected; and `--set` parsing.

Every path into mkchart (flags, answers file, batch entry, prompt, a chart's record)
ends here, so each rule is applied the same way whatever the source.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkchart import yamlio
from mkchart.answers import fit, profiles, rules
from mkchart.answers.codecs import as_text, codec
from mkchart.answers.layers import Layers, layered
from mkchart.answers.model import Answers
from mkchart.answers.schema import ANY, Key, hints, is_model, is_required, key_for, keys, sections_of
from mkchart.answers.tree import Only, Tree, deep_merge, lookup, put
from mkchart.errors import AnswerError, AnswersError, MissingAnswersError, UsageError, brief, clipped
from mkchart.i18n import t


@dataclass(frozen=True)
class Resolved:
    answers: Answers
    notes: tuple[str, ...]  # things worth telling the user, such as a generic profile


def _unknown_key(path: str, known: list[str]) -> AnswerError:
    name = path.rsplit(".", 1)[-1]
    close = difflib.get_close_matches(name, known, n=1)
    hint = t("e.did_you_mean", close=close[0]) if close else t("e.known_keys", keys=", ".join(known))
    return AnswerError(clipped(path), t("e.unknown_key"), t("e.unknown_key.hint", hint=hint))


def _leaf(key: Key, raw: Any, path: str | None = None) -> Any:
    """One leaf value converted and checked by its rule and choices; raises `AnswerError`
    naming `path` (the key's own, or a section's concrete one: environments.prod.replicas)."""
    where = path or key.path
    value = codec(key.type).value(raw, where)
    check = key.check
    problem = check(value) if check and value is not None else None
    if problem is None and key.choices and value not in key.choices:
        problem = rules.one_of(key.choices)
    if problem:
        raise AnswerError(where, problem)
    return value


def as_written(tree: Mapping[str, Any], prefix: str = "") -> Tree:
    """An answers tree read from YAML with its text kept (`yamlio.parse(keep_text=True)`)
    as plain values, each leaf as its key's codec takes it: a string answer keeps the text
    as written (`tag: 0812` is "0812", not 812), a number or boolean answer its value.
    Called where YAML answers enter (an answers file, a services file, a chart's record),
    so that everything after, the interactive session's defaults included, sees the same."""
    out: Tree = {}
    for raw_key, value in tree.items():
        key = as_text(raw_key)
        path = f"{prefix}{key}"
        found = key_for(path)
        if found is not None and sections_of(found.type) is not None and isinstance(value, Mapping):
            out[key] = {as_text(name): as_written(section, f"{path}.{as_text(name)}.")
                        if isinstance(section, Mapping) else yamlio.plain(section) for name, section in value.items()}
        elif found is not None:
            out[key] = codec(found.type).written(value)
        elif isinstance(value, Mapping):
            out[key] = as_written(value, path + ".")
        else:
            out[key] = yamlio.plain(value)
    return out


def check_answer(path: str, raw: Any) -> Any:
    """One answer checked by exactly the rules `resolve` applies: its value, or `AnswerError`.

    The interactive session calls this for each typed answer, so a rule is never copied.
    """
    found = key_for(path)
    if found is None:
        raise KeyError(path)
    return _leaf(found, raw)


@dataclass(frozen=True)
class _Field:
    name: str
    type: Any
    kind: str  # "model" (a section), "sections" (a mapping of named ones) or "leaf"
    required: bool


@functools.cache
def _shape(cls: type) -> tuple[tuple[_Field, ...], frozenset[str], Any]:
    """`cls`'s fields as `_build` reads them, their names, and the instance all defaults
    make (None when a field is required): worked out once per class, since every answers
    tree builds each section, and every environment its own."""
    types = hints(cls)
    fields = tuple(_Field(f.name, types[f.name], "model" if is_model(types[f.name]) else
                          "sections" if sections_of(types[f.name]) is not None else "leaf", is_required(f))
                   for f in dataclasses.fields(cls))
    blank = None if any(f.required or (f.kind == "model" and _shape(f.type)[2] is None) for f in fields) else cls()
    return fields, frozenset(f.name for f in fields), blank


def _build(cls: type, raw: Mapping[str, Any], prefix: str, problems: list[AnswerError], missing: list[str]) -> Any:
    """`cls` from a raw mapping; None (with the problems and missing keys noted) when it cannot be."""
    fields, known, blank = _shape(cls)
    if not raw and blank is not None:
        return blank  # frozen: every empty section can be the same instance
    problems += [_unknown_key(f"{prefix}{key}", sorted(known, key=[f.name for f in fields].index))
                 for key in raw if key not in known]
    values: dict[str, Any] = {}
    for f in fields:
        path = prefix + f.name
        if f.kind == "model":
            section = raw.get(f.name, {})
            if not isinstance(section, Mapping):
                problems.append(AnswerError(path, t("e.mapping", value=brief(section))))
                continue
            values[f.name] = _build(f.type, section, path + ".", problems, missing)
        elif f.name in raw and f.kind == "sections":
            values[f.name] = _sections(f.type, raw[f.name], path, problems, missing)
        elif f.name in raw:
            try:
                values[f.name] = _leaf(key_for(path) or keys()[path], raw[f.name], path)
            except AnswerError as problem:
                problems.append(problem)
        elif f.required:
            missing.append(path)
    if any(f.name not in values and f.required for f in fields):
        return None
    return cls(**values)


def _sections(tp: Any, raw: Any, path: str, problems: list[AnswerError], missing: list[str]) -> Any:
    """A mapping of named sections (environments), each built like a section of the model."""
    try:
        given = _leaf(keys()[path], raw)
    except AnswerError as problem:
        problems.append(problem)
        return None
    section_type = sections_of(tp)
    built = {}
    for name, section in given.items():
        where = f"{path}.{name}"
        if not isinstance(section or {}, Mapping):
            problems.append(AnswerError(clipped(where), t("e.mapping", value=brief(section))))
            continue
        built[name] = _build(section_type, section or {}, where + ".", problems, missing)  # type: ignore[arg-type]
    return built


def resolve(layers: Layers, source: str | None = None, lenient: bool = False) -> Resolved:
    """Layer the inputs, pick the profile and validate: one `Answers`, or an error listing
    every problem (`AnswersError`) or every missing key (`MissingAnswersError`). `lenient`
    (a chart's record, read by regen) leaves out the rules added since charts were written
    (rules.LENIENT) and the refusals that depend on the profile."""
    token = rules.LENIENT.set(lenient)
    try:
        return _resolve(layers, source, lenient)
    finally:
        rules.LENIENT.reset(token)


def _resolve(layers: Layers, source: str | None, lenient: bool) -> Resolved:
    merged, notes = layered(layers, source)
    problems: list[AnswerError] = []
    missing: list[str] = []
    answers = _build(Answers, merged, "", problems, missing)
    # A section that failed its own rules, or misses a required key, is None: the rules
    # between answers wait until every section is whole.
    if answers is not None and not problems and not missing:
        problems += rules.across(answers) + ([] if lenient else fit.refusals(answers))
    if problems:
        raise AnswersError(problems, source)
    if missing:
        hint = fit.image_hint(merged["serverType"]) if any(k.startswith("image.") for k in missing) else None
        raise MissingAnswersError(missing, [*notes, hint] if hint else notes)
    return Resolved(answers=answers, notes=(*notes, *fit.warnings(answers)))


def use_profiles(folders: list[Path]) -> None:
    """Use a team's profiles beside the built-in ones from now on in this process, each
    checked like the built-in ones (its defaults by the answers' own rules)."""
    before = profiles.active_folders()
    profiles.activate(folders)
    # The built-in ones are checked by mkchart's own tests.
    for profile in (p for p in profiles.all_profiles().values() if not p.builtin):
        problem = fit.defaults_problem(profile, check_answer)
        if problem:
            profiles.activate(before)
            raise problem


def resolve_name(name: str) -> Answers:
    """The answers of `mkchart new NAME --no-input`: the name and its defaults."""
    return resolve(Layers(name=name)).answers


def parse_text(path: str, text: str) -> Any:
    """Typed text for the key `path`, read as `--set` reads it; raises `AnswerError`."""
    return codec(keys()[path].type).text(text, path)


def _mapping_entry(key: str) -> tuple[str, str]:
    """The mapping answer `key` names one entry of, and the entry's name: ("config.env",
    "NAME") for config.env.NAME; ("", "") when it names none."""
    parts = key.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        found = key_for(".".join(parts[:cut]))
        if found is not None:
            plain_map = typing.get_origin(found.type) is dict and sections_of(found.type) is None
            return (".".join(parts[:cut]), ".".join(parts[cut:])) if plain_map else ("", "")
    return "", ""


def parse_sets(pairs: list[str]) -> Tree:
    """Turn `--set key=value` options into a tree of typed values.

    Keys are the answers file's dotted keys; `config.env.NAME=value` sets one entry.
    """
    tree: Tree = {}
    problems: list[AnswerError] = []
    table = keys()
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(t("e.set_format", pair=brief(pair)), t("e.set_format.hint"))
        section_key = key_for(key)
        mapping, entry = _mapping_entry(key)
        try:
            if key in table:
                value = parse_text(key, text)
            elif section_key is not None:
                value = codec(section_key.type).text(text, key)  # environments.prod.replicas
            elif mapping:
                # One entry of a mapping, such as config.env.NAME, or environments.dev.values.PATH
                # (whose name may hold dots).
                put(tree, mapping, {**(lookup(tree, mapping) or {}), entry: text})
                continue
            else:
                close = difflib.get_close_matches(key, sorted(table), n=1)
                hint = t("e.did_you_mean", close=close[0].replace(f".{ANY}.", ".ENV.")) if close else t("e.keys_doc")
                raise AnswerError(key, t("e.unknown_key"), hint)
        except AnswerError as problem:
            problems.append(problem)
            continue
        if isinstance(value, Only):  # the names anew, keeping what this command set for them
            tree = deep_merge(tree, {key: value})
            continue
        put(tree, key, value)
    if problems:
        raise AnswersError(problems, "--set")
    return tree
