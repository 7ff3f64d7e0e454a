"""Every profile's chart against its image's recorded contract (issue 10): the pod the real
Helm engine renders must keep every data path on the claim, hide nothing the image ships,
make every path the image writes writable (and bounded), run as the image's user, pass a
config file the process only reads as an argument, and log to stdout. The contracts are
data read from the images' sources; these tests read the rendered objects."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from conftest import MakeChart, Run, by_kind, helm_checked, one, own_image, pod_spec, render_objects, workload
from mkchart.answers import fit, profiles
from mkchart.answers.profiles import Profile, all_profiles
from mkchart.answers.resolve import check_answer
from mkchart.chart import layout
from mkchart.errors import ExitCode, ProfileError

REPO = Path(__file__).resolve().parent.parent
TEAM_PROFILES = REPO / "docs" / "examples" / "profiles"
BUILTIN = sorted(all_profiles())


def _pod(objects: list[dict[str, Any]]) -> dict[str, Any]:
    spec: dict[str, Any] = pod_spec(objects)
    return spec


def _mounts(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    mounts: list[dict[str, Any]] = _pod(objects)["containers"][0]["volumeMounts"]
    return mounts


def _volumes(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The pod's volumes by name; a StatefulSet's claim templates count as claims."""
    claims = workload(objects)["spec"].get("volumeClaimTemplates", [])
    return {**{v["name"]: v for v in _pod(objects).get("volumes", [])},
            **{c["metadata"]["name"]: {"persistentVolumeClaim": {"template": c}} for c in claims}}


def _under(path: str, folder: str) -> bool:
    return PurePosixPath(path).is_relative_to(folder)


def _chart(make_chart: MakeChart, server_type: str, *sets: str, instance: str = "n1") -> Path:
    return make_chart(f"book-{server_type}-{instance}", *own_image(server_type), *sets)


def _hidden(profile: Profile, mounts: list[dict[str, Any]], data_allowed: bool) -> list[str]:
    """Shipped paths a mount covers: a mount at the path or at a folder above it. A file
    mounted alone (subPath into a config folder) covers only that file; the claim may cover
    the data path when persistence is on (nginx's html is then the user's content)."""
    found = []
    for fact in profile.contract.ships:
        for mount in mounts:
            if data_allowed and mount["name"] == "data":
                continue
            if _under(fact.path, mount["mountPath"]):
                found.append(f"{mount['mountPath']} hides {fact.path}")
    return found


@pytest.mark.parametrize("server_type", BUILTIN)
def test_the_pod_keeps_the_images_contract(server_type: str, make_chart: MakeChart) -> None:
    profile = all_profiles()[server_type]
    contract = profile.contract
    # As each service workload the type runs as (a StatefulSet's claims are per pod).
    charts = [_chart(make_chart, server_type, f"workload={kind}", instance=kind[0] + "1")
              for kind in profile.chart.workloads if kind in ("deployment", "statefulset")]
    for chart, persistence in itertools.product(charts, (True, False)):
        objects = render_objects(chart, {"persistence": {"enabled": persistence}})
        pod, mounts, volumes = _pod(objects), _mounts(objects), _volumes(objects)
        # The process user is the image's.
        security = pod["securityContext"]
        assert (security["runAsUser"], security["runAsGroup"]) == (contract.user["uid"], contract.user["gid"])
        # Every data path lives on the `data` volume: the claim when persistence is on.
        data_mounts = {m["mountPath"]: m for m in mounts if m["name"] == "data"}
        for fact in contract.data:
            if not persistence and any(s.path == fact.path for s in contract.ships):
                # Nothing over content the image ships (nginx's html) while there is no claim.
                assert fact.path not in data_mounts and "data" not in volumes, server_type
                continue
            assert fact.path in data_mounts, f"{server_type}: {fact.path} is not on the data volume"
            assert data_mounts[fact.path].get("subPath", "") == fact.subPath
        if persistence:
            assert "persistentVolumeClaim" in volumes["data"]
        elif "data" in volumes:
            assert volumes["data"]["emptyDir"]["sizeLimit"] == profile.defaults["persistence"]["size"]
        # Nothing the image ships is hidden.
        assert not _hidden(profile, mounts, data_allowed=persistence), server_type
        # Every path the process writes is a mount (the root filesystem is read-only).
        for fact in contract.writes:
            assert any(_under(fact.path, m["mountPath"]) and not m.get("readOnly") for m in mounts), fact.path
        # Every emptyDir is bounded: a full one evicts the pod instead of filling the node.
        for volume in volumes.values():
            if "emptyDir" in volume:
                assert volume["emptyDir"].get("sizeLimit"), f"{server_type}: {volume['name']} has no sizeLimit"
        # Nothing writable beyond the contract: each emptyDir is a path the image writes.
        written = {f.path for f in contract.writes} | {f.path for f in contract.data}
        for mount in mounts:
            if mount["name"].startswith("writable-"):
                assert mount["mountPath"] in written, mount["mountPath"]


@pytest.mark.parametrize("server_type", BUILTIN)
def test_every_fact_names_its_source_and_the_tag_it_was_read_for(server_type: str) -> None:
    profile = all_profiles()[server_type]
    contract = profile.contract
    for key, source in contract.facts():
        assert source.split(" ", 1)[0] in contract.sources, key
    for key, where in contract.sources.items():
        assert where.strip(), key
    # The pinned tag and the tag the contract was read for are one: a tag bumped in
    # `defaults` without re-reading the image fails the profile check below.
    assert fit.defaults_problem(profile, check_answer) is None
    image = profile.defaults.get("image")
    if contract.appImage:
        assert image is None, "the user's own image has no default"
    else:
        assert f"{image['repository']}:{image['tag']}" == contract.image
    assert contract.logs["stdout"], "the seed's rule: logs to stdout/stderr"


def test_a_tag_bumped_without_its_contract_is_refused(tmp_path: Path) -> None:
    text = (REPO / "templates" / "profiles" / "redis.yaml").read_text()
    (tmp_path / "redis.yaml").write_text(text.replace("tag: 7.2.4-alpine", "tag: 7.2.5-alpine", 1))
    profile = profiles.load(tmp_path / "redis.yaml")
    problem = fit.defaults_problem(profile, check_answer)
    assert isinstance(problem, ProfileError) and problem.key == "contract.image"
    assert "read the image's sources for the new tag" in str(problem)


def test_a_fact_without_a_known_source_is_refused(tmp_path: Path) -> None:
    text = (REPO / "templates" / "profiles" / "nginx.yaml").read_text()
    (tmp_path / "nginx.yaml").write_text(text.replace('source: "N1 mainline/alpine-slim/Dockerfile"',
                                                      'source: "a blog post"', 1))
    with pytest.raises(ProfileError, match="must start with one of the contract's source keys"):
        profiles.load(tmp_path / "nginx.yaml")


# --- server by server: the findings of issue 10 ------------------------------------------------


def test_zookeeper_keeps_its_log_its_logging_and_a_heap_under_the_limit(make_chart: MakeChart) -> None:
    chart = _chart(make_chart, "zookeeper")
    zoo = (chart / layout.config_copy("zoo.cfg")).read_text().splitlines()
    assert "dataDir=/data" in zoo and "dataLogDir=/datalog" in zoo and "clientPort=2181" in zoo
    objects = helm_checked(chart)
    mounts = {m["mountPath"]: m for m in _mounts(objects)}
    # The transaction log is on the claim, beside the snapshots.
    assert mounts["/datalog"]["name"] == "data" and mounts["/datalog"]["subPath"] == "datalog"
    # zoo.cfg alone at /conf: the entrypoint writes nothing there; logback.xml stays visible.
    assert "/conf" not in mounts and mounts["/conf/zoo.cfg"]["subPath"] == "zoo.cfg"
    env = {e["name"]: e.get("value") for e in _pod(objects)["containers"][0]["env"]}
    assert env["ZK_SERVER_HEAP"] == "768"  # 75% of the 1Gi limit, not the image's 1000m
    settings = one([o for o in by_kind(objects, "ConfigMap") if o["metadata"]["name"].endswith("-env")], "ConfigMap")
    assert settings["data"]["ZOO_DATA_DIR"] == "/data"  # where the entrypoint writes myid
    # The heap follows the limit a values file sets at install time.
    bigger = render_objects(chart, {"resources": {"limits": {"memory": "1.5Gi"}}})
    assert {"name": "ZK_SERVER_HEAP", "value": "1152"} in _pod(bigger)["containers"][0]["env"]


def test_the_memory_budget_fails_the_install_on_a_quantity_it_cannot_read(make_chart: MakeChart) -> None:
    chart = _chart(make_chart, "redis")
    # values.schema.json refuses it first, naming the key; without the schema (deleted, or
    # `--skip-schema-validation`), the template itself still fails clearly.
    with pytest.raises(Exception, match=r"at '/resources/limits/memory': '1e9' does not match pattern"):
        render_objects(chart, {"resources": {"limits": {"memory": "1e9"}}})
    (chart / "values.schema.json").unlink()
    with pytest.raises(Exception, match=r"resources\.limits\.memory: \"1e9\" is no memory quantity"):
        render_objects(chart, {"resources": {"limits": {"memory": "1e9"}}})
    for quantity, expected in (("512Mi", "384mb"), ("1Gi", "768mb"), ("1000M", "714mb"), ("536870912", "384mb")):
        args = _pod(render_objects(chart, {"resources": {"limits": {"memory": quantity}}}))["containers"][0]["args"]
        assert args[args.index("--maxmemory") + 1] == expected, quantity


def test_redis_reads_its_config_file_and_evicts_instead_of_dying(make_chart: MakeChart, tmp_path: Path) -> None:
    (tmp_path / "redis.conf").write_text("appendonly yes\n")
    chart = _chart(make_chart, "redis", "config.files=redis.conf", "password=true")
    objects = helm_checked(chart)
    container = _pod(objects)["containers"][0]
    # redis-server reads a config file only as its first argument.
    assert container["args"][:5] == ["/usr/local/etc/redis/redis.conf", "--maxmemory", "384mb",
                                     "--requirepass", "$(REDISCLI_AUTH)"]
    env = {e["name"]: e for e in container["env"]}
    policy = [env[f"MKCHART_ARG_{i}"]["valueFrom"]["configMapKeyRef"]["key"] for i in (0, 1)]
    maps = {o["metadata"]["name"]: o["data"] for o in by_kind(objects, "ConfigMap")}
    assert [maps["book-redis-n1-env"][key] for key in policy] == ["--maxmemory-policy", "allkeys-lru"]
    # The password: generated into the Secret, given by reference, read by redis-cli too.
    secret = one(objects, "Secret")
    assert list(secret["data"]) == ["REDISCLI_AUTH"]
    assert env["REDISCLI_AUTH"]["valueFrom"]["secretKeyRef"] == {"name": "book-redis-n1-generated",
                                                                 "key": "REDISCLI_AUTH"}
    # Without the file, no path is passed: Redis would refuse to start on a missing file.
    plain = _pod(render_objects(_chart(make_chart, "redis", instance="n2")))["containers"][0]["args"]
    assert plain[0] == "--maxmemory" and "--requirepass" not in plain


def test_mysql_initialises_in_a_folder_of_the_claim_with_a_start_up_budget(make_chart: MakeChart) -> None:
    objects = helm_checked(_chart(make_chart, "mysql"))
    mount = next(m for m in _mounts(objects) if m["mountPath"] == "/var/lib/mysql")
    assert mount["subPath"] == "data"  # the claim's lost+found stays out of the data folder
    container = _pod(objects)["containers"][0]
    startup = container["startupProbe"]
    # Liveness waits until the port opens, which initialisation keeps closed.
    assert startup["tcpSocket"]["port"] == "mysql"
    assert startup["failureThreshold"] * startup["periodSeconds"] >= 600


def test_nginx_serves_its_own_content_when_persistence_is_off(make_chart: MakeChart) -> None:
    objects = helm_checked(_chart(make_chart, "nginx"))
    assert not any(m["mountPath"].startswith("/usr/share/nginx") for m in _mounts(objects))
    container = _pod(objects)["containers"][0]
    # The stock default.conf answers / and nothing else.
    assert container["livenessProbe"]["httpGet"]["path"] == "/"
    assert container["readinessProbe"]["httpGet"]["path"] == "/"


def test_tomcat_logs_everything_to_stdout_and_runs_wars_from_the_archive(make_chart: MakeChart) -> None:
    chart = _chart(make_chart, "tomcat")
    server = (chart / layout.config_copy("server.xml")).read_text()
    assert 'directory="/dev"' in server and 'prefix="stdout"' in server and 'rotatable="false"' in server
    assert 'unpackWARs="false"' in server and '<Connector port="8080"' in server
    logging = (chart / layout.config_copy("logging.properties")).read_text()
    assert "FileHandler" not in logging and ".handlers = java.util.logging.ConsoleHandler" in logging
    mounts = {m["mountPath"]: m for m in _mounts(helm_checked(chart))}
    for name in ("server.xml", "logging.properties"):
        assert mounts[f"/usr/local/tomcat/conf/{name}"]["subPath"] == name
    # A config file of the user's with the same name replaces the profile's own.
    moved = _chart(make_chart, "tomcat", "port=9090", instance="n2")
    assert '<Connector port="9090"' in (moved / layout.config_copy("server.xml")).read_text()


def test_runtime_base_images_need_the_application_image(mkchart: Run, tmp_path: Path) -> None:
    for server_type, base in (("springboot", "eclipse-temurin"), ("nodejs", "node:20-alpine"),
                              ("python", "python:3.12-slim")):
        result = mkchart("new", f"book-{server_type}-n1", "--no-input")
        assert result.exit_code == ExitCode.BAD_INPUT
        assert "missing answers: image.repository, image.tag" in result.stderr
        assert f"{server_type} runs your own image" in result.stderr and base in result.stderr
        assert not (tmp_path / f"book-{server_type}-n1").exists()
    # The base image itself given as the application: written, with a warning in JSON.
    result = mkchart("new", "book-springboot-n1", "--no-input", "--output", "json",
                     "--set", "image.repository=eclipse-temurin", "--set", "image.tag=17.0.10_7-jre")
    assert result.exit_code == 0
    assert "eclipse-temurin is the base image of springboot" in result.stdout


def test_springboot_probes_are_the_actuators(make_chart: MakeChart) -> None:
    container = _pod(render_objects(_chart(make_chart, "springboot")))["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/actuator/health/liveness"
    assert container["readinessProbe"]["httpGet"]["path"] == "/actuator/health/readiness"


def test_stock_tomcat_with_an_http_probe_is_warned_about_everywhere(mkchart: Run) -> None:
    text = mkchart("new", "book-tomcat-n1", "--no-input")
    assert text.exit_code == 0 and "the stock tomcat image does not answer GET /healthz" in text.stderr
    json_run = mkchart("new", "book-tomcat-n2", "--no-input", "--output", "json")
    assert "the stock tomcat image does not answer GET /healthz" in json_run.stdout
    # The team's own image built on tomcat, or a TCP check: no warning.
    own = mkchart("new", "book-tomcat-n3", "--no-input", "--set", "image.repository=harbor.example.com/book/tomcat",
                  "--set", "image.tag=9.0.85-book.7")
    tcp = mkchart("new", "book-tomcat-n4", "--no-input", "--set", "probe.style=tcp")
    assert "does not answer" not in own.stderr + tcp.stderr
    mirror = mkchart("new", "book-tomcat-n5", "--no-input",
                     "--set", "image.repository=harbor.example.com/library/tomcat")
    assert "does not answer" in mirror.stderr


def test_an_exec_probe_reading_an_empty_dir_is_warned_about(mkchart: Run) -> None:
    result = mkchart("new", "book-tomcat-n1", "--no-input", "--set", "probe.style=exec")
    assert "probe.command reads /tmp/health, inside /tmp, an emptyDir" in result.stderr


@pytest.mark.parametrize("server_type", ["mysql", "redis", "zookeeper"])
def test_an_ingress_to_a_server_without_http_is_refused(server_type: str, mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", f"book-{server_type}-n1", "--no-input", "--set", "ingress.enabled=true")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"the server type {server_type} does not speak HTTP" in result.stderr
    assert "set ingress.enabled=false" in result.stderr
    assert not list(tmp_path.iterdir())


# --- profiles a team owns -------------------------------------------------------------------


@pytest.fixture
def team(tmp_path: Path) -> Path:
    folder = tmp_path / "team-profiles"
    shutil.copytree(TEAM_PROFILES, folder)
    return folder


def test_a_team_profile_works_like_a_builtin_one(mkchart: Run, team: Path, tmp_path: Path) -> None:
    result = mkchart("new", "book-acmetomcat-n1", "--no-input", "--profiles", str(team))
    assert result.exit_code == 0, result.output
    chart = tmp_path / "book-acmetomcat-n1"
    objects = helm_checked(chart)
    pod = _pod(objects)
    assert pod["securityContext"]["runAsUser"] == 1001
    assert pod["containers"][0]["image"] == "harbor.example.com/base/tomcat:9.0.85-acme1"
    assert "does not answer" not in result.stderr, "the image answers its own /healthz"
    # The alias parses in names; regen needs the same profiles again, and says so.
    assert mkchart("new", "book-acme-n2", "--no-input", "--profiles", str(team)).exit_code == 0
    refused = mkchart("regen", str(chart), "--set", "replicas=2")
    assert refused.exit_code == ExitCode.BAD_INPUT and "unknown server type 'acmetomcat'" in refused.stderr
    assert "--profiles" in refused.stderr
    done = mkchart("regen", str(chart), "--set", "replicas=2", env={"MKCHART_PROFILES": str(team)})
    assert done.exit_code == 0, done.output
    assert "replicaCount: 2" in (chart / layout.VALUES_YAML).read_text()


def test_a_team_profile_replaces_a_builtin_one_of_the_same_name(mkchart: Run, team: Path, tmp_path: Path) -> None:
    (team / "acmetomcat.yaml").rename(team / "tomcat.yaml")
    assert mkchart("new", "book-tomcat-n1", "--no-input", "--profiles", str(team)).exit_code == 0
    values = (tmp_path / "book-tomcat-n1" / layout.VALUES_YAML).read_text()
    assert "runAsUser: 1001" in values and "harbor.example.com/base/tomcat" in values


def test_batch_takes_the_team_profiles_from_its_defaults(mkchart: Run, team: Path, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(
        "defaults:\n  profiles: [team-profiles]\nservices:\n  - name: book-acmetomcat-n1\n  - name: book-mysql-m1\n")
    result = mkchart("batch", "services.yaml", "-o", "charts")
    assert result.exit_code == 0, result.output
    assert "runAsUser: 1001" in (tmp_path / "charts" / "book-acmetomcat-n1" / layout.VALUES_YAML).read_text()
    (tmp_path / "bad.yaml").write_text("defaults:\n  profiles: 3\nservices:\n  - name: book-mysql-m2\n")
    bad = mkchart("batch", "bad.yaml", "-o", "charts")
    assert bad.exit_code == ExitCode.BAD_INPUT and "defaults.profiles must be a folder" in bad.stderr


@pytest.mark.parametrize(("edit", "says"), [
    (("uid: 1001", "uid: 0"), "contract.user.uid: must be a whole number from 1"),
    (("port: 8080\n", "port: http\n"), "defaults.port: the default port breaks the answers' rule"),
    (("why: java.io.tmpdir (CATALINA_TMPDIR)", "wy: java.io.tmpdir"), "contract.writes[0].wy: is no key here"),
    (("{path: /tmp,", "{path: tmp,"), "contract.writes[4].path: must be an absolute path"),
    (("style: http\n    path: /healthz", "style: udp\n    path: /healthz"),
     "contract.health.style: must be one of http, tcp, exec"),
    # A final line break too (`$` in a pattern takes one): it would name a file "server.xml\n".
    (("    server.xml: |", '    "server.xml\\n": |'), "chart.files.'server.xml\\n': must be a file name"),
    (('    JAVA_OPTS: "', '    "JAVA_OPTS\\n": "'), "chart.env.'JAVA_OPTS\\n': must be an environment variable"),
])
def test_a_bad_team_profile_is_one_clear_message(edit: tuple[str, str], says: str, mkchart: Run, team: Path,
                                                 tmp_path: Path) -> None:
    path = team / "acmetomcat.yaml"
    text = path.read_text()
    assert edit[0] in text, edit
    path.write_text(text.replace(edit[0], edit[1], 1))
    result = mkchart("new", "book-mysql-m1", "--no-input", "--profiles", str(team))
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output
    assert f"profile {path}:" in result.stderr and says in result.stderr, result.stderr
    assert "docs/profiles.md" in result.stderr
    assert not (tmp_path / "book-mysql-m1").exists()


def test_a_missing_profiles_folder_is_refused(mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", "book-mysql-m1", "--no-input", "--profiles", str(tmp_path / "nowhere"))
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output


def test_the_wizard_asks_for_the_application_image_pointedly() -> None:
    from mkchart import wizard

    session = wizard.Session(name="book-springboot-n1", file_layer={}, set_layer={}, source=None,
                             files_base=Path("."), files_confine=None)
    hint = wizard.help_line(wizard.question("image.repository"), session)
    assert hint and "built FROM eclipse-temurin:17-jre" in hint
    assert wizard.help_line(wizard.question("image.repository"), wizard.Session(
        name="book-tomcat-n1", file_layer={}, set_layer={}, source=None, files_base=Path("."),
        files_confine=None)) != hint


@pytest.mark.parametrize("server_type", BUILTIN)
def test_every_profile_with_each_probe_style_and_config_source_passes_the_engines(
        server_type: str, make_chart: MakeChart, tmp_path: Path) -> None:
    """Strict lint, render and strict schemas on 1.29-1.37, with persistence on, every
    config source at once (env, args, a file) and each probe style."""
    (tmp_path / "app.conf").write_text("a=1\n")
    for style in ("http", "tcp", "exec"):
        chart = make_chart(f"book-{server_type}-{style}", *own_image(server_type), f"probe.style={style}",
                           "config.env.A=1", "config.args=x", "config.files=app.conf", "persistence.enabled=true")
        objects = helm_checked(chart)
        container = _pod(objects)["containers"][0]
        assert {"http": "httpGet", "tcp": "tcpSocket", "exec": "exec"}[style] in container["livenessProbe"]
        assert any(m.get("subPath") == "app.conf" for m in container["volumeMounts"])


def test_the_worked_example_in_the_docs_is_the_example_file() -> None:
    text = (REPO / "docs" / "profiles.md").read_text()
    blocks = [b.split("```", 1)[0] for b in text.split("```yaml\n")[1:]]
    assert (TEAM_PROFILES / "acmetomcat.yaml").read_text() in blocks


# --- found in review: odd quantities, incomplete or self-contradicting team profiles -------------


def test_the_memory_budget_reads_what_helm_reads_and_refuses_a_budget_under_1_mib(make_chart: MakeChart) -> None:
    chart = _chart(make_chart, "zookeeper")
    # Helm reads an unquoted 1073741824 in a values file as a float (1.073741824e+09).
    env = _pod(render_objects(chart, {"resources": {"limits": {"memory": 1073741824}}}))["containers"][0]["env"]
    assert {"name": "ZK_SERVER_HEAP", "value": "768"} in env
    with pytest.raises(Exception, match=r"memoryBudget: 75% of resources\.limits\.memory 100Ki is under 1 MiB"):
        render_objects(chart, {"resources": {"limits": {"memory": "100Ki"}, "requests": {"memory": "64Ki"}}})


def _team_copy(team: Path, builtin: str, name: str, edit: tuple[str, str] | None = None) -> Path:
    # The copy drops the built-in's aliases, which would clash with the built-in itself.
    text = (REPO / "templates" / "profiles" / f"{builtin}.yaml").read_text()
    text = text.replace("aliases: [node]", "aliases: []").replace("aliases: [zk]", "aliases: []")
    if edit:
        assert edit[0] in text, edit
        text = text.replace(edit[0], edit[1], 1)
    path = team / f"{name}.yaml"
    path.write_text(text)
    return path


def test_a_team_profile_without_config_or_resources_asks_for_them(mkchart: Run, tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    _team_copy(team, "generic", "bare", ("  config: {mountPath: /etc/app}\n", ""))
    result = mkchart("new", "book-bare-n1", "--no-input", "--profiles", str(team),
                     "--set", "image.repository=harbor.example.com/a/b", "--set", "image.tag=1.0")
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output
    assert "missing answers: config.mountPath" in result.stderr


@pytest.mark.parametrize(("builtin", "edit", "key", "says"), [
    ("nodejs", ("image: node:20.11.1-alpine3.19", "image: node"), "contract.image", "must be repository:tag"),
    ("zookeeper", ("    - path: /tmp\n", "    - path: /logs\n"), "contract.writes[1].path", "/logs is listed twice"),
    ("zookeeper", ("    - path: /logs\n", "    - path: /conf\n"), "contract.writes[0].path",
     "/conf/logback.xml under it ships in the image"),
    ("redis", ("persistence: {enabled: true, size: 1Gi, mountPath: /data}",
               "persistence: {enabled: true, size: 1Gi, mountPath: /srv}"), "defaults.persistence.mountPath",
     "the contract says contract.data[0].path /data"),
])
def test_a_team_contract_at_odds_with_itself_is_refused(builtin: str, edit: tuple[str, str], key: str, says: str,
                                                       mkchart: Run, tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    path = _team_copy(team, builtin, "mine", edit)
    result = mkchart("new", "book-mysql-m1", "--no-input", "--profiles", str(team))
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output, result.output
    assert f"profile {path}: {key}:" in result.stderr and says in result.stderr, result.stderr


def test_a_write_without_a_size_limit_gets_the_default(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text((REPO / "templates" / "profiles" / "zookeeper.yaml").read_text().replace(
        "      sizeLimit: 64Mi\n", "", 1))
    assert profiles.load(path).contract.writes[0].sizeLimit == ""
    # (the chart then bounds it at 256Mi: context.py's default, checked by the contract test)


def test_an_alias_clash_names_the_teams_file(mkchart: Run, tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    path = _team_copy(team, "generic", "acmenode", ("aliases: []", "aliases: [node]"))
    result = mkchart("new", "book-mysql-m1", "--no-input", "--profiles", str(team))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"profile {path}: aliases: 'node' already names the server type nodejs" in result.stderr


def test_empty_entries_in_the_profiles_variable_are_skipped(mkchart: Run, team: Path, tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text("replicas: 2\n")  # not a profile: the current folder is not read
    result = mkchart("new", "book-acme-n1", "--no-input", env={"MKCHART_PROFILES": f"{team}::"})
    assert result.exit_code == 0, result.output
    assert "runAsUser: 1001" in (tmp_path / "book-acme-n1" / layout.VALUES_YAML).read_text()


def test_a_refused_team_folder_leaves_the_builtin_profiles_in_use(tmp_path: Path) -> None:
    from mkchart.answers.resolve import use_profiles

    team = tmp_path / "team"
    team.mkdir()
    _team_copy(team, "redis", "mine", ("port: 6379", "port: http"))
    with pytest.raises(ProfileError):
        use_profiles([team])
    assert profiles.active_folders() == () and "mine" not in all_profiles()
