"""chart-skeleton/ is a real cookiecutter template: cookiecutter itself renders the same chart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO, MakeChart, resolve, snapshot
from mkchart.chart import layout
from mkchart.chart.render import cookiecutter_defaults

COOKIECUTTER_JSON = REPO / "chart-skeleton" / "cookiecutter.json"


def test_cookiecutter_json_holds_the_default_chart(update_golden: bool) -> None:
    expected = cookiecutter_defaults(resolve("book-tomcat-n1").answers)
    if update_golden:
        COOKIECUTTER_JSON.write_text(json.dumps(expected, indent=2) + "\n")
    assert json.loads(COOKIECUTTER_JSON.read_text()) == expected, (
        "chart-skeleton/cookiecutter.json is stale: run pytest --update-golden and review the diff")


def test_plain_cookiecutter_renders_what_mkchart_renders(make_chart: MakeChart, tmp_path: Path) -> None:
    ours = make_chart("book-tomcat-n1")
    theirs_root = tmp_path / "cookiecutter"
    cookiecutter = Path(sys.executable).with_name("cookiecutter")
    subprocess.run([str(cookiecutter), "--no-input", str(REPO / "chart-skeleton"), "-o", str(theirs_root)],
                   check=True, capture_output=True)
    theirs = theirs_root / "book-tomcat-n1"
    mine = snapshot(ours)
    # mkchart's own record and stored base; cookiecutter knows nothing of them
    del mine[layout.ANSWERS_FILE], mine[layout.BASE_FILE]
    assert mine == snapshot(theirs)
