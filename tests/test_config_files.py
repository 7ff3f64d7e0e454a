"""Config files: only the ones a person chose are read from anywhere; a file handed to
mkchart (a chart's .mkchart.yaml, an answers file, a services file) reads only inside its
folder. Only regular files, together at most what a ConfigMap holds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MakeChart, Run, lint_strict, render_objects
from mkchart.chart import layout
from mkchart.errors import ExitCode

NAME = "book-tomcat-n1"
SECRET = "jenkins-agent-token-s3cr3t"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".cache" not in p.parts}


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file elsewhere on the machine, like an agent's credentials."""
    path = tmp_path / "agent" / "secret.txt"
    path.parent.mkdir()
    path.write_text(SECRET + "\n")
    return path


def chart_with_config(make_chart: MakeChart, tmp_path: Path) -> Path:
    (tmp_path / "app.conf").write_text("a=1\n")
    return make_chart(NAME, "config.files=app.conf")


def point_record_at(chart: Path, path: str) -> None:
    record = chart / layout.ANSWERS_FILE
    text = record.read_text()
    assert "- files/config/app.conf\n" in text
    record.write_text(text.replace("- files/config/app.conf\n", f"- {path}\n"))


def refused(result: object, *says: str) -> None:
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == ExitCode.BAD_INPUT, output  # type: ignore[attr-defined]
    assert "Traceback" not in output and SECRET not in output, output
    for text in says:
        assert text in output, f"{text!r} not in {output!r}"


@pytest.mark.parametrize("how", ["absolute", "dot-dot", "symlink"])
@pytest.mark.parametrize("command", [("regen", "--check"), ("regen",), ("regen", "--dry-run")])
def test_a_record_cannot_read_outside_its_config_folder(how: str, command: tuple[str, ...], mkchart: Run,
                                                        make_chart: MakeChart, tmp_path: Path, secret: Path) -> None:
    chart = chart_with_config(make_chart, tmp_path)
    if how == "absolute":
        point_record_at(chart, str(secret))
    elif how == "dot-dot":
        point_record_at(chart, "files/config/../../../agent/secret.txt")
    else:
        (chart / "files/config/app.conf").unlink()
        os.symlink(secret, chart / "files/config/app.conf")
    before = snapshot(chart)
    result = mkchart(*command, str(chart))
    if how == "symlink":  # a link inside a chart is refused before its target is looked at
        refused(result, "config.files[0]", "files/config/app.conf: a symbolic link")
    else:
        refused(result, "config.files[0]", f"outside {(chart / 'files/config').resolve()}",
                "must be inside that file's folder", "--set config.files=PATH")
    assert snapshot(chart) == before


def test_the_json_document_holds_no_secret(mkchart: Run, make_chart: MakeChart, tmp_path: Path, secret: Path) -> None:
    chart = chart_with_config(make_chart, tmp_path)
    point_record_at(chart, str(secret))
    result = mkchart("regen", "--check", str(chart), "--output", "json")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert SECRET not in result.stdout + result.stderr
    assert '"status": "refused"' in result.stdout


def test_an_answers_file_reads_only_inside_its_folder(mkchart: Run, make_chart: MakeChart, tmp_path: Path,
                                                     secret: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "answers.yaml").write_text(f"config:\n  files: [../agent/{secret.name}]\n")
    before = snapshot(tmp_path)
    refused(mkchart("new", NAME, "--no-input", "--answers", "team/answers.yaml"),
            "config.files[0]", f"outside {team.resolve()}")
    assert snapshot(tmp_path) == before
    chart = make_chart(NAME)
    refused(mkchart("regen", str(chart), "--answers", "team/answers.yaml"), "config.files[0]")
    # Inside its folder is fine, and so is an outside file given on the command line.
    (team / "logging.properties").write_text("level=INFO\n")
    (team / "answers.yaml").write_text("config:\n  files: [logging.properties]\n")
    assert mkchart("regen", str(chart), "--answers", "team/answers.yaml").exit_code == 0
    result = mkchart("regen", str(chart), "--set", f"config.files={secret}")
    assert result.exit_code == 0, result.output
    assert (chart / "files/config/secret.txt").read_text() == SECRET + "\n"
    lint_strict(chart)


def test_a_services_file_reads_only_inside_its_folder(mkchart: Run, tmp_path: Path, secret: Path) -> None:
    (tmp_path / "fleet").mkdir()
    (tmp_path / "fleet" / "services.yaml").write_text(
        f"services:\n  - name: {NAME}\n    config: {{files: [{secret}]}}\n  - name: book-redis-n1\n")
    result = mkchart("batch", "fleet/services.yaml", "-o", "charts")
    refused(result, f"services[0] ({NAME}): config.files[0]", "outside")
    assert not (tmp_path / "charts").exists()
    # On the command line the person running batch chose the file.
    chosen = mkchart("batch", "fleet/services.yaml", "-o", "charts", "--set", f"config.files={secret}")
    assert chosen.exit_code == 0, chosen.output


def test_a_chart_record_given_as_answers_reads_only_its_copies(mkchart: Run, make_chart: MakeChart,
                                                              tmp_path: Path, secret: Path) -> None:
    chart = chart_with_config(make_chart, tmp_path)
    point_record_at(chart, str(secret))
    result = mkchart("new", "book-tomcat-n2", "--no-input", "-o", "copy", "--answers", str(chart / layout.ANSWERS_FILE))
    refused(result, "config.files[0]", "files/config")
    assert not (tmp_path / "copy").exists()


def _bounded(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """mkchart in a child with a time and memory cap: a regression fails, not hangs or swaps."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    env = {k: v for k, v in os.environ.items() if not k.startswith("MKCHART_") and k != "CI"}
    env["MKCHART_CACHE_DIR"] = str(cwd / ".cache")
    return subprocess.run([sys.executable, "-m", "mkchart", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60, preexec_fn=cap)


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_only_regular_files_are_read(special: str, tmp_path: Path) -> None:
    if special == "fifo":
        os.mkfifo(tmp_path / "pipe")
        special = "pipe"
    result = _bounded("new", NAME, "--no-input", "--set", f"config.files={special}", cwd=tmp_path)
    assert result.returncode == ExitCode.BAD_INPUT, result.stderr
    assert "config.files[0]" in result.stderr and f"{special} is not a regular file" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / NAME).exists()


def test_config_files_together_at_most_one_mebibyte(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    (tmp_path / "a.conf").write_text("a" * 600_000)
    (tmp_path / "b.conf").write_text("b" * 600_000)
    result = mkchart("new", NAME, "--no-input", "--set", "config.files=a.conf,b.conf")
    refused(result, "config.files[1]", "1 MiB", "ConfigMap")
    assert not (tmp_path / NAME).exists()
    (tmp_path / "b.conf").write_text("b" * 400_000)
    chart = make_chart(NAME, "config.files=a.conf,b.conf")
    maps = [o for o in render_objects(chart) if o["kind"] == "ConfigMap"]
    assert any(len(m.get("data", {}).get("b.conf", "")) == 400_000 for m in maps)


def files_snapshot(chart: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(chart).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(chart.rglob("*")) if p.is_file()}


SERVICES = f"""\
services:
  - name: {NAME}
    config: {{files: [app.conf]}}
"""


def test_batch_rerun_keeps_a_hand_edited_config_copy(mkchart: Run, tmp_path: Path) -> None:
    import json

    (tmp_path / "services.yaml").write_text(SERVICES)
    source = tmp_path / "app.conf"
    source.write_text("a=1\nb=2\n")
    assert mkchart("batch", "services.yaml", "-o", "charts").exit_code == 0
    chart = tmp_path / "charts" / NAME
    copy = chart / "files/config/app.conf"

    def batch() -> tuple[int, str]:
        result = mkchart("batch", "services.yaml", "-o", "charts", "--output", "json")
        return result.exit_code, json.loads(result.stdout)["charts"][0]["status"]

    # The source did not change, the copy was edited: the edit stays, with no drift.
    copy.write_text("a=1\nb=3  # tuned on site\n")
    assert batch() == (0, "unchanged")
    assert copy.read_text() == "a=1\nb=3  # tuned on site\n"
    assert mkchart("regen", "--check", str(chart)).exit_code == 0
    # Both changed: conflict markers and exit 1, never a silent overwrite.
    source.write_text("a=2\nb=2\n")
    assert batch() == (1, "conflicted")
    text = copy.read_text()
    assert "<<<<<<< yours\n" in text and "b=3  # tuned on site" in text and "a=2\n" in text
    assert mkchart("regen", "--check", str(chart)).exit_code == 1
    copy.write_text("a=2\nb=3  # tuned on site\n")  # resolved by hand
    assert batch() == (0, "unchanged")
    assert copy.read_text() == "a=2\nb=3  # tuned on site\n"
    # An untouched copy follows its source.
    copy.write_text("a=2\nb=2\n")
    assert batch() == (0, "unchanged")
    source.write_text("a=3\nb=2\n")
    assert batch() == (0, "updated")
    assert copy.read_text() == "a=3\nb=2\n"
    lint_strict(chart)
    maps = [o for o in render_objects(chart) if o["kind"] == "ConfigMap"]
    assert any(m.get("data", {}).get("app.conf") == "a=3\nb=2\n" for m in maps)


def test_regen_from_an_outside_source_keeps_a_hand_edited_copy(mkchart: Run, make_chart: MakeChart,
                                                              tmp_path: Path) -> None:
    chart = chart_with_config(make_chart, tmp_path)  # copied from app.conf: a=1
    copy = chart / "files/config/app.conf"
    copy.write_text("a=1\nlocal=yes\n")
    result = mkchart("regen", str(chart), "--set", "config.files=app.conf")
    assert result.exit_code == 0, result.output
    assert copy.read_text() == "a=1\nlocal=yes\n"
    (tmp_path / "app.conf").write_text("a=9\n")
    conflicted = mkchart("regen", str(chart), "--set", "config.files=app.conf")
    assert conflicted.exit_code == 1 and "files/config/app.conf" in conflicted.output
    assert "<<<<<<< yours\n" in copy.read_text()


def test_regen_with_config_files_is_idempotent(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    chart = chart_with_config(make_chart, tmp_path)
    before = files_snapshot(chart)
    for args in [(), ("--check",), ()]:
        result = mkchart("regen", str(chart), *args)
        assert result.exit_code == 0, result.output
        assert files_snapshot(chart) == before  # same bytes, same mtimes
    (tmp_path / "b.conf").write_text("b=1\n")
    assert mkchart("regen", str(chart), "--set", "config.files=app.conf,b.conf").exit_code == 0
    after = files_snapshot(chart)
    for args in [(), ("--check",), ("--set", "config.files=app.conf,b.conf"), ()]:
        result = mkchart("regen", str(chart), *args)
        assert result.exit_code == 0, result.output
        assert files_snapshot(chart) == after
    record = (chart / layout.ANSWERS_FILE).read_text()
    assert "files/config/app.conf:" in record and "files/config/b.conf:" in record
