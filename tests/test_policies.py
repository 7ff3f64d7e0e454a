"""Policies as answers (issue 14, item 5), through the real Helm engine and the Kubernetes
schemas: the NetworkPolicy of every chart, the PodDisruptionBudget of more than one pod, the
HorizontalPodAutoscaler of a Deployment, mysql's password as a file; the refusals in every
input path; and the migration that keeps running releases as they were."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helm_python.errors import HelmRenderError, HelmValuesError

from conftest import (
    KUBE_VERSIONS,
    OLDEST_AND_NEWEST,
    MakeChart,
    Run,
    assert_api_server_rules,
    by_kind,
    edit_file,
    lint_strict,
    one,
    own_image,
    pod_spec,
    pod_template,
    render_objects,
    resolve,
    snapshot,
    validate_objects,
    workload,
)
from mkchart import ANSWERS_FORMAT, yamlio
from mkchart.answers import profiles
from mkchart.answers.resolve import parse_sets
from mkchart.chart import layout
from mkchart.chart.render import render
from mkchart.errors import ExitCode
from mkchart.namespaces.sizing import environment_values, usage
from test_workloads import DAILY, PATHS, Refusal, _run_path, selects

GENERIC = own_image("generic")
INGRESS_NAMESPACE = "ingress-nginx"  # the namespaces chart's default ingressControllerNamespace


def _checked(chart: Path, values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Strict lint, then every object valid for every supported version and by the API server's rules."""
    lint_strict(chart, values)
    objects = render_objects(chart, values)
    validate_objects(objects, KUBE_VERSIONS)
    assert_api_server_rules(objects)
    return objects


def _policy(objects: list[dict[str, Any]]) -> dict[str, Any]:
    spec: dict[str, Any] = one(objects, "NetworkPolicy")["spec"]
    return spec


def _namespaces(rule: dict[str, Any]) -> list[str]:
    return [peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for peer in rule["from"]
            if "namespaceSelector" in peer]


# --- the NetworkPolicy ---------------------------------------------------------------------------


def test_a_service_admits_its_release_its_business_and_nothing_else_by_default(make_chart: MakeChart) -> None:
    objects = _checked(make_chart("book-tomcat-n1"))
    policy = _policy(objects)
    assert policy["policyTypes"] == ["Ingress"]
    (own,) = policy["ingress"]  # no Ingress, no fromNamespaces: no rule for other namespaces
    assert {"podSelector": {"matchLabels": {"app.kubernetes.io/instance": "book-tomcat-n1"}}} in own["from"]
    assert {"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": "book"}}} in own["from"]
    # a pod of another service of the business, in the same namespace, is let in
    assert any(selects(p["podSelector"], {"app.kubernetes.io/part-of": "book"}) for p in own["from"])
    assert not any(selects(p["podSelector"], {"app.kubernetes.io/part-of": "shop"}) for p in own["from"])
    assert "egress" not in policy


def test_the_ingress_controller_and_named_namespaces_reach_only_the_service_port(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "ingress.enabled=true", "networkPolicy.fromNamespaces=book-web,monitoring")
    objects = _checked(chart)
    own, others = _policy(objects)["ingress"]
    assert "ports" not in own
    assert _namespaces(others) == [INGRESS_NAMESPACE, "book-web", "monitoring"]
    container_port = pod_spec(objects)["containers"][0]["ports"][0]
    assert others["ports"] == [{"port": container_port["name"], "protocol": "TCP"}]
    # The Ingress turned off at install time closes its way in; the named namespaces stay.
    _, others = _policy(_checked(chart, {"ingress": {"enabled": False}}))["ingress"]
    assert _namespaces(others) == ["book-web", "monitoring"]
    # Another controller's namespace, by answer.
    chart = make_chart("book-nginx-n1", "ingress.enabled=true", "networkPolicy.ingressNamespace=nginx-system")
    _, others = _policy(_checked(chart))["ingress"]
    assert _namespaces(others) == ["nginx-system"]


def test_egress_when_asked_allows_dns_the_release_the_business_and_the_targets(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "networkPolicy.egress=10.20.0.0/16,book-db,fd00::/64")
    policy = _policy(_checked(chart))
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    dns, own, targets = policy["egress"]
    (server,) = dns["to"]
    assert server["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "kube-system"}
    assert server["podSelector"]["matchLabels"] == {"k8s-app": "kube-dns"}
    assert sorted((p["protocol"], p["port"]) for p in dns["ports"]) == [("TCP", 53), ("UDP", 53)]
    assert {"podSelector": {"matchLabels": {"app.kubernetes.io/instance": "book-tomcat-n1"}}} in own["to"]
    assert {"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": "book"}}} in own["to"]
    assert targets["to"] == [{"ipBlock": {"cidr": "10.20.0.0/16"}},
                             {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "book-db"}}},
                             {"ipBlock": {"cidr": "fd00::/64"}}]


def test_a_chart_without_a_business_admits_its_own_release(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "business=")
    assert yamlio.read_mapping(chart / layout.ANSWERS_FILE)["answers"]["business"] == ""
    objects = _checked(chart, {"networkPolicy": {"egress": ["10.0.0.0/8"]}})
    policy = _policy(objects)
    release = [{"podSelector": {"matchLabels": {"app.kubernetes.io/instance": "book-tomcat-n1"}}}]
    assert policy["ingress"][0]["from"] == release
    assert policy["egress"][1]["to"] == release
    assert "part-of" not in json.dumps(policy)


def test_the_ensemble_peers_and_the_test_pod_are_let_in_on_every_port(make_chart: MakeChart) -> None:
    objects = _checked(make_chart("book-zk-n1", "replicas=3"), {"networkPolicy": {"egress": ["10.0.0.0/8"]}})
    policy = _policy(objects)
    own = policy["ingress"][0]
    assert "ports" not in own  # 2181 for clients, 2888 and 3888 between the servers
    ports = {p["containerPort"] for p in pod_spec(objects)["containers"][0]["ports"]}
    assert ports == {2181, 2888, 3888}
    # every server's pod (each from the one template) and the test pod, both ways
    (test_pod,) = by_kind(objects, "Pod")
    for labels in (pod_template(objects)["metadata"]["labels"], test_pod["metadata"]["labels"]):
        assert any(selects(peer["podSelector"], labels) for peer in own["from"])
        assert any(selects(peer["podSelector"], labels) for peer in policy["egress"][1]["to"])


@pytest.mark.parametrize("kind", ["cronjob", "job"])
def test_a_task_admits_nothing(kind: str, make_chart: MakeChart) -> None:
    sets = [f"workload={kind}", *GENERIC, *([f"schedule={DAILY}"] if kind == "cronjob" else [])]
    objects = _checked(make_chart("book-report-t1", *sets))
    policy = _policy(objects)
    assert policy == {"podSelector": policy["podSelector"], "policyTypes": ["Ingress"]}
    assert selects(policy["podSelector"], pod_template(objects)["metadata"]["labels"])


def test_the_policy_is_a_switch_of_values_too(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "networkPolicy.enabled=false")
    assert not by_kind(_checked(chart), "NetworkPolicy")
    assert one(_checked(chart, {"networkPolicy": {"enabled": True}}), "NetworkPolicy")


# --- the PodDisruptionBudget ----------------------------------------------------------------------


def test_a_deployment_of_three_pods_has_a_budget_of_one_at_a_time(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "replicas=3")
    objects = _checked(chart)
    budget = one(objects, "PodDisruptionBudget")["spec"]
    assert budget == {"maxUnavailable": 1, "selector": workload(objects)["spec"]["selector"]}
    assert not by_kind(_checked(chart, {"replicaCount": 1}), "PodDisruptionBudget")
    # an older chart's answer (podDisruptionBudget: false) leaves the template out
    chart = make_chart("book-tomcat-n2", "replicas=3", "podDisruptionBudget=false")
    assert not (chart / layout.PDB).exists()


def test_the_autoscaler_s_minimum_decides_the_budget(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "autoscaling.enabled=true", "autoscaling.minReplicas=2")
    assert one(_checked(chart), "PodDisruptionBudget")["spec"]["maxUnavailable"] == 1
    values = {"autoscaling": {"minReplicas": 1}, "replicaCount": 3}  # replicaCount is the autoscaler's now
    assert not by_kind(_checked(chart, values), "PodDisruptionBudget")


# --- the HorizontalPodAutoscaler ------------------------------------------------------------------


def test_the_autoscaler_replaces_the_deployment_s_replicas(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "autoscaling.enabled=true", "autoscaling.minReplicas=2",
                       "autoscaling.maxReplicas=6", "autoscaling.targetCPU=70", "autoscaling.targetMemory=85",
                       "environments.prod.values.autoscaling.maxReplicas=10")
    objects = _checked(chart)
    hpa = one(objects, "HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    deployment = workload(objects)
    assert "replicas" not in deployment["spec"]
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": deployment["metadata"]["name"]}
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6)
    metrics = {m["resource"]["name"]: m["resource"]["target"] for m in hpa["spec"]["metrics"]}
    assert metrics == {"cpu": {"type": "Utilization", "averageUtilization": 70},
                       "memory": {"type": "Utilization", "averageUtilization": 85}}
    # no memory target: only CPU
    hpa = one(_checked(chart, {"autoscaling": {"targetMemory": 0}}), "HorizontalPodAutoscaler")
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
    # each environment: no replicaCount (the autoscaler's), prod's own maximum
    for env in ("dev", "test", "staging"):
        assert "replicaCount" not in yamlio.read_mapping(chart / f"values-{env}.yaml")
    prod = yamlio.read_mapping(chart / "values-prod.yaml")
    assert prod["autoscaling"] == {"maxReplicas": 10} and "replicaCount" not in prod
    # off: the Deployment's own replicas again, no autoscaler
    objects = _checked(chart, {"autoscaling": {"enabled": False}, "replicaCount": 3})
    assert workload(objects)["spec"]["replicas"] == 3 and not by_kind(objects, "HorizontalPodAutoscaler")


@pytest.mark.parametrize(("name", "sets"), [
    ("book-tomcat-n1", ("workload=statefulset",)),
    ("book-mysql-m1", ("workload=deployment",)),
    ("book-zk-n1", ()),
])
def test_the_templates_refuse_an_autoscaler_turned_on_by_hand(name: str, sets: tuple[str, ...],
                                                              make_chart: MakeChart) -> None:
    chart = make_chart(name, *sets)
    values = {"autoscaling": {"enabled": True, "minReplicas": 2, "maxReplicas": 3}}
    # values.schema.json refuses the key first (such a chart has no autoscaling values); a
    # chart installed without its schema still fails in the template.
    with pytest.raises(HelmValuesError, match="additional properties 'autoscaling' not allowed"):
        render_objects(chart, values)
    (chart / "values.schema.json").unlink()
    with pytest.raises(HelmRenderError, match=r"autoscaling\.enabled: .*set autoscaling\.enabled=false"):
        render_objects(chart, values)


# --- refusals, in every input path --------------------------------------------------------------

REFUSALS = {
    "autoscaling-statefulset": Refusal("book-tomcat-n1", ("workload=statefulset", "autoscaling.enabled=true"),
                                       "autoscaling.enabled", "only a deployment's pods are interchangeable"),
    "autoscaling-cronjob": Refusal("book-report-cron1", ("workload=cronjob", f"schedule={DAILY}",
                                                         "autoscaling.enabled=true", *GENERIC),
                                   "autoscaling.enabled", "workload is cronjob"),
    "autoscaling-mysql": Refusal("book-mysql-m1", ("workload=deployment", "autoscaling.enabled=true"),
                                 "autoscaling.enabled", "mysql runs as one server or a fixed ensemble"),
    "autoscaling-zookeeper": Refusal("book-zk-n1", ("workload=deployment", "autoscaling.enabled=true"),
                                     "autoscaling.enabled", "an autoscaler must not add servers"),
    "autoscaling-rwo": Refusal("book-tomcat-n1", ("autoscaling.enabled=true", "persistence.enabled=true"),
                               "autoscaling.maxReplicas", "share one ReadWriteOnce claim"),
    "autoscaling-min-over-max": Refusal("book-tomcat-n1", ("autoscaling.enabled=true", "autoscaling.minReplicas=4",
                                                           "autoscaling.maxReplicas=3"),
                                        "autoscaling.minReplicas", "at least 4 pods and at most 3"),
    "autoscaling-min-0": Refusal("book-tomcat-n1", ("autoscaling.enabled=true", "autoscaling.minReplicas=0"),
                                 "autoscaling.minReplicas", "at least 1"),
    "autoscaling-env-replicas": Refusal("book-tomcat-n1", ("autoscaling.enabled=true", "environments.prod.replicas=3"),
                                        "environments.prod.replicas", "the autoscaler sets the pods"),
    "autoscaling-env-range": Refusal("book-tomcat-n1", ("autoscaling.enabled=true",
                                                        "environments.prod.values.autoscaling.minReplicas=9"),
                                     "environments.prod.values.autoscaling.minReplicas",
                                     "at least 9 pods and at most 5"),
    "autoscaling-env-switch": Refusal("book-tomcat-n1", ("environments.prod.values.autoscaling.enabled=true",),
                                      "environments.prod.values", "autoscaling.enabled is not a value an environment"),
    "from-namespace-name": Refusal("book-tomcat-n1", ("networkPolicy.fromNamespaces=Book_Web",),
                                   "networkPolicy.fromNamespaces", "the namespace 'Book_Web' may hold only lowercase"),
    "from-namespaces-task": Refusal("book-report-cron1", ("workload=cronjob", f"schedule={DAILY}",
                                                          "networkPolicy.fromNamespaces=book-web", *GENERIC),
                                    "networkPolicy.fromNamespaces", "its pods admit no connection"),
    "egress-host-bits": Refusal("book-tomcat-n1", ("networkPolicy.egress=10.20.0.1/16",),
                                "networkPolicy.egress", "no host bits set"),
    "egress-neither": Refusal("book-tomcat-n1", ("networkPolicy.egress=db.example.com",),
                              "networkPolicy.egress", "neither a CIDR block"),
    "password-file-twice": Refusal("book-mysql-m1", ("config.env.MYSQL_ROOT_PASSWORD_FILE=/tmp/pw",),
                                   "config.env.MYSQL_ROOT_PASSWORD_FILE", "is set by the chart"),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", list(REFUSALS))
def test_policy_answers_that_cannot_work_are_refused_in_every_input_path(case: str, path: str, mkchart: Run,
                                                                        make_chart: MakeChart,
                                                                        tmp_path: Path) -> None:
    refusal = REFUSALS[case]
    result = _run_path(path, refusal, mkchart, make_chart, tmp_path)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output  # 2, nothing written (_run_path)
    assert "Traceback" not in result.output
    assert re.search(rf"(^|\s){re.escape(refusal.key)}: ", result.stderr), result.stderr
    assert refusal.says in result.stderr, result.stderr


# --- secrets as files -----------------------------------------------------------------------------


def test_mysql_reads_its_generated_passwords_from_files(make_chart: MakeChart) -> None:
    chart = make_chart("book-mysql-m1", "secrets.generate=MYSQL_ROOT_PASSWORD,MYSQL_PASSWORD,APP_TOKEN",
                       "config.env.MYSQL_USER=book")
    objects = _checked(chart)
    secret = one(objects, "Secret")
    assert set(secret["data"]) == {"MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD", "APP_TOKEN"}  # name and keys kept
    spec = pod_spec(objects)
    container = spec["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    (volume,) = [v for v in spec["volumes"] if v.get("secret", {}).get("secretName") == secret["metadata"]["name"]]
    (mount,) = [m for m in container["volumeMounts"] if m["name"] == volume["name"]]
    assert mount["readOnly"] is True
    for key in ("MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD"):
        assert key not in env, f"{key} in no variable"
        path = env[f"{key}_FILE"]["value"]
        assert path == f"{mount['mountPath']}/{key}"
        assert {"key": key, "path": key} in volume["secret"]["items"]
    # read by the image's user through its group (fsGroup), by no one else
    assert volume["secret"]["defaultMode"] == 0o440
    assert spec["securityContext"]["fsGroup"] == profiles.get("mysql").contract.user["gid"]
    # a key the image has no _FILE for stays a variable from the Secret
    assert env["APP_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": secret["metadata"]["name"], "key": "APP_TOKEN"}
    assert "envFrom" not in container
    assert not [e for e in container["env"] if e.get("valueFrom", {}).get("secretKeyRef", {}).get("key")
                in ("MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD")]
    # the probes never needed the password
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert "PASSWORD" not in json.dumps(container[probe])


def test_the_file_convention_is_a_fact_of_the_image_with_its_source() -> None:
    contract = profiles.get("mysql").contract
    assert contract.fileEnv is not None
    assert "MYSQL_ROOT_PASSWORD" in contract.fileEnv["names"]
    assert contract.fileEnv.source == "M1 8.0/docker-entrypoint.sh"
    assert contract.sources["M1"].startswith("docker-library/mysql@")
    # redis-cli and redis-server take no _FILE: the generated password stays a variable
    assert profiles.get("redis").contract.fileEnv is None


def test_redis_password_stays_a_variable(make_chart: MakeChart) -> None:
    objects = _checked(make_chart("book-redis-n1", "password=true"))
    env = {e["name"]: e for e in pod_spec(objects)["containers"][0]["env"]}
    assert env["REDISCLI_AUTH"]["valueFrom"]["secretKeyRef"]["key"] == "REDISCLI_AUTH"
    assert not (set(env) & {"REDISCLI_AUTH_FILE"})


def test_a_file_key_the_secret_lacks_fails_at_install(make_chart: MakeChart) -> None:
    chart = make_chart("book-mysql-m1")
    with pytest.raises(HelmRenderError, match=r"generatedSecretFiles\.keys: MYSQL_PASSWORD is not in generatedSecret"):
        render_objects(chart, {"generatedSecretFiles": {"keys": ["MYSQL_PASSWORD"]}})


# --- charts made before: the migration --------------------------------------------------------------


def _as_format_3(chart: Path) -> None:
    """The chart's record as mkchart wrote it before format 4: no networkPolicy, no podDisruptionBudget."""
    record = chart / layout.ANSWERS_FILE
    edit_file(record, f"format: {ANSWERS_FORMAT}", "format: 3")
    document = yamlio.load_round_trip(record.read_text())
    del document["answers"]["networkPolicy"]
    del document["answers"]["podDisruptionBudget"]
    record.write_text(yamlio.dump_round_trip(document))


def test_a_format_3_chart_regenerates_with_its_traffic_as_it_was(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "replicas=3")
    _as_format_3(chart)
    result = mkchart("regen", str(chart))
    assert result.exit_code == 0, result.output
    assert "migrated format 3 -> 4: networkPolicy is new and set to enabled: false" in result.stderr
    assert "--set networkPolicy.enabled=true" in result.stderr
    assert "podDisruptionBudget is new and set to false" in result.stderr
    record = yamlio.read_mapping(chart / layout.ANSWERS_FILE)
    assert record["mkchart"]["format"] == ANSWERS_FORMAT
    assert record["answers"]["networkPolicy"]["enabled"] is False
    assert record["answers"]["podDisruptionBudget"] is False
    objects = _checked(chart)
    assert not by_kind(objects, "NetworkPolicy") and not by_kind(objects, "PodDisruptionBudget")
    assert not (chart / layout.PDB).exists()
    # turned on when the team knows its clients
    result = mkchart("regen", str(chart), "--set", "networkPolicy.enabled=true", "--set",
                     "networkPolicy.fromNamespaces=book-web")
    assert result.exit_code == 0, result.output
    assert _namespaces(_policy(_checked(chart))["ingress"][1]) == ["book-web"]


def test_a_format_3_statefulset_keeps_its_budget(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-zk-n1", "replicas=3")
    _as_format_3(chart)
    before = snapshot(chart)
    result = mkchart("regen", str(chart))
    assert result.exit_code == 0, result.output
    assert "podDisruptionBudget" not in result.stderr
    assert yamlio.read_mapping(chart / layout.ANSWERS_FILE)["answers"]["podDisruptionBudget"] is True
    assert (chart / layout.PDB).read_bytes() == before[layout.PDB]
    assert one(render_objects(chart), "PodDisruptionBudget")["spec"]["minAvailable"] == 2
    validate_objects(render_objects(chart), OLDEST_AND_NEWEST)


def test_the_namespaces_quota_holds_the_autoscaler_s_most_pods() -> None:
    sets = ["autoscaling.enabled=true", "autoscaling.maxReplicas=7",
            "environments.prod.values.autoscaling.maxReplicas=9"]
    answers = resolve("book-tomcat-n1", sets=parse_sets(sets)).answers
    values = environment_values(answers.name, render(answers), ["dev", "prod"])
    assert usage(answers, "dev", values["dev"]).pods == 7
    assert usage(answers, "prod", values["prod"]).pods == 9
