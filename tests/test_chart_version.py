"""Versions that move (issue 14, item 4): a regen that changes the chart bumps Chart.yaml's
`version` from the one on disk, and nothing else does; `--bump`; `--check` names the bump;
`mkchart package --version --app-version`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import MakeChart, Run, edit_file, json_report, newer_mkchart, snapshot, snapshot_with_mtimes
from mkchart.chart.version import bumped, read, with_version


def _version(chart: Path) -> str:
    return str(yaml.safe_load((chart / "Chart.yaml").read_text())["version"])


def _regen(mkchart: Run, chart: Path, *args: str) -> None:
    result = mkchart("regen", str(chart), *args)
    assert result.exit_code == 0, result.output


def test_an_answer_change_bumps_the_patch_and_the_next_regen_changes_nothing(mkchart: Run,
                                                                             make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    assert _version(chart) == "0.1.0"
    result = mkchart("regen", str(chart), "--set", "image.tag=9.0.86")
    assert result.exit_code == 0, result.output
    assert "update    Chart.yaml  (version 0.1.0 -> 0.1.1)" in result.output
    meta = yaml.safe_load((chart / "Chart.yaml").read_text())
    assert (meta["version"], meta["appVersion"]) == ("0.1.1", "9.0.86")  # appVersion follows the tag

    before = snapshot_with_mtimes(chart)
    again = mkchart("regen", str(chart))
    assert again.exit_code == 0 and "up to date" in again.output
    assert snapshot_with_mtimes(chart) == before  # no byte, no mtime: and no second bump
    assert mkchart("regen", "--check", str(chart)).exit_code == 0


@pytest.mark.parametrize(("bump", "expected"), [("patch", "0.1.1"), ("minor", "0.2.0"), ("major", "1.0.0"),
                                                ("none", "0.1.0")])
def test_bump_kinds(mkchart: Run, make_chart: MakeChart, bump: str, expected: str) -> None:
    chart = make_chart("book-tomcat-n1")
    _regen(mkchart, chart, "--set", "replicas=2", "--bump", bump)
    assert _version(chart) == expected
    assert "replicaCount: 2" in (chart / "values.yaml").read_text()
    assert mkchart("regen", "--check", str(chart)).exit_code == 0


def test_a_hand_set_version_is_bumped_from_and_hand_edits_stay(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    edit_file(chart / "Chart.yaml", "version: 0.1.0", "version: 2.3.4  # the release line of the book team")
    text = (chart / "Chart.yaml").read_text()
    (chart / "Chart.yaml").write_text("# Owned by the book team.\n" + text)
    # Hand edits alone change nothing (and bump nothing).
    _regen(mkchart, chart)
    assert _version(chart) == "2.3.4"

    _regen(mkchart, chart, "--set", "image.tag=9.0.86")
    text = (chart / "Chart.yaml").read_text()
    assert "\nversion: 2.3.5  # the release line of the book team\n" in text
    assert text.startswith("# Owned by the book team.\n") and 'appVersion: "9.0.86"' in text
    before = snapshot(chart)
    _regen(mkchart, chart)
    assert snapshot(chart) == before


def test_a_change_of_mkchart_itself_bumps_too(mkchart: Run, make_chart: MakeChart,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    chart = make_chart("book-tomcat-n1")

    def newer(files: dict[str, bytes]) -> None:
        files["templates/NOTES.txt"] += b"\nA newer mkchart says more.\n"

    newer_mkchart(monkeypatch, newer)
    _regen(mkchart, chart)
    assert _version(chart) == "0.1.1"
    _regen(mkchart, chart)
    assert _version(chart) == "0.1.1"


def test_check_names_the_bump_it_would_make_and_writes_nothing(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    edit_file(chart / ".mkchart.yaml", "port: 8080", "port: 9090")
    before = snapshot_with_mtimes(chart)
    result = mkchart("regen", "--check", str(chart), "--bump", "minor")
    assert result.exit_code == 1
    assert "-version: 0.1.0\n+version: 0.2.0" in result.output
    assert "regen bumps version 0.1.0 -> 0.2.0" in result.output
    assert snapshot_with_mtimes(chart) == before


def test_a_bad_bump_is_refused_before_anything(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    before = snapshot_with_mtimes(chart)
    for command in (["regen", str(chart), "--set", "replicas=2"], ["batch", "services.yaml"]):
        result = mkchart(*command, "--bump", "micro")
        assert result.exit_code == 2
        assert "--bump 'micro': must be one of patch, minor, major, none" in result.output
        assert "Traceback" not in result.output
    assert snapshot_with_mtimes(chart) == before


def test_a_version_that_is_no_semver_stops_a_bump_with_one_message(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    edit_file(chart / "Chart.yaml", "version: 0.1.0", "version: release-7")
    _regen(mkchart, chart)  # nothing to bump: fine
    before = snapshot_with_mtimes(chart)
    result = mkchart("regen", str(chart), "--set", "replicas=2")
    assert result.exit_code == 2
    assert "Chart.yaml: version release-7 is no semantic version" in result.output
    assert "Traceback" not in result.output
    assert snapshot_with_mtimes(chart) == before
    _regen(mkchart, chart, "--set", "replicas=2", "--bump", "none")  # the way out the hint names
    assert _version(chart) == "release-7"


def test_hand_edits_without_a_bump_are_no_drift(mkchart: Run, make_chart: MakeChart) -> None:
    """The rule docs/regeneration.md states: only what regen changes is versioned by regen."""
    chart = make_chart("book-tomcat-n1")
    (chart / "templates" / "extra.yaml").write_text("# a file of the team's\n")
    notes = chart / "templates" / "NOTES.txt"
    notes.write_text(notes.read_text() + "Edited by hand.\n")
    assert mkchart("regen", "--check", str(chart)).exit_code == 0
    _regen(mkchart, chart)
    assert _version(chart) == "0.1.0"


def test_batch_bumps_the_charts_it_changes(mkchart: Run, tmp_path: Path) -> None:
    services = tmp_path / "services.yaml"
    services.write_text("services:\n  - name: book-tomcat-n1\n  - name: book-redis-n1\n")
    assert mkchart("batch", "services.yaml", "--output-dir", "out").exit_code == 0
    services.write_text("services:\n  - name: book-tomcat-n1\n    replicas: 2\n  - name: book-redis-n1\n")
    result = mkchart("batch", "services.yaml", "--output-dir", "out", "--bump", "minor")
    assert result.exit_code == 0, result.output
    assert _version(tmp_path / "out/book-tomcat-n1") == "0.2.0"
    assert _version(tmp_path / "out/book-redis-n1") == "0.1.0"  # unchanged: no bump


def test_package_sets_version_and_app_version_in_the_archive_only(mkchart: Run, make_chart: MakeChart,
                                                                  tmp_path: Path) -> None:
    import helm_python

    chart = make_chart("book-tomcat-n1")
    before = snapshot(chart)
    result = mkchart("package", str(chart), "--destination", "dist", "--version", "1.4.0-rc.1",
                     "--app-version", "9.0.85-book.7", "--output", "json")
    assert json_report(result)["exitCode"] == 0, result.output
    archive = tmp_path / "dist" / "book-tomcat-n1-1.4.0-rc.1.tgz"
    with helm_python.Chart.load_archive(archive.read_bytes()) as loaded:
        meta = loaded.metadata
    assert (meta["version"], meta["appVersion"]) == ("1.4.0-rc.1", "9.0.85-book.7")
    assert meta["maintainers"] == [{"name": "book team"}] and meta["kubeVersion"] == ">=1.29.0-0"
    assert snapshot(chart) == before


@pytest.mark.parametrize(("option", "value", "words"), [
    ("--version", "1.4", "not a semantic version"), ("--version", "v1.4.0", "not a semantic version"),
    ("--app-version", "", "one line of text"), ("--app-version", "1.0\n2.0", "one line of text")])
def test_package_refuses_a_bad_version(mkchart: Run, make_chart: MakeChart, tmp_path: Path, option: str,
                                       value: str, words: str) -> None:
    chart = make_chart("book-tomcat-n1")
    result = mkchart("package", str(chart), "--destination", "dist", option, value)
    assert result.exit_code == 2, result.output
    assert option in result.output and words in result.output and "Traceback" not in result.output
    assert not (tmp_path / "dist").exists()


def test_version_helpers() -> None:
    assert bumped("1.2.3", "patch") == "1.2.4" and bumped("1.2.3-rc.1", "minor") == "1.3.0"
    assert bumped("1.2.3", "major") == "2.0.0" and bumped("1.2.3", "none") == "1.2.3"
    assert read(b'apiVersion: v2\nversion: "1.0.0" # x\n') == "1.0.0" and read(b"name: a\n") is None
    # Only the top-level key: a nested `version:` (a dependency's) stays.
    text = b"version: 1.0.0\ndependencies:\n  - name: x\n    version: 2.0.0\n"
    assert with_version(text, "1.0.1") == b"version: 1.0.1\ndependencies:\n  - name: x\n    version: 2.0.0\n"
