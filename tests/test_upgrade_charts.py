"""Charts that mkchart 0.1.0 wrote (tests/upgrade/v0.1.0/, untouched since), edited by hand
as a user would, regenerate onto today's profiles: every edit kept, no conflict, the
result lints and validates, and the data of a stateful service stays where it was."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, edit_file, helm_checked, one, replicas_edit
from mkchart import ANSWERS_FORMAT, yamlio
from mkchart.chart import layout
from mkchart.errors import ExitCode

RELEASED = Path(__file__).parent / "upgrade" / "v0.1.0"
CHARTS = sorted(p.name for p in RELEASED.iterdir() if p.is_dir())
ANNOTATION = "        # kept: the team's own annotation\n        team.example.com/owner: book\n"


def _edit_like_a_user(chart: Path) -> None:
    edit_file(chart / layout.VALUES_YAML, "replicaCount: 1\n", replicas_edit(chart.name))
    edit_file(chart / layout.VALUES_YAML, "podAnnotations: {}\n", "podAnnotations:\n  prometheus.io/scrape: \"true\"\n")
    edit_file(chart / layout.DEPLOYMENT, "      annotations:\n", "      annotations:\n" + ANNOTATION)
    (chart / "templates" / "pdb.yaml").write_text(
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n"
        "  name: {{ .Release.Name | quote }}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n"
        "      app.kubernetes.io/instance: {{ .Release.Name | quote }}\n")


def _container(objects: list[dict[str, Any]]) -> dict[str, Any]:
    container: dict[str, Any] = one(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]
    return container


@pytest.mark.parametrize("name", CHARTS)
def test_a_released_chart_with_hand_edits_regenerates_keeping_them(name: str, mkchart: Run, tmp_path: Path) -> None:
    chart = tmp_path / name
    shutil.copytree(RELEASED / name, chart)
    _edit_like_a_user(chart)
    result = mkchart("regen", str(chart))
    assert result.exit_code == 0, result.output
    assert "conflict" not in result.stdout
    # Said once: the base came from the kept 0.1.0 templates; from now on the chart keeps it.
    assert result.stderr.count("as mkchart 0.1.0 wrote them, rebuilt from its templates") == 1, result.stderr
    assert f"create    {layout.BASE_FILE}" in result.stdout
    values = (chart / layout.VALUES_YAML).read_text()
    assert replicas_edit(name) in values
    assert 'prometheus.io/scrape: "true"' in values
    assert ANNOTATION in (chart / layout.DEPLOYMENT).read_text()
    assert (chart / "templates" / "pdb.yaml").is_file()
    record = yamlio.load_round_trip((chart / layout.ANSWERS_FILE).read_text())
    assert record["mkchart"]["format"] == ANSWERS_FORMAT
    # A released chart runs as a Deployment, whatever its type defaults to today.
    assert record["answers"]["workload"] == "deployment"
    # Data stays where the released chart kept it: at the claim's root.
    assert record["answers"]["persistence"]["subPath"] == ""
    objects = helm_checked(chart, ("1.29", "1.37"))
    assert one(objects, "PodDisruptionBudget")
    container = _container(objects)
    data = [m for m in container["volumeMounts"] if m["name"] == "data"]
    assert all("subPath" not in m for m in data if m["mountPath"] == record["answers"]["persistence"]["mountPath"])
    assert mkchart("regen", "--check", str(chart)).exit_code == ExitCode.OK
    # The next upgrade merges against the stored base: no template of a release needed.
    again = mkchart("regen", str(chart), "--set", "timezone=Asia/Tokyo")
    assert again.exit_code == 0 and "rebuilt from" not in again.stderr, again.output
    assert f"merge     {layout.VALUES_YAML}" in again.stdout
    assert replicas_edit(name) in (chart / layout.VALUES_YAML).read_text()


def test_what_the_upgrade_brings_to_each_stateful_service(mkchart: Run, tmp_path: Path) -> None:
    for name in ("book-zk-n1", "book-redis-n1", "book-mysql-m1"):
        shutil.copytree(RELEASED / name, tmp_path / name)
        assert mkchart("regen", str(tmp_path / name)).exit_code == 0
    zookeeper = _container(helm_checked(tmp_path / "book-zk-n1", ("1.37",)))
    mounts = {m["mountPath"]: m for m in zookeeper["volumeMounts"]}
    assert mounts["/datalog"]["name"] == "data" and "/conf" not in mounts  # the log on the claim
    assert {"name": "ZK_SERVER_HEAP", "value": "768"} in zookeeper["env"]
    redis = _container(helm_checked(tmp_path / "book-redis-n1", ("1.37",)))
    assert redis["args"][:2] == ["--maxmemory", "384mb"]
    mysql = _container(helm_checked(tmp_path / "book-mysql-m1", ("1.37",)))
    assert mysql["startupProbe"]["tcpSocket"]["port"] == "mysql"
    data = next(m for m in mysql["volumeMounts"] if m["mountPath"] == "/var/lib/mysql")
    assert "subPath" not in data, "an existing database stays at the claim's root"


def test_a_released_springboot_chart_keeps_its_image_and_is_told_why(mkchart: Run, tmp_path: Path) -> None:
    shutil.copytree(RELEASED / "book-springboot-n1", tmp_path / "book-springboot-n1")
    result = mkchart("regen", str(tmp_path / "book-springboot-n1"))
    assert result.exit_code == 0, result.output
    assert "eclipse-temurin is the base image of springboot" in result.stderr
    values = (tmp_path / "book-springboot-n1" / layout.VALUES_YAML).read_text()
    assert 'repository: "eclipse-temurin"' in values


@pytest.mark.parametrize("name", CHARTS)
def test_the_kept_release_renders_exactly_what_it_wrote(name: str) -> None:
    """templates/releases/0.1.0/ with chart.releases gives every file byte for byte as
    mkchart 0.1.0 wrote it (its record's hashes): the base regen merges against."""
    from mkchart import record
    from mkchart.answers.layers import Layers
    from mkchart.answers.resolve import resolve
    from mkchart.chart.releases import release_renders

    recorded = record.load(RELEASED / name)
    answers = resolve(Layers(record=recorded.answers)).answers
    ((version, earlier),) = list(release_renders(answers, []))
    assert version == "0.1.0"
    assert record.hashes(earlier) == recorded.generated
