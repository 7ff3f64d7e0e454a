"""What every command does the same way for Jenkins: --output json and --quiet, settings
from MKCHART_* variables, no prompt and no ANSI codes without a terminal, a JSON document
even for a malformed command line, and the language of messages (never of the words
scripts parse)."""

from __future__ import annotations

from pathlib import Path

from conftest import BROKEN_SERVICES, SERVICES, MakeChart, Run, child_env, edit_file, json_report, run_mkchart
from mkchart.chart import layout
from mkchart.errors import ExitCode


def test_output_and_no_input_from_environment(mkchart: Run) -> None:
    result = mkchart("new", "book-redis-n1", env={"MKCHART_OUTPUT": "json", "MKCHART_NO_INPUT": "1"})
    assert json_report(result)["charts"][0]["status"] == "created"


def test_bad_output_format(mkchart: Run) -> None:
    result = mkchart("new", "book-redis-n1", "--output", "xml")
    assert result.exit_code == ExitCode.BAD_INPUT and "--output 'xml'" in result.stderr


def test_quiet_prints_only_errors(mkchart: Run) -> None:
    result = mkchart("new", "book-redis-n1", "--no-input", "--quiet")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_no_prompt_and_no_ansi_without_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    env = child_env(TERM="xterm-256color")
    for args in (["new"], ["new", "book-tomcat-n1"], ["batch", "services.yaml", "-o", "charts"],
                 ["regen", "--check", "charts/book-tomcat-n1"]):
        result = run_mkchart(*args, cwd=tmp_path, env=env)
        assert "\x1b[" not in result.stdout + result.stderr, args
        assert "Enter accepts" not in result.stdout + result.stderr, f"{args}: no session without a person"
    missing = run_mkchart("new", cwd=tmp_path, env=env)
    assert missing.returncode == ExitCode.BAD_INPUT and "missing answers" in missing.stderr


def test_a_malformed_command_line_still_gives_json(tmp_path: Path) -> None:
    result = run_mkchart("new", "book-tomcat-n1", "--output", "json", "--bogus", cwd=tmp_path)
    assert result.returncode == ExitCode.BAD_INPUT
    document = json_report(result)
    assert "--bogus" in document["errors"][0]
    assert "No such option" in result.stderr and "Traceback" not in result.stderr


def test_regen_speaks_the_chosen_language(mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("regen", str(tmp_path / "missing"), "--lang", "zh")
    assert result.exit_code == ExitCode.BAD_INPUT and result.stderr.startswith("mkchart: 错误")


def test_drift_conflicts_and_refusals_speak_chinese_but_scripts_words_stay(
        mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    """--lang zh words what people read; what scripts read (statuses, actions, markers) stays."""
    values = make_chart("book-tomcat-n1") / layout.VALUES_YAML
    zh = ("--set", "image.tag=9.0.86", "--lang", "zh", "--output", "json")
    drift = mkchart("regen", str(values.parent), "--check", *zh)
    assert drift.exit_code == ExitCode.DRIFT and json_report(drift)["charts"][0]["status"] == "drift"
    assert "与答案不一致（regen 会把版本从 0.1.0 递增到 0.1.1）；请运行 `mkchart regen`" in drift.stderr
    assert "个文件待修改" in drift.stderr
    edit_file(values, 'tag: "9.0.85-jre17"', 'tag: "9.0.85-ours"')
    conflict = mkchart("regen", str(values.parent), *zh)
    assert conflict.exit_code == ExitCode.DRIFT and json_report(conflict)["charts"][0]["status"] == "conflicted"
    assert "1 个文件有冲突：values.yaml" in conflict.stderr and "'<<<<<<< yours'" in conflict.stderr
    assert "  conflict  values.yaml  (标记了 1 处冲突)" in conflict.stderr

    (tmp_path / "services.yaml").write_text(BROKEN_SERVICES)
    refused = mkchart("batch", "services.yaml", "-o", "charts", "--lang", "zh", "--output", "json")
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert {c["status"] for c in json_report(refused)["charts"]} == {"refused"}
    assert "有 4 个服务无效；未写入任何文件" in refused.stderr and "已被 services[0] 使用" in refused.stderr
    kept = mkchart("batch", "services.yaml", "-o", "charts", "--keep-going", "--lang", "zh")
    assert "5 个服务：1 created, 4 refused" in kept.stdout
