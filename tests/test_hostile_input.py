"""Hostile input files: alias bombs, deep nesting, FIFOs and devices, huge values. Each
is refused in a moment with a clean message naming the file (exit 2, the JSON document
under --output json), never a hang, a crash or a message that holds the whole value.

Most run a real process with a timeout: before the fixes these hung or crashed, which
would take the test run down with them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MakeChart, Run
from mkchart import yamlio
from mkchart.chart import layout
from mkchart.errors import AnswersFileError, ExitCode

NAME = "book-tomcat-n1"
TIMEOUT = 60  # a hang fails; a loaded machine does not


def laughs(levels: int = 9) -> str:
    """The billion laughs: nine lists of nine aliases of the list before (~400 bytes)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def merges(levels: int = 8) -> str:
    """Merge keys of merge keys: each level merges the one before ten times."""
    lines = ["l0: &l0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10}"]
    lines += [f"l{i}: &l{i} {{<<: [" + ", ".join([f"*l{i - 1}"] * 10) + "]}" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`mkchart ARGS` in a real process, as CI runs it."""
    return subprocess.run([sys.executable, "-m", "mkchart", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT, stdin=subprocess.DEVNULL)


def refused_json(result: subprocess.CompletedProcess[str], *says: str) -> str:
    assert result.returncode == ExitCode.BAD_INPUT, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    document = json.loads(result.stdout)
    assert document["exitCode"] == ExitCode.BAD_INPUT
    message = "\n".join(document["errors"])
    for text in says:
        assert text in message, f"{text!r} not in {message!r}"
    assert len(result.stderr) < 2000, "a message never holds a whole hostile value"
    return message


# --- item 8: alias bombs, nesting ------------------------------------------------------------


def bomb_answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(laughs() + "image:\n  tag: *a8\nconfig:\n  args: *a8\n")
    return path


def test_an_alias_bomb_in_an_answers_file_is_refused(tmp_path: Path) -> None:
    bomb_answers(tmp_path)
    started = time.monotonic()
    result = run(tmp_path, "new", NAME, "--no-input", "--answers", "answers.yaml", "--output", "json")
    refused_json(result, "answers.yaml: its aliases expand to more than 100000 values")
    assert time.monotonic() - started < 20
    assert not (tmp_path / NAME).exists()


def test_an_alias_bomb_in_a_services_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(laughs() + "defaults:\n  config:\n    args: *a8\n"
                                            "services:\n  - name: book-tomcat-n1\n")
    result = run(tmp_path, "batch", "services.yaml", "-o", "charts", "--output", "json")
    refused_json(result, "services.yaml: its aliases expand to more than 100000 values")
    assert not (tmp_path / "charts").exists()


def test_an_alias_bomb_in_a_charts_record_is_refused(make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart(NAME)
    record = chart / layout.ANSWERS_FILE
    text = record.read_text()
    record.write_text(laughs() + text.replace("  replicas: 1\n", "  replicas: *a8\n"))
    before = record.read_bytes()
    for args in (("regen", "--check"), ("regen",)):
        result = run(tmp_path, *args, str(chart), "--output", "json")
        refused = json.loads(result.stdout)["charts"][0]
        assert result.returncode == ExitCode.BAD_INPUT and "Traceback" not in result.stderr
        assert "its aliases expand to more than 100000 values" in refused["errors"][0]
        assert str(record) in refused["errors"][0]
    assert record.read_bytes() == before


def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path) -> None:
    # 100,000 levels overflowed the C parser's stack: a segmentation fault.
    (tmp_path / "answers.yaml").write_text("config:\n  args: " + "[" * 100_000 + "]" * 100_000 + "\n")
    result = run(tmp_path, "new", NAME, "--no-input", "--answers", "answers.yaml", "--output", "json")
    refused_json(result, "answers.yaml: nested more than 64 levels deep")


@pytest.mark.parametrize("text", [
    "a: " + "[" * 65 + "]" * 65,  # few characters: measured on the parsed value
    "a: " + "[" * 3000 + "]" * 3000,  # many: measured on the parser's events first
    "- " * 5000 + "x",  # block sequences of block sequences
    "x: &x " + "[" * 40 + "]" * 40 + "\ny: " + "[" * 40 + "*x" + "]" * 40,  # deep only with the alias
    "a: &x [*x]",  # a list inside itself
])
def test_nesting_beyond_the_bound_is_refused(text: str) -> None:
    with pytest.raises(AnswersFileError, match="nested more than 64 levels deep"):
        yamlio.parse(text, "f.yaml")


def test_nesting_and_sharing_within_the_bounds_are_read() -> None:
    assert yamlio.parse("a: " + "[" * 63 + "1" + "]" * 63, "f.yaml") is not None
    shared = yamlio.parse(laughs(levels=5), "f.yaml")  # 9**4 = 6,561 values: fine
    assert len(shared["a4"]) == 9 and shared["a4"][0] is shared["a3"]


def test_the_billion_laughs_are_refused_by_the_parser() -> None:
    started = time.monotonic()
    with pytest.raises(AnswersFileError, match=r"f\.yaml: its aliases expand to more than 100000 values"):
        yamlio.parse(laughs(), "f.yaml")
    assert time.monotonic() - started < 5


def test_merges_of_merges_cost_no_more_than_their_keys(tmp_path: Path) -> None:
    # Eight levels of `<<: [*l, *l, ...]` took hours to build before: each merge copied
    # every entry of the ones it merged. Now each mapping keeps one entry per key.
    script = "from mkchart import yamlio; import sys; print(yamlio.parse(sys.stdin.read(), 'f')['l8'])"
    result = subprocess.run([sys.executable, "-c", script], input=merges(), capture_output=True, text=True,
                            timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str({k: i + 1 for i, k in enumerate("abcdefghij")})


def test_merge_keys_keep_their_meaning() -> None:
    text = ("base: &base {a: 1, b: 2, c: 3}\nother: &other {b: 20, d: 40}\n"
            "x:\n  <<: [*other, *base]\n  c: 300\ny:\n  <<: *base\n  a: 100\n")
    parsed = yamlio.parse(text, "f.yaml")
    assert parsed["x"] == {"a": 1, "b": 20, "c": 300, "d": 40}  # the first merged mapping wins
    assert parsed["y"] == {"a": 100, "b": 2, "c": 3}  # the mapping's own keys win


def test_brief_shows_a_bounded_part_of_any_value() -> None:
    from mkchart.errors import brief

    nested: list[object] = []
    for _ in range(40):
        nested = [nested] * 10
    for value in ("x" * 100_000, 10**5000, -(10**5000), nested, {"k" * 1000: "v" * 1000}, list(range(10**5))):
        shown = brief(value)
        assert len(shown) <= 60 and shown.endswith(("…", "...]")), shown
    assert brief("9.0.85") == "'9.0.85'" and brief(8080) == "8080" and brief(None) == "None"
    assert brief(10**5000).startswith("1000000000")


@pytest.mark.parametrize("pair", ["replicas=" + "1" * 100_000, "serverType=" + "x" * 100_000,
                                  "config.env=" + "A" * 100_000, "config.env.MKCHART_ARG_" + "X" * 100_000 + "=1"])
def test_a_huge_value_is_shown_shortened(pair: str, mkchart: Run) -> None:
    result = mkchart("new", NAME, "--no-input", "--set", pair)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "…" in result.stderr and len(result.stderr) < 500, result.stderr[:500]


def test_a_huge_unknown_key_is_shown_shortened(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text("image:\n  ? " + "t" * 100_000 + "\n  : 1\n")
    result = mkchart("new", NAME, "--no-input", "--answers", "answers.yaml")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "image.ttttt" in result.stderr and len(result.stderr) < 500, result.stderr[:500]


# --- item 9: special files as inputs -------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    os.mkfifo(path)
    return path


def test_a_fifo_as_answers_file_is_refused_not_waited_on(fifo: Path, tmp_path: Path) -> None:
    result = run(tmp_path, "new", NAME, "--no-input", "--answers", fifo.name, "--output", "json")
    refused_json(result, "answers.yaml: a FIFO, socket or device, not a regular file")


def test_a_fifo_as_services_file_is_refused(fifo: Path, tmp_path: Path) -> None:
    result = run(tmp_path, "batch", fifo.name, "-o", "charts", "--output", "json")
    refused_json(result, "answers.yaml: a FIFO, socket or device, not a regular file")


def test_a_fifo_as_answers_file_of_regen_is_refused(fifo: Path, make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart(NAME)
    result = run(tmp_path, "regen", str(chart), "--answers", fifo.name, "--output", "json")
    assert result.returncode == ExitCode.BAD_INPUT and "Traceback" not in result.stderr
    assert "a FIFO, socket or device" in json.loads(result.stdout)["charts"][0]["errors"][0]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_as_answers_file_is_refused(tmp_path: Path) -> None:
    result = run(tmp_path, "new", NAME, "--no-input", "--answers", "/dev/zero", "--output", "json")
    refused_json(result, "/dev/zero: a FIFO, socket or device, not a regular file")


def test_a_huge_answers_file_is_refused(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text("# padding\n" * 500_000)  # 5 MB
    result = mkchart("new", NAME, "--no-input", "--answers", "answers.yaml")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "answers.yaml: larger than 4194304 bytes" in result.stderr


# --- item 10: tracebacks that are clean errors now -----------------------------------------

DIGITS = "1" * 5000  # Python refuses to convert integers of more than 4,300 digits


@pytest.mark.parametrize("where", ["answers", "services", "record"])
def test_a_5000_digit_number_in_yaml_is_refused(where: str, make_chart: MakeChart, tmp_path: Path) -> None:
    if where == "answers":
        (tmp_path / "answers.yaml").write_text(f"replicas: {DIGITS}\n")
        result = run(tmp_path, "new", NAME, "--no-input", "--answers", "answers.yaml", "--output", "json")
        message = refused_json(result)
    elif where == "services":
        (tmp_path / "services.yaml").write_text(f"services:\n  - name: {NAME}\n    config: {{args: [{DIGITS}]}}\n")
        result = run(tmp_path, "batch", "services.yaml", "-o", "charts", "--output", "json")
        message = refused_json(result)
    else:
        chart = make_chart(NAME)
        record = chart / layout.ANSWERS_FILE
        record.write_text(record.read_text().replace("  replicas: 1\n", f"  replicas: {DIGITS}\n"))
        result = run(tmp_path, "regen", "--check", str(chart), "--output", "json")
        assert result.returncode == ExitCode.BAD_INPUT and "Traceback" not in result.stderr
        message = json.loads(result.stdout)["charts"][0]["errors"][0]
    assert "a number of 5000 characters, longer than mkchart reads (1000)" in message
    assert "if it is text, quote it" in message


@pytest.mark.parametrize("pair", [f"replicas={DIGITS}", f"config.args=[{DIGITS}]", f"probe.port={DIGITS}"])
def test_a_5000_digit_number_in_set_is_refused(pair: str, tmp_path: Path) -> None:
    result = run(tmp_path, "new", NAME, "--no-input", "--set", pair, "--output", "json")
    refused_json(result, "--set")


def test_a_date_that_is_no_date_is_text(mkchart: Run, tmp_path: Path) -> None:
    # `2024-13-45` looks like a date to YAML: building it was a ValueError traceback.
    (tmp_path / "answers.yaml").write_text("image:\n  tag: 2024-13-45\nconfig:\n  env: {RELEASED: 2024-01-05}\n")
    result = mkchart("new", NAME, "--no-input", "--answers", "answers.yaml")
    assert result.exit_code == 0, result.output
    recorded = yamlio.read_mapping(tmp_path / NAME / layout.ANSWERS_FILE)["answers"]
    assert recorded["image"]["tag"] == "2024-13-45"
    assert recorded["config"]["env"] == {"RELEASED": "2024-01-05"}


def test_a_format_0_record_whose_answers_are_a_list_is_refused(make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart(NAME)
    (chart / layout.ANSWERS_FILE).write_text("mkchart:\n  format: 0\nanswers:\n  - name: book-tomcat-n1\n")
    result = run(tmp_path, "regen", "--check", str(chart), "--output", "json")
    assert result.returncode == ExitCode.BAD_INPUT and "Traceback" not in result.stderr
    assert "the `answers:` section is missing or not a mapping" in json.loads(result.stdout)["charts"][0]["errors"][0]


LONG = "x" * 300  # longer than the 255 bytes a file name may have


def test_an_output_dir_with_a_300_character_name_is_refused_by_new(tmp_path: Path) -> None:
    result = run(tmp_path, "new", NAME, "--no-input", "--output-dir", LONG, "--output", "json")
    refused_json(result, f"{LONG}/{NAME}: the system cannot use this path: File name too long")


def test_an_output_dir_with_a_300_character_name_is_refused_by_batch(tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(f"services:\n  - name: {NAME}\n")
    result = run(tmp_path, "batch", "services.yaml", "--output-dir", LONG, "--output", "json")
    refused_json(result, "the system cannot use this path: File name too long")


def test_a_chart_folder_with_a_300_character_name_is_refused_by_regen(tmp_path: Path) -> None:
    result = run(tmp_path, "regen", "--check", LONG, "--output", "json")
    assert result.returncode == ExitCode.BAD_INPUT and "Traceback" not in result.stderr
    assert "the system cannot use this path" in json.loads(result.stdout)["charts"][0]["errors"][0]


def test_the_in_process_cli_says_the_same(mkchart: Run) -> None:
    result = mkchart("new", NAME, "--no-input", "--output-dir", LONG)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.startswith("mkchart: error: ")
    assert f"{LONG}/{NAME}: the system cannot use this path" in result.stderr
