"""Jenkins and fleet scale: JSON output, exit codes, batch, package, no prompt or ANSI
codes without a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from conftest import MakeChart, Run, lint_strict
from mkchart import yamlio
from mkchart.chart import layout
from mkchart.errors import ExitCode

SERVICES = """\
defaults:
  image: {repository: harbor.example.com/book/app, tag: "2.3.1"}
  persistence: {storageClass: glusterfs}
  ingress: {domain: book.example.com}
  timezone: Asia/Shanghai
services:
  - name: book-tomcat-n1
  - name: book-mysql-m1
    image: {repository: mysql, tag: "8.0.36"}
    persistence: {enabled: true, size: 20Gi}
  - name: book-redis-n1
    image: {repository: redis, tag: 7.2.4-alpine}
"""


def _json(result: Any) -> dict[str, Any]:
    document = json.loads(result.stdout)
    assert document["exitCode"] == result.exit_code
    assert document["ok"] is (result.exit_code == 0)
    return document


def test_new_json(mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", "book-tomcat-n1", "--output", "json")
    assert result.exit_code == 0
    document = _json(result)
    (chart,) = document["charts"]
    assert chart["status"] == "created" and chart["name"] == "book-tomcat-n1"
    assert layout.VALUES_YAML in chart["written"] and layout.ANSWERS_FILE in chart["written"]
    assert (tmp_path / "book-tomcat-n1" / layout.CHART_YAML).exists()
    assert "Wrote chart" in result.stderr, "human lines go to stderr in JSON mode"


def test_new_json_bad_input(mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", "book-tomcat-n1", "--output", "json", "--set", "image.tag=latest")
    assert result.exit_code == ExitCode.BAD_INPUT
    document = _json(result)
    assert document["charts"] == [] and "image.tag" in document["errors"][0]
    assert "mkchart: error: image.tag" in result.stderr
    assert not (tmp_path / "book-tomcat-n1").exists()


def test_output_and_no_input_from_environment(mkchart: Run) -> None:
    result = mkchart("new", "book-redis-n1", env={"MKCHART_OUTPUT": "json", "MKCHART_NO_INPUT": "1"})
    assert _json(result)["charts"][0]["status"] == "created"


def test_bad_output_format(mkchart: Run) -> None:
    result = mkchart("new", "book-redis-n1", "--output", "xml")
    assert result.exit_code == ExitCode.BAD_INPUT and "--output 'xml'" in result.stderr


def test_quiet_prints_only_errors(mkchart: Run) -> None:
    result = mkchart("new", "book-redis-n1", "--no-input", "--quiet")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_regen_json_current_drift_and_conflict(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    current = mkchart("regen", "--check", str(chart), "--output", "json")
    assert current.exit_code == 0 and _json(current)["charts"][0]["status"] == "unchanged"

    stale = mkchart("regen", "--check", str(chart), "--set", "port=9090", "--output", "json")
    assert stale.exit_code == ExitCode.DRIFT
    outcome = _json(stale)["charts"][0]
    assert outcome["status"] == "drift" and "values.yaml" in outcome["pending"] and outcome["written"] == []
    assert "+containerPort: 9090" in stale.stderr  # the diff, for people, on stderr

    values = chart / layout.VALUES_YAML
    values.write_text(values.read_text().replace("containerPort: 8080", "containerPort: 8081"))
    conflicted = mkchart("regen", str(chart), "--set", "port=9090", "--output", "json")
    assert conflicted.exit_code == ExitCode.DRIFT
    outcome = _json(conflicted)["charts"][0]
    assert outcome["status"] == "conflicted" and outcome["conflicts"] == ["values.yaml"]


def test_regen_many_charts_in_one_run(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    first, second = make_chart("book-tomcat-n1"), make_chart("book-redis-n1")
    (tmp_path / "plain").mkdir()
    result = mkchart("regen", "--check", str(first), str(second), str(tmp_path / "plain"), "--output", "json")
    assert result.exit_code == ExitCode.BAD_INPUT
    statuses = [(c["name"], c["status"]) for c in _json(result)["charts"]]
    assert statuses == [("book-tomcat-n1", "unchanged"), ("book-redis-n1", "unchanged"), ("plain", "refused")]


def test_batch_creates_every_chart(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    result = mkchart("batch", "services.yaml", "--output-dir", "charts", "--output", "json")
    assert result.exit_code == 0, result.stderr
    document = _json(result)
    assert [(c["name"], c["status"]) for c in document["charts"]] == [
        ("book-tomcat-n1", "created"), ("book-mysql-m1", "created"), ("book-redis-n1", "created")]
    for name in ("book-tomcat-n1", "book-mysql-m1", "book-redis-n1"):
        lint_strict(tmp_path / "charts" / name)
    mysql = yamlio.read_mapping(tmp_path / "charts" / "book-mysql-m1" / layout.ANSWERS_FILE)["answers"]
    assert mysql["persistence"] | {} == {**mysql["persistence"], "enabled": True, "size": "20Gi",
                                          "storageClass": "glusterfs"}
    tomcat = yamlio.read_mapping(tmp_path / "charts" / "book-tomcat-n1" / layout.ANSWERS_FILE)["answers"]
    assert tomcat["image"] == {"repository": "harbor.example.com/book/app", "tag": "2.3.1",
                               "pullPolicy": "IfNotPresent"}
    assert "created    book-mysql-m1" in result.stderr, "plain progress lines without a terminal"


BROKEN = """\
defaults:
  persistence: {storageClass: glusterfs}
services:
  - name: book-tomcat-n1
  - name: Book_mysql
  - name: book-redis-n1
    port: 99999
    image: {tag: latest}
  - name: book-tomcat-n1
  - port: 80
"""


def test_batch_reports_every_invalid_entry_and_writes_nothing(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(BROKEN)
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
    (tmp_path / "services.yaml").write_text(BROKEN)
    result = mkchart("batch", "services.yaml", "--output-dir", "charts", "--keep-going", "--output", "json")
    assert result.exit_code == ExitCode.BAD_INPUT
    statuses = [c["status"] for c in _json(result)["charts"]]
    assert statuses == ["created", "refused", "refused", "refused", "refused"]
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == ["book-tomcat-n1"]


def test_batch_rerun_regenerates_and_keeps_edits(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    assert mkchart("batch", "services.yaml", "-o", "charts").exit_code == 0
    values = tmp_path / "charts" / "book-tomcat-n1" / layout.VALUES_YAML
    values.write_text(values.read_text().replace("replicaCount: 1", "replicaCount: 4  # launch week"))
    again = mkchart("batch", "services.yaml", "-o", "charts", "--output", "json")
    assert [c["status"] for c in _json(again)["charts"]] == ["unchanged"] * 3
    (tmp_path / "services.yaml").write_text(SERVICES.replace("tag: \"2.3.1\"", "tag: \"2.3.2\""))
    changed = mkchart("batch", "services.yaml", "-o", "charts", "--output", "json")
    assert changed.exit_code == 0
    outcome = _json(changed)["charts"][0]
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
    (refused,) = _json(result)["charts"]
    assert refused["name"] == "book-redis-n1" and refused["status"] == "refused"
    assert "holds no .mkchart.yaml" in refused["errors"][0] and "nothing was written" in result.stderr
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == ["book-redis-n1"]
    assert [p.name for p in (tmp_path / "charts" / "book-redis-n1").iterdir()] == ["notes.txt"]
    kept_going = mkchart("batch", "services.yaml", "-o", "charts", "--keep-going", "--output", "json")
    assert [c["status"] for c in _json(kept_going)["charts"]] == ["created", "created", "refused"]
    assert [p.name for p in (tmp_path / "charts" / "book-redis-n1").iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("text", ["services: []\n", "servies: []\n", "services: {a: 1}\n"])
def test_batch_malformed_file(text: str, mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(text)
    result = mkchart("batch", "services.yaml")
    assert result.exit_code == ExitCode.BAD_INPUT and "services.yaml" in result.stderr


def test_package_makes_an_archive_helm_loads(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    import helm_python

    chart = make_chart("book-tomcat-n1")
    result = mkchart("package", str(chart), "--destination", "dist", "--output", "json")
    assert result.exit_code == 0, result.stderr
    archive = Path(_json(result)["charts"][0]["archive"])
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


def test_no_prompt_and_no_ansi_without_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKCHART_") and k != "CI"}
    env.update(TERM="xterm-256color", MKCHART_CACHE_DIR=str(tmp_path / ".cache"))
    for args in (["new"], ["new", "book-tomcat-n1"], ["batch", "services.yaml", "-o", "charts"],
                 ["regen", "--check", "charts/book-tomcat-n1"]):
        result = subprocess.run([sys.executable, "-m", "mkchart", *args], cwd=tmp_path, env=env,
                                stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        assert b"\x1b[" not in result.stdout + result.stderr, args
        assert b"Enter accepts" not in result.stdout + result.stderr, f"{args}: no session without a person"
    missing = subprocess.run([sys.executable, "-m", "mkchart", "new"], cwd=tmp_path, env=env,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert missing.returncode == ExitCode.BAD_INPUT and "missing answers" in missing.stderr


def test_a_large_fleet_uses_every_core_and_keeps_the_order(mkchart: Run, tmp_path: Path) -> None:
    from mkchart import fleet

    count = fleet.PARALLEL_FROM + 6  # large enough for the forked workers
    names = [f"svc{i}-{('tomcat', 'redis', 'zk')[i % 3]}-n1" for i in range(count)]
    (tmp_path / "fleet.yaml").write_text("services:\n" + "".join(f"  - name: {n}\n" for n in names))
    created = mkchart("batch", "fleet.yaml", "-o", "charts", "--output", "json")
    assert created.exit_code == 0, created.stderr
    assert [c["name"] for c in _json(created)["charts"]] == names
    assert all(c["status"] == "created" for c in _json(created)["charts"])
    values = tmp_path / "charts" / names[5] / layout.VALUES_YAML
    values.write_text(values.read_text().replace("replicaCount: 1", "replicaCount: 2"))
    folders = [str(tmp_path / "charts" / n) for n in names]
    checked = mkchart("regen", "--check", *folders, "--set", "timezone=UTC", "--output", "json")
    assert checked.exit_code == ExitCode.DRIFT
    outcomes = _json(checked)["charts"]
    assert [c["name"] for c in outcomes] == names and {c["status"] for c in outcomes} == {"drift"}
    rerun = mkchart("batch", "fleet.yaml", "-o", "charts", "--output", "json")
    assert {c["status"] for c in _json(rerun)["charts"]} == {"unchanged"}
    assert "replicaCount: 2" in values.read_text()


def test_progress_bar_on_a_terminal_plain_lines_in_ci(tmp_path: Path) -> None:
    import pexpect

    (tmp_path / "services.yaml").write_text(SERVICES)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKCHART_") and k != "CI"}
    env.update(TERM="xterm", MKCHART_CACHE_DIR=str(tmp_path / ".cache"))
    command = f"{sys.executable} -m mkchart batch services.yaml -o"
    on_terminal = pexpect.run(f"{command} bar", cwd=str(tmp_path), env=env, timeout=60).decode()
    assert "[##########" in on_terminal and "3/3" in on_terminal
    assert "created    book-tomcat-n1" not in on_terminal
    in_ci = pexpect.run(f"{command} plain", cwd=str(tmp_path), env={**env, "CI": "true"}, timeout=60).decode()
    assert "created    book-tomcat-n1" in in_ci and "[#" not in in_ci and "\x1b[" not in in_ci


def test_package_refuses_unresolved_conflicts_and_defaults_beside_the_chart(
        mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart("book-tomcat-n1")
    inside = mkchart("package", str(chart), "--output", "json")
    assert inside.exit_code == 0, inside.stderr
    assert Path(_json(inside)["charts"][0]["archive"]).parent == chart.parent, "never inside the chart"
    notes = chart / layout.NOTES
    notes.write_text("<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> mkchart\n" + notes.read_text())
    result = mkchart("package", str(chart))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "templates/NOTES.txt: unresolved conflict markers" in result.stderr
    assert mkchart("lint", str(chart)).exit_code == ExitCode.BAD_INPUT


def test_a_malformed_command_line_still_gives_json(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKCHART_")}
    result = subprocess.run([sys.executable, "-m", "mkchart", "new", "book-tomcat-n1", "--output", "json", "--bogus"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == ExitCode.BAD_INPUT
    document = json.loads(result.stdout)
    assert document["exitCode"] == ExitCode.BAD_INPUT and "--bogus" in document["errors"][0]
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
    assert drift.exit_code == ExitCode.DRIFT and _json(drift)["charts"][0]["status"] == "drift"
    assert "与答案不一致；请运行 `mkchart regen`" in drift.stderr and "个文件待修改" in drift.stderr
    values.write_text(values.read_text().replace('tag: "9.0.85-jre17"', 'tag: "9.0.85-ours"'))
    conflict = mkchart("regen", str(values.parent), *zh)
    assert conflict.exit_code == ExitCode.DRIFT and _json(conflict)["charts"][0]["status"] == "conflicted"
    assert "1 个文件有冲突：values.yaml" in conflict.stderr and "'<<<<<<< yours'" in conflict.stderr
    assert "  conflict  values.yaml  (标记了 1 处冲突)" in conflict.stderr

    (tmp_path / "services.yaml").write_text(BROKEN)
    refused = mkchart("batch", "services.yaml", "-o", "charts", "--lang", "zh", "--output", "json")
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert {c["status"] for c in _json(refused)["charts"]} == {"refused"}
    assert "有 4 个服务无效；未写入任何文件" in refused.stderr and "已被 services[0] 使用" in refused.stderr
    kept = mkchart("batch", "services.yaml", "-o", "charts", "--keep-going", "--lang", "zh")
    assert "5 个服务：1 created, 4 refused" in kept.stdout
def test_batch_an_os_error_refuses_that_chart_and_the_others_go_on(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    assert mkchart("batch", "services.yaml", "-o", "charts").exit_code == 0
    (tmp_path / "charts" / "book-mysql-m1" / "files").write_text("x\n")
    (tmp_path / "app.conf").write_text("a=1\n")
    with_config = SERVICES.replace("  timezone: Asia/Shanghai\n",
                                   "  timezone: Asia/Shanghai\n  config: {files: [app.conf]}\n")
    (tmp_path / "services.yaml").write_text(with_config)
    result = mkchart("batch", "services.yaml", "-o", "charts", "--output", "json")
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output
    charts = _json(result)["charts"]
    assert [c["status"] for c in charts] == ["updated", "refused", "updated"]
    assert "cannot write: Not a directory" in charts[1]["errors"][0]
    assert "book-mysql-m1: " in result.stderr and "Not a directory" in result.stderr
    for name in ("book-tomcat-n1", "book-redis-n1"):
        assert (tmp_path / "charts" / name / "files/config/app.conf").read_text() == "a=1\n"
        lint_strict(tmp_path / "charts" / name)


def test_batch_checks_existing_folders_before_writing_anything(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    assert mkchart("batch", "services.yaml", "-o", "charts").exit_code == 0
    charts = tmp_path / "charts"
    (charts / "book-tomcat-n1").rename(tmp_path / "moved")
    (charts / "book-tomcat-n1").mkdir()  # a folder mkchart did not make
    record = charts / "book-redis-n1" / layout.ANSWERS_FILE
    record.write_text(record.read_text().replace("format: 1", "format: 99"))
    (charts / "book-mysql-m1").rename(tmp_path / "mysql")  # would be created
    (tmp_path / "services.yaml").write_text(SERVICES.replace('tag: "2.3.1"', 'tag: "2.3.2"'))
    before = {p: p.read_bytes() for p in charts.rglob("*") if p.is_file()}
    result = mkchart("batch", "services.yaml", "-o", "charts")
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output
    for expected in ("2 of the services are invalid; nothing was written",
                     "services[0] (book-tomcat-n1): ", "holds no .mkchart.yaml",
                     "services[2] (book-redis-n1): ", "answers format 99 is newer"):
        assert expected in result.stderr, expected
    assert not (charts / "book-mysql-m1").exists()
    assert {p: p.read_bytes() for p in charts.rglob("*") if p.is_file()} == before
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


def test_package_refuses_a_link_out_of_the_chart(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart("book-tomcat-n1")
    (tmp_path / "secret.env").write_text("TOKEN=hunter2\n")
    (chart / "files" / "config").mkdir(parents=True)
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
    assert _json(result)["charts"][0]["status"] == "refused" and "templates/self" in result.stderr


def test_batch_writes_nothing_when_an_existing_chart_cannot_be_regenerated(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "app.conf").write_text("a=1\n")
    (tmp_path / "first.yaml").write_text("services:\n  - name: a-tomcat-n1\n  - name: b-tomcat-n1\n"
                                         "    config: {files: [app.conf]}\n")
    assert mkchart("batch", "first.yaml", "-o", "out").exit_code == 0
    (tmp_path / "out" / "b-tomcat-n1" / "files" / "config" / "app.conf").unlink()  # still in its answers
    before = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    (tmp_path / "second.yaml").write_text("defaults: {replicas: 2}\nservices:\n  - name: a-tomcat-n1\n"
                                          "  - name: b-tomcat-n1\n  - name: c-tomcat-n1\n")
    result = mkchart("batch", "second.yaml", "-o", "out", "--output", "json")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "b-tomcat-n1" in result.stderr and "config.files" in result.stderr
    assert not (tmp_path / "out" / "c-tomcat-n1").exists()
    assert {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()} == before
