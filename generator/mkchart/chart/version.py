"""The chart's own version (Chart.yaml `version`): read, bumped and written back.

It is no answer: the chart carries it. A new chart starts at 0.1.0; a regen that changes
the chart bumps the version found in Chart.yaml on disk (a user may have set it by hand),
and the stored base holds the bumped one, so the next regen starts from it and changes
nothing (docs/regeneration.md, "The chart's version").
"""

from __future__ import annotations

import re

from mkchart.answers.rules import SEMVER

BUMPS = ("patch", "minor", "major", "none")
DEFAULT_BUMP = "patch"

# The top-level `version:` key of Chart.yaml and its value, plain or quoted, and whatever
# follows it on the line (a comment of the user's stays).
_VERSION_LINE = re.compile(r"^version:[ \t]*(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s#]+)?", re.MULTILINE)


def read(chart_yaml: bytes | None) -> str | None:
    """The version in Chart.yaml's text as written (quotes taken off); None when the file
    or its top-level `version:` is missing."""
    if chart_yaml is None:
        return None
    found = _VERSION_LINE.search(chart_yaml.decode("utf-8", "replace"))
    if found is None or found["value"] is None:
        return None
    return found["value"].strip("\"'")


def is_semver(version: str) -> bool:
    return SEMVER.fullmatch(version) is not None


def bumped(version: str, kind: str) -> str:
    """`version` (a SemVer) bumped: patch 1.2.3 -> 1.2.4, minor -> 1.3.0, major -> 2.0.0;
    a pre-release or build suffix is dropped (1.2.3-rc.1 -> 1.2.4)."""
    found = SEMVER.fullmatch(version)
    assert found is not None and kind in BUMPS, (version, kind)
    major, minor, patch = (int(part) for part in found.group(1, 2, 3))
    if kind == "none":
        return version
    if kind == "major":
        return f"{major + 1}.0.0"
    if kind == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def with_version(chart_yaml: bytes, version: str) -> bytes:
    """Chart.yaml's text with every top-level `version:` set to `version` (in a file with
    conflict markers, both sides' lines), the rest byte for byte."""
    text = chart_yaml.decode("utf-8", "surrogateescape")
    return _VERSION_LINE.sub(f"version: {version}", text).encode("utf-8", "surrogateescape")
