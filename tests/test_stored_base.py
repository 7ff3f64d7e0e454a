"""The stored base, `.mkchart/base.gz`: what mkchart wrote last time, kept in the chart so
that regen after any upgrade merges three ways. Written by new, batch and regen with the
other files, deterministic, verified file by file against the record, never required."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    SERVICES,
    MakeChart,
    Run,
    edit_file,
    json_report,
    lint_strict,
    newer_mkchart,
    snapshot,
    snapshot_with_mtimes,
)
from mkchart import basefile, record
from mkchart.chart import layout
from mkchart.errors import ExitCode

NAME = "book-tomcat-n1"
ANNOTATION = "        team.example.com/owner: books\n"
UPGRADE_LINE = "# A line a newer mkchart adds at the top of the deployment.\n"


def stored(chart: Path) -> dict[str, bytes]:
    return basefile.decode((chart / layout.BASE_FILE).read_bytes())


def regen_json(mkchart: Run, chart: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    result = mkchart("regen", str(chart), *args, "--output", "json")
    return result.exit_code, json_report(result)["charts"][0], result.stderr


def adds_a_line_to_the_deployment(files: dict[str, bytes]) -> None:
    files[layout.DEPLOYMENT] = UPGRADE_LINE.encode() + files[layout.DEPLOYMENT]


def annotate(chart: Path) -> None:
    edit_file(chart / layout.DEPLOYMENT, "      annotations:\n", "      annotations:\n" + ANNOTATION)


# --- what it holds ---------------------------------------------------------------------------


def test_new_stores_every_file_it_rendered_but_the_users_config_copies(make_chart: MakeChart,
                                                                       tmp_path: Path) -> None:
    (tmp_path / "app.conf").write_text("a=1\n")
    chart = make_chart(NAME, f"config.files={tmp_path / 'app.conf'}")
    files = snapshot(chart)
    base = stored(chart)
    # tomcat's own server.xml is rendered output; app.conf is the user's input.
    assert layout.config_copy("server.xml") in base and layout.config_copy("app.conf") not in base
    mine = {layout.ANSWERS_FILE, layout.BASE_FILE, layout.config_copy("app.conf")}
    assert base == {path: content for path, content in files.items() if path not in mine}
    # Every file in it is one the record vouches for, and the record does not list the base.
    generated = record.load(chart).generated
    assert layout.BASE_FILE not in generated
    assert all(generated[path] == record.sha256(content) for path, content in base.items())


def test_it_is_deterministic_and_readable_with_gzip(make_chart: MakeChart) -> None:
    first, second = make_chart(NAME, out="a"), make_chart(NAME, out="b")
    raw = (first / layout.BASE_FILE).read_bytes()
    assert raw == (second / layout.BASE_FILE).read_bytes()
    assert raw[4:8] == b"\0\0\0\0", "no time in the gzip header"
    text = gzip.decompress(raw).decode()
    assert text.startswith("# mkchart base, format 1")
    assert f"=== {layout.VALUES_YAML} " in text
    assert len(raw) < len(text) / 2, "compact"


def test_batch_writes_it_and_a_rerun_leaves_it_alone(mkchart: Run, tmp_path: Path) -> None:
    services = tmp_path / "services.yaml"
    services.write_text(SERVICES)
    assert mkchart("batch", str(services), "-o", "charts").exit_code == 0
    charts = sorted((tmp_path / "charts").iterdir())
    assert len(charts) == 3 and all((chart / layout.BASE_FILE).is_file() for chart in charts)
    before = {chart.name: snapshot_with_mtimes(chart) for chart in charts}
    assert mkchart("batch", str(services), "-o", "charts").exit_code == 0
    assert {chart.name: snapshot_with_mtimes(chart) for chart in charts} == before
    changed = SERVICES.replace('tag: "2.3.1"', 'tag: "2.3.2"')
    services.write_text(changed)
    assert mkchart("batch", str(services), "-o", "charts").exit_code == 0
    tomcat = tmp_path / "charts" / NAME
    assert stored(tomcat)[layout.VALUES_YAML] == (tomcat / layout.VALUES_YAML).read_bytes()


def test_regen_keeps_it_in_step_and_check_stays_clean(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    code, checked, _ = regen_json(mkchart, chart, "--check")
    assert (code, checked["status"]) == (0, "unchanged"), "a new chart's base is current"
    code, outcome, _ = regen_json(mkchart, chart, "--set", "port=9090")
    assert code == 0 and layout.BASE_FILE in outcome["written"]
    assert stored(chart)[layout.VALUES_YAML] == (chart / layout.VALUES_YAML).read_bytes()
    before = snapshot_with_mtimes(chart)
    code, outcome, _ = regen_json(mkchart, chart)
    assert (code, outcome["status"]) == (0, "unchanged")
    assert snapshot_with_mtimes(chart) == before, "idempotent: no byte and no mtime changed"
    assert regen_json(mkchart, chart, "--check")[1]["status"] == "unchanged"


def test_a_base_another_zlib_compressed_is_left_as_it_is(mkchart: Run, make_chart: MakeChart) -> None:
    """Only the content counts: a teammate's machine whose zlib compresses the same files to
    other bytes neither drifts nor rewrites the file."""
    chart = make_chart(NAME)
    other = gzip.compress(gzip.decompress((chart / layout.BASE_FILE).read_bytes()), compresslevel=9, mtime=12345)
    (chart / layout.BASE_FILE).write_bytes(other)
    assert regen_json(mkchart, chart, "--check")[1]["status"] == "unchanged"
    assert regen_json(mkchart, chart)[1]["status"] == "unchanged"
    assert (chart / layout.BASE_FILE).read_bytes() == other


# --- what regen does with it -----------------------------------------------------------------


def test_after_an_upgrade_an_edit_merges_against_the_stored_base(mkchart: Run, make_chart: MakeChart,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    chart = make_chart(NAME)
    annotate(chart)
    newer_mkchart(monkeypatch, adds_a_line_to_the_deployment)
    code, outcome, stderr = regen_json(mkchart, chart)
    assert (code, outcome["conflicts"], outcome["merged"]) == (0, [], [layout.DEPLOYMENT]), stderr
    text = (chart / layout.DEPLOYMENT).read_text()
    assert text.startswith(UPGRADE_LINE) and ANNOTATION in text
    assert "no exact base" not in stderr and "rebuilt from" not in stderr, "the exact base needs no note"
    assert stored(chart)[layout.DEPLOYMENT].startswith(UPGRADE_LINE.encode())
    assert regen_json(mkchart, chart, "--check")[1]["status"] == "unchanged"
    lint_strict(chart)


def test_an_edited_answer_and_an_edited_file_merge_cleanly(mkchart: Run, make_chart: MakeChart) -> None:
    """Editing `answers:` by hand changes the old answers, so their render is no base; the
    stored one still is."""
    chart = make_chart(NAME)
    edit_file(chart / layout.ANSWERS_FILE, "\n  port: 8080\n", "\n  port: 9090\n")
    edit_file(chart / layout.VALUES_YAML, "replicaCount: 1\n", "replicaCount: 3  # three for the launch\n")
    code, outcome, stderr = regen_json(mkchart, chart)
    assert (code, outcome["conflicts"]) == (0, []), stderr
    values = (chart / layout.VALUES_YAML).read_text()
    assert "replicaCount: 3  # three for the launch" in values and "containerPort: 9090" in values


def test_without_the_stored_base_regen_falls_back_and_writes_it_again(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    written = (chart / layout.BASE_FILE).read_bytes()
    edit_file(chart / layout.VALUES_YAML, "replicaCount: 1\n", "replicaCount: 3\n")
    shutil.rmtree(chart / layout.STATE_DIR)
    code, checked, _ = regen_json(mkchart, chart, "--check")
    assert (code, checked["pending"]) == (ExitCode.DRIFT, [layout.BASE_FILE])
    result = mkchart("regen", str(chart), "--check")
    assert f"Binary files /dev/null and b/{layout.BASE_FILE} differ" in result.stdout
    code, outcome, stderr = regen_json(mkchart, chart, "--set", "port=9090")
    assert (code, outcome["conflicts"]) == (0, []), stderr  # today's render of the old answers is exact
    assert "replicaCount: 3" in (chart / layout.VALUES_YAML).read_text()
    assert (chart / layout.BASE_FILE).is_file() and (chart / layout.BASE_FILE).read_bytes() != written
    assert regen_json(mkchart, chart, "--check")[1]["status"] == "unchanged"


def test_with_no_exact_base_anywhere_every_difference_is_marked_and_said_once(
        mkchart: Run, make_chart: MakeChart, monkeypatch: pytest.MonkeyPatch) -> None:
    chart = make_chart(NAME)
    annotate(chart)
    edit_file(chart / layout.VALUES_YAML, "replicaCount: 1\n", "replicaCount: 3\n")
    (chart / layout.BASE_FILE).unlink()
    newer_mkchart(monkeypatch, lambda files: (adds_a_line_to_the_deployment(files), files.update(
        {layout.VALUES_YAML: b"# newer\n" + files[layout.VALUES_YAML]})))
    code, outcome, stderr = regen_json(mkchart, chart)
    assert code == ExitCode.DRIFT and outcome["conflicts"] == [layout.DEPLOYMENT, layout.VALUES_YAML]
    notes = [line for line in stderr.splitlines() if line.startswith("mkchart: note:") and "no exact base" in line]
    assert len(notes) == 1, stderr
    assert f"{layout.DEPLOYMENT}, {layout.VALUES_YAML}" in notes[0] and layout.BASE_FILE in notes[0]
    text = (chart / layout.DEPLOYMENT).read_text()
    assert ANNOTATION in text and "<<<<<<< yours" in text, "never an edit dropped silently"


@pytest.mark.parametrize("damage", [b"not gzip at all\n", b"\x1f\x8b\x08\x00", gzip.compress(b"# some other file\n"),
                                    gzip.compress(basefile.HEADER + b"=== values.yaml 99999\nshort\n")])
def test_a_damaged_base_is_ignored_with_a_note_and_written_anew(damage: bytes, mkchart: Run, make_chart: MakeChart,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    chart = make_chart(NAME)
    annotate(chart)
    (chart / layout.BASE_FILE).write_bytes(damage)
    result = mkchart("regen", str(chart), "--check")
    assert result.exit_code == ExitCode.DRIFT and "Traceback" not in result.output
    assert f"{layout.BASE_FILE} cannot be read" in result.stderr
    code, outcome, stderr = regen_json(mkchart, chart)
    assert (code, outcome["status"]) == (0, "updated") and outcome["written"] == [layout.BASE_FILE], stderr
    assert stored(chart)[layout.VALUES_YAML] == (chart / layout.VALUES_YAML).read_bytes()
    assert regen_json(mkchart, chart, "--check")[1]["status"] == "unchanged"


def test_a_base_that_inflates_past_the_limit_is_refused_before_it_is_inflated(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(basefile, "INFLATED_LIMIT", 1000)
    with pytest.raises(basefile.DamagedBaseError, match="more than 1000 bytes"):
        basefile.decode(gzip.compress(b"\0" * 100_000))


def test_a_tampered_file_in_the_base_is_never_used(mkchart: Run, make_chart: MakeChart,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose sha256 is not the record's is no base, whoever wrote it."""
    chart = make_chart(NAME)
    annotate(chart)
    files = stored(chart)
    files[layout.DEPLOYMENT] = files[layout.DEPLOYMENT].replace(b"annotations:", b"annotations: {}", 1)
    (chart / layout.BASE_FILE).write_bytes(basefile.encode(files))
    newer_mkchart(monkeypatch, adds_a_line_to_the_deployment)
    code, outcome, stderr = regen_json(mkchart, chart)
    assert code == ExitCode.DRIFT and outcome["conflicts"] == [layout.DEPLOYMENT]
    assert "no exact base for templates/deployment.yaml" in stderr


def test_a_base_older_than_the_record_is_written_anew(mkchart: Run, make_chart: MakeChart) -> None:
    """As after a git merge that kept one branch's base and merged both records."""
    chart = make_chart(NAME)
    older = (chart / layout.BASE_FILE).read_bytes()
    assert regen_json(mkchart, chart, "--set", "port=9090")[0] == 0
    (chart / layout.BASE_FILE).write_bytes(older)
    code, outcome, stderr = regen_json(mkchart, chart)
    assert (code, outcome["written"]) == (0, [layout.BASE_FILE]), stderr
    assert stored(chart)[layout.VALUES_YAML] == (chart / layout.VALUES_YAML).read_bytes()
    assert regen_json(mkchart, chart, "--check")[1]["status"] == "unchanged"


def test_a_link_in_place_of_the_base_refuses_the_chart(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart(NAME)
    (tmp_path / "elsewhere").write_bytes((chart / layout.BASE_FILE).read_bytes())
    (chart / layout.BASE_FILE).unlink()
    (chart / layout.BASE_FILE).symlink_to(tmp_path / "elsewhere")
    result = mkchart("regen", str(chart), "--set", "port=9090")
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output
    assert layout.BASE_FILE in result.stderr
    assert (chart / layout.BASE_FILE).is_symlink() and "port: 8080" in (chart / layout.ANSWERS_FILE).read_text()


def test_the_package_leaves_it_out(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    import tarfile

    chart = make_chart(NAME)
    result = mkchart("package", str(chart), "--destination", "dist", "--output", "json")
    assert result.exit_code == 0, result.stderr
    with tarfile.open(json_report(result)["charts"][0]["archive"]) as packed:
        names = packed.getnames()
    assert f"{NAME}/{layout.VALUES_YAML}" in names
    assert not any(f"/{layout.STATE_DIR}" in name for name in names)
