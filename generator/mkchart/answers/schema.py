"""The answers' keys as a table, read off the model's dataclasses: one `Key` per leaf."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from mkchart.answers import profiles
from mkchart.answers.model import Answers
from mkchart.answers.rules import Check


@dataclass(frozen=True)
class Key:
    """One leaf of the answers tree, such as `probe.style`."""

    path: str
    type: Any  # str, int, bool, int | None, tuple[str, ...], dict[str, str]
    field: dataclasses.Field[Any]

    @property
    def doc(self) -> str:
        return str(self.field.metadata.get("doc", ""))

    @property
    def check(self) -> Check | None:
        check: Check | None = self.field.metadata.get("check")
        return check

    @property
    def choices(self) -> tuple[str, ...]:
        if self.path == "serverType":
            return tuple(profiles.all_profiles())
        return tuple(self.field.metadata.get("choices", ()))

    @property
    def required(self) -> bool:
        return is_required(self.field)

    def default(self) -> Any:
        """The model's own default (a fresh copy for mappings and lists), or None."""
        if self.field.default is not dataclasses.MISSING:
            return self.field.default
        if self.field.default_factory is not dataclasses.MISSING:
            return self.field.default_factory()
        return None


def is_required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


@cache
def hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def is_model(tp: Any) -> bool:
    """Whether a type is a section of the model (a dataclass), not a leaf."""
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


# A section's name in the paths of the keys of a mapping of sections: environments.*.replicas.
ANY = "*"


def sections_of(tp: Any) -> type | None:
    """The section type of a mapping of named sections (`dict[str, Environment]`), else None."""
    if typing.get_origin(tp) is dict and is_model(typing.get_args(tp)[1]):
        section: type = typing.get_args(tp)[1]
        return section
    return None


def iter_keys(cls: type = Answers, prefix: str = "") -> Iterator[Key]:
    """Every leaf key in document order, e.g. `name`, ..., `image.repository`, ...; a
    mapping of sections is a key itself (its names) and has keys under NAME.*."""
    types = hints(cls)
    for f in dataclasses.fields(cls):
        tp = types[f.name]
        if is_model(tp):
            yield from iter_keys(tp, f"{prefix}{f.name}.")
        elif (section := sections_of(tp)) is not None:
            yield Key(prefix + f.name, tp, f)
            yield from iter_keys(section, f"{prefix}{f.name}.{ANY}.")
        else:
            yield Key(prefix + f.name, tp, f)


@cache
def keys() -> dict[str, Key]:
    """Every leaf key by its dotted path."""
    return {k.path: k for k in iter_keys()}


@cache
def _section_heads() -> tuple[str, ...]:
    """The paths of the mappings of sections, each with its '.': ("environments.",)."""
    return tuple(k.path + "." for k in keys().values() if sections_of(k.type) is not None)


def key_for(path: str) -> Key | None:
    """The key of a concrete path, a section's name standing for ANY
    (`environments.prod.replicas` is `environments.*.replicas`); None when there is none."""
    table = keys()
    found = table.get(path)
    if found is not None:
        return found
    for head in _section_heads():
        if path.startswith(head) and "." in path[len(head):]:
            rest = path[len(head):].split(".", 1)[1]
            return table.get(f"{head}{ANY}.{rest}")
    return None
