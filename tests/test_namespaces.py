"""`mkchart namespaces`: the chart of a fleet's namespaces (Namespace with Pod Security
labels, ResourceQuota, LimitRange, NetworkPolicies) through the real engine and schemas;
quotas checked against sums computed independently from every service's rendered chart;
re-runs that keep hand edits; refusals that write nothing."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import (
    SERVICES,
    Run,
    _developer_setting,
    assert_api_server_rules,
    by_kind,
    edit_file,
    helm_checked,
    json_report,
    render_objects,
    snapshot,
)
from mkchart.answers.fit import release_name
from mkchart.errors import ExitCode
from mkchart.namespaces.sizing import amount

ENVIRONMENTS = ["dev", "test", "staging", "prod"]

# Twenty services of two businesses: every workload kind, a ZooKeeper ensemble of 3, a
# CronJob, claims, Ingresses, per-environment replicas and resources, and a service that
# mounts the node's time zone file in dev only.
FLEET = """\
defaults:
  persistence: {storageClass: glusterfs}
  ingress: {domain: example.com, className: nginx}
  imagePullSecrets: [harbor-pull]
services:
  - name: book-tomcat-n1
    ingress: {enabled: true}
  - name: book-tomcat-n2
    replicas: 3
    ingress: {enabled: true}
    environments:
      prod: {replicas: 4, resources: {limits: {cpu: "2", memory: 2Gi}}}
  - name: book-nginx-web1
    ingress: {enabled: true}
  - name: book-springboot-api1
    image: {repository: harbor.example.com/book/api, tag: "2.3.1"}
    replicas: 2
    environments:
      prod: {replicas: 3, resources: {requests: {cpu: 500m, memory: 1Gi}}}
  - name: book-mysql-m1
    persistence: {enabled: true, size: 20Gi}
  - name: book-redis-n1
  - name: book-zk-n1
    replicas: 3
  - name: book-report-cron1
    workload: cronjob
    schedule: "0 2 * * *"
    image: {repository: harbor.example.com/book/report, tag: "1.4.0"}
  - name: book-python-worker1
    image: {repository: harbor.example.com/book/worker, tag: "1.0.2"}
    persistence: {enabled: true, size: 2Gi}
  - name: book-migrate-job1
    workload: job
    image: {repository: harbor.example.com/book/migrate, tag: "1.0.0"}
  - name: shop-nodejs-web1
    image: {repository: harbor.example.com/shop/web, tag: "3.2.0"}
    ingress: {enabled: true}
    timezoneFromHost: true
  - name: shop-tomcat-n1
    ingress: {enabled: true}
  - name: shop-springboot-order1
    image: {repository: harbor.example.com/shop/order, tag: "5.1.0"}
    replicas: 2
  - name: shop-springboot-pay1
    image: {repository: harbor.example.com/shop/pay, tag: "5.1.0"}
  - name: shop-mysql-m1
    persistence: {enabled: true, size: 50Gi}
  - name: shop-redis-n1
  - name: shop-zk-n1
  - name: shop-nginx-n1
    ingress: {enabled: true}
  - name: shop-python-n1
    image: {repository: harbor.example.com/shop/tasks, tag: "0.9.1"}
  - name: shop-sync-cron1
    workload: cronjob
    schedule: "*/15 * * * *"
    image: {repository: harbor.example.com/shop/sync, tag: "2.0.0"}
    job: {concurrencyPolicy: Replace}
"""


@dataclass
class Fleet:
    root: Path
    chart: Path  # the namespaces chart
    document: dict[str, Any]  # its run's JSON document
    objects: list[dict[str, Any]]  # its objects through the real engine


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    """The twenty services' charts (`mkchart batch`) and their namespaces chart, made once."""
    root = tmp_path_factory.mktemp("fleet")
    (root / "services.yaml").write_text(FLEET)
    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if _developer_setting(name)]:
            patch.delenv(name)
        patch.setenv("MKCHART_CACHE_DIR", str(root / ".cache"))
        run = Run(root)
        assert run("batch", "services.yaml", "-o", "charts", "-q").exit_code == 0
        result = run("namespaces", "services.yaml", "-o", "cluster", "--output", "json")
    assert result.exit_code == 0, result.stderr
    chart = root / "cluster" / "namespaces"
    yield Fleet(root, chart, json_report(result), helm_checked(chart))


def _named(objects: list[dict[str, Any]], kind: str, namespace: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in by_kind(objects, kind) if o["metadata"].get("namespace") == namespace}


def test_twenty_services_give_four_namespaces_that_pass_the_real_engine(fleet: Fleet) -> None:
    assert_api_server_rules(fleet.objects)
    (outcome,) = fleet.document["charts"]
    assert outcome["status"] == "created" and outcome["warnings"] == [] and "values.yaml" in outcome["written"]
    kinds = Counter(o["kind"] for o in fleet.objects)
    assert kinds == {"Namespace": 4, "ResourceQuota": 4, "LimitRange": 4, "NetworkPolicy": 4 * 5}
    namespaces = {o["metadata"]["name"]: o["metadata"] for o in by_kind(fleet.objects, "Namespace")}
    assert sorted(namespaces) == sorted(ENVIRONMENTS)
    for metadata in namespaces.values():
        labels = metadata["labels"]
        # shop-nodejs-web1 mounts the node's time zone file (hostPath), in every environment.
        assert labels["pod-security.kubernetes.io/enforce"] == "privileged"
        assert labels["pod-security.kubernetes.io/warn"] == labels["pod-security.kubernetes.io/audit"] == "restricted"
        assert labels["pod-security.kubernetes.io/enforce-version"] == "latest"
        assert metadata["annotations"]["helm.sh/resource-policy"] == "keep"
    for env in ENVIRONMENTS:
        policies = _named(fleet.objects, "NetworkPolicy", env)
        assert sorted(policies) == ["allow-business-book", "allow-business-shop", "allow-dns",
                                    "allow-ingress-controller", "default-deny"]
        assert policies["default-deny"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        (dns,) = policies["allow-dns"]["spec"]["egress"]
        assert dns["to"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                              "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}]
        assert sorted((p["protocol"], p["port"]) for p in dns["ports"]) == [("TCP", 53), ("UDP", 53)]
        controller = policies["allow-ingress-controller"]["spec"]
        assert controller["ingress"] == [{"from": [{"namespaceSelector": {"matchLabels": {
            "kubernetes.io/metadata.name": "ingress-nginx"}}}]}]
        (selector,) = controller["podSelector"]["matchExpressions"]
        assert selector["key"] == "app.kubernetes.io/instance" and selector["values"] == [
            "book-tomcat-n1", "book-tomcat-n2", "book-nginx-web1", "shop-nodejs-web1", "shop-tomcat-n1",
            "shop-nginx-n1"]
        book = policies["allow-business-book"]["spec"]
        same = {"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": "book"}}}
        assert book["podSelector"] == same["podSelector"] and book["policyTypes"] == ["Ingress", "Egress"]
        assert book["ingress"] == [{"from": [same]}] and book["egress"] == [{"to": [same]}]
        (limits,) = _named(fleet.objects, "LimitRange", env)["container-limits"]["spec"]["limits"]
        assert limits["type"] == "Container"
        # The generic profile's resources, for a container that sets none.
        assert limits["default"] == {"cpu": "500m", "memory": "512Mi"}
        assert limits["defaultRequest"] == {"cpu": "100m", "memory": "128Mi"}


def _pods(obj: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    """How many pods an object runs and their spec: a workload's replicas (a task: one run),
    a bare Pod (the `helm test` pod) one."""
    kind, spec = obj["kind"], obj.get("spec", {})
    if kind in ("Deployment", "StatefulSet"):
        return int(spec.get("replicas", 1)), spec["template"]["spec"]
    if kind == "CronJob":
        return 1, spec["jobTemplate"]["spec"]["template"]["spec"]
    if kind == "Job":
        return 1, spec["template"]["spec"]
    if kind == "Pod":
        return 1, spec
    return None


def _add_pods(sums: Counter[Any], limits: dict[str, Fraction], obj: dict[str, Any]) -> None:
    """An object's pods into the sums: each container's resources times the pods."""
    found = _pods(obj)
    if found is None:
        return
    count, pod = found
    sums["pods"] += count
    for container in [*pod["containers"], *pod.get("initContainers", [])]:
        for bound in ("requests", "limits"):
            for kind, value in container["resources"][bound].items():
                sums[f"{bound}.{kind}"] += amount(value) * count
        for kind, value in container["resources"]["limits"].items():
            limits[kind] = max(limits.get(kind, Fraction(0)), amount(value))


def _add_claims(sums: Counter[Any], obj: dict[str, Any]) -> None:
    """An object's claims into the sums: a claim, or a StatefulSet's claim per pod."""
    if obj["kind"] == "PersistentVolumeClaim":
        claims = [(1, obj["spec"])]
    elif obj["kind"] == "StatefulSet":
        claims = [(obj["spec"]["replicas"], c["spec"]) for c in obj["spec"].get("volumeClaimTemplates", [])]
    else:
        return
    for count, spec in claims:
        sums["persistentvolumeclaims"] += count
        sums["requests.storage"] += amount(spec["resources"]["requests"]["storage"]) * count


def _fleet_sums(charts: Path, env: str) -> dict[str, Any]:
    """The fleet's figures in ENV, from each chart rendered by the real engine with its
    values-ENV.yaml: containers' requests and limits times pods, and the objects counted."""
    sums: Counter[Any] = Counter()
    limits: dict[str, Fraction] = {}
    ingresses, businesses = [], set()
    for chart in sorted(p for p in charts.iterdir() if p.is_dir()):
        values = yaml.safe_load((chart / f"values-{env}.yaml").read_text()) or {}
        for obj in render_objects(chart, values, name=release_name(chart.name), namespace=env):
            _add_pods(sums, limits, obj)
            _add_claims(sums, obj)
            sums["services"] += obj["kind"] == "Service"
            labels = obj["metadata"].get("labels", {})
            if obj["kind"] == "Ingress":
                ingresses.append(labels["app.kubernetes.io/instance"])
            businesses.add(labels.get("app.kubernetes.io/part-of"))
    return {"sums": sums, "limits": limits, "ingresses": ingresses, "businesses": businesses - {None}}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_quotas_cover_the_fleet_summed_from_its_rendered_charts(fleet: Fleet, env: str) -> None:
    found = _fleet_sums(fleet.root / "charts", env)
    sums = found["sums"]
    (quota,) = _named(fleet.objects, "ResourceQuota", env).values()
    hard = quota["spec"]["hard"]
    assert sums["pods"] > 20 and sums["persistentvolumeclaims"] >= 4, sums
    for key, total in sums.items():
        assert amount(hard[key]) >= total, f"{env}: quota {key} {hard[key]} < the fleet's {total}"
    assert hard["services.nodeports"] == hard["services.loadbalancers"] == "0"
    # One rolling update more than the fleet: the headroom covers the largest service's surge pod.
    assert amount(hard["requests.cpu"]) >= sums["requests.cpu"] + Fraction(1, 4)
    (limits,) = _named(fleet.objects, "LimitRange", env)["container-limits"]["spec"]["limits"]
    for kind, largest in found["limits"].items():
        assert amount(limits["max"][kind]) >= largest
    policies = _named(fleet.objects, "NetworkPolicy", env)
    selector = policies["allow-ingress-controller"]["spec"]["podSelector"]["matchExpressions"][0]
    assert sorted(selector["values"]) == sorted(found["ingresses"])
    assert {name.removeprefix("allow-business-") for name in policies if name.startswith("allow-business-")} == \
        found["businesses"] == {"book", "shop"}


def test_prod_quota_follows_the_environments_answers(fleet: Fleet) -> None:
    """book-tomcat-n2 runs 4 pods with 2 CPUs each in prod, 1 in dev: prod's quota is larger."""
    hard = {env: _named(fleet.objects, "ResourceQuota", env)["fleet-quota"]["spec"]["hard"] for env in ENVIRONMENTS}
    assert amount(hard["prod"]["limits.cpu"]) - amount(hard["staging"]["limits.cpu"]) >= Fraction(5)
    assert hard["dev"] == hard["test"]
    values = yaml.safe_load((fleet.chart / "values.yaml").read_text())
    assert list(values["namespaces"]) == ENVIRONMENTS
    assert values["namespaces"]["prod"]["quota"] == hard["prod"] | {
        key: int(value) for key, value in hard["prod"].items() if value.isdigit()}


def _small_fleet(root: Path) -> None:
    extra = "  - name: ops-redis-cache1\n    business: \"\"\n  - name: book-nginx-web1\n    ingress: {enabled: true}\n"
    (root / "services.yaml").write_text(SERVICES + extra)


def test_rerun_keeps_hand_edits_and_follows_the_fleet(mkchart: Run, tmp_path: Path) -> None:
    _small_fleet(tmp_path)
    assert mkchart("namespaces", "services.yaml").exit_code == 0
    values = tmp_path / "namespaces" / "values.yaml"
    edit_file(values, 'ingressControllerNamespace: "ingress-nginx"',
              'ingressControllerNamespace: "nginx-system"  # our controller')
    edit_file(values, "  extraEgress: []", "  extraEgress:\n    - to: [{ipBlock: {cidr: 10.1.2.0/24}}]")
    again = mkchart("namespaces", "services.yaml", "--output", "json")
    assert json_report(again)["charts"][0]["status"] == "unchanged"
    before = yaml.safe_load(values.read_text())["namespaces"]["prod"]["quota"]
    with (tmp_path / "services.yaml").open("a") as services:
        services.write("  - name: book-zk-n2\n    replicas: 3\n")
    changed = mkchart("namespaces", "services.yaml", "--output", "json")
    assert changed.exit_code == 0, changed.stderr
    outcome = json_report(changed)["charts"][0]
    assert outcome["status"] == "updated" and outcome["merged"] == ["values.yaml"]
    text = values.read_text()
    assert 'ingressControllerNamespace: "nginx-system"  # our controller' in text and "10.1.2.0/24" in text
    after = yaml.safe_load(text)["namespaces"]["prod"]
    assert after["quota"]["persistentvolumeclaims"] > before["persistentvolumeclaims"]
    assert amount(after["quota"]["requests.memory"]) > amount(before["requests.memory"])
    # A service without a business: its own pods reach each other.
    assert after["peers"] == ["ops-redis-cache1"] and after["businesses"] == ["book"]
    objects = helm_checked(tmp_path / "namespaces", ("1.29", "1.37"))
    policies = _named(objects, "NetworkPolicy", "prod")
    assert policies["allow-release-ops-redis-cache1"]["spec"]["egress"] == [
        {"to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/instance": "ops-redis-cache1"}}}]}]
    assert policies["allow-extra-egress"]["spec"]["egress"] == [{"to": [{"ipBlock": {"cidr": "10.1.2.0/24"}}]}]
    assert _named(objects, "NetworkPolicy", "prod")["allow-ingress-controller"]["spec"]["ingress"][0]["from"][0][
        "namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "nginx-system"}
    assert mkchart("namespaces", "services.yaml", "--check").exit_code == 0


def test_check_reports_drift_and_a_quota_edited_below_the_fleet(mkchart: Run, tmp_path: Path) -> None:
    _small_fleet(tmp_path)
    made = mkchart("namespaces", "services.yaml", "-o", "cluster")
    assert made.exit_code == 0 and "warning" not in made.stderr, "a fresh quota fits the fleet and an update"
    assert mkchart("namespaces", "services.yaml", "-o", "cluster", "--headroom", "40", "-q").exit_code == 0
    values = tmp_path / "cluster" / "namespaces" / "values.yaml"
    prod = values.read_text().index("  prod:")
    text = values.read_text()
    start = text.index('requests.cpu: "', prod)
    values.write_text(text[:start] + 'requests.cpu: "100m"  # cut' + text[text.index("\n", start):])
    kept = snapshot(tmp_path / "cluster")
    check = mkchart("namespaces", "services.yaml", "-o", "cluster", "--check", "--output", "json")
    assert check.exit_code == 0, "a hand edit regeneration keeps is no drift"
    (warning,) = json_report(check)["charts"][0]["warnings"]
    assert "namespaces.prod.quota.requests.cpu is 100m, less than the fleet needs in prod" in warning
    assert "mkchart: warning: namespaces: namespaces.prod.quota.requests.cpu" in check.stderr
    (tmp_path / "services.yaml").write_text(SERVICES)
    drift = mkchart("namespaces", "services.yaml", "-o", "cluster", "--check")
    assert drift.exit_code == ExitCode.DRIFT and "out of date with the services file" in drift.stderr
    assert "-      - \"ops-redis-cache1\"" in drift.stdout
    assert snapshot(tmp_path / "cluster") == kept, "--check writes nothing"


def test_headroom_is_kept_and_the_quota_fits_an_update(mkchart: Run, tmp_path: Path) -> None:
    """The quota holds the fleet and the largest one service's update adds, before any
    headroom: even at --headroom 0 nothing is refused, and nothing is warned."""
    (tmp_path / "services.yaml").write_text("services:\n  - name: book-tomcat-n1\n")
    result = mkchart("namespaces", "services.yaml", "--headroom", "0", "--output", "json")
    assert result.exit_code == 0
    assert json_report(result)["charts"][0]["warnings"] == []
    values = (tmp_path / "namespaces" / "values.yaml").read_text()
    # tomcat's 250m and its helm test pod's 10m, and a second tomcat pod while it updates.
    assert "requests.cpu: 260m for the pods and test pods, 250m for an update of book-tomcat-n1" in values
    assert 'requests.cpu: "510m"' in values
    assert 'mkchart/headroom: "0"' in (tmp_path / "namespaces" / "Chart.yaml").read_text()
    again = mkchart("namespaces", "services.yaml", "--output", "json")
    assert json_report(again)["charts"][0]["status"] == "unchanged", "the last headroom is kept"
    more = mkchart("namespaces", "services.yaml", "--headroom", "100")
    assert more.exit_code == 0 and "warning" not in more.stderr
    assert 'requests.cpu: "1020m"' in (tmp_path / "namespaces" / "values.yaml").read_text()


def test_the_environments_are_the_union_of_the_services(mkchart: Run, tmp_path: Path) -> None:
    """defaults.environments is shared; a service with environments of its own adds its own."""
    (tmp_path / "services.yaml").write_text(
        "defaults:\n  environments: [dev, prod]\nservices:\n  - name: book-tomcat-n1\n"
        "  - name: book-redis-n1\n    environments: [dev, qa]\n")
    assert mkchart("namespaces", "services.yaml", "--headroom", "100", "-q").exit_code == 0
    values = yaml.safe_load((tmp_path / "namespaces" / "values.yaml").read_text())["namespaces"]
    assert list(values) == ["dev", "prod", "qa"]
    assert values["qa"]["quota"]["services"] == 4 and values["prod"]["quota"]["services"] == 2  # redis: 2 Services
    objects = helm_checked(tmp_path / "namespaces", ("1.37",))
    assert sorted(o["metadata"]["name"] for o in by_kind(objects, "Namespace")) == ["dev", "prod", "qa"]


def test_values_edited_so_the_fleet_cannot_run_are_warned(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text("services:\n  - name: book-tomcat-n1\n    timezoneFromHost: true\n")
    assert mkchart("namespaces", "services.yaml", "--headroom", "100").exit_code == 0
    values = tmp_path / "namespaces" / "values.yaml"
    assert values.read_text().count('enforce: "privileged"') == 4, "a hostPath volume: neither restricted nor baseline"
    text = values.read_text()
    prod = text.index("  prod:")
    head, tail = text[:prod], text[prod:]
    tail = tail.replace('enforce: "privileged"', 'enforce: "baseline"', 1)
    tail = tail.replace('memory: "1Gi"', 'memory: "512Mi"', 1)
    values.write_text(head + tail.replace("\n      pods: ", "\n      pods: lots  # ", 1))
    check = mkchart("namespaces", "services.yaml", "--check", "--output", "json")
    assert check.exit_code == 0
    warnings = json_report(check)["charts"][0]["warnings"]
    assert [w.split(" is ")[0] for w in warnings] == [
        "namespaces: namespaces.prod.quota.pods", "namespaces: namespaces.prod.maxPerContainer.memory",
        "namespaces: namespaces.prod.podSecurity.enforce"]
    assert "Kubernetes refuses the quota" in warnings[0] and "limit 1Gi of book-tomcat-n1's containers" in warnings[1]
    assert "the pods of book-tomcat-n1 do not meet" in warnings[2]


@pytest.mark.parametrize(("args", "expected"), [
    (["missing.yaml"], "missing.yaml"),
    (["services.yaml", "--headroom", "-5"], "--headroom: -5 is no percentage from 0 to 1000"),
    (["services.yaml", "--headroom", "5000"], "--headroom: 5000 is no percentage"),
    (["services.yaml", "--headroom", "lots"], "'lots' is not a valid int"),
    (["services.yaml", "--name", "Name_Space"], "--name: 'Name_Space'"),
    (["broken.yaml"], "services[1] (Book_mysql): name:"),
])
def test_bad_input_writes_nothing(mkchart: Run, tmp_path: Path, args: list[str], expected: str) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    (tmp_path / "broken.yaml").write_text("services:\n  - name: book-tomcat-n1\n  - name: Book_mysql\n")
    result = mkchart("namespaces", *args, "-o", "cluster", "--output", "json")
    assert result.exit_code == ExitCode.BAD_INPUT and expected in result.stderr
    if "not a valid int" not in expected:  # click's own refusal says it without the JSON document
        assert json_report(result)["ok"] is False
    assert not (tmp_path / "cluster").exists()


def test_a_folder_it_did_not_write_is_never_overwritten(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    assert mkchart("batch", "services.yaml", "-o", "charts", "-q").exit_code == 0
    (tmp_path / "charts" / "namespaces").mkdir()
    (tmp_path / "charts" / "namespaces" / "notes.txt").write_text("mine")
    for name, expected in (("namespaces", "is no namespaces chart mkchart wrote"),
                           ("book-tomcat-n1", "is a service's chart")):
        kept = snapshot(tmp_path / "charts")
        result = mkchart("namespaces", "services.yaml", "-o", "charts", "--name", name)
        assert result.exit_code == ExitCode.BAD_INPUT and expected in result.stderr
        assert snapshot(tmp_path / "charts") == kept
