"""What a chart's values.yaml documents: each key's dotted path, value and description.

The descriptions are helm-docs comments: `# -- text` right above a key, continued by the
`#` lines after it, so a team's own helm-docs reads the same text as mkchart does when it
writes values.schema.json and README.md from them. Read from the rendered values.yaml,
the one text both are derived from, so neither can drift from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mkchart import yamlio

_KEY = re.compile(r'(?P<indent> *)(?P<key>[A-Za-z0-9_][A-Za-z0-9_.-]*|"[^"]*"):(?: |$)')
_MARK = "# -- "


@dataclass(frozen=True)
class Entry:
    path: str  # dotted: persistence.retentionPolicy.whenDeleted
    value: Any
    description: str  # "" where the key has no helm-docs comment


def descriptions(text: str) -> dict[str, str]:
    """Each key's helm-docs description by dotted path, for the keys that have one."""
    found: dict[str, str] = {}
    stack: list[tuple[int, str]] = []  # (indent, key) of the mappings the line is in
    comment: list[str] = []
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if stripped.startswith(_MARK.rstrip()):
            comment = [stripped[len(_MARK):].strip()]
            continue
        if stripped.startswith("#"):
            if comment:  # a continuation line
                comment.append(stripped.lstrip("#").strip())
            continue
        match = _KEY.match(line)
        if not match or not stripped:
            comment = [] if stripped else comment
            continue
        indent = len(match["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        key = match["key"].strip('"')
        stack.append((indent, key))
        if comment:
            found[".".join(k for _, k in stack)] = " ".join(part for part in comment if part)
        comment = []
    return found


@dataclass(frozen=True)
class Documented:
    """values.yaml read: its tree, and each documented key's description."""

    values: dict[str, Any]
    descriptions: dict[str, str]


def read(text: str) -> Documented:
    # The skeleton's own values.yaml reads with the one-pass reader; anything else (a hand
    # edit) with the full parser.
    values = yamlio.load_values(text)
    if values is None:
        values = yamlio.parse(text, "values.yaml")
    return Documented(values, descriptions(text))


def entries(documented: Documented) -> list[Entry]:
    """Every key of values.yaml in document order, mappings before what they hold."""
    found = documented.descriptions
    out: list[Entry] = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            path = f"{prefix}{key}"
            out.append(Entry(path, value, found.get(path, "")))
            if isinstance(value, dict) and value:
                walk(value, f"{path}.")

    walk(documented.values, "")
    return out
