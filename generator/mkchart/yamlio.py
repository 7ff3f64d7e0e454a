"""YAML reading and writing in one place (ruamel.yaml), imported only when needed."""

from __future__ import annotations

import io
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


def read_mapping(path: Path) -> dict[str, Any]:
    """Read a YAML file whose top level must be a mapping (an answers or batch file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnswersFileError(t("e.answers.not_found", path=path), t("e.answers.not_found.hint")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersFileError(t("e.answers.unreadable", path=path, error=exc), t("e.answers.unreadable.hint")) from None
    data = parse(text, str(path))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AnswersFileError(t("e.answers.top", path=path, kind=type(data).__name__), t("e.answers.top.hint"))
    return data


def load_round_trip(text: str) -> Any:
    return _round_trip().load(text)


def dump_round_trip(data: Any) -> str:
    buffer = io.StringIO()
    _round_trip().dump(data, buffer)
    return buffer.getvalue()
