"""`mkchart batch`: every service checked before any chart is written, re-runs that keep
edits, refusals that leave folders alone, and large fleets in forked workers."""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import BROKEN_SERVICES, SERVICES, Run, child_env, edit_file, json_report, lint_strict, snapshot
from mkchart import ANSWERS_FORMAT, fleet, yamlio
from mkchart.chart import layout
from mkchart.errors import ExitCode


def test_batch_creates_every_chart(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    result = mkchart("batch", "services.yaml", "--output-dir", "charts", "--output", "json")
    assert result.exit_code == 0, result.stderr
    document = json_report(result)
    assert [(c["name"], c["status"]) for c in document["charts"]] == [
        ("book-tomcat-n1", "created"), ("book-mysql-m1", "created"), ("book-redis-n1", "created")]
    for name in ("book-tomcat-n1", "book-mysql-m1", "book-redis-n1"):
        lint_strict(tmp_path / "charts" / name)
    mysql = yamlio.read_mapping(tmp_path / "charts" / "book-mysql-m1" / layout.ANSWERS_FILE)["answers"]
    assert mysql["persistence"] | {} == {**mysql["persistence"], "enabled": True, "size": "20Gi",
                                          "storageClass": "glusterfs"}
    tomcat = yamlio.read_mapping(tmp_path / "charts" / "book-tomcat-n1" / layout.ANSWERS_FILE)["answers"]
    assert tomcat["image"] == {"repository": "harbor.example.com/book/app", "tag": "2.3.1",
                               "digest": "", "pullPolicy": "IfNotPresent"}
    assert "created    book-mysql-m1" in result.stderr, "plain progress lines without a terminal"


def test_batch_reports_every_invalid_entry_and_writes_nothing(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(BROKEN_SERVICES)
    result = mkchart("batch", "services.yaml", "--output-dir", "charts")
    assert result.exit_code == ExitCode.BAD_INPUT
    message = result.stderr
    for expected in ("4 of the services are invalid; nothing was written",
                     "services[1] (Book_mysql): name:", "services[2] (book-redis-n1): image.tag: 'latest'",
                     "services[2] (book-redis-n1): port:",
                     "services[3] (book-tomcat-n1): name: 'book-tomcat-n1' is already used by services[0]",
                     "services[4]: missing answers: name", "--keep-going"):
        assert expected in message, expected
    assert not (tmp_path / "charts").exists()


def test_batch_keep_going_writes_the_valid_ones(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(BROKEN_SERVICES)
    result = mkchart("batch", "services.yaml", "--output-dir", "charts", "--keep-going", "--output", "json")
    assert result.exit_code == ExitCode.BAD_INPUT
    statuses = [c["status"] for c in json_report(result)["charts"]]
    assert statuses == ["created", "refused", "refused", "refused", "refused"]
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == ["book-tomcat-n1"]


def test_batch_rerun_regenerates_and_keeps_edits(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    assert mkchart("batch", "services.yaml", "-o", "charts").exit_code == 0
    values = tmp_path / "charts" / "book-tomcat-n1" / layout.VALUES_YAML
    edit_file(values, "replicaCount: 1", "replicaCount: 4  # launch week")
    again = mkchart("batch", "services.yaml", "-o", "charts", "--output", "json")
    assert [c["status"] for c in json_report(again)["charts"]] == ["unchanged"] * 3
    (tmp_path / "services.yaml").write_text(SERVICES.replace("tag: \"2.3.1\"", "tag: \"2.3.2\""))
    changed = mkchart("batch", "services.yaml", "-o", "charts", "--output", "json")
    assert changed.exit_code == 0
    outcome = json_report(changed)["charts"][0]
    assert outcome["status"] == "updated" and "values.yaml" in outcome["merged"]
    text = values.read_text()
    assert "replicaCount: 4  # launch week" in text and 'tag: "2.3.2"' in text
    lint_strict(values.parent)


def test_batch_never_overwrites_a_folder_it_did_not_make(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    (tmp_path / "charts" / "book-redis-n1").mkdir(parents=True)
    (tmp_path / "charts" / "book-redis-n1" / "notes.txt").write_text("mine")
    result = mkchart("batch", "services.yaml", "-o", "charts", "--output", "json")
    assert result.exit_code == ExitCode.BAD_INPUT
    (refused,) = json_report(result)["charts"]
    assert refused["name"] == "book-redis-n1" and refused["status"] == "refused"
    assert "holds no .mkchart.yaml" in refused["errors"][0] and "nothing was written" in result.stderr
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == ["book-redis-n1"]
    assert [p.name for p in (tmp_path / "charts" / "book-redis-n1").iterdir()] == ["notes.txt"]
    kept_going = mkchart("batch", "services.yaml", "-o", "charts", "--keep-going", "--output", "json")
    assert [c["status"] for c in json_report(kept_going)["charts"]] == ["created", "created", "refused"]
    assert [p.name for p in (tmp_path / "charts" / "book-redis-n1").iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("text", ["services: []\n", "servies: []\n", "services: {a: 1}\n"])
def test_batch_malformed_file(text: str, mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(text)
    result = mkchart("batch", "services.yaml")
    assert result.exit_code == ExitCode.BAD_INPUT and "services.yaml" in result.stderr


# --- a large fleet, in forked workers -----------------------------------------------------------

_REAL_APPLY = fleet._apply
_WORKER_LOG: Path | None = None  # set before the workers fork, so each worker inherits it


def _recording_apply(job: tuple[Callable[[Any], Any], Sequence[Any]]) -> list[Any]:
    """fleet._apply, noting which process ran each chunk: "PID FUNCTION ITEMS" a line."""
    function, chunk = job
    assert _WORKER_LOG is not None
    with _WORKER_LOG.open("a") as log:
        log.write(f"{os.getpid()} {function.__name__} {len(chunk)}\n")
    return _REAL_APPLY(job)


def _chunks_run(log: Path) -> list[tuple[int, str, int]]:
    """What the workers noted since the last call, and start afresh."""
    lines = log.read_text().splitlines()
    rows = [(int(pid), name, int(count)) for pid, name, count in (line.split() for line in lines)]
    log.write_text("")
    return rows


def test_a_large_fleet_uses_every_core_and_keeps_the_order(mkchart: Run, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform: parallel_map runs in this process")
    # Four cores whatever the machine has (a one-core CI agent would stay serial), and every
    # chunk noted by the process that ran it.
    monkeypatch.setattr(fleet.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(fleet, "_apply", _recording_apply)
    log = tmp_path / "workers.log"
    log.write_text("")
    monkeypatch.setattr(sys.modules[__name__], "_WORKER_LOG", log)

    count = fleet.PARALLEL_FROM + 6  # large enough for the forked workers
    chunks = math.ceil(count / fleet.CHUNK)

    def ran_in_workers(*functions: str) -> None:
        rows = _chunks_run(log)
        assert rows, "no chunk ran through fleet._apply: the work stayed in this process"
        assert {pid for pid, _, _ in rows}.isdisjoint({os.getpid()}), "a chunk ran in the test's own process"
        assert Counter(name for _, name, _ in rows) == dict.fromkeys(functions, chunks)
        for function in functions:
            assert sum(n for _, name, n in rows if name == function) == count, function

    names = [f"svc{i}-{('tomcat', 'redis', 'zk')[i % 3]}-n1" for i in range(count)]
    (tmp_path / "fleet.yaml").write_text("services:\n" + "".join(f"  - name: {n}\n" for n in names))
    created = mkchart("batch", "fleet.yaml", "-o", "charts", "--output", "json")
    assert created.exit_code == 0, created.stderr
    ran_in_workers("_one")  # a new fleet is checked in this process: cheaper than sending it
    assert [c["name"] for c in json_report(created)["charts"]] == names
    assert all(c["status"] == "created" for c in json_report(created)["charts"])
    values = tmp_path / "charts" / names[5] / layout.VALUES_YAML
    edit_file(values, "replicaCount: 1", "replicaCount: 2")
    folders = [str(tmp_path / "charts" / n) for n in names]
    checked = mkchart("regen", "--check", *folders, "--set", "timezone=UTC", "--output", "json")
    assert checked.exit_code == ExitCode.DRIFT
    ran_in_workers("run_regen_job")
    outcomes = json_report(checked)["charts"]
    assert [c["name"] for c in outcomes] == names and {c["status"] for c in outcomes} == {"drift"}
    rerun = mkchart("batch", "fleet.yaml", "-o", "charts", "--output", "json")
    ran_in_workers("_check_entry", "_one")
    assert {c["status"] for c in json_report(rerun)["charts"]} == {"unchanged"}
    assert "replicaCount: 2" in values.read_text()


def test_a_small_fleet_stays_in_this_process(mkchart: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other side of the threshold: below PARALLEL_FROM nothing is forked."""
    monkeypatch.setattr(fleet.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(fleet, "_apply", lambda job: pytest.fail(f"forked for {len(job[1])} items"))
    (tmp_path / "services.yaml").write_text(SERVICES)
    result = mkchart("batch", "services.yaml", "-o", "charts", "--output", "json")
    assert result.exit_code == 0, result.stderr
    assert [c["status"] for c in json_report(result)["charts"]] == ["created"] * 3


def test_progress_bar_on_a_terminal_plain_lines_in_ci(tmp_path: Path) -> None:
    import pexpect

    (tmp_path / "services.yaml").write_text(SERVICES)
    env = child_env(TERM="xterm")
    command = f"{sys.executable} -m mkchart batch services.yaml -o"
    on_terminal = pexpect.run(f"{command} bar", cwd=str(tmp_path), env=env, timeout=60).decode()
    assert "[##########" in on_terminal and "3/3" in on_terminal
    assert "created    book-tomcat-n1" not in on_terminal
    in_ci = pexpect.run(f"{command} plain", cwd=str(tmp_path), env={**env, "CI": "true"}, timeout=60).decode()
    assert "created    book-tomcat-n1" in in_ci and "[#" not in in_ci and "\x1b[" not in in_ci


# --- refusals that leave every folder as it was -------------------------------------------------


def test_batch_an_os_error_refuses_that_chart_and_the_others_go_on(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    assert mkchart("batch", "services.yaml", "-o", "charts").exit_code == 0
    # redis: a type with no config file of its own, so nothing is under files/ yet
    (tmp_path / "charts" / "book-redis-n1" / "files").write_text("x\n")
    (tmp_path / "app.conf").write_text("a=1\n")
    with_config = SERVICES.replace("  timezone: Asia/Shanghai\n",
                                   "  timezone: Asia/Shanghai\n  config: {files: [app.conf]}\n")
    (tmp_path / "services.yaml").write_text(with_config)
    result = mkchart("batch", "services.yaml", "-o", "charts", "--output", "json")
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output
    charts = json_report(result)["charts"]
    assert [c["status"] for c in charts] == ["updated", "updated", "refused"]
    assert "cannot write: Not a directory" in charts[2]["errors"][0]
    assert "book-redis-n1: " in result.stderr and "Not a directory" in result.stderr
    for name in ("book-tomcat-n1", "book-mysql-m1"):
        assert (tmp_path / "charts" / name / "files/config/app.conf").read_text() == "a=1\n"
        lint_strict(tmp_path / "charts" / name)


def test_batch_checks_existing_folders_before_writing_anything(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    assert mkchart("batch", "services.yaml", "-o", "charts").exit_code == 0
    charts = tmp_path / "charts"
    (charts / "book-tomcat-n1").rename(tmp_path / "moved")
    (charts / "book-tomcat-n1").mkdir()  # a folder mkchart did not make
    record = charts / "book-redis-n1" / layout.ANSWERS_FILE
    edit_file(record, f"format: {ANSWERS_FORMAT}", "format: 99")
    (charts / "book-mysql-m1").rename(tmp_path / "mysql")  # would be created
    (tmp_path / "services.yaml").write_text(SERVICES.replace('tag: "2.3.1"', 'tag: "2.3.2"'))
    before = snapshot(charts)
    result = mkchart("batch", "services.yaml", "-o", "charts")
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output
    for expected in ("2 of the services are invalid; nothing was written",
                     "services[0] (book-tomcat-n1): ", "holds no .mkchart.yaml",
                     "services[2] (book-redis-n1): ", "answers format 99 is newer"):
        assert expected in result.stderr, expected
    assert not (charts / "book-mysql-m1").exists()
    assert snapshot(charts) == before
    record.write_text("mkchart: [\n")
    broken = mkchart("batch", "services.yaml", "-o", "charts")
    assert "services[2] (book-redis-n1): " in broken.stderr and "not valid YAML" in broken.stderr
    assert not (charts / "book-mysql-m1").exists()


@pytest.mark.parametrize(("text", "args"), [
    ("defaults: {name: a-tomcat-n1}\nservices:\n  - {port: 8081}\n  - {port: 8082}\n", ()),
    ("services:\n  - name: a-tomcat-n1\n  - name: b-tomcat-n1\n", ("--set", "name=x-tomcat-n1")),
])
def test_batch_duplicate_resolved_names_are_refused(text: str, args: tuple[str, ...], mkchart: Run,
                                                    tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(text)
    result = mkchart("batch", "services.yaml", "-o", "charts", *args)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "services[1] (" in result.stderr and "is already used by services[0]" in result.stderr
    assert not (tmp_path / "charts").exists()


def test_batch_writes_nothing_when_an_existing_chart_cannot_be_regenerated(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "app.conf").write_text("a=1\n")
    (tmp_path / "first.yaml").write_text("services:\n  - name: a-tomcat-n1\n  - name: b-tomcat-n1\n"
                                         "    config: {files: [app.conf]}\n")
    assert mkchart("batch", "first.yaml", "-o", "out").exit_code == 0
    (tmp_path / "out" / "b-tomcat-n1" / "files" / "config" / "app.conf").unlink()  # still in its answers
    before = snapshot(tmp_path / "out")
    (tmp_path / "second.yaml").write_text("defaults: {replicas: 2}\nservices:\n  - name: a-tomcat-n1\n"
                                          "  - name: b-tomcat-n1\n  - name: c-tomcat-n1\n")
    result = mkchart("batch", "second.yaml", "-o", "out", "--output", "json")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "b-tomcat-n1" in result.stderr and "config.files" in result.stderr
    assert not (tmp_path / "out" / "c-tomcat-n1").exists()
    assert snapshot(tmp_path / "out") == before
