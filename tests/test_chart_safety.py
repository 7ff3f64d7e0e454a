"""A chart's files are touched safely: never through a symbolic link, never half-written,
never over an edit saved meanwhile, never by two runs at once (issue 9, items 1-4)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from conftest import MakeChart, Run, child_env
from mkchart import write, yamlio
from mkchart.answers.profiles import get
from mkchart.chart import layout
from mkchart.errors import ChartBusyError, ChartChangedError, ExitCode, WriteError
from mkchart.regen import plan as regeneration

NAME = "book-tomcat-n1"
SECRET = "agent-ssh-key-d0-not-print"


def files_of(chart: Path) -> dict[str, bytes]:
    return {p.relative_to(chart).as_posix(): p.read_bytes() for p in sorted(chart.rglob("*"))
            if p.is_file() and not p.is_symlink()}


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "agent" / "id_rsa"
    path.parent.mkdir()
    path.write_text(SECRET + "\n")
    return path


@pytest.mark.parametrize("linked", [layout.VALUES_YAML, layout.DEPLOYMENT, layout.ANSWERS_FILE])
@pytest.mark.parametrize("command", [("--check",), (), ("--dry-run",)])
def test_a_symlinked_chart_file_is_refused_and_never_read(linked: str, command: tuple[str, ...], mkchart: Run,
                                                         make_chart: MakeChart, secret: Path) -> None:
    chart = make_chart(NAME)
    (chart / linked).unlink()
    (chart / linked).symlink_to(secret)
    before = files_of(chart)
    result = mkchart("regen", str(chart), *command, "--set", "port=9090")
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert linked in result.output and "symbolic link" in result.output
    assert SECRET not in result.output and "Traceback" not in result.output
    assert files_of(chart) == before and (chart / linked).is_symlink()


@pytest.mark.parametrize("folder", ["files", "files/config"])
def test_a_symlinked_config_folder_is_refused(folder: str, mkchart: Run, make_chart: MakeChart,
                                              tmp_path: Path, secret: Path) -> None:
    (tmp_path / "app.conf").write_text("a=1\n")
    chart = make_chart(NAME, "config.files=app.conf")
    # A pull request swaps the folder for a link to the agent's folder, naming its file.
    agent = secret.parent
    (agent / "app.conf").write_text(SECRET + "\n")
    os.rename(chart / "files/config/app.conf", tmp_path / "moved.conf")
    target = chart / folder
    for path in sorted(target.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    target.rmdir()
    if folder == "files":
        (agent / "config").mkdir()
        (agent / "config" / "app.conf").write_text(SECRET + "\n")
    target.symlink_to(agent)
    for command in (("--check",), ()):
        result = mkchart("regen", str(chart), *command)
        assert result.exit_code == ExitCode.BAD_INPUT, result.output
        assert "symbolic link" in result.output and SECRET not in result.output
    assert SECRET.encode() not in b"".join(files_of(chart).values())


def test_writing_through_a_symlinked_folder_is_refused(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart(NAME)
    outside = tmp_path / "outside"
    outside.mkdir()
    for path in sorted((chart / "templates").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (chart / "templates").rmdir()
    (chart / "templates").symlink_to(outside)
    result = mkchart("regen", str(chart), "--set", "port=9090")
    assert result.exit_code == ExitCode.BAD_INPUT and "templates" in result.output
    assert not list(outside.iterdir())


def test_a_missing_generated_file_is_drift_until_regen_records_it(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    (chart / layout.NOTES).unlink()
    check = mkchart("regen", "--check", str(chart))
    assert check.exit_code == ExitCode.DRIFT, check.output
    regen = mkchart("regen", str(chart))
    assert regen.exit_code == 0 and "recorded as deleted" in regen.output
    assert not (chart / layout.NOTES).exists()
    assert layout.NOTES in (chart / layout.ANSWERS_FILE).read_text().split("\ndeleted:")[1]
    assert mkchart("regen", "--check", str(chart)).exit_code == 0
    # Restored by the user: no longer recorded as deleted, and current again after a regen.
    (chart / layout.NOTES).write_bytes(b"mine\n")
    assert mkchart("regen", str(chart)).exit_code == 0
    assert "\ndeleted:" not in (chart / layout.ANSWERS_FILE).read_text()
    assert mkchart("regen", "--check", str(chart)).exit_code == 0


def test_a_leftover_temp_file_is_drift_and_regen_removes_it(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    (chart / "templates" / ".deployment.yaml.x1y2.mkchart-new").write_text("half\n")
    check = mkchart("regen", "--check", str(chart))
    assert check.exit_code == ExitCode.DRIFT and "interrupted" in check.output
    assert mkchart("regen", str(chart)).exit_code == 0
    assert write.leftovers(chart) == []
    assert mkchart("regen", "--check", str(chart)).exit_code == 0


def test_an_edit_saved_during_regen_is_never_lost(make_chart: MakeChart, monkeypatch: pytest.MonkeyPatch) -> None:
    chart = make_chart(NAME)
    plan = regeneration.plan_regen(chart, sets=("port=9090",))
    assert layout.VALUES_YAML in plan.writes
    # The user saves values.yaml after regen planned and before it writes.
    saved = (chart / layout.VALUES_YAML).read_bytes() + b"# saved meanwhile\n"
    (chart / layout.VALUES_YAML).write_bytes(saved)
    before = files_of(chart)
    with pytest.raises(ChartChangedError) as caught:
        regeneration.apply(plan)
    assert caught.value.exit_code == ExitCode.DRIFT and layout.VALUES_YAML in str(caught.value)
    assert files_of(chart) == before and write.leftovers(chart) == []


def test_two_runs_never_interleave_on_one_chart(mkchart: Run, make_chart: MakeChart,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    chart = make_chart(NAME)
    monkeypatch.setattr(write, "LOCK_WAIT_SECONDS", 0.3)
    with write.chart_lock(chart):
        result = mkchart("regen", str(chart), "--set", "port=9090")
        assert result.exit_code == ExitCode.BAD_INPUT and "another mkchart run" in result.output
        with pytest.raises(ChartBusyError):
            regeneration.regen_chart(chart, sets=("port=9090",))
    # The second run waits for the first and then goes ahead.
    released = threading.Event()

    def hold() -> None:
        with write.chart_lock(chart):
            released.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    monkeypatch.setattr(write, "LOCK_WAIT_SECONDS", 10.0)
    threading.Timer(0.3, released.set).start()
    assert mkchart("regen", str(chart), "--set", "port=9090").exit_code == 0
    holder.join()


def test_a_failure_before_the_commit_puts_every_original_back(make_chart: MakeChart,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    chart = make_chart(NAME)
    plan = regeneration.plan_regen(chart, sets=("port=9090", "image.tag=9.0.86"))
    before = files_of(chart)
    real, calls = os.link, []

    def failing(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 2:  # the second original kept aside: a full disk, say
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "link", failing)
    with pytest.raises(WriteError):
        regeneration.apply(plan)
    monkeypatch.setattr(os, "link", real)
    assert files_of(chart) == before and write.leftovers(chart) == []


def test_a_failure_after_the_commit_finishes_the_change(make_chart: MakeChart, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    chart = make_chart(NAME)
    plan = regeneration.plan_regen(chart, sets=("port=9090", "image.tag=9.0.86"))
    expected = {**files_of(chart), **{path: content for path, content in plan.writes.items() if content}}
    real, calls = os.replace, []

    def failing_once(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 3:  # the journal, one file, then this rename fails once
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(os, "replace", failing_once)
    with pytest.raises(WriteError):
        regeneration.apply(plan)
    monkeypatch.setattr(os, "replace", real)
    # Decided at the commit: finished at once, never rolled back into a mix.
    assert files_of(chart) == expected and write.leftovers(chart) == []


def _plant_journal(chart: Path, entries: list[dict[str, object]]) -> None:
    (chart / write.JOURNAL).write_text(json.dumps({"format": 1, "files": entries}))


@pytest.mark.parametrize("entry", [
    {"path": "evil/victim", "temp": "evil/.victim.x.mkchart-new", "backup": None},  # through a link
    {"path": "evil/victim", "temp": None, "backup": "evil/.victim.x.mkchart-old"},  # a removal there
    {"path": "values.yaml", "temp": "evil/.values.yaml.x.mkchart-new", "backup": None},  # a temp elsewhere
    {"path": "values.yaml", "temp": "notes.txt", "backup": None},  # not a temp mkchart makes
    {"path": "values.yaml", "temp": 5, "backup": None},  # not even a path
], ids=["write through a link", "remove through a link", "temp in another folder", "not a temp", "not text"])
def test_a_planted_journal_never_reaches_outside_the_chart(entry: dict[str, object], mkchart: Run,
                                                          make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart(NAME)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim").write_text("theirs\n")
    (outside / ".victim.x.mkchart-new").write_text("PWNED\n")
    (outside / ".values.yaml.x.mkchart-new").write_text("PWNED\n")
    (chart / "evil").symlink_to(outside)
    (chart / "notes.txt").write_text("mine\n")
    _plant_journal(chart, [entry])
    result = mkchart("regen", str(chart))
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output, result.output
    assert (outside / "victim").read_text() == "theirs\n" and (chart / "notes.txt").read_text() == "mine\n"
    assert "PWNED" not in (chart / layout.VALUES_YAML).read_text()


def test_a_journal_that_cannot_be_finished_is_a_clean_error(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    (chart / "templates" / ".x.mkchart-new").write_text("a file over a folder\n")
    (chart / ".templates.x.mkchart-new").write_text("a file over a folder\n")
    _plant_journal(chart, [{"path": "templates", "temp": ".templates.x.mkchart-new", "backup": None}])
    result = mkchart("regen", str(chart))
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output, result.output


def test_a_killed_new_force_gets_its_old_chart_back(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart(NAME)
    before = files_of(chart)
    # Killed between moving the old chart aside and renaming the new one into place.
    hidden = chart.parent / f".{NAME}.abc123.mkchart-old"
    os.rename(chart, hidden)
    (chart.parent / f".{NAME}.def456.mkchart-new").mkdir()
    assert mkchart("new", NAME, "--no-input", "--output-dir", str(chart.parent)).exit_code == ExitCode.BAD_INPUT
    assert files_of(chart) == before, "the old chart is back, and new refuses to overwrite it"
    assert not [p for p in chart.parent.iterdir() if p.name.startswith(".")]


# --- kills: SIGKILL and SIGTERM at every rename of a regen ----------------------------------

KILLER = textwrap.dedent("""
    import os, signal, sys
    at, name = int(sys.argv[1]), sys.argv[2]
    real, count = os.replace, [0]
    def replace(src, dst):
        count[0] += 1
        if count[0] == at:
            os.kill(os.getpid(), getattr(signal, name))
        return real(src, dst)
    os.replace = replace
    sys.argv = ["mkchart", *sys.argv[3:]]
    from mkchart.cli import main
    main()
""")

CHANGE = ("--set", "port=9090", "--set", "image.tag=9.0.86", "--set", "probe.style=tcp")


def _mkchart(cwd: Path, *args: str, killer: tuple[int, str] | None = None) -> subprocess.CompletedProcess[str]:
    if killer is None:
        command = [sys.executable, "-m", "mkchart", *args]
    else:
        command = [sys.executable, "-c", KILLER, str(killer[0]), killer[1], *args]
    return subprocess.run(command, cwd=cwd, env=child_env(), capture_output=True, text=True, timeout=60)


@pytest.fixture
def old_and_new(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes], int]:
    root = tmp_path_factory.mktemp("kills")
    assert _mkchart(root, "new", NAME, "--no-input", "-o", "old").returncode == 0
    old = files_of(root / "old" / NAME)
    os.system(f"cp -a {root / 'old'} {root / 'new'}")
    done = _mkchart(root, "regen", str(root / "new" / NAME), *CHANGE)
    assert done.returncode == 0, done.stderr
    new = files_of(root / "new" / NAME)
    renames = len([line for line in done.stdout.splitlines() if line.startswith("  ")]) + 1
    return root, old, new, renames


@pytest.mark.slow
@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM"])
def test_a_killed_regen_leaves_the_chart_old_or_new_and_the_next_run_finishes(
        signal_name: str, old_and_new: tuple[Path, dict[str, bytes], dict[str, bytes], int], tmp_path: Path) -> None:
    root, old, new, renames = old_and_new
    assert renames >= 4
    for at in range(1, renames + 1):
        chart = tmp_path / str(at) / NAME
        os.system(f"mkdir -p {chart.parent} && cp -a {root / 'old' / NAME} {chart.parent}/")
        killed = _mkchart(tmp_path, "regen", str(chart), *CHANGE, killer=(at, signal_name))
        if signal_name == "SIGKILL":
            assert killed.returncode == -9, killed.stderr
            check = _mkchart(tmp_path, "regen", "--check", str(chart))
            assert check.returncode == ExitCode.DRIFT, f"at rename {at}: --check said {check.stdout}"
            # The next run (with no change asked) finishes or drops the interrupted one.
            assert _mkchart(tmp_path, "regen", str(chart)).returncode == 0
        else:
            # SIGTERM waits for the chart to be complete, then stops like Ctrl-C.
            assert killed.returncode == ExitCode.INTERRUPTED, killed.stderr
        after = files_of(chart)
        assert after in (old, new), f"{signal_name} at rename {at}: a mix of old and new"
        assert write.leftovers(chart) == [], f"{signal_name} at rename {at}"
        assert _mkchart(tmp_path, "regen", "--check", str(chart)).returncode == 0
        if signal_name == "SIGTERM":
            assert after == new


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_a_signal_before_the_commit_stops_with_the_chart_as_it_was(signal_name: str, tmp_path: Path) -> None:
    assert _mkchart(tmp_path, "new", NAME, "--no-input").returncode == 0
    before = files_of(tmp_path / NAME)
    # The signal arrives while the new files are staged (os.link makes the backups).
    script = KILLER.replace("os.replace = replace", "os.link, real = replace, os.link")
    command = [sys.executable, "-c", script, "1", signal_name, "regen", NAME, *CHANGE]
    stopped = subprocess.run(command, cwd=tmp_path, env=child_env(), capture_output=True, text=True, timeout=60)
    assert stopped.returncode == ExitCode.INTERRUPTED, stopped.stderr
    assert "interrupted" in stopped.stderr and "Traceback" not in stopped.stderr
    assert files_of(tmp_path / NAME) == before and write.leftovers(tmp_path / NAME) == []


def test_the_killer_really_kills(tmp_path: Path) -> None:
    assert _mkchart(tmp_path, "new", NAME, "--no-input").returncode == 0
    killed = _mkchart(tmp_path, "regen", NAME, *CHANGE, killer=(2, "SIGKILL"))
    assert killed.returncode == -9
    assert write.leftovers(tmp_path / NAME), "a kill after the commit leaves the journal"
    assert (tmp_path / NAME / write.JOURNAL).exists()


@pytest.mark.slow
def test_an_interrupted_batch_reports_exactly_what_it_wrote(tmp_path: Path) -> None:
    names = [f"svc{i}-{('tomcat', 'redis', 'zk')[i % 3]}-n1" for i in range(400)]
    (tmp_path / "fleet.yaml").write_text("services:\n" + "".join(f"  - name: {n}\n" for n in names))
    command = [sys.executable, "-m", "mkchart", "batch", "fleet.yaml", "-o", "charts", "--output", "json"]
    child = subprocess.Popen(command, cwd=tmp_path, env=child_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    charts = tmp_path / "charts"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(charts.glob("*/.mkchart.yaml"))) < 20:
        time.sleep(0.01)
    os.killpg(child.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == ExitCode.INTERRUPTED, stderr
    document = json.loads(stdout)
    assert document["exitCode"] == ExitCode.INTERRUPTED and "Traceback" not in stderr
    statuses = {chart["name"]: chart["status"] for chart in document["charts"]}
    assert list(statuses) == names, "every service is accounted for, in file order"
    on_disk = {path.parent.name for path in charts.glob("*/.mkchart.yaml")}
    created = {name for name, status in statuses.items() if status == "created"}
    assert created == on_disk and 20 <= len(created) < len(names), stderr
    assert set(statuses.values()) <= {"created", "interrupted"}
    assert f"{len(created)} of {len(names)} charts were written" in stderr
    # Nothing half-written: every chart folder is complete, no staging folder is left.
    assert not [p for p in charts.iterdir() if p.name.startswith(".")]
    for name in on_disk:
        # every file the record names (the workload's templates, the profile's own config
        # files), the record itself and the stored base
        recorded = yamlio.read_mapping(charts / name / layout.ANSWERS_FILE)["generated"]
        assert set(files_of(charts / name)) == {*recorded, layout.ANSWERS_FILE, layout.BASE_FILE}, name
        assert len(recorded) >= 14 + len(get(name.split("-")[1]).chart.files), name
