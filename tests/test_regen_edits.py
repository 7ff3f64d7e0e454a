"""Edits regen must never drop silently (issue 9, items 5-7): a comment on a key mkchart
removes, a hand-edited probe that would end with two handlers, a hand-edited config copy
the answers no longer list."""

from __future__ import annotations

from pathlib import Path

from conftest import MakeChart, Run, lint_strict, one, render_objects
from mkchart.chart import layout
from mkchart.errors import ExitCode
from mkchart.regen.textmerge import has_markers

NAME = "book-tomcat-n1"


def values(chart: Path) -> str:
    return (chart / layout.VALUES_YAML).read_text()


def test_a_comment_on_a_key_mkchart_removes_is_a_conflict(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    text = values(chart)
    comment = "    # our load balancer checks this path too\n"
    edited = text.replace('    path: "/healthz"\n', comment + '    path: "/healthz"\n', 1)
    assert edited != text
    (chart / layout.VALUES_YAML).write_text(edited)
    result = mkchart("regen", str(chart), "--set", "probe.style=tcp")
    assert result.exit_code == ExitCode.DRIFT, result.output
    assert "# our load balancer checks this path too" in values(chart) and has_markers(values(chart))


def test_an_untouched_removed_key_still_goes_cleanly(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    (chart / layout.VALUES_YAML).write_text(values(chart).replace("replicaCount: 1\n", "replicaCount: 2\n"))
    result = mkchart("regen", str(chart), "--set", "probe.style=tcp")
    assert result.exit_code == 0, result.output
    assert "httpGet" not in values(chart) and "replicaCount: 2" in values(chart)
    lint_strict(chart)


def test_a_merge_never_leaves_two_handlers_in_a_probe(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    (chart / layout.VALUES_YAML).write_text(values(chart).replace('path: "/healthz"', 'path: "/custom-health"', 1))
    result = mkchart("regen", str(chart), "--set", "probe.style=tcp")
    assert result.exit_code == ExitCode.DRIFT, result.output
    text = values(chart)
    assert has_markers(text) and "/custom-health" in text and "tcpSocket" in text
    # Resolved by keeping mkchart's side, the chart renders one handler per probe.
    start, split, end = text.index("<<<<<<< yours\n"), text.index("=======\n"), text.index(">>>>>>> mkchart\n")
    resolved = text[:start] + text[split + len("=======\n"):end] + text[end + len(">>>>>>> mkchart\n"):]
    (chart / layout.VALUES_YAML).write_text(resolved)
    probe = one(render_objects(chart), "Deployment")["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]
    assert "tcpSocket" in probe and "httpGet" not in probe


def test_a_hand_edited_config_copy_is_kept_when_the_answers_drop_it(mkchart: Run, make_chart: MakeChart,
                                                                    tmp_path: Path) -> None:
    (tmp_path / "app.conf").write_text("a=1\n")
    chart = make_chart(NAME, "config.files=app.conf")
    copy = chart / "files/config/app.conf"
    copy.write_text("a=1\nmine=2\n")
    for _ in range(2):  # reported on every run until the user decides
        result = mkchart("regen", str(chart), "--set", "config.files=")
        assert result.exit_code == ExitCode.DRIFT, result.output
        assert copy.read_text() == "a=1\nmine=2\n" and "you edited it" in result.output
    copy.unlink()
    assert mkchart("regen", str(chart)).exit_code == 0
    assert mkchart("regen", "--check", str(chart)).exit_code == 0


def test_an_untouched_config_copy_goes_with_its_answer(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    (tmp_path / "app.conf").write_text("a=1\n")
    chart = make_chart(NAME, "config.files=app.conf")
    assert mkchart("regen", str(chart), "--set", "config.files=").exit_code == 0
    assert not (chart / "files/config/app.conf").exists()
    assert mkchart("regen", "--check", str(chart)).exit_code == 0


def test_a_config_copy_no_record_vouches_for_is_kept(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    (tmp_path / "app.conf").write_text("a=1\n")
    chart = make_chart(NAME, "config.files=app.conf")
    record = chart / layout.ANSWERS_FILE
    lines = record.read_text().splitlines(keepends=True)
    record.write_text("".join(line for line in lines if not line.lstrip().startswith("files/config/app.conf:")))
    copy = chart / "files/config/app.conf"
    copy.write_text("a=1\nmine=2\n")
    result = mkchart("regen", str(chart), "--set", "config.files=")
    assert result.exit_code == ExitCode.DRIFT, result.output
    assert copy.read_text() == "a=1\nmine=2\n"
