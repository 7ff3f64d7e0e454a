"""The generated charts, checked by the real engines: Helm v4's strict lint and render,
and every rendered object against the strict Kubernetes schemas of each claimed version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import (
    KUBE_VERSIONS,
    OLDEST_AND_NEWEST,
    MakeChart,
    by_kind,
    helm_checked,
    lint_strict,
    one,
    own_image,
    pod_spec,
    render_objects,
    validate_objects,
    workload,
)
from mkchart.answers.profiles import all_profiles
from mkchart.chart import layout

# One name per server type, shaped like the seed's names.
NAMES = {
    "tomcat": "book-tomcat-n1", "springboot": "book-springboot-n1", "nginx": "book-nginx-n1",
    "nodejs": "book-nodejs-n1", "python": "book-python-n1", "mysql": "book-mysql-m1",
    "redis": "book-redis-n1", "zookeeper": "book-zk-n1", "generic": "book-worker-n1",
}


def _container(objects: list[dict[str, Any]]) -> dict[str, Any]:
    return pod_spec(objects)["containers"][0]


def _check_restricted(pod_spec: dict[str, Any]) -> None:
    """The restricted Pod Security Standard, checked field by field."""
    pod = pod_spec["securityContext"]
    assert pod["runAsNonRoot"] is True
    assert pod["seccompProfile"]["type"] == "RuntimeDefault"
    assert pod_spec["automountServiceAccountToken"] is False
    for container in pod_spec["containers"]:
        sc = container["securityContext"]
        assert sc["allowPrivilegeEscalation"] is False
        assert sc["capabilities"]["drop"] == ["ALL"]
        assert sc["readOnlyRootFilesystem"] is True
        assert container["resources"]["requests"] and container["resources"]["limits"]
        tag = container["image"].rsplit(":", 1)[1]
        assert tag and tag != "latest"
    assert not any("hostPath" in v for v in pod_spec.get("volumes", []))


def test_every_profile_has_a_test_name() -> None:
    assert set(NAMES) == set(all_profiles())


@pytest.mark.parametrize("server_type", sorted(NAMES))
def test_each_server_type_lints_renders_and_validates(server_type: str, make_chart: MakeChart) -> None:
    chart = make_chart(NAMES[server_type], *own_image(server_type))
    objects = helm_checked(chart, KUBE_VERSIONS)
    kinds = sorted(o["kind"] for o in objects)
    # Its default workload: a StatefulSet for a database or ZooKeeper, else a Deployment.
    kind = {"statefulset": "StatefulSet", "deployment": "Deployment"}[all_profiles()[server_type].chart.workloads[0]]
    expected = {kind, "Service", "ServiceAccount", "Pod"}
    assert expected <= set(kinds)
    _check_restricted(pod_spec(objects))
    _check_restricted(one(objects, "Pod")["spec"])
    # Stateful types persist by default; with persistence on, the same chart still validates.
    switches = {"persistence": {"enabled": True}, "ingress": {"enabled": True}}
    if all_profiles()[server_type].contract.protocol != "http":
        # An Ingress to a server that speaks no HTTP fails the install, naming the value.
        with pytest.raises(Exception, match=r"ingress\.enabled: an Ingress carries HTTP"):
            render_objects(chart, switches)
        switches["ingress"]["enabled"] = False
    on = render_objects(chart, switches)
    validate_objects(on, OLDEST_AND_NEWEST)
    # A StatefulSet's pods each get a claim of their own from its volumeClaimTemplates.
    claims = workload(on)["spec"].get("volumeClaimTemplates", []) if kind == "StatefulSet" else by_kind(
        on, "PersistentVolumeClaim")
    assert len(claims) == 1 and bool(by_kind(on, "Ingress")) == switches["ingress"]["enabled"]
    lint_strict(chart, switches)


def test_names_stay_within_63_characters(make_chart: MakeChart) -> None:
    name = "b" * 40 + "-tomcat-n1"
    chart = make_chart(name)
    objects = render_objects(chart, {"persistence": {"enabled": True}, "ingress": {"enabled": True}},
                             name="release-" + "r" * 40)
    validate_objects(objects, OLDEST_AND_NEWEST)
    for obj in objects:
        assert len(obj["metadata"]["name"]) <= 63, obj["metadata"]["name"]
        for value in obj["metadata"].get("labels", {}).values():
            assert len(str(value)) <= 63


@pytest.mark.parametrize("style", ["http", "tcp", "exec"])
def test_each_probe_style(style: str, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", f"probe.style={style}", "probe.command=[/bin/sh, -c, test -f /tmp/ready]")
    objects = helm_checked(chart, OLDEST_AND_NEWEST)
    container = _container(objects)
    live, ready = container["livenessProbe"], container["readinessProbe"]
    assert live != ready, "liveness and readiness must stay distinct"
    assert (live["initialDelaySeconds"], live["timeoutSeconds"]) == (15, 1)  # the seed's timings
    assert (ready["initialDelaySeconds"], ready["timeoutSeconds"]) == (5, 1)
    if style == "http":
        # By the port's name: a containerPort changed per environment moves the checks too.
        assert live["httpGet"] == {"path": "/healthz", "port": "http"}
        assert ready["httpGet"] == {"path": "/readiness", "port": "http"}
    elif style == "tcp":
        assert live["tcpSocket"] == ready["tcpSocket"] == {"port": "http"}
    else:
        assert live["exec"]["command"] == ["/bin/sh", "-c", "test -f /tmp/ready"]


def test_exec_probe_defaults_to_the_seed_command(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "probe.style=exec")
    assert _container(render_objects(chart))["livenessProbe"]["exec"]["command"] == ["cat", "/tmp/health"]


def test_config_sources_reach_the_container(make_chart: MakeChart, tmp_path: Path) -> None:
    (tmp_path / "server.xml").write_text("<Server port=\"-1\"/>\n")
    (tmp_path / "app.properties").write_text("greeting=ni hao\n")
    chart = make_chart(
        "book-tomcat-n1",
        "config.env.JAVA_OPTS=-Xmx512m -Dfile.encoding=UTF-8", "config.env.DB_HOST=book-mysql-m1",
        "config.args=run,--verbose", "config.files=server.xml,app.properties",
    )
    assert (chart / layout.CONFIG_FILES_DIR / "server.xml").read_text() == "<Server port=\"-1\"/>\n"
    objects = helm_checked(chart, KUBE_VERSIONS)
    maps = {o["metadata"]["name"]: o["data"] for o in by_kind(objects, "ConfigMap")}
    assert maps["book-tomcat-n1-env"] == {
        "DB_HOST": "book-mysql-m1", "JAVA_OPTS": "-Xmx512m -Dfile.encoding=UTF-8",
        "arg-0": "run", "arg-1": "--verbose",
    }
    # The user's server.xml replaces the profile's own; its logging.properties stays.
    own = (chart / layout.CONFIG_FILES_DIR / "logging.properties").read_text()
    assert "java.util.logging.ConsoleHandler" in own
    assert maps["book-tomcat-n1-files"] == {
        "app.properties": "greeting=ni hao\n", "server.xml": "<Server port=\"-1\"/>\n", "logging.properties": own,
    }
    container = _container(objects)
    env = {e["name"]: e for e in container["env"]}
    assert env["TZ"]["value"] == "Asia/Shanghai"
    assert env["JAVA_OPTS"]["valueFrom"]["configMapKeyRef"] == {"name": "book-tomcat-n1-env", "key": "JAVA_OPTS"}
    assert container["args"] == ["$(MKCHART_ARG_0)", "$(MKCHART_ARG_1)"]
    assert env["MKCHART_ARG_1"]["valueFrom"]["configMapKeyRef"]["key"] == "arg-1"
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    assert mounts["/usr/local/tomcat/conf/server.xml"]["subPath"] == "server.xml"
    assert mounts["/usr/local/tomcat/conf/app.properties"]["readOnly"] is True


def test_config_change_rolls_the_pods(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "config.env.LEVEL=info")

    def checksum(values: dict[str, Any]) -> str:
        deployment = one(render_objects(chart, values), "Deployment")
        return deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]

    assert checksum({}) == checksum({})
    assert checksum({}) != checksum({"config": {"env": {"LEVEL": "debug"}}})


@pytest.mark.parametrize("persistence", [False, True])
@pytest.mark.parametrize("ingress", [False, True])
def test_persistence_and_ingress_switches(persistence: bool, ingress: bool, make_chart: MakeChart) -> None:
    chart = make_chart(
        "book-tomcat-n1", f"persistence.enabled={persistence}", "persistence.storageClass=glusterfs",
        "persistence.size=20Gi", "persistence.mountPath=/var/lib/book",
        f"ingress.enabled={ingress}", "ingress.host=book.example.com", "ingress.className=nginx",
        "ingress.tlsSecret=book-tls", "ingress.path=/shop",
    )
    objects = helm_checked(chart, KUBE_VERSIONS)
    assert len(by_kind(objects, "PersistentVolumeClaim")) == int(persistence)
    assert len(by_kind(objects, "Ingress")) == int(ingress)
    deployment = one(objects, "Deployment")
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    if persistence:
        claim = one(objects, "PersistentVolumeClaim")
        assert claim["spec"]["storageClassName"] == "glusterfs"
        assert claim["spec"]["resources"]["requests"]["storage"] == "20Gi"
        assert volumes["data"]["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
        assert deployment["spec"]["strategy"]["type"] == "Recreate"
    else:
        # At most the claim's size on the node's disk, as the claim would be.
        assert volumes["data"] == {"name": "data", "emptyDir": {"sizeLimit": "20Gi"}}
    if ingress:
        rule = one(objects, "Ingress")["spec"]
        assert rule["ingressClassName"] == "nginx"
        assert rule["tls"] == [{"hosts": ["book.example.com"], "secretName": "book-tls"}]
        assert rule["rules"][0]["host"] == "book.example.com"
        assert rule["rules"][0]["http"]["paths"][0]["path"] == "/shop"


def test_default_ingress_host_comes_from_name_and_domain(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "ingress.enabled=true", "ingress.domain=shop.example.org")
    assert one(render_objects(chart), "Ingress")["spec"]["rules"][0]["host"] == "book-tomcat-n1.shop.example.org"


def test_timezone_from_host_is_an_explicit_choice(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "timezone=UTC", "timezoneFromHost=true")
    objects = helm_checked(chart, OLDEST_AND_NEWEST)
    spec = pod_spec(objects)
    assert {"name": "localtime", "hostPath": {"path": "/usr/share/zoneinfo/UTC", "type": "File"}} in spec["volumes"]
    assert {"name": "TZ", "value": "UTC"} in spec["containers"][0]["env"]
    default = render_objects(make_chart("book-redis-n1"))
    assert not any("hostPath" in v for v in pod_spec(default).get("volumes", []))


def test_image_pull_secrets_and_replicas(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", "imagePullSecrets=harbor-pull,harbor-backup", "replicas=3",
                       "image.repository=harbor.example.com/book/tomcat", "image.tag=9.0.85-book.7")
    objects = render_objects(chart)
    validate_objects(objects, OLDEST_AND_NEWEST)
    spec = one(objects, "Deployment")["spec"]
    assert spec["replicas"] == 3
    assert spec["template"]["spec"]["imagePullSecrets"] == [{"name": "harbor-pull"}, {"name": "harbor-backup"}]
    assert spec["template"]["spec"]["containers"][0]["image"] == "harbor.example.com/book/tomcat:9.0.85-book.7"


def test_labels_follow_helm_conventions(make_chart: MakeChart) -> None:
    objects = render_objects(make_chart("book-mysql-m1"))
    for obj in objects:
        labels = obj["metadata"]["labels"]
        assert labels["helm.sh/chart"] == "book-mysql-m1-0.1.0"
        assert labels["app.kubernetes.io/name"] == "book-mysql-m1"
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert labels["app.kubernetes.io/component"] == "mysql"
        assert labels["app.kubernetes.io/part-of"] == "book"


@pytest.mark.parametrize("server_type", sorted(NAMES))
def test_every_value_is_commented(server_type: str, make_chart: MakeChart) -> None:
    """Helm best practice: each key in values.yaml is documented just above it, in helm-docs'
    form (`# -- ...`), which values.schema.json and README.md are written from."""
    chart = make_chart(NAMES[server_type], *own_image(server_type))
    lines = (chart / layout.VALUES_YAML).read_text().splitlines()
    path: list[tuple[int, str]] = []
    uncommented = []
    for number, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "- ")):
            continue
        indent = len(line) - len(line.lstrip())
        key = stripped.split(":", 1)[0]
        while path and path[-1][0] >= indent:
            path.pop()
        dotted = ".".join([p for _, p in path] + [key])
        path.append((indent, key))
        parent = ".".join(p for _, p in path[:-1])
        # Keys inside a Kubernetes object copied as is (probes, security contexts,
        # resources) are documented by the comment on their top-level key.
        if parent.split(".")[0] in {"livenessProbe", "readinessProbe", "startupProbe", "podSecurityContext",
                                    "securityContext", "resources"} \
                or parent.startswith(("test.image", "test.resources")) or parent in ("config.env",
                                                                                     "networkPolicy.dns.podLabels"):
            continue
        block = []
        for previous in reversed(lines[:number]):
            if not previous.strip().startswith("#"):
                break
            block.insert(0, previous.strip())
        if not block or not block[0].startswith("# -- ") or len(block[0]) < len("# -- ") + 8:
            uncommented.append(dotted)
    assert not uncommented, f"values without a helm-docs comment: {uncommented}"


def test_chart_layout_is_the_seeds(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    files = sorted(p.relative_to(chart).as_posix() for p in chart.rglob("*") if p.is_file())
    own = [layout.config_copy(name) for name in ("logging.properties", "server.xml")]  # the profile's
    # A Deployment's chart: no other workload's template, no headless Service (its pdb.yaml and
    # hpa.yaml render objects only for more than one pod, and with autoscaling.enabled).
    others = {layout.STATEFULSET, layout.CRONJOB, layout.JOB, layout.SERVICE_HEADLESS}
    environments = [f"values-{env}.yaml" for env in ("dev", "test", "staging", "prod")]  # the seed's four
    assert files == sorted([*(set(layout.SKELETON_FILES) - others), layout.ANSWERS_FILE, layout.BASE_FILE, *own,
                            *environments, layout.SCHEMA_FILE, layout.README_FILE])
    assert (chart / layout.CHARTS_DIR).is_dir()
    ignored = (chart / layout.HELMIGNORE).read_text().splitlines()
    assert layout.ANSWERS_FILE in ignored and f"{layout.STATE_DIR}/" in ignored


@pytest.mark.parametrize(("name", "sets"), [
    ("null", ("image.repository=harbor.example.com/x/null", "image.tag=1.0.0")),
    ("on-tomcat-n1", ()),
    ("yes-nginx-n1", ("ingress.enabled=true",)),
])
def test_yaml_keywords_as_names_and_env_keys_stay_strings(name: str, sets: tuple[str, ...],
                                                            make_chart: MakeChart) -> None:
    """Helm reads YAML 1.1, where on/yes/y/null are not strings: everything is quoted."""
    chart = make_chart(name, *sets, "config.env.ON=1", "config.env.Y=2", "config.env.NULL=3",
                       "persistence.mountPath=/data/my files #1")
    objects = helm_checked(chart, OLDEST_AND_NEWEST)
    env_map = next(o for o in by_kind(objects, "ConfigMap") if o["metadata"]["name"].endswith("-env"))
    own = all_profiles()[name.split("-")[1] if "-" in name else "generic"].chart.env  # tomcat's JAVA_OPTS
    assert env_map["data"] == {"ON": "1", "Y": "2", "NULL": "3", **own}
    container = _container(objects)
    assert {"ON", "Y", "NULL"} <= {e["name"] for e in container["env"]}
    assert {"name": "data", "mountPath": "/data/my files #1"} in container["volumeMounts"]
    assert one(objects, "Deployment")["metadata"]["labels"]["app.kubernetes.io/part-of"] == name.split("-")[0]


def test_mysql_password_is_a_generated_secret_never_logged(make_chart: MakeChart) -> None:
    import base64

    chart = make_chart("book-mysql-m1")
    objects = render_objects(chart)
    validate_objects(objects, OLDEST_AND_NEWEST)
    secret = one(objects, "Secret")
    assert secret["metadata"]["name"] == "book-mysql-m1-generated"
    assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    password = base64.b64decode(secret["data"]["MYSQL_ROOT_PASSWORD"]).decode()
    assert len(password) == 24 and password.isalnum()
    container = _container(objects)
    # The image reads it from a file (MYSQL_ROOT_PASSWORD_FILE): no variable holds it (tests/test_policies.py).
    assert "envFrom" not in container
    password_file = {"name": "MYSQL_ROOT_PASSWORD_FILE", "value": "/run/secrets/generated/MYSQL_ROOT_PASSWORD"}
    assert password_file in container["env"]
    assert not any(e["name"].startswith("MYSQL_RANDOM") for e in container["env"])
    assert not by_kind(render_objects(make_chart("book-tomcat-n1")), "Secret"), "only where a profile asks"


def test_springboot_reads_config_from_the_chosen_mount_path(make_chart: MakeChart) -> None:
    chart = make_chart("book-springboot-n1", "config.mountPath=/app/config/", *own_image("springboot"))
    env_map = next(o for o in by_kind(render_objects(chart), "ConfigMap") if o["metadata"]["name"].endswith("-env"))
    assert env_map["data"]["SPRING_CONFIG_ADDITIONAL_LOCATION"] == "optional:file:/app/config/"
