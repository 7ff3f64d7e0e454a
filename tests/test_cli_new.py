"""`mkchart new` for scripts: the JSON document, and a refusal that writes nothing."""

from __future__ import annotations

from pathlib import Path

from conftest import Run, json_report
from mkchart.chart import layout
from mkchart.errors import ExitCode


def test_new_json(mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", "book-tomcat-n1", "--output", "json")
    assert result.exit_code == 0
    document = json_report(result)
    (chart,) = document["charts"]
    assert chart["status"] == "created" and chart["name"] == "book-tomcat-n1"
    assert layout.VALUES_YAML in chart["written"] and layout.ANSWERS_FILE in chart["written"]
    assert (tmp_path / "book-tomcat-n1" / layout.CHART_YAML).exists()
    assert "Wrote chart" in result.stderr, "human lines go to stderr in JSON mode"


def test_new_json_bad_input(mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", "book-tomcat-n1", "--output", "json", "--set", "image.tag=latest")
    assert result.exit_code == ExitCode.BAD_INPUT
    document = json_report(result)
    assert document["charts"] == [] and "image.tag" in document["errors"][0]
    assert "mkchart: error: image.tag" in result.stderr
    assert not (tmp_path / "book-tomcat-n1").exists()
