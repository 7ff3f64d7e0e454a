"""What every command does the same way for Jenkins: --output json and --quiet, settings
from MKCHART_* variables, no prompt and no ANSI codes without a terminal, a JSON document
even for a malformed command line, and the language of messages (never of the words
scripts parse). And for people: -h, bare `mkchart`, whole summaries, shell completion."""

from __future__ import annotations

import inspect
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from conftest import BROKEN_SERVICES, REPO, SERVICES, MakeChart, Run, child_env, edit_file, json_report, run_mkchart
from mkchart.chart import layout
from mkchart.cli import COMMANDS, COMPLETE_VAR, SHELLS, app
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


# --- for people: help, summaries, completion ----------------------------------------------


def _commands() -> dict[str, Any]:
    return dict(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_is_listed_for_the_json_fallback() -> None:
    """main() names the command of a malformed command line's JSON document from COMMANDS."""
    assert list(_commands()) == list(COMMANDS)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_h_is_help(mkchart: Run, command: str) -> None:
    words = [command] if command else []
    short, long = mkchart(*words, "-h"), mkchart(*words, "--help")
    assert short.exit_code == long.exit_code == 0, short.output
    assert short.output == long.output and short.output.startswith(f"Usage: mkchart {command}".rstrip())
    assert "-h, --help" in short.output


def test_no_option_but_help_is_h() -> None:
    root = typer.main.get_command(app)
    for name, command in [("mkchart", root), *_commands().items()]:
        taken = [param.name for param in command.params if "-h" in getattr(param, "opts", ())]
        assert not taken, f"{name}: -h is the help, not {taken}"


def test_bare_mkchart_prints_the_help(tmp_path: Path) -> None:
    bare, help_ = run_mkchart(cwd=tmp_path), run_mkchart("--help", cwd=tmp_path)
    assert bare.returncode == 0 and bare.stderr == ""
    assert bare.stdout == help_.stdout and "Commands:" in bare.stdout


def _summaries(listing: str) -> dict[str, list[str]]:
    """Each command's summary in the command list of `mkchart --help`, as its lines."""
    rows: dict[str, list[str]] = {}
    for line in listing.splitlines():
        match = re.match(r"  (\S+)\s+(.*)$", line)
        if match:
            rows[match.group(1)] = [match.group(2)]
        elif line.strip():
            rows[list(rows)[-1]].append(line.strip())
    return rows


@pytest.mark.parametrize("columns", ["80", "52"])
def test_summaries_are_whole_first_sentences(tmp_path: Path, columns: str) -> None:
    """Click cuts a docstring's first paragraph to the terminal with "..."; each summary is
    its command's first sentence, whole, at any width (wrapped when narrow). A child
    process: click's CliRunner fixes the width at 80."""
    listed = run_mkchart("--help", cwd=tmp_path, env=child_env(COLUMNS=columns)).stdout
    listing = listed.split("\nCommands:\n")[1]
    assert not [line for line in listing.splitlines() if line.rstrip().endswith("...")]
    rows = _summaries(listing)
    assert list(rows) == list(COMMANDS)
    for name, command in _commands().items():
        first = " ".join(inspect.cleandoc(command.help).split("\n\n")[0].split())
        assert re.fullmatch(r"[^.]+(\.[^ .]+)*\.", first), f"{name}: {first!r} is no single sentence"
        assert " ".join(rows[name]) == first
        if columns == "80":
            assert len(rows[name]) == 1, f"{name}: the summary takes more than one line"


def test_unknown_shell(tmp_path: Path) -> None:
    result = run_mkchart("completion", "tcsh", cwd=tmp_path)
    assert result.returncode == ExitCode.BAD_INPUT and result.stdout == ""
    assert result.stderr == "mkchart: error: SHELL 'tcsh': must be one of bash, zsh, fish\n"


def _on_path(tmp_path: Path) -> dict[str, str]:
    """An environment in which `mkchart`, as a shell finds it, is this checkout's, and the
    home folder is the test's (fish and zsh write their files there)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    shim = folder / "mkchart"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m mkchart "$@"\n')
    shim.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    env = {name: value for name, value in child_env().items() if not name.startswith("XDG_")}
    return dict(env, PATH=f"{folder}:{env.get('PATH', '')}", HOME=str(home))


def _script(shell: str, env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(["mkchart", "completion", shell], env=env, cwd=cwd, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


# Each probe: the words typed so far (the last one being completed), what must be offered.
PROBES = [
    (["mkchart", ""], {"new", "regen", "batch", "namespaces", "package", "lint", "completion"}),
    (["mkchart", "na"], {"namespaces"}),
    (["mkchart", "new", "--no"], {"--no-input"}),
    (["mkchart", "regen", "--ch"], {"--check"}),
    (["mkchart", "completion", ""], set(SHELLS)),
]


def test_bash_completion_works(tmp_path: Path) -> None:
    """The script, sourced in a real bash, completes through the real mkchart (bash's
    COMP_WORDS/COMP_CWORD protocol, as at a TAB)."""
    env = _on_path(tmp_path)
    script = tmp_path / "mkchart.bash"
    script.write_text(_script("bash", env, tmp_path))
    for words, offered in PROBES:
        probe = (f"source {shlex.quote(str(script))}\n"
                 f"COMP_WORDS=({shlex.join(words)}); COMP_CWORD={len(words) - 1}\n"
                 "_mkchart_completion mkchart\n"
                 'printf "%s\\n" "${COMPREPLY[@]}"\n')
        result = subprocess.run(["bash", "--norc", "--noprofile", "-c", probe], env=env, cwd=tmp_path,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert set(result.stdout.split()) == offered, words


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_ask_what_mkchart_answers(tmp_path: Path, shell: str) -> None:
    """Without the shell itself (a CI machine need have neither): the script runs `mkchart` with the variable
    and instruction it sets, and mkchart answers them with the right words."""
    env = _on_path(tmp_path)
    script = _script(shell, env, tmp_path)
    instruction = f"{COMPLETE_VAR}=complete_{shell}"
    assert instruction in script and re.search(r"\bmkchart\b", script.replace(instruction, ""))
    for words, offered in PROBES:
        asked = dict(env, _TYPER_COMPLETE_ARGS=" ".join(words))
        asked[COMPLETE_VAR] = f"complete_{shell}"
        if shell == "fish":  # the script asks for the candidates, not whether there are any
            asked["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
        result = subprocess.run(["mkchart"], env=asked, cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        if shell == "zsh":  # _arguments '*: :(("VALUE":"HELP" ...))'
            answers = set(re.findall(r'^(?:_arguments \'\*: :\(\()?"([^"]+)"', result.stdout, re.M))
        else:  # VALUE<TAB>HELP, a line each
            answers = {line.split("\t")[0] for line in result.stdout.splitlines()}
        assert answers == offered, (words, result.stdout)
        # One line a candidate: a help text wrapped onto a second line would be a candidate
        # of its own (fish) or a broken list (zsh).
        assert len(result.stdout.splitlines()) == len(offered), result.stdout


def test_docs_say_how_to_install_completion() -> None:
    for page, heading in (("getting-started.md", "Help and shell completion"),
                          ("getting-started.zh.md", "帮助与 shell 补全")):
        section = (REPO / "docs" / page).read_text().split(f"\n## {heading}\n")[1].split("\n## ")[0]
        assert "`mkchart -h`" in section, page
        for shell in SHELLS:
            assert f"mkchart completion {shell}" in section, (page, shell)
