"""`mkchart regen` for scripts: statuses and exit codes in the JSON document, one chart
or many in one run."""

from __future__ import annotations

from pathlib import Path

from conftest import MakeChart, Run, edit_file, json_report
from mkchart.chart import layout
from mkchart.errors import ExitCode


def test_regen_json_current_drift_and_conflict(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    current = mkchart("regen", "--check", str(chart), "--output", "json")
    assert current.exit_code == 0 and json_report(current)["charts"][0]["status"] == "unchanged"

    stale = mkchart("regen", "--check", str(chart), "--set", "port=9090", "--output", "json")
    assert stale.exit_code == ExitCode.DRIFT
    outcome = json_report(stale)["charts"][0]
    assert outcome["status"] == "drift" and "values.yaml" in outcome["pending"] and outcome["written"] == []
    assert "+containerPort: 9090" in stale.stderr  # the diff, for people, on stderr

    values = chart / layout.VALUES_YAML
    edit_file(values, "containerPort: 8080", "containerPort: 8081")
    conflicted = mkchart("regen", str(chart), "--set", "port=9090", "--output", "json")
    assert conflicted.exit_code == ExitCode.DRIFT
    outcome = json_report(conflicted)["charts"][0]
    assert outcome["status"] == "conflicted" and outcome["conflicts"] == ["values.yaml"]


def test_regen_many_charts_in_one_run(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    first, second = make_chart("book-tomcat-n1"), make_chart("book-redis-n1")
    (tmp_path / "plain").mkdir()
    result = mkchart("regen", "--check", str(first), str(second), str(tmp_path / "plain"), "--output", "json")
    assert result.exit_code == ExitCode.BAD_INPUT
    statuses = [(c["name"], c["status"]) for c in json_report(result)["charts"]]
    assert statuses == [("book-tomcat-n1", "unchanged"), ("book-redis-n1", "unchanged"), ("plain", "refused")]
