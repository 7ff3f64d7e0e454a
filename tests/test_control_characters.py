"""Control characters (issue 9, item 13): Helm's toYaml fails without a word on DEL, C1
controls and U+FFFE/U+FFFF (both probes vanished from the Deployment, exit 0, lint
clean), and one such character in one config file emptied the whole files ConfigMap.
Every string answer holding a control character (but tab and newline), a lone surrogate,
U+FFFE or U+FFFF is refused naming the key and the character; a config file holding one
Helm cannot carry is refused naming the file, the line and the character."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import MakeChart, Run, by_kind, lint_strict, pod_spec, render_objects
from mkchart import yamlio
from mkchart.errors import ExitCode

NAME = "book-tomcat-n1"
REFUSED = ["\x7f", "\x85", "\x9f", "\ufffe", "\uffff", "\x00", "\x01", "\x1b", "\r", "\x0b", "\u2028", "\u2029"]


def code(char: str) -> str:
    return f"U+{ord(char):04X}"


# (the answers, the key the message names)
PLACES: list[tuple[Any, str]] = [
    (lambda c: {"probe": {"style": "exec", "command": ["sh", f"a{c}b"]}}, "probe.command[1]"),
    (lambda c: {"probe": {"livenessPath": f"/live{c}"}}, "probe.livenessPath"),
    (lambda c: {"probe": {"readinessPath": f"/ready{c}"}}, "probe.readinessPath"),
    (lambda c: {"config": {"env": {"GREETING": f"hi{c}"}}}, "config.env.GREETING"),
    (lambda c: {"config": {"args": ["--ok", f"--x={c}"]}}, "config.args[1]"),
    (lambda c: {"ingress": {"enabled": True, "path": f"/{c}"}}, "ingress.path"),
    (lambda c: {"persistence": {"mountPath": f"/data{c}"}}, "persistence.mountPath"),
    (lambda c: {"config": {"mountPath": f"/etc{c}"}}, "config.mountPath"),
    (lambda c: {"image": {"tag": f"1.0{c}"}}, "image.tag"),
    (lambda c: {"instance": f"n{c}1"}, "instance"),
]


@pytest.mark.parametrize("char", REFUSED, ids=code)
@pytest.mark.parametrize(("answers", "key"), PLACES, ids=[key for _, key in PLACES])
def test_a_string_answer_with_a_control_character_is_refused(answers: Any, key: str, char: str, mkchart: Run,
                                                             tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text(yamlio.dump_plain(answers(char)), encoding="utf-8")
    result = mkchart("new", NAME, "--no-input", "--answers", "answers.yaml")
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert f"{key}: holds {code(char)}, which Helm cannot carry into the chart" in result.stderr, result.stderr
    assert not (tmp_path / NAME).exists()


@pytest.mark.parametrize("pair", ["config.env.X=a\x7fb", "probe.livenessPath=/\x85", "config.args=a,b\x9f"])
def test_set_values_are_refused_too(pair: str, mkchart: Run) -> None:
    result = mkchart("new", NAME, "--no-input", "--set", pair)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "which Helm cannot carry into the chart" in result.stderr


def test_a_lone_surrogate_from_the_command_line_is_refused(mkchart: Run) -> None:
    # A byte that is not UTF-8 in argv reaches Python as a lone surrogate (surrogateescape).
    result = mkchart("new", NAME, "--no-input", "--set", "config.env.X=a\udcffb")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "config.env.X: holds U+DCFF" in result.stderr


def test_tab_and_newline_reach_the_objects(make_chart: MakeChart, tmp_path: Path) -> None:
    answers = {"config": {"env": {"MULTI": "line one\nline\ttwo"}, "args": ["a\tb", "c\nd"]},
               "probe": {"style": "exec", "command": ["sh", "-c", "test -f /tmp/ok\necho\tok"]}}
    (tmp_path / "answers.yaml").write_text(yamlio.dump_plain(answers))
    chart = make_chart(NAME, answers=tmp_path / "answers.yaml")
    lint_strict(chart)
    objects = render_objects(chart)
    container = pod_spec(objects)["containers"][0]
    assert container["livenessProbe"]["exec"]["command"] == answers["probe"]["command"]
    data = next(o["data"] for o in by_kind(objects, "ConfigMap") if o["metadata"]["name"].endswith("-env"))
    assert data["MULTI"] == "line one\nline\ttwo" and [data["arg-0"], data["arg-1"]] == ["a\tb", "c\nd"]


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9f", "\ufffe", "\uffff", "\u2028", "\u2029"], ids=code)
def test_a_config_file_helm_cannot_carry_is_refused(char: str, mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "clean.conf").write_text("a=1\n")
    (tmp_path / "app.conf").write_text(f"a=1\nb=2{char}\n", encoding="utf-8")
    result = mkchart("new", NAME, "--no-input", "--set", "config.files=clean.conf,app.conf")
    assert result.exit_code == ExitCode.BAD_INPUT
    says = f"config.files[1]: {tmp_path / 'app.conf'} holds {code(char)} (line 2), which Helm cannot put in a ConfigMap"
    assert says in result.stderr, result.stderr
    assert not (tmp_path / NAME).exists()


def test_a_chart_copy_edited_to_hold_one_is_refused_by_regen(mkchart: Run, make_chart: MakeChart,
                                                             tmp_path: Path) -> None:
    (tmp_path / "app.conf").write_text("a=1\n")
    chart = make_chart(NAME, "config.files=app.conf")
    copy = chart / "files" / "config" / "app.conf"
    copy.write_text("a=1\u0085\n", encoding="utf-8")
    for args in (("regen", "--check"), ("regen",)):
        result = mkchart(*args, str(chart))
        assert result.exit_code == ExitCode.BAD_INPUT
        assert "config.files[0]: " in result.stderr and "holds U+0085 (line 1)" in result.stderr


def test_other_control_characters_in_a_config_file_are_carried(make_chart: MakeChart, tmp_path: Path) -> None:
    content = "a=1\r\nescape=\x1b[0m\tend\x00\n"
    (tmp_path / "app.conf").write_text(content, newline="")
    chart = make_chart(NAME, "config.files=app.conf")
    lint_strict(chart)
    files = next(o["data"] for o in by_kind(render_objects(chart), "ConfigMap")
                 if o["metadata"]["name"].endswith("-files"))
    assert files["app.conf"] == content
