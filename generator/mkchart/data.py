"""Where mkchart's installed data lives: inside the wheel, or at the top of a source
checkout. The bottom layer: every stage may read data through here."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
HELMIGNORE = ".helmignore"


@cache
def data_dir(name: str) -> Path:
    """Return the directory `name` (`chart-skeleton` or `templates`).

    A wheel carries both inside the package (pyproject's force-include); an editable
    install or a source checkout finds them at the repository's top level.
    """
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"mkchart is installed without its {name}/ directory")


def skeleton_dir() -> Path:
    return data_dir("chart-skeleton")


def profiles_dir() -> Path:
    return data_dir("templates") / "profiles"


def namespaces_chart_dir() -> Path:
    """The templates of `mkchart namespaces`' chart, copied into it as they are."""
    return data_dir("templates") / "namespaces"


def skeleton_project_dir() -> Path:
    """The chart template itself, `chart-skeleton/[[cookiecutter.name]]`."""
    (project,) = [p for p in skeleton_dir().iterdir() if p.is_dir() and "cookiecutter" in p.name]
    return project


@cache
def helmignore_patterns() -> tuple[str, ...]:
    """The chart's .helmignore patterns: Helm leaves files matching them out of the chart,
    so a config file named like one would be copied and then silently never mounted."""
    lines = (skeleton_project_dir() / HELMIGNORE).read_text(encoding="utf-8").splitlines()
    return tuple(line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#"))
