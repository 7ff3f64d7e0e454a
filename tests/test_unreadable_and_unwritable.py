"""A chart record mkchart cannot read, and an output folder it cannot write: exit 2, one
clear message, no traceback, nothing written.

The tests run as root in CI, and root reads and writes through file permissions, so each
case is one that fails for root too: a folder where a file should be, bytes that are not
UTF-8, a folder under a regular file, /proc; a refused read is simulated where only
permissions could cause it (and done for real when not root).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MakeChart, Run, json_report, run_mkchart, snapshot_with_mtimes
from mkchart.chart import layout
from mkchart.errors import ExitCode

NAME = "book-tomcat-n1"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def refused(result: object, *says: str) -> str:
    output: str = result.output  # type: ignore[attr-defined]
    assert result.exit_code == ExitCode.BAD_INPUT, output  # type: ignore[attr-defined]
    assert "Traceback" not in output, output
    for text in says:
        assert text in output, f"{text!r} not in {output!r}"
    return output


# --- a .mkchart.yaml that cannot be read --------------------------------------------------------


Refusal = Callable[[pytest.MonkeyPatch], None]


def _a_folder(record: Path) -> tuple[str, Refusal | None]:
    record.unlink()
    record.mkdir()
    return "cannot be read: Is a directory", None


def _refuse_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """The OS refusing to read .mkchart.yaml, as it does a mode-000 file to anyone but root."""
    from mkchart import record

    real = record.read_in_chart

    def read_in_chart(chart: Path, relative: str, limit: int = 1 << 22) -> bytes | None:
        if relative == layout.ANSWERS_FILE:
            raise PermissionError(13, "Permission denied", str(chart / relative))
        return real(chart, relative, limit)

    monkeypatch.setattr(record, "read_in_chart", read_in_chart)


def _read_refused(record: Path) -> tuple[str, Refusal | None]:
    if AS_ROOT:
        return "cannot be read: Permission denied", _refuse_reading
    record.chmod(0)
    return "cannot be read: Permission denied", None


def _not_utf8(record: Path) -> tuple[str, Refusal | None]:
    record.write_bytes("# answers \u00e9\n".encode("latin-1") + record.read_bytes())
    return "not UTF-8 text", None


@pytest.mark.parametrize("damage", [_a_folder, _read_refused, _not_utf8], ids=["a folder", "read refused", "latin-1"])
@pytest.mark.parametrize("output", ["text", "json"])
@pytest.mark.parametrize("check", [False, True], ids=["regen", "regen --check"])
def test_an_unreadable_record_is_refused_cleanly(damage: Callable[[Path], tuple[str, Refusal | None]], output: str,
                                                check: bool, mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    record = chart / layout.ANSWERS_FILE
    says, refusal = damage(record)
    before = snapshot_with_mtimes(chart)
    with pytest.MonkeyPatch.context() as patch:
        if refusal is not None:
            refusal(patch)
        result = mkchart("regen", *(["--check"] if check else []), str(chart), "--set", "port=9090",
                         "--output", output)
    assert snapshot_with_mtimes(chart) == before
    refused(result, f"{record}: {says}")
    assert result.stderr.startswith("mkchart: error: ") and len(result.stderr.splitlines()) == 2, "message, hint"
    if output == "json":  # the same for the build log
        (outcome,) = json_report(result)["charts"]
        assert outcome["status"] == "refused" and says in outcome["errors"][0]


def test_an_unreadable_record_in_a_batch_writes_nothing(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(f"services:\n  - name: {NAME}\n  - name: book-redis-n1\n")
    assert mkchart("batch", "services.yaml", "-o", "charts").exit_code == 0
    record = tmp_path / "charts" / NAME / layout.ANSWERS_FILE
    record.write_bytes(b"\xff\xfe" + record.read_bytes())
    (tmp_path / "services.yaml").write_text(f"defaults: {{replicas: 2}}\nservices:\n  - name: {NAME}\n"
                                            "  - name: book-redis-n1\n")
    before = snapshot_with_mtimes(tmp_path / "charts")
    result = mkchart("batch", "services.yaml", "-o", "charts")
    refused(result, f"services[0] ({NAME}): ", "not UTF-8 text", "nothing was written")
    assert snapshot_with_mtimes(tmp_path / "charts") == before


# --- an output folder that cannot be written ----------------------------------------------------

UNWRITABLE = {
    "under a regular file": ("a-file/charts", "cannot create it: Not a directory"),
    "a folder in /proc": ("/proc/self", "not writable"),
    "a new folder in /proc": ("/proc/self/charts", "cannot create it: No such file or directory"),
}


def _output(tmp_path: Path, where: str) -> str:
    (tmp_path / "a-file").write_text("not a folder\n")
    if where.startswith("/proc") and not Path("/proc/self").is_dir():
        pytest.skip("no /proc on this system")
    return where


@pytest.mark.parametrize(("where", "says"), UNWRITABLE.values(), ids=UNWRITABLE.keys())
def test_new_into_an_unwritable_folder(where: str, says: str, mkchart: Run, tmp_path: Path) -> None:
    output = _output(tmp_path, where)
    before = snapshot_with_mtimes(tmp_path)
    result = mkchart("new", NAME, "--no-input", "-o", output)
    message = refused(result, "--output-dir ", says)
    assert message.startswith("mkchart: error: ")
    assert snapshot_with_mtimes(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
    as_json = mkchart("new", NAME, "--no-input", "-o", output, "--output", "json")
    assert json_report(as_json)["charts"] == [] and says in json_report(as_json)["errors"][0]


@pytest.mark.parametrize(("where", "says"), UNWRITABLE.values(), ids=UNWRITABLE.keys())
def test_batch_into_an_unwritable_folder(where: str, says: str, mkchart: Run, tmp_path: Path) -> None:
    output = _output(tmp_path, where)
    (tmp_path / "services.yaml").write_text(f"services:\n  - name: {NAME}\n  - name: book-redis-n1\n")
    before = snapshot_with_mtimes(tmp_path)
    result = mkchart("batch", "services.yaml", "-o", output, "--output", "json")
    refused(result, says)
    charts = json_report(result)["charts"]
    assert [(c["name"], c["status"]) for c in charts] == [(NAME, "refused"), ("book-redis-n1", "refused")]
    assert all(says in c["errors"][0] and c["written"] == [] for c in charts)
    assert snapshot_with_mtimes(tmp_path) == before


def test_batch_into_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(f"services:\n  - name: {NAME}\n")
    (tmp_path / "charts").write_text("not a folder\n")
    result = run_mkchart("batch", "services.yaml", "-o", "charts", "--output", "json", cwd=tmp_path)
    assert result.returncode == ExitCode.BAD_INPUT and "Traceback" not in result.stderr
    document = json_report(result)
    assert document["charts"] == [] and "'charts' is a file" in document["errors"][0]
    assert (tmp_path / "charts").read_text() == "not a folder\n"
