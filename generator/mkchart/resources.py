"""Where mkchart's data lives: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


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
