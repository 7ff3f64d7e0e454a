"""`mkchart regen` on real generated charts, each result linted by the real Helm engine."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import (
    MakeChart,
    Run,
    edit_file,
    json_report,
    lint_strict,
    one,
    own_image,
    render_objects,
    set_args,
    snapshot,
    snapshot_with_mtimes,
)
from mkchart import ANSWERS_FORMAT, yamlio
from mkchart.chart import layout
from mkchart.errors import WriteError

NAME = "book-tomcat-n1"


def regen(mkchart: Run, chart: Path, *args: str) -> Any:
    return mkchart("regen", str(chart), *args)


def container(chart: Path) -> dict:
    return one(render_objects(chart), "Deployment")["spec"]["template"]["spec"]["containers"][0]


def test_change_the_port(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    result = regen(mkchart, chart, *set_args("port=9090"))
    assert result.exit_code == 0, result.output
    lint_strict(chart)
    assert container(chart)["ports"][0]["containerPort"] == 9090
    assert "port: 9090" in (chart / layout.ANSWERS_FILE).read_text()


def test_switch_the_probe_style(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    assert regen(mkchart, chart, *set_args("probe.style=tcp")).exit_code == 0
    lint_strict(chart)
    assert container(chart)["livenessProbe"]["tcpSocket"] == {"port": "http"}


def test_add_a_config_file(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart(NAME)
    (tmp_path / "server.xml").write_text("<Server/>\n")
    result = regen(mkchart, chart, *set_args("config.files=server.xml"))
    assert result.exit_code == 0, result.output
    lint_strict(chart)
    assert (chart / "files/config/server.xml").read_text() == "<Server/>\n"
    assert "files/config/server.xml" in (chart / layout.ANSWERS_FILE).read_text()
    maps = [o for o in render_objects(chart) if o["kind"] == "ConfigMap"]
    assert any(m["data"].get("server.xml") == "<Server/>\n" for m in maps)
    # The chart's copy is now the input: editing it and regenerating keeps the edit.
    (chart / "files/config/server.xml").write_text("<Server port='8005'/>\n")
    assert regen(mkchart, chart, "--check").exit_code == 0
    assert regen(mkchart, chart).exit_code == 0
    assert (chart / "files/config/server.xml").read_text() == "<Server port='8005'/>\n"


def test_switch_persistence_on(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    assert regen(mkchart, chart, *set_args("persistence.enabled=true", "persistence.size=5Gi")).exit_code == 0
    lint_strict(chart)
    pvc = one(render_objects(chart), "PersistentVolumeClaim")
    assert pvc["spec"]["resources"]["requests"]["storage"] == "5Gi"


def hand_edit(chart: Path) -> None:
    deployment = chart / layout.DEPLOYMENT
    text = deployment.read_text()
    marker = "      annotations:\n"
    assert marker in text
    deployment.write_text(text.replace(marker, marker + "        team.example.com/owner: books\n", 1))
    values = chart / layout.VALUES_YAML
    edit_file(values, "replicaCount: 1\n", "replicaCount: 3  # three for the launch\n")
    (chart / "values-prod.yaml").write_text("replicaCount: 5\n")


def test_hand_edits_survive(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    hand_edit(chart)
    result = regen(mkchart, chart, *set_args("port=9090", "probe.style=tcp", "persistence.enabled=true"))
    assert result.exit_code == 0, result.output
    lint_strict(chart)
    values = (chart / layout.VALUES_YAML).read_text()
    assert "replicaCount: 3  # three for the launch\n" in values
    assert "containerPort: 9090" in values and "tcpSocket" in values and "httpGet" not in values
    assert "(tcp check)" in values  # the generated comment follows the answer
    assert "team.example.com/owner: books" in (chart / layout.DEPLOYMENT).read_text()
    assert (chart / "values-prod.yaml").read_text() == "replicaCount: 5\n"
    objects = render_objects(chart)
    deployment = one(objects, "Deployment")
    assert deployment["spec"]["replicas"] == 3
    assert deployment["spec"]["template"]["metadata"]["annotations"]["team.example.com/owner"] == "books"
    # The next regen with no change leaves the merged chart alone.
    before = snapshot_with_mtimes(chart)
    assert regen(mkchart, chart).exit_code == 0
    assert snapshot_with_mtimes(chart) == before


def test_a_deleted_file_stays_deleted(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    (chart / layout.TEST_CONNECTION).unlink()
    result = regen(mkchart, chart, *set_args("port=9090"))
    assert result.exit_code == 0, result.output
    assert not (chart / layout.TEST_CONNECTION).exists()
    lint_strict(chart)


def test_a_conflict_is_marked_and_exits_1(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    chart_yaml = chart / layout.CHART_YAML
    edit_file(chart_yaml, 'appVersion: "9.0.85-jre17"', 'appVersion: "9.0.85-ours"')
    values = chart / layout.VALUES_YAML
    edit_file(values, 'tag: "9.0.85-jre17"', 'tag: "9.0.85-ours"')
    result = regen(mkchart, chart, *set_args("image.tag=9.0.86"))
    assert result.exit_code == 1
    assert "Chart.yaml" in result.output and "values.yaml" in result.output and "conflict" in result.output
    for path in (chart_yaml, values):
        text = path.read_text()
        assert "<<<<<<< yours\n" in text and "=======\n" in text and ">>>>>>> mkchart\n" in text
        assert "9.0.85-ours" in text and "9.0.86" in text
    # Unresolved markers keep failing, in regen and in --check, until someone resolves them.
    assert regen(mkchart, chart).exit_code == 1
    assert regen(mkchart, chart, "--check").exit_code == 1
    for path in (chart_yaml, values):
        lines = path.read_text().splitlines(keepends=True)
        start = lines.index("<<<<<<< yours\n")
        split = lines.index("=======\n")
        end = lines.index(">>>>>>> mkchart\n")
        path.write_text("".join(lines[:start] + lines[split + 1:end] + lines[end + 1:]))
    assert regen(mkchart, chart, "--check").exit_code == 0
    lint_strict(chart)


def test_regen_twice_changes_nothing(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    before = snapshot_with_mtimes(chart)
    for _ in range(2):
        result = regen(mkchart, chart)
        assert result.exit_code == 0, result.output
        assert snapshot_with_mtimes(chart) == before  # same bytes, same mtimes
    assert regen(mkchart, chart, *set_args("port=9090")).exit_code == 0
    after = snapshot_with_mtimes(chart)
    assert regen(mkchart, chart).exit_code == 0
    assert snapshot_with_mtimes(chart) == after
    assert not list(chart.rglob("*mkchart-*"))


def test_check_on_current_and_stale_chart(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    current = regen(mkchart, chart, "--check")
    assert current.exit_code == 0, current.output
    assert "up to date" in current.output
    # A stale chart: the answers were changed by hand, the chart was not regenerated.
    answers = chart / layout.ANSWERS_FILE
    edit_file(answers, "port: 8080", "port: 9090")
    before = snapshot_with_mtimes(chart)
    stale = regen(mkchart, chart, "--check")
    assert stale.exit_code == 1
    assert "--- a/values.yaml" in stale.output and "+containerPort: 9090" in stale.output
    assert "file(s) to change" in stale.output
    assert snapshot_with_mtimes(chart) == before


def test_dry_run_writes_nothing(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    before = snapshot_with_mtimes(chart)
    result = regen(mkchart, chart, "--dry-run", *set_args("port=9090"))
    assert result.exit_code == 0, result.output
    assert "update    values.yaml" in result.output and "+containerPort: 9090" in result.output
    assert snapshot_with_mtimes(chart) == before


def refused(mkchart: Run, chart: Path, *says: str) -> None:
    """regen exits 2 with a message naming .mkchart.yaml, and changes nothing."""
    before = snapshot_with_mtimes(chart)
    result = regen(mkchart, chart)
    assert result.exit_code == 2, result.output
    assert ".mkchart.yaml" in result.output and "Traceback" not in result.output
    assert all(text in result.output for text in says), result.output
    assert snapshot_with_mtimes(chart) == before


def test_missing_or_invalid_answers_file(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    answers = chart / layout.ANSWERS_FILE
    text = answers.read_text()
    answers.unlink()
    refused(mkchart, chart, ".mkchart.yaml: missing", "restore .mkchart.yaml")
    for broken, says in [("mkchart: [\n", "not valid YAML"), ("answers: {}\n", "`mkchart:` section"),
                         (text.replace("port: 8080", "port: eighty"), "port: must be a whole number"),
                         (text + "  ../../etc/passwd: " + "0" * 64 + "\n", "relative paths inside the chart")]:
        answers.write_text(broken)
        refused(mkchart, chart, says)


def test_future_format_is_refused(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    answers = chart / layout.ANSWERS_FILE
    edit_file(answers, f"format: {ANSWERS_FORMAT}", "format: 99")
    refused(mkchart, chart, "answers format 99 is newer", "upgrade mkchart")


def test_old_format_is_migrated(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    answers = chart / layout.ANSWERS_FILE
    text = answers.read_text()
    old = text[:text.index("# generated:")].replace(f"format: {ANSWERS_FORMAT}", "format: 0")
    old = old.replace("style: http", "type: http")
    old = old.replace("  port: 8080\n", "  port: 8080  # the connector port\n")
    answers.write_text(old)
    result = regen(mkchart, chart)
    assert result.exit_code == 0, result.output
    assert "migrated format 0 -> 1" in result.output and "probe.type is now probe.style" in result.output
    migrated = answers.read_text()
    assert f"format: {ANSWERS_FORMAT}" in migrated and "style: http" in migrated and "generated:" in migrated
    assert "port: 8080  # the connector port" in migrated  # the user's comment survives
    assert regen(mkchart, chart, "--check").exit_code == 0
    lint_strict(chart)


def test_server_type_switch_follows_the_new_profile(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME, "timezone=UTC", "image.repository=harbor.example.com/book/tomcat")
    result = regen(mkchart, chart, *set_args("serverType=mysql"))
    assert result.exit_code == 0, result.output
    lint_strict(chart)
    recorded = yamlio.read_mapping(chart / layout.ANSWERS_FILE)["answers"]
    assert (recorded["port"], recorded["image"]["tag"], recorded["timezone"]) == (3306, "8.0.36", "UTC")
    # The workload was tomcat's default, not a choice: it follows the new type's default.
    assert recorded["workload"] == "statefulset" and (chart / layout.STATEFULSET).is_file()
    assert not (chart / layout.DEPLOYMENT).exists()
    assert recorded["image"]["repository"] == "harbor.example.com/book/tomcat"  # chosen by the user: kept


def test_never_writes_outside_the_chart(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart(NAME)
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "app.conf").write_text("a=1\n")
    shutil.rmtree(chart / "files")  # tomcat's own config files live there
    os.symlink(outside, chart / "files")
    result = regen(mkchart, chart, *set_args("config.files=app.conf"))
    assert result.exit_code == 2 and "outside the chart" in result.output
    assert not list(outside.iterdir())


ANSWER_CHANGES = st.fixed_dictionaries({}, optional={
    "port": st.integers(1025, 65535).map(str),
    "probe.style": st.sampled_from(["http", "tcp", "exec"]),
    "persistence.enabled": st.sampled_from(["true", "false"]),
    "ingress.enabled": st.sampled_from(["true", "false"]),
    "replicas": st.integers(1, 5).map(str),
    "image.tag": st.sampled_from(["9.0.86", "10.1.20-jre21"]),
    "serverType": st.sampled_from(["tomcat", "springboot", "nginx", "redis"]),
    "config.env.JAVA_OPTS": st.sampled_from(["-Xmx512m", "-Xmx1g"]),
    "imagePullSecrets": st.sampled_from(["harbor", "harbor,backup"]),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=ANSWER_CHANGES)
def test_regen_without_edits_equals_a_fresh_chart(changes: dict[str, str],
                                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    server_type = changes.get("serverType", "tomcat")
    # An Ingress to a server that speaks no HTTP is refused (tested in test_bad_input), and so
    # are two redis servers (tests/test_workloads.py).
    assume(not (server_type == "redis" and changes.get("ingress.enabled") == "true"))
    assume(not (server_type == "redis" and changes.get("replicas", "1") != "1"))
    if changes.get("persistence.enabled") == "true" and changes.get("replicas", "1") != "1":
        changes = {**changes, "persistence.accessMode": "ReadWriteMany"}  # pods of a Deployment share the claim
    root = tmp_path_factory.mktemp("prop")
    run = Run(root)
    pairs = [f"{k}={v}" for k, v in changes.items()]
    if "serverType" in changes:  # springboot runs the user's own image: give one
        pairs += [p for p in own_image(server_type) if p.split("=")[0] not in changes]
    assert run("new", NAME, "--no-input", "-o", "old").exit_code == 0
    # --bump none: a fresh chart starts at 0.1.0, where regen would bump the one it changes.
    result = run("regen", f"old/{NAME}", "--bump", "none", *set_args(*pairs))
    assert result.exit_code == 0, result.output
    assert run("new", NAME, "--no-input", "-o", "new", *set_args(*pairs)).exit_code == 0
    assert snapshot(root / "old" / NAME) == snapshot(root / "new" / NAME)


def test_a_failed_write_leaves_the_chart_as_it_was(make_chart: MakeChart, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkchart.regen import plan as regeneration

    chart = make_chart(NAME)
    plan = regeneration.plan_regen(chart, sets=("port=9090", "image.tag=9.0.86"))
    assert len(plan.writes) >= 3
    before = snapshot(chart)
    real_write, calls = Path.write_bytes, []

    def failing(path: Path, data: bytes) -> int:
        calls.append(path)
        if len(calls) == 2:  # the disk fills up while the new files are staged
            raise OSError(28, "No space left on device")
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(WriteError):
        regeneration.apply(plan)
    monkeypatch.setattr(Path, "write_bytes", real_write)
    assert snapshot(chart) == before


def test_after_an_mkchart_upgrade_edited_files_show_every_difference(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    hand_edit(chart)
    # Pretend an older mkchart wrote deployment.yaml differently: its recorded hash no longer
    # matches today's render of the same answers.
    answers = chart / layout.ANSWERS_FILE
    text = answers.read_text()
    line = next(x for x in text.splitlines() if x.strip().startswith("templates/deployment.yaml:"))
    answers.write_text(text.replace(line, line.rstrip('"')[:-6] + "ffffff" + ('"' if line.endswith('"') else "")))
    result = regen(mkchart, chart, *set_args("port=9090"))
    # Without the true base, mkchart cannot tell your edit from its own upgrade: both are
    # shown between markers (exit 1), never one silently dropped.
    assert result.exit_code == 1, result.output
    text = (chart / layout.DEPLOYMENT).read_text()
    assert "team.example.com/owner: books" in text and "<<<<<<< yours" in text and ">>>>>>> mkchart" in text
    assert regen(mkchart, chart, "--check").exit_code == 1, "unresolved markers keep failing the check"


def test_an_os_error_is_a_clean_message_and_nothing_changes(mkchart: Run, make_chart: MakeChart,
                                                           tmp_path: Path) -> None:
    chart = make_chart("book-redis-n1")  # a type with no config file of its own
    (chart / "files").write_text("x\n")  # a file where regen needs the folder files/config
    (tmp_path / "app.conf").write_text("a=1\n")
    before = snapshot_with_mtimes(chart)
    result = regen(mkchart, chart, *set_args("config.files=app.conf", "port=9090"))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"{chart / 'files' / 'config'}: cannot write: Not a directory" in result.output
    assert f"nothing was changed in {chart}" in result.output
    assert snapshot_with_mtimes(chart) == before
    assert not list(chart.rglob("*mkchart-*"))


def test_an_os_error_in_one_of_many_charts_lets_the_others_go_on(mkchart: Run, make_chart: MakeChart,
                                                                tmp_path: Path) -> None:
    broken, fine = make_chart("book-redis-n2"), make_chart("book-redis-n1")
    (broken / "files").write_text("x\n")
    (tmp_path / "app.conf").write_text("a=1\n")
    result = mkchart("regen", str(broken), str(fine), "--set", "config.files=app.conf", "--output", "json")
    assert result.exit_code == 2 and "Traceback" not in result.output
    document = json_report(result)
    assert [c["status"] for c in document["charts"]] == ["refused", "updated"]
    assert "Not a directory" in document["charts"][0]["errors"][0]
    assert (fine / "files/config/app.conf").read_text() == "a=1\n"
    lint_strict(fine)


def test_new_reports_an_os_error_cleanly(mkchart: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkchart import write

    def full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(write.os, "rename", full)
    result = mkchart("new", NAME, "--no-input")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{tmp_path / NAME}: cannot write: No space left on device" in result.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name != ".cache"] == []
