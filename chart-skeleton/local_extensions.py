"""This template's own Jinja extensions, loaded by cookiecutter (`_extensions` in
cookiecutter.json) and by mkchart (mkchart.chart.skeleton) alike.

`tojson` writes each string of values.yaml as a double-quoted scalar. Jinja's default
escapes a character beyond U+FFFF as a JSON surrogate pair (`\\ud83d\\ude00`), which YAML
does not allow: Helm then refuses to load the chart. YamlJson makes `tojson` escape such
a character the YAML way (`\\U0001f600`); everything else is written exactly as before.
"""

from __future__ import annotations

import json
import re
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

_NOT_PRINTABLE_ASCII = re.compile(r"[^\x00-\x7e]")
_HELM_INDENT = re.compile(r"\b(n?indent) ([0-9]+)")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def yaml_json_dumps(value: Any, **kwargs: Any) -> str:
    """json.dumps as Jinja calls it (ensure_ascii): DEL and every non-ASCII character
    escaped, as JSON does up to U+FFFF, and beyond it as YAML's \\UXXXXXXXX (valid in a
    YAML double-quoted scalar; JSON has no such escape)."""
    # Outside strings JSON text is printable ASCII, so each character matched is in a string.
    return _NOT_PRINTABLE_ASCII.sub(_escape, json.dumps(value, **{**kwargs, "ensure_ascii": False}))


class YamlJson(Extension):
    """Makes `tojson` use `yaml_json_dumps`."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.policies["json.dumps_function"] = yaml_json_dumps


def nest(text: str, width: int | str) -> str:
    """A block of Helm template text moved `width` columns to the right (a negative width:
    to the left): every non-empty line, and every `indent N`/`nindent N` in it, since Helm
    counts those columns from the line's start. A CronJob's pod template is its
    Deployment's, one level deeper; mkchart's regen moves a hand-edited pod template
    between the two the same way."""
    width = int(width)  # plain cookiecutter hands numbers of cookiecutter.json over as text
    if not width:
        return text
    moved = _HELM_INDENT.sub(lambda m: f"{m.group(1)} {max(int(m.group(2)) + width, 0)}", text)
    if width > 0:
        return "\n".join(" " * width + line if line.strip() else line for line in moved.split("\n"))
    cut = -width
    return "\n".join(line[min(cut, len(line) - len(line.lstrip(" "))):] for line in moved.split("\n"))


class Nest(Extension):
    """Adds the `nest` filter."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["nest"] = nest
