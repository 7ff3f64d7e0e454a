"""Environments (issue 13): one values-ENV.yaml per environment, next to values.yaml, for
every server type through the real Helm engine and the Kubernetes schemas; each
per-environment answer reaching the rendered objects, through --set, an answers file and
`mkchart batch`; the environments named anew (new and regen); regen keeping hand edits in
values-prod.yaml; the refusals, in every input path; the record and a no-op regen."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from textwrap import indent
from typing import Any

import pytest
import yaml

from conftest import (
    MakeChart,
    Run,
    assert_api_server_rules,
    by_kind,
    edit_file,
    lint_strict,
    one,
    own_image,
    pod_spec,
    render_objects,
    set_args,
    snapshot,
    snapshot_with_mtimes,
    validate_objects,
    workload,
)
from mkchart.answers import profiles
from mkchart.chart import layout
from mkchart.errors import ExitCode

# What the issue says, written here rather than read from mkchart, so that a change in
# mkchart's defaults fails these tests.
SEED = ("dev", "test", "staging", "prod")  # the seed's environments, one namespace each
ONE_POD = ("dev", "test")  # the environments that run one pod whatever the chart asks
ONE_SERVER = ("mysql", "redis")  # types that refuse replicas=3
TCP = ("mysql", "redis", "zookeeper")  # types that speak no HTTP: no Ingress
DOMAIN = "example.com"
KINDS = {"deployment": "Deployment", "statefulset": "StatefulSet"}
# tomcat's profile: what values.yaml holds for resources (the environments' fallback).
TOMCAT_RESOURCES = {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}


def values_file(chart: Path, env: str) -> Path:
    return chart / f"values-{env}.yaml"


def env_values(chart: Path, env: str) -> dict[str, Any]:
    """An environment's values-ENV.yaml as `helm -f` reads it (a file of comments is no values)."""
    loaded = yaml.safe_load(values_file(chart, env).read_text())
    assert loaded is None or isinstance(loaded, dict), f"values-{env}.yaml: {loaded!r}"
    return loaded or {}


def env_objects(chart: Path, env: str) -> list[dict[str, Any]]:
    """`helm template -f values-ENV.yaml --namespace ENV` with the real engine."""
    return render_objects(chart, env_values(chart, env), namespace=env)


def env_files(chart: Path) -> list[str]:
    return sorted(p.name for p in chart.glob("values-*.yaml"))


def expected_files(*envs: str) -> list[str]:
    return sorted(f"values-{env}.yaml" for env in envs)


def ingress_host(objects: list[dict[str, Any]]) -> str:
    (rule,) = one(objects, "Ingress")["spec"]["rules"]
    host: str = rule["host"]
    return host


def container(objects: list[dict[str, Any]]) -> dict[str, Any]:
    main: dict[str, Any] = pod_spec(objects)["containers"][0]
    return main


def env_variable(objects: list[dict[str, Any]], name: str) -> str | None:
    """What the main container's variable NAME is: a plain value or a key of one of the
    chart's ConfigMaps; None when the container has no such variable."""
    maps = {o["metadata"]["name"]: o.get("data", {}) for o in by_kind(objects, "ConfigMap")}
    for item in container(objects).get("env", []):
        if item["name"] != name:
            continue
        if "value" in item:
            return str(item["value"])
        ref = item["valueFrom"]["configMapKeyRef"]
        return str(maps[ref["name"]][ref["key"]])
    return None


def anti_affinity(objects: list[dict[str, Any]]) -> str:
    """hard, soft or none: how the pods are spread over nodes."""
    spread = pod_spec(objects).get("affinity", {}).get("podAntiAffinity", {})
    if "requiredDuringSchedulingIgnoredDuringExecution" in spread:
        return "hard"
    return "soft" if "preferredDuringSchedulingIgnoredDuringExecution" in spread else "none"


def record(chart: Path) -> dict[str, Any]:
    """The answers in the chart's .mkchart.yaml."""
    answers: dict[str, Any] = yaml.safe_load((chart / layout.ANSWERS_FILE).read_text())["answers"]
    return answers


def regen_ok(mkchart: Run, chart: Path, *sets: str) -> Any:
    result = mkchart("regen", str(chart), *set_args(*sets))
    assert result.exit_code == 0, result.output
    assert "conflict" not in result.output, result.output
    return result


def assert_up_to_date(mkchart: Run, chart: Path) -> None:
    check = mkchart("regen", "--check", str(chart))
    assert check.exit_code == 0, check.output
    assert "up to date" in check.output, check.output


# --- 1. every server type, every environment -------------------------------------------------------

TYPES = sorted(profiles.all_profiles())


def test_the_types_are_the_built_in_ones() -> None:
    assert set(TYPES) == {"tomcat", "springboot", "nginx", "nodejs", "python", "mysql", "redis", "zookeeper",
                          "generic"}
    for name in TYPES:
        assert (profiles.get(name).contract.protocol == "http") is (name not in TCP), name


@pytest.mark.parametrize("server_type", TYPES)
def test_every_type_renders_lints_and_validates_with_each_environment(server_type: str,
                                                                     make_chart: MakeChart) -> None:
    name = f"book-{server_type}-n1"
    http = server_type not in TCP
    replicas = 1 if server_type in ONE_SERVER else 3
    sets = [*own_image(server_type), f"replicas={replicas}"]
    if http:
        sets += ["ingress.enabled=true", f"ingress.domain={DOMAIN}"]
    chart = make_chart(name, *sets)
    assert env_files(chart) == expected_files(*SEED)

    kind = KINDS[profiles.get(server_type).chart.workloads[0]]  # the type's default workload
    distinct: dict[str, dict[str, Any]] = {}
    hosts: dict[str, str] = {}
    for env in SEED:
        values = env_values(chart, env)
        lint_strict(chart, values)
        objects = env_objects(chart, env)
        assert_api_server_rules(objects)
        distinct.update((json.dumps(o, sort_keys=True), o) for o in objects)
        assert workload(objects)["kind"] == kind
        pods = workload(objects)["spec"]["replicas"]
        assert pods == (1 if env in ONE_POD else replicas), f"{env}: {pods} pods"
        if http:
            hosts[env] = ingress_host(objects)
        else:
            assert not by_kind(objects, "Ingress"), env
    # Every distinct object of the four renders, against every supported Kubernetes version.
    validate_objects(distinct.values())
    if http:
        assert len(set(hosts.values())) == len(SEED), hosts
        assert hosts == {env: f"{name}.{DOMAIN}" if env == "prod" else f"{name}.{env}.{DOMAIN}" for env in SEED}


def test_production_by_either_name_answers_for_the_charts_own_host(make_chart: MakeChart) -> None:
    chart = make_chart("book-nginx-n1", "environments=dev,production", "ingress.enabled=true",
                       "ingress.host=shop.example.com")
    assert env_files(chart) == expected_files("dev", "production")
    assert ingress_host(env_objects(chart, "production")) == "shop.example.com"
    assert ingress_host(env_objects(chart, "dev")) == "shop.dev.example.com"


# --- 2. each per-environment answer reaches the rendered objects ----------------------------------

# The same answers three ways: --set pairs, an answers file, and a services file's defaults.
SETS = (
    "replicas=3", "ingress.enabled=true", f"ingress.domain={DOMAIN}",
    "environments.dev.replicas=2", "environments.dev.pullPolicy=Always",
    "environments.dev.values.config.env.LOG_LEVEL=debug", "environments.dev.values.podAntiAffinity=hard",
    "environments.staging.ingressHost=staging-book.example.org",
    "environments.prod.replicas=5", "environments.prod.resources.requests.cpu=500m",
    "environments.prod.resources.limits.memory=2Gi",
)
# Every environment answer but staging's host, as YAML, for an answers file and a services file's defaults.
ENVIRONMENT_ANSWERS = """\
dev:
  replicas: 2
  pullPolicy: Always
  values:
    config.env.LOG_LEVEL: debug
    podAntiAffinity: hard
prod:
  replicas: 5
  resources:
    requests: {cpu: 500m}
    limits: {memory: 2Gi}
"""
STAGING_HOST = "staging:\n  ingressHost: staging-book.example.org\n"
ANSWERS_FILE = (f"replicas: 3\ningress: {{enabled: true, domain: {DOMAIN}}}\nenvironments:\n"
                + indent(ENVIRONMENT_ANSWERS + STAGING_HOST, "  "))
# Shared by every service; book-tomcat-n1 adds staging's host, book-tomcat-n2 changes prod's replicas.
SERVICES_FILE = (f"defaults:\n  replicas: 3\n  ingress: {{enabled: true, domain: {DOMAIN}}}\n  environments:\n"
                 + indent(ENVIRONMENT_ANSWERS, "    ")
                 + "services:\n  - name: book-tomcat-n1\n    environments:\n" + indent(STAGING_HOST, "      ")
                 + "  - name: book-tomcat-n2\n    environments:\n      prod: {replicas: 7}\n")


@dataclass(frozen=True)
class Expected:
    """What each environment of a chart given SETS (or its equivalents) runs with."""

    name: str = "book-tomcat-n1"
    staging_host: str = "staging-book.example.org"
    prod_replicas: int = 5


def check_environment_answers(chart: Path, expected: Expected) -> None:
    assert env_files(chart) == expected_files(*SEED)
    rendered = {env: env_objects(chart, env) for env in SEED}
    replicas = {env: workload(objects)["spec"]["replicas"] for env, objects in rendered.items()}
    assert replicas == {"dev": 2, "test": 1, "staging": 3, "prod": expected.prod_replicas}
    policies = {env: container(objects)["imagePullPolicy"] for env, objects in rendered.items()}
    assert policies == {"dev": "Always", "test": "IfNotPresent", "staging": "IfNotPresent", "prod": "IfNotPresent"}
    hosts = {env: ingress_host(objects) for env, objects in rendered.items()}
    assert hosts == {"dev": f"{expected.name}.dev.{DOMAIN}", "test": f"{expected.name}.test.{DOMAIN}",
                     "staging": expected.staging_host, "prod": f"{expected.name}.{DOMAIN}"}
    # Only the bounds prod sets change, and only they are in values-prod.yaml; the others are values.yaml's.
    files = {env: env_values(chart, env) for env in SEED}
    assert {env: values.get("resources") for env, values in files.items()} == {
        "dev": None, "test": None, "staging": None,
        "prod": {"requests": {"cpu": "500m"}, "limits": {"memory": "2Gi"}}}
    resources = {env: container(objects)["resources"] for env, objects in rendered.items()}
    assert resources == {"dev": TOMCAT_RESOURCES, "test": TOMCAT_RESOURCES, "staging": TOMCAT_RESOURCES,
                         "prod": {"requests": {"cpu": "500m", "memory": "512Mi"},
                                  "limits": {"cpu": "1", "memory": "2Gi"}}}
    # Free values: a variable through the env ConfigMap, and a top-level value of values.yaml.
    levels = {env: env_variable(objects, "LOG_LEVEL") for env, objects in rendered.items()}
    assert levels == {"dev": "debug", "test": None, "staging": None, "prod": None}
    spreads = {env: anti_affinity(objects) for env, objects in rendered.items()}
    assert spreads == {"dev": "hard", "test": "none", "staging": "soft", "prod": "soft"}
    for env in SEED:
        lint_strict(chart, env_values(chart, env))
    validate_objects({json.dumps(o, sort_keys=True): o for objects in rendered.values() for o in objects}.values(),
                     ("1.29", "1.37"))


def test_environment_answers_through_set(make_chart: MakeChart) -> None:
    check_environment_answers(make_chart("book-tomcat-n1", *SETS), Expected())


def test_environment_answers_through_an_answers_file(make_chart: MakeChart, tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text(ANSWERS_FILE)
    check_environment_answers(make_chart("book-tomcat-n1", answers=tmp_path / "answers.yaml"), Expected())


def test_environment_answers_through_batch_defaults(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES_FILE)
    result = mkchart("batch", "services.yaml", "--output-dir", "charts")
    assert result.exit_code == 0, result.output
    charts = tmp_path / "charts"
    check_environment_answers(charts / "book-tomcat-n1", Expected())
    # The service's own prod replicas win; prod's resources still come from the defaults.
    check_environment_answers(charts / "book-tomcat-n2", Expected(
        "book-tomcat-n2", staging_host=f"book-tomcat-n2.staging.{DOMAIN}", prod_replicas=7))


def test_a_batch_defaults_list_of_environments_holds_for_a_service_that_sets_one(mkchart: Run,
                                                                                 tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(
        "defaults:\n  environments: [dev, prod]\n"
        "services:\n  - name: book-nginx-n1\n  - name: book-nginx-n2\n    environments:\n      prod: {replicas: 3}\n")
    result = mkchart("batch", "services.yaml", "--output-dir", "charts")
    assert result.exit_code == 0, result.output
    for name in ("book-nginx-n1", "book-nginx-n2"):
        assert env_files(tmp_path / "charts" / name) == expected_files("dev", "prod"), name
    assert workload(env_objects(tmp_path / "charts" / "book-nginx-n2", "prod"))["spec"]["replicas"] == 3


def test_a_free_value_that_breaks_a_types_rule_is_refused_or_renders(mkchart: Run, tmp_path: Path) -> None:
    """environments.prod.replicas=2 is refused for mysql; the same count as a free value
    must not give a values-prod.yaml that Helm refuses to render."""
    result = mkchart("new", "book-mysql-m1", "--no-input", "--set", "environments.prod.values.replicaCount=2")
    if result.exit_code == ExitCode.BAD_INPUT:
        assert "environments.prod.values" in result.stderr, result.stderr
        assert snapshot(tmp_path) == {}
        return
    assert result.exit_code == 0, result.output
    chart = tmp_path / "book-mysql-m1"
    objects = env_objects(chart, "prod")  # raises HelmRenderError when the chart's own guard refuses it
    assert workload(objects)["spec"]["replicas"] == 1


# --- 3. the environments named anew -----------------------------------------------------------------


def install_commands(stdout: str) -> list[tuple[str, str]]:
    """The next steps' `helm upgrade --install` commands: each one's namespace and -f file."""
    return re.findall(r"--namespace (\S+) --create-namespace \\\n\s+-f (\S+)\n", stdout)


def test_two_environments_give_two_files_and_two_install_commands(mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", "book-nginx-n1", "--no-input", *set_args("environments=dev,prod", "replicas=3"))
    assert result.exit_code == 0, result.output
    chart = tmp_path / "book-nginx-n1"
    assert env_files(chart) == expected_files("dev", "prod")
    assert install_commands(result.stdout) == [("dev", "./book-nginx-n1/values-dev.yaml"),
                                               ("prod", "./book-nginx-n1/values-prod.yaml")]
    assert result.stdout.count("helm upgrade --install book-nginx-n1 ./book-nginx-n1") == 2
    assert workload(env_objects(chart, "dev"))["spec"]["replicas"] == 1, "dev keeps its one pod"
    assert workload(env_objects(chart, "prod"))["spec"]["replicas"] == 3
    assert list(record(chart)["environments"]) == ["dev", "prod"]


@pytest.mark.parametrize("order", ["list-first", "list-last"])
def test_a_list_of_environments_keeps_settings_given_in_the_same_command(order: str, make_chart: MakeChart) -> None:
    setting, names = "environments.dev.pullPolicy=Always", "environments=dev,prod"
    chart = make_chart("book-nginx-n1", *((names, setting) if order == "list-first" else (setting, names)))
    assert env_files(chart) == expected_files("dev", "prod")
    assert container(env_objects(chart, "dev"))["imagePullPolicy"] == "Always"


def test_regen_names_the_environments_anew(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-nginx-n1", "ingress.enabled=true", f"ingress.domain={DOMAIN}", "replicas=3",
                       "environments.prod.replicas=5")
    edit_file(values_file(chart, "test"), "ingress:\n", "podAnnotations:\n  team.example.com/owner: qa\ningress:\n")
    edited = values_file(chart, "test").read_text()

    result = regen_ok(mkchart, chart, "environments=dev,uat,prod")
    # values-staging.yaml was mkchart's own: gone. values-test.yaml holds an edit: kept, and said so.
    assert env_files(chart) == expected_files("dev", "uat", "prod", "test")
    assert values_file(chart, "test").read_text() == edited
    assert any("values-test.yaml" in line and "edited" in line for line in result.output.splitlines()), \
        result.output
    assert list(record(chart)["environments"]) == ["dev", "uat", "prod"]
    hosts = {env: ingress_host(env_objects(chart, env)) for env in ("dev", "uat", "prod")}
    assert hosts == {"dev": f"book-nginx-n1.dev.{DOMAIN}", "uat": f"book-nginx-n1.uat.{DOMAIN}",
                     "prod": f"book-nginx-n1.{DOMAIN}"}
    replicas = {env: workload(env_objects(chart, env))["spec"]["replicas"] for env in ("dev", "uat", "prod")}
    assert replicas == {"dev": 1, "uat": 3, "prod": 5}, "each kept environment keeps its answers"
    lint_strict(chart, env_values(chart, "uat"))
    # The regenerated chart is up to date with its answers: the next regen changes nothing.
    assert_up_to_date(mkchart, chart)


# --- 4. regen keeps hand edits in values-prod.yaml ----------------------------------------------------


def test_regen_keeps_hand_edits_in_values_prod(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "environments.prod.replicas=2",
                       "environments.prod.resources.requests.cpu=500m")
    prod = values_file(chart, "prod")
    # A value changed, a key added right under the one regen changes, one added at the end.
    edit_file(prod, '    cpu: "500m"\n', '    cpu: "750m"  # hand-tuned for the launch\n')
    edit_file(prod, "replicaCount: 2\n", "replicaCount: 2\nrevisionHistoryLimit: 3\n")
    prod.write_text(prod.read_text() + "podAnnotations:\n  team.example.com/owner: book\n")

    regen_ok(mkchart, chart, "environments.prod.replicas=4")
    text = prod.read_text()
    assert 'cpu: "750m"  # hand-tuned for the launch\n' in text
    assert "podAnnotations:\n  team.example.com/owner: book\n" in text
    assert "revisionHistoryLimit: 3\n" in text
    objects = env_objects(chart, "prod")
    assert workload(objects)["spec"]["replicas"] == 4
    assert workload(objects)["spec"]["revisionHistoryLimit"] == 3
    assert container(objects)["resources"]["requests"]["cpu"] == "750m"
    assert workload(objects)["spec"]["template"]["metadata"]["annotations"]["team.example.com/owner"] == "book"

    regen_ok(mkchart, chart, "image.tag=9.0.86-jre17")
    assert prod.read_text() == text
    objects = env_objects(chart, "prod")
    assert container(objects)["image"] == "tomcat:9.0.86-jre17"
    assert workload(objects)["spec"]["replicas"] == 4
    lint_strict(chart, env_values(chart, "prod"))
    assert_up_to_date(mkchart, chart)


def test_regen_keeps_a_key_added_to_an_empty_values_prod(mkchart: Run, make_chart: MakeChart) -> None:
    """A chart whose prod differs in nothing has a values-prod.yaml with the environment's
    pod label and host only: a key the user adds stays, and a later answer for prod is added
    beside it."""
    chart = make_chart("book-tomcat-n1")
    prod = values_file(chart, "prod")
    assert env_values(chart, "prod") == {"podLabels": {"environment": "prod"},
                                         "ingress": {"host": "book-tomcat-n1.example.com"}}
    prod.write_text(prod.read_text() + "podAnnotations:\n  team.example.com/owner: book\n")

    regen_ok(mkchart, chart, "environments.prod.replicas=4")
    assert "podAnnotations:\n  team.example.com/owner: book\n" in prod.read_text()
    objects = env_objects(chart, "prod")
    assert workload(objects)["spec"]["replicas"] == 4
    assert workload(objects)["spec"]["template"]["metadata"]["annotations"]["team.example.com/owner"] == "book"
    assert_up_to_date(mkchart, chart)


# --- 5. refusals, in every input path ------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    name: str
    sets: tuple[str, ...]  # as --set pairs
    file: dict[str, Any]  # the same as an answers file (or one service of a services file)
    key: str  # a pattern of the key the message names
    says: str  # and part of its reason


INGRESS = {"ingress": {"enabled": True, "domain": DOMAIN}}
LONG = "e" * 64
REFUSALS = {
    "uppercase-name": Refusal("book-nginx-n1", ("environments=Dev,prod",), {"environments": ["Dev", "prod"]},
                              "environments", "'Dev'"),
    "underscore-name": Refusal("book-nginx-n1", ("environments=dev_1",), {"environments": {"dev_1": {}}},
                               "environments", "'dev_1'"),
    "name-of-64": Refusal("book-nginx-n1", (f"environments={LONG}",), {"environments": [LONG]}, "environments",
                          "at most 63"),
    "no-environment": Refusal("book-nginx-n1", ("environments=",), {"environments": []}, "environments",
                              "at least one environment"),
    "host-twice": Refusal("book-nginx-n1", ("ingress.enabled=true", f"ingress.domain={DOMAIN}",
                                            f"environments.dev.ingressHost=book-nginx-n1.{DOMAIN}"),
                          {**INGRESS, "environments": {"dev": {"ingressHost": f"book-nginx-n1.{DOMAIN}"}}},
                          r"environments\.(dev|prod)\.ingressHost", f"book-nginx-n1.{DOMAIN}"),
    "mysql-prod-2": Refusal("book-mysql-m1", ("environments.prod.replicas=2",),
                            {"environments": {"prod": {"replicas": 2}}}, r"environments\.prod\.replicas",
                            "mysql runs as one server"),
    "zookeeper-prod-4": Refusal("book-zk-n1", ("replicas=3", "environments.prod.replicas=4"),
                                {"replicas": 3, "environments": {"prod": {"replicas": 4}}},
                                r"environments\.prod\.replicas", "odd number"),
    "request-over-limit": Refusal("book-nginx-n1", ("environments.prod.resources.requests.memory=2Gi",
                                                    "environments.prod.resources.limits.memory=1Gi"),
                                  {"environments": {"prod": {"resources": {"requests": {"memory": "2Gi"},
                                                                           "limits": {"memory": "1Gi"}}}}},
                                  r"environments\.prod\.resources\.requests\.memory", "more than the limit"),
    "limit-under-the-charts-request": Refusal(
        "book-nginx-n1", ("environments.dev.resources.limits.cpu=10m",),
        {"environments": {"dev": {"resources": {"limits": {"cpu": "10m"}}}}},
        r"environments\.dev\.resources\.requests\.cpu", "more than the limit"),
    "values-path": Refusal("book-nginx-n1", ("environments.dev.values.config..x=1",),
                           {"environments": {"dev": {"values": {"config..x": "1"}}}}, r"environments\.dev\.values",
                           "not a path into values.yaml"),
    "values-yaml": Refusal("book-nginx-n1", ("environments.dev.values.x=[a",),
                           {"environments": {"dev": {"values": {"x": "[a"}}}}, r"environments\.dev\.values",
                           "'x': a free value is one scalar"),
}


def refused_run(path: str, refusal: Refusal, mkchart: Run, tmp_path: Path) -> Any:
    """The refused answers through --set, an answers file, or a services file whose other
    service is valid; the run must write nothing at all."""
    if path == "set":
        args: tuple[str, ...] = ("new", refusal.name, "--no-input", *set_args(*refusal.sets))
    elif path == "answers":
        (tmp_path / "answers.yaml").write_text(json.dumps(refusal.file))  # JSON is YAML
        args = ("new", refusal.name, "--no-input", "--answers", "answers.yaml")
    else:
        services = [{"name": "book-tomcat-n9"}, {"name": refusal.name, **refusal.file}]
        (tmp_path / "services.yaml").write_text(json.dumps({"services": services}))
        args = ("batch", "services.yaml", "--output-dir", "charts")
    before = snapshot(tmp_path)
    result = mkchart(*args)
    assert snapshot(tmp_path) == before, "nothing may be written"
    return result


@pytest.mark.parametrize("path", ["set", "answers", "batch"])
@pytest.mark.parametrize("case", list(REFUSALS))
def test_bad_environment_answers_are_refused(case: str, path: str, mkchart: Run, tmp_path: Path) -> None:
    refusal = REFUSALS[case]
    result = refused_run(path, refusal, mkchart, tmp_path)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output  # 2
    assert "Traceback" not in result.output
    assert re.search(rf"(^|\s){refusal.key}: ", result.stderr), result.stderr
    assert refusal.says in result.stderr, result.stderr


# --- 6. the record, and a regen with no change -------------------------------------------------------


def test_the_record_keeps_the_environment_answers_and_a_regen_is_a_no_op(mkchart: Run,
                                                                         make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", *SETS)
    # Each environment is recorded by what it changes; the rest is the model's default.
    assert record(chart)["environments"] == {
        "dev": {"replicas": 2, "pullPolicy": "Always",
                "values": {"config.env.LOG_LEVEL": "debug", "podAntiAffinity": "hard"}},
        "test": {"replicas": 1},
        "staging": {"ingressHost": "staging-book.example.org"},
        "prod": {"replicas": 5, "resources": {"requests": {"cpu": "500m"}, "limits": {"memory": "2Gi"}}},
    }
    before = snapshot_with_mtimes(chart)
    assert_up_to_date(mkchart, chart)
    again = mkchart("regen", str(chart))
    assert again.exit_code == 0, again.output
    assert snapshot_with_mtimes(chart) == before, "a regen with no change rewrites nothing"


def test_a_chart_with_its_own_list_of_environments_is_up_to_date(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-nginx-n1", "environments=dev,prod")
    before = snapshot(chart)
    assert_up_to_date(mkchart, chart)
    again = mkchart("regen", str(chart))
    assert again.exit_code == 0, again.output
    assert snapshot(chart) == before, again.output
    assert env_files(chart) == expected_files("dev", "prod")
