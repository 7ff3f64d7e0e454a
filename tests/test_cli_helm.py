"""`mkchart package` and `mkchart lint` with the real Helm engine: an archive Helm loads,
and every refusal (lint errors, conflict markers, links out of the chart) before one."""

from __future__ import annotations

import tarfile
from pathlib import Path

from conftest import MakeChart, Run, json_report
from mkchart.chart import layout
from mkchart.errors import ExitCode


def test_package_makes_an_archive_helm_loads(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    import helm_python

    chart = make_chart("book-tomcat-n1")
    result = mkchart("package", str(chart), "--destination", "dist", "--output", "json")
    assert result.exit_code == 0, result.stderr
    archive = Path(json_report(result)["charts"][0]["archive"])
    assert archive == tmp_path / "dist" / "book-tomcat-n1-0.1.0.tgz"
    with tarfile.open(archive) as packed:
        names = packed.getnames()
    assert "book-tomcat-n1/Chart.yaml" in names
    assert not any(n.endswith(layout.ANSWERS_FILE) for n in names), ".mkchart.yaml stays out of the package"
    loaded = helm_python.Chart.load_archive(archive.read_bytes())
    try:
        assert (loaded.name, loaded.version) == ("book-tomcat-n1", "0.1.0")
    finally:
        loaded.close()


def test_package_refuses_a_chart_that_fails_lint(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart("book-tomcat-n1")
    (chart / layout.SERVICE).write_text("{{ .Values.nope.missing }}\n")
    result = mkchart("package", str(chart), "--destination", "dist")
    assert result.exit_code == ExitCode.BAD_INPUT and "helm lint --strict found" in result.stderr
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())
    assert mkchart("lint", str(chart)).exit_code == ExitCode.BAD_INPUT


def test_package_refuses_unresolved_conflicts_and_defaults_beside_the_chart(
        mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart("book-tomcat-n1")
    inside = mkchart("package", str(chart), "--output", "json")
    assert inside.exit_code == 0, inside.stderr
    assert Path(json_report(inside)["charts"][0]["archive"]).parent == chart.parent, "never inside the chart"
    notes = chart / layout.NOTES
    notes.write_text("<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> mkchart\n" + notes.read_text())
    result = mkchart("package", str(chart))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "templates/NOTES.txt: unresolved conflict markers" in result.stderr
    assert mkchart("lint", str(chart)).exit_code == ExitCode.BAD_INPUT


def test_package_refuses_a_link_out_of_the_chart(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart("book-tomcat-n1")
    (tmp_path / "secret.env").write_text("TOKEN=hunter2\n")
    (chart / "files" / "config").mkdir(parents=True, exist_ok=True)  # tomcat has files of its own there
    (chart / "files" / "config" / "app.env").symlink_to(tmp_path / "secret.env")
    result = mkchart("package", str(chart))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "files/config/app.env: a symbolic link leading outside" in result.stderr
    assert not list(chart.parent.glob("*.tgz"))


def test_lint_reports_a_symlink_loop_instead_of_crashing(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    (chart / "templates" / "self").symlink_to("self")
    result = mkchart("lint", str(chart), "--output", "json")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert json_report(result)["charts"][0]["status"] == "refused" and "templates/self" in result.stderr
