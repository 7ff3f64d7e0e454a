"""book-tomcat-n1 against its reviewed golden copy (tests/golden/). After a deliberate
change, run `pytest --update-golden`, read `git diff tests/golden`, and commit both."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import MakeChart, snapshot
from mkchart import basefile
from mkchart.chart import layout

GOLDEN = Path(__file__).parent / "golden" / "book-tomcat-n1"


def test_book_tomcat_n1_matches_golden(make_chart: MakeChart, update_golden: bool) -> None:
    chart = make_chart("book-tomcat-n1")
    # The stored base is every other file as written (tomcat's config files are its profile's
    # own, so they are in it). Checked here by its content, and kept out of tests/golden:
    # its bytes are not for reading, and another zlib may compress the same files otherwise.
    stored = basefile.decode((chart / layout.BASE_FILE).read_bytes())
    shutil.rmtree(chart / layout.STATE_DIR)
    assert stored == {path: content for path, content in snapshot(chart).items() if path != layout.ANSWERS_FILE}
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(chart, GOLDEN)
    expected, actual = snapshot(GOLDEN), snapshot(chart)
    assert sorted(actual) == sorted(expected)
    for path, content in expected.items():
        assert actual[path].decode() == content.decode(), f"{path} differs from tests/golden (see --update-golden)"
