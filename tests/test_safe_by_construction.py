"""Issue 11: start-up budgets, probes by port name, readiness distinct from liveness, names
and labels the API server accepts for any release name Helm accepts, versioned tags and
digests. Every object is checked by the real Helm engine and the API server's own rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import (
    MakeChart,
    Run,
    assert_api_server_rules,
    helm_checked,
    one,
    own_image,
    pod_spec,
    pod_template,
    render_objects,
)
from mkchart.answers.profiles import all_profiles
from mkchart.errors import ExitCode

BUILTIN = sorted(all_profiles())
RELEASE_LENGTHS = (1, 48, 53)  # Helm refuses release names over 53 characters


def _container(objects: list[dict[str, Any]]) -> dict[str, Any]:
    container: dict[str, Any] = pod_spec(objects)["containers"][0]
    return container


def _names(objects: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(o["kind"], o["metadata"]["name"]) for o in objects}


@pytest.mark.parametrize("server_type", BUILTIN)
def test_every_workload_starts_under_a_budget_and_checks_by_port_name(server_type: str,
                                                                       make_chart: MakeChart) -> None:
    profile = all_profiles()[server_type]
    chart = make_chart(f"book-{server_type}-n1", *own_image(server_type))
    objects = helm_checked(chart, ("1.29", "1.37"))
    container = _container(objects)
    startup, live, ready = (container[k] for k in ("startupProbe", "livenessProbe", "readinessProbe"))
    style = next(k for k in ("httpGet", "tcpSocket", "exec") if k in live)
    assert style in startup, "the start-up probe checks what liveness checks"
    budget = profile.defaults["probe"]["startupSeconds"]
    assert startup["failureThreshold"] * startup["periodSeconds"] >= budget
    for probe in (startup, live, ready):
        assert probe["timeoutSeconds"] < probe["periodSeconds"], "a check ends before the next starts (the seed)"
        check = probe.get("httpGet") or probe.get("tcpSocket")
        if check:
            assert check["port"] == profile.chart.portName, "by name: a per-environment containerPort moves it"
    # Readiness says "can serve", liveness "is alive": not the same check, except where the
    # stock image answers one page only (nginx's /, docs/server-types/nginx.md).
    same = {k: v for k, v in ready.items() if k != "initialDelaySeconds"} == {
        k: v for k, v in live.items() if k != "initialDelaySeconds"}
    assert same == (server_type == "nginx")
    if server_type in ("mysql", "redis", "zookeeper"):
        assert "exec" in ready and "tcpSocket" in live


def test_a_container_port_changed_per_environment_moves_the_checks(make_chart: MakeChart) -> None:
    objects = render_objects(make_chart("book-tomcat-n1"), {"containerPort": 9090})
    container = _container(objects)
    assert container["ports"][0] == {"name": "http", "containerPort": 9090, "protocol": "TCP"}
    assert container["livenessProbe"]["httpGet"]["port"] == "http"


def test_a_port_of_its_own_stays_a_number(make_chart: MakeChart) -> None:
    chart = make_chart("book-springboot-n1", *own_image("springboot"), "probe.port=8081")
    assert _container(render_objects(chart))["readinessProbe"]["httpGet"]["port"] == 8081


@pytest.mark.parametrize("server_type", BUILTIN)
@pytest.mark.parametrize("chart_length", [53, 63])
def test_every_name_and_label_is_valid_for_any_release_name(server_type: str, chart_length: int,
                                                            make_chart: MakeChart, tmp_path: Path) -> None:
    suffix = f"-{server_type}-n1"
    name = ("b" * (chart_length - len(suffix))) + suffix
    (tmp_path / "app.conf").write_text("a=1\n")
    # As a Deployment: a StatefulSet's name is at most 52 (tests/test_workloads.py).
    sets = [*own_image(server_type), "persistence.enabled=true", "config.env.A=1", "config.files=app.conf",
            "password=true" if server_type == "redis" else "replicas=1", "workload=deployment"]
    if all_profiles()[server_type].contract.protocol == "http":
        sets.append("ingress.enabled=true")
    chart = make_chart(name, *sets)
    seen: dict[tuple[str, str], int] = {}
    for length in RELEASE_LENGTHS:
        for last in "xy":  # two releases that differ only in their last character
            release = ("r" * (length - 1)) + last
            objects = render_objects(chart, name=release)
            assert_api_server_rules(objects)
            for key in _names(objects):
                seen[key] = seen.get(key, 0) + 1
    clashes = [key for key, count in seen.items() if count > 1]
    assert not clashes, f"two releases share resource names: {clashes[:3]}"


def test_a_chart_name_over_53_is_said_and_installed_under_a_shorter_release(mkchart: Run, tmp_path: Path) -> None:
    name = "b" * 50 + "-tomcat-n1"  # 60: a service name the seed allows
    result = mkchart("new", name, "--no-input", "--set", "probe.style=tcp")
    assert result.exit_code == 0, result.output
    assert "release names of at most 53" in result.stderr and "63 for a service name" in result.stderr
    release = name[:53].rstrip("-")
    assert f"helm upgrade --install {release} ./{name}" in result.stdout


@pytest.mark.parametrize("tag", ["stable", "mainline", "lts", "alpine", "latest"])
def test_a_tag_without_a_version_is_refused(tag: str, mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", "book-tomcat-n1", "--no-input", "--set", f"image.tag={tag}")
    assert result.exit_code == ExitCode.BAD_INPUT and "image.tag:" in result.stderr
    assert "v1" in result.stderr and not list(tmp_path.iterdir())


def test_a_digest_pins_the_image(mkchart: Run, make_chart: MakeChart) -> None:
    digest = "sha256:" + "a1" * 32
    chart = make_chart("book-tomcat-n1", f"image.digest={digest}")
    assert _container(helm_checked(chart, ("1.37",)))["image"] == f"tomcat:9.0.85-jre17@{digest}"
    bad = mkchart("new", "book-tomcat-n2", "--no-input", "--set", "image.digest=sha256:xyz")
    assert bad.exit_code == ExitCode.BAD_INPUT and "image.digest: must be sha256:" in bad.stderr


# --- secrets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["MYSQL_PASSWORD", "db_passwd", "API_TOKEN", "AWS_SECRET_ACCESS_KEY", "SIGNING_KEY",
                                  "GIT_CREDENTIALS", "apiKey"])
def test_a_secret_looking_variable_is_refused_in_config_env(name: str, mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", "book-mysql-m1", "--no-input", "--set", f"config.env.{name}=hunter2")
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output
    assert f"config.env.{name}: {name} looks like a secret" in result.stderr
    assert f"secrets.generate={name}" in result.stderr and f"secrets.env.{name}=SECRET/KEY" in result.stderr
    assert not list(tmp_path.iterdir()) and "hunter2" not in result.output


def test_secrets_are_refused_from_every_input_path(mkchart: Run, make_chart: MakeChart, tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text("config:\n  env: {DB_PASSWORD: hunter2}\n")
    from_file = mkchart("new", "book-tomcat-n1", "--no-input", "--answers", "answers.yaml")
    assert from_file.exit_code == ExitCode.BAD_INPUT and "DB_PASSWORD looks like a secret" in from_file.stderr
    (tmp_path / "fleet.yaml").write_text("services:\n  - name: book-tomcat-n2\n    config: {env: {SESSION_TOKEN: x}}\n")
    batch = mkchart("batch", "fleet.yaml", "-o", "charts")
    assert batch.exit_code == ExitCode.BAD_INPUT and "SESSION_TOKEN looks like a secret" in batch.stderr
    chart = make_chart("book-tomcat-n3")
    before = (chart / "values.yaml").read_text()
    regen = mkchart("regen", str(chart), "--set", "config.env.ADMIN_PASSWORD=x")
    assert regen.exit_code == ExitCode.BAD_INPUT and (chart / "values.yaml").read_text() == before


def test_secret_answers_reach_the_pod_by_reference(make_chart: MakeChart) -> None:
    chart = make_chart("book-redis-n1", "config.args=--requirepass,$(REDIS_PW)", "secrets.env.REDIS_PW=redis-auth/pw",
                       "secrets.envFrom=shared-creds", "secrets.files.book-tls=/etc/tls",
                       "secrets.generate=SESSION_SECRET")
    objects = helm_checked(chart, ("1.29", "1.37"))
    pod = pod_spec(objects)
    container = pod["containers"][0]
    # $(REDIS_PW) is passed as it is, for the kubelet to expand from the Secret's variable.
    assert container["args"][-2:] == ["$(MKCHART_ARG_0)", "$(REDIS_PW)"]
    assert {"name": "REDIS_PW", "valueFrom": {"secretKeyRef": {"name": "redis-auth", "key": "pw"}}} in container["env"]
    assert {"secretRef": {"name": "shared-creds"}} in container["envFrom"]
    assert {"name": "secret-files-0", "secret": {"secretName": "book-tls"}} in pod["volumes"]
    assert {"name": "secret-files-0", "mountPath": "/etc/tls", "readOnly": True} in container["volumeMounts"]
    assert list(one(objects, "Secret")["data"]) == ["SESSION_SECRET"]
    # No secret value anywhere in plain text: the ConfigMaps hold no secret-looking name.
    for config_map in (o for o in objects if o["kind"] == "ConfigMap"):
        assert not [key for key in config_map["data"] if "PW" in key or "SECRET" in key]


def test_the_pods_roll_when_the_secrets_they_use_change(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")

    def checksum(values: dict[str, Any]) -> str:
        annotations = pod_template(render_objects(chart, values))["metadata"]["annotations"]
        return str(annotations["checksum/secrets"])

    assert checksum({}) == checksum({})
    assert checksum({}) != checksum({"secretEnv": {"A_PW": {"secret": "s", "key": "k"}}})
    assert checksum({}) != checksum({"generatedSecret": {"keys": ["X_PW"]}})


def test_a_secret_reference_must_name_a_secret_and_a_key(mkchart: Run) -> None:
    result = mkchart("new", "book-tomcat-n1", "--no-input", "--set", "secrets.env.DB_PW=just-a-name")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "secrets.env: DB_PW='just-a-name' must name a Secret and a key: SECRET/KEY" in result.stderr


def test_a_team_profile_cannot_put_a_secret_in_every_charts_config_map(tmp_path: Path) -> None:
    from mkchart.answers import profiles
    from mkchart.errors import ProfileError

    text = (Path(__file__).resolve().parent.parent / "templates" / "profiles" / "nodejs.yaml").read_text()
    (tmp_path / "mine.yaml").write_text(text.replace("    NODE_ENV: production", "    NPM_TOKEN: abc", 1))
    with pytest.raises(ProfileError, match=r"chart\.env\.NPM_TOKEN: looks like a secret"):
        profiles.load(tmp_path / "mine.yaml")


def test_a_long_chart_installed_as_the_next_steps_say_keeps_its_own_name(make_chart: MakeChart) -> None:
    name = "b" * 50 + "-tomcat-n1"
    objects = render_objects(make_chart(name), name=name[:53])
    assert one(objects, "Deployment")["metadata"]["name"] == name[:53]


@pytest.mark.parametrize(("sets", "says"), [
    (["config.args=--requirepass,$(REDIS_PW)"], "config.args: '$(REDIS_PW)' names $(REDIS_PW), which no variable"),
    (["secrets.env.A=s/k", "config.env.A=1"], "secrets.env: A is also given by config.env"),
    (["secrets.generate=A,A"], "secrets.generate: A is given twice"),
    (["secrets.files.one=/etc/tls", "secrets.files.two=/etc/tls/"], "/etc/tls is given twice"),
    (["secrets.files.one=/data"], "secrets.files.one: the folder /data of the Secret one is already a mount"),
    (["secrets.env.TZ=s/k"], "TZ is set by the chart"),
])
def test_secret_answers_that_clash_are_refused(sets: list[str], says: str, mkchart: Run, tmp_path: Path) -> None:
    args = [a for s in sets for a in ("--set", s)]
    result = mkchart("new", "book-redis-n1", "--no-input", *args)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert says in result.stderr, result.stderr


def test_mysql_without_a_root_password_is_refused(mkchart: Run) -> None:
    result = mkchart("new", "book-mysql-m1", "--no-input", "--set", "secrets.generate=")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "needs one of MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD" in result.stderr
    mine = mkchart("new", "book-mysql-m2", "--no-input", "--set", "secrets.generate=",
                   "--set", "secrets.env.MYSQL_ROOT_PASSWORD=book-db/root")
    assert mine.exit_code == 0, mine.output


def test_a_chart_written_before_a_rule_regenerates_with_the_fix(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    record = chart / ".mkchart.yaml"
    # As an earlier mkchart wrote it: a tag without a version, a password in config.env.
    text = record.read_text().replace('tag: "9.0.85-jre17"', "tag: stable").replace(
        "  config:\n    env: {}\n", "  config:\n    env:\n      DB_PASSWORD: hunter2\n")
    record.write_text(text)
    refused = mkchart("regen", str(chart))
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert f"{record}: image.tag: 'stable' holds no version number" in refused.stderr
    half = mkchart("regen", str(chart), "--set", "image.tag=9.0.86")
    assert half.exit_code == ExitCode.BAD_INPUT and "DB_PASSWORD looks like a secret" in half.stderr
    fixed = mkchart("regen", str(chart), "--set", "image.tag=9.0.86", "--set", "config.env=",
                    "--set", "secrets.env.DB_PASSWORD=book-db/password")
    assert fixed.exit_code == 0, fixed.output
    assert "hunter2" not in record.read_text() and "hunter2" not in (chart / "values.yaml").read_text()
