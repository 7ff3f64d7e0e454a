"""book-tomcat-n1 against its reviewed golden copy (tests/golden/). After a deliberate
change, run `pytest --update-golden`, read `git diff tests/golden`, and commit both."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import MakeChart, snapshot

GOLDEN = Path(__file__).parent / "golden" / "book-tomcat-n1"


def test_book_tomcat_n1_matches_golden(make_chart: MakeChart, update_golden: bool) -> None:
    chart = make_chart("book-tomcat-n1")
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(chart, GOLDEN)
    expected, actual = snapshot(GOLDEN), snapshot(chart)
    assert sorted(actual) == sorted(expected)
    for path, content in expected.items():
        assert actual[path].decode() == content.decode(), f"{path} differs from tests/golden (see --update-golden)"
