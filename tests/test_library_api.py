"""The public library API is what docs/library.md says: every name of `mkchart.__all__`
resolves and is documented there, and the page's examples run."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import mkchart
from conftest import REPO

LIBRARY_DOC = REPO / "docs" / "library.md"


def _examples() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", LIBRARY_DOC.read_text(), re.M | re.S)


def test_the_page_has_examples() -> None:
    assert len(_examples()) >= 5


def test_the_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ```python block, in order, in one namespace, in an empty folder."""
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "library_md"}
    for number, source in enumerate(_examples(), 1):
        code = compile(source, f"docs/library.md, example {number}", "exec")
        exec(code, namespace)  # the examples are this repository's own docs


@pytest.mark.parametrize("name", mkchart.__all__)
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(mkchart, name)
    assert value is not None
    if name in getattr(mkchart, "_HOMES", {}):
        home = importlib.import_module(mkchart._HOMES[name])
        assert getattr(home, name) is value


@pytest.mark.parametrize("name", mkchart.__all__)
def test_every_public_name_is_documented(name: str) -> None:
    text = LIBRARY_DOC.read_text()
    assert f"`{name}`" in text or f"mkchart.{name}" in text, f"docs/library.md does not describe {name}"


def test_the_examples_use_only_the_public_api() -> None:
    """`from mkchart import X` in an example names public names only."""
    used = set()
    for source in _examples():
        for names in re.findall(r"^from mkchart import (.+)$", source, re.M):
            used |= {name.strip() for name in names.split(",")}
    assert used, "the examples import from mkchart"
    assert used <= set(mkchart.__all__), f"not public: {sorted(used - set(mkchart.__all__))}"


def test_import_mkchart_loads_no_stage() -> None:
    """`import mkchart` alone imports no stage module: the API loads on first use."""
    code = ("import sys, mkchart; heavy = [m for m in ('mkchart.new', 'mkchart.regen.plan', 'mkchart.batch',"
            " 'mkchart.chart.render') if m in sys.modules]; print(heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert result.stdout.strip() == "[]"
