"""`mkchart regen` after an mkchart upgrade that adds or drops a generated file.

A newer mkchart is simulated by wrapping the render regen uses (conftest.newer_mkchart):
the chart on disk and its `.mkchart.yaml` come from today's `mkchart new`, the render
regen compares them with has one file more, or one less.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import MakeChart, Run, edit_file, json_report, lint_strict, newer_mkchart, set_args
from mkchart import yamlio
from mkchart.chart import layout
from mkchart.errors import ExitCode

NAME = "book-tomcat-n1"
ADDED = "templates/poddisruptionbudget.yaml"
ADDED_TEXT = b"# A PodDisruptionBudget, new in this mkchart.\n"
DROPPED = layout.TEST_CONNECTION


def adds_a_file(files: dict[str, bytes]) -> None:
    files[ADDED] = ADDED_TEXT


def drops_a_file(files: dict[str, bytes]) -> None:
    del files[DROPPED]


def recorded(chart: Path) -> dict[str, str]:
    generated: dict[str, str] = yamlio.read_mapping(chart / layout.ANSWERS_FILE)["generated"]
    return generated


def regen_json(mkchart: Run, chart: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = mkchart("regen", str(chart), *args, "--output", "json")
    return result.exit_code, json_report(result)["charts"][0]


def test_a_file_a_newer_mkchart_adds_is_created_and_recorded(mkchart: Run, make_chart: MakeChart,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    chart = make_chart(NAME)
    assert ADDED not in recorded(chart)
    newer_mkchart(monkeypatch, adds_a_file)
    code, checked = regen_json(mkchart, chart, "--check")
    assert (code, checked["status"]) == (ExitCode.DRIFT, "drift") and ADDED in checked["pending"]
    assert not (chart / ADDED).exists(), "--check writes nothing"
    code, outcome = regen_json(mkchart, chart)
    assert (code, outcome["status"]) == (0, "updated")
    assert ADDED in outcome["written"] and layout.ANSWERS_FILE in outcome["written"]
    assert (chart / ADDED).read_bytes() == ADDED_TEXT
    assert ADDED in recorded(chart), "the record knows the new file, so a later edit is seen as an edit"
    assert regen_json(mkchart, chart, "--check") == (0, {**checked, "status": "unchanged", "pending": []})
    lint_strict(chart)


def test_a_file_a_newer_mkchart_adds_never_overwrites_the_users_file_there(
        mkchart: Run, make_chart: MakeChart, monkeypatch: pytest.MonkeyPatch) -> None:
    chart = make_chart(NAME)
    mine = b"# our own budget\nkind: PodDisruptionBudget\n"
    (chart / ADDED).write_bytes(mine)
    newer_mkchart(monkeypatch, adds_a_file)
    code, outcome = regen_json(mkchart, chart)
    assert (code, outcome["status"], outcome["conflicts"]) == (ExitCode.DRIFT, "conflicted", [ADDED])
    text = (chart / ADDED).read_text()
    assert text.startswith("<<<<<<< yours\n") and mine.decode() in text and ADDED_TEXT.decode() in text


def test_a_file_a_newer_mkchart_drops_is_removed_when_untouched(mkchart: Run, make_chart: MakeChart,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    chart = make_chart(NAME)
    assert DROPPED in recorded(chart)
    newer_mkchart(monkeypatch, drops_a_file)
    code, outcome = regen_json(mkchart, chart)
    assert code == 0 and DROPPED in outcome["written"]
    assert not (chart / DROPPED).exists()
    assert DROPPED not in recorded(chart)


def test_a_file_a_newer_mkchart_drops_is_kept_when_edited(mkchart: Run, make_chart: MakeChart,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    chart = make_chart(NAME)
    edited = (chart / DROPPED).read_text() + "# our smoke test also checks /metrics\n"
    (chart / DROPPED).write_text(edited)
    newer_mkchart(monkeypatch, drops_a_file)
    code, outcome = regen_json(mkchart, chart)
    assert code == 0 and outcome["conflicts"] == [] and DROPPED not in outcome["written"]
    assert (chart / DROPPED).read_text() == edited
    assert DROPPED not in recorded(chart), "no longer mkchart's: the file is the user's now"
    assert regen_json(mkchart, chart, "--check")[0] == 0
    lint_strict(chart)


def test_env_entries_added_together_beside_a_conflict_are_written_once(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME, "config.env.A=b")
    values = chart / layout.VALUES_YAML
    edit_file(values, 'tag: "9.0.85-jre17"', 'tag: "9.0.85-ours"')
    result = mkchart("regen", str(chart), *set_args("config.env.B=1", "config.env.C=2", "image.tag=9.0.86"))
    assert result.exit_code == ExitCode.DRIFT, result.output
    text = values.read_text()
    assert text.count('"B": "1"') == 1
    # Resolved the way mkchart proposes, the file is valid YAML with every entry.
    lines = text.splitlines(keepends=True)
    start, split, end = (lines.index(m) for m in ("<<<<<<< yours\n", "=======\n", ">>>>>>> mkchart\n"))
    values.write_text("".join(lines[:start] + lines[split + 1:end] + lines[end + 1:]))
    env = yamlio.load_round_trip(values.read_text())["config"]["env"]
    assert env == {"A": "b", "B": "1", "C": "2", "JAVA_OPTS": "-XX:MaxRAMPercentage=60.0"}  # the last is tomcat's
