"""`mkchart batch`: many charts from one services file, validated all together first.

The services file uses the answers-file keys, so one format serves both:

    defaults: {image: {repository: harbor.example.com/book/app}}
    services:
      - name: book-tomcat-n1
      - name: book-mysql-m1
        persistence: {enabled: true, size: 20Gi}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkchart import yamlio
from mkchart.answers import Resolved, deep_merge, resolve
from mkchart.errors import AnswersFileError, InvalidAnswer, InvalidAnswers, MissingAnswers, MkchartError
from mkchart.generate import read_config_files

TOP_KEYS = ("defaults", "services")


@dataclass(frozen=True)
class Entry:
    """One valid service of the file, ready to render."""

    index: int
    resolved: Resolved
    config_files: dict[str, bytes]

    @property
    def name(self) -> str:
        return self.resolved.answers.name


@dataclass(frozen=True)
class Refused:
    """One invalid service: where it is in the file and everything wrong with it."""

    index: int
    name: str | None
    problems: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"services[{self.index}]" + (f" ({self.name})" if self.name else "")


@dataclass
class Checked:
    entries: list[Entry] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def _problems(error: MkchartError) -> tuple[str, ...]:
    if isinstance(error, InvalidAnswers):
        return tuple(str(p) for p in error.problems)
    if isinstance(error, MissingAnswers):
        return (f"missing answers: {', '.join(error.keys)}",)
    return (str(error),)


def load_services(path: Path) -> tuple[dict[str, Any], list[Any]]:
    data = yamlio.read_mapping(path)
    unknown = [key for key in data if key not in TOP_KEYS]
    if unknown:
        raise AnswersFileError(
            f"{path}: unknown top-level key {unknown[0]!r}",
            "a services file has `defaults:` (shared answers) and `services:` (a list of answers, each with a name)",
        )
    defaults = data.get("defaults") or {}
    services = data.get("services")
    if not isinstance(defaults, Mapping):
        raise AnswersFileError(f"{path}: defaults must be a mapping of answer keys", "see docs/ci-jenkins.md")
    if not isinstance(services, list) or not services:
        raise AnswersFileError(f"{path}: services must be a non-empty list", "add `services:` with `- name: ...` entries")
    return dict(defaults), services


def check_services(path: Path, set_layer: Mapping[str, Any] | None = None) -> Checked:
    """Validate every entry, collecting every problem of every entry; render nothing."""
    defaults, services = load_services(path)
    checked = Checked()
    seen: dict[str, int] = {}
    for index, raw in enumerate(services):
        name = raw.get("name") if isinstance(raw, Mapping) else None
        label_name = name if isinstance(name, str) else None
        if not isinstance(raw, Mapping):
            checked.refused.append(Refused(index, None, ("must be a mapping of answer keys with a name",)))
            continue
        if label_name in seen:
            checked.refused.append(Refused(index, label_name, (
                f"name: {label_name!r} is already used by services[{seen[label_name]}]; each chart needs its own name",)))
            continue
        try:
            resolved = resolve(None, deep_merge(defaults, raw), set_layer, source=None)
            files = read_config_files(resolved.answers, path.parent)
        except MkchartError as error:
            checked.refused.append(Refused(index, label_name, _problems(error)))
            continue
        if label_name:
            seen[label_name] = index
        checked.entries.append(Entry(index, resolved, files))
    return checked


__all__ = ["Checked", "Entry", "InvalidAnswer", "Refused", "check_services", "load_services"]
