"""values.schema.json and README.md (issue 14): Helm itself refuses bad values at lint,
template and install time, for every server type and workload, with the key named; the
defaults, each environment's values file and every documented option pass; descriptions
and the README's table come from the helm-docs comments of values.yaml; both are packaged,
written by plain cookiecutter too, and kept by regen like any generated file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml

from conftest import MakeChart, Run, edit_file, own_image, render_objects, snapshot
from mkchart import yamlio
from mkchart.answers import profiles
from mkchart.chart import layout
from mkchart.chart.valuesdoc import descriptions

MATRIX = [(name, kind) for name, profile in sorted(profiles.all_profiles().items()) for kind in profile.chart.workloads]
DAILY = "0 2 * * *"
# The issue's four values, and the key Helm's message must name for each.
ISSUE_BAD = {
    "replicaCount": ({"replicaCount": "three"}, "/replicaCount"),
    "image.tag": ({"image": {"tag": "latest"}}, "/image/tag"),
    "persistence.enabled": ({"persistence": {"enabled": "yes"}}, "/persistence/enabled"),
    "ingres": ({"ingres": {"enabled": True}}, "'ingres'"),
}


def lint(chart: Path, values: dict[str, Any] | None = None) -> dict[str, Any]:
    report: dict[str, Any] = helm_python.lint(str(chart), values or {}, strict=True)
    return report


def schema_errors(chart: Path, values: dict[str, Any]) -> str:
    """What Helm's strict lint says of `values` against the chart's schema ("" if nothing)."""
    report = lint(chart, values)
    return "\n".join(m["error"] for m in report["messages"] if m["severity"] >= 2)


def chart_for(make_chart: MakeChart, server_type: str, kind: str) -> Path:
    extra = [f"schedule={DAILY}"] if kind == "cronjob" else []
    return make_chart(f"book-{server_type}-n1", f"workload={kind}", *extra, *own_image(server_type), out=kind)


def environment_values(chart: Path) -> dict[str, dict[str, Any]]:
    return {path.name: yaml.safe_load(path.read_text()) for path in sorted(chart.glob("values-*.yaml"))}


@pytest.mark.parametrize(("server_type", "kind"), MATRIX, ids=[f"{t}-{k}" for t, k in MATRIX])
def test_the_schema_refuses_the_issues_values_and_passes_the_defaults(server_type: str, kind: str,
                                                                      make_chart: MakeChart) -> None:
    chart = chart_for(make_chart, server_type, kind)
    schema = json.loads((chart / layout.SCHEMA_FILE).read_text())
    assert schema["additionalProperties"] is False
    # The one-pass reader a batch reads them with reads what the full parser reads.
    for path in [chart / layout.VALUES_YAML, *sorted(chart.glob("values-*.yaml"))]:
        text = path.read_text()
        assert yamlio.load_values(text) == yamlio.parse(text, path.name) != {}, path.name
    for values in [{}, *environment_values(chart).values()]:
        report = lint(chart, values)
        assert not report["errors"] and all(m["severity"] < 2 for m in report["messages"]), report
    for key, (values, named) in ISSUE_BAD.items():
        # A task has no replicaCount: the key itself is refused, named.
        errors = schema_errors(chart, values)
        task = key == "replicaCount" and kind in ("cronjob", "job")
        assert ("additional properties 'replicaCount' not allowed" if task else named) in errors, f"{key}: {errors!r}"
    # `helm template` (and so install) refuses them too, not only lint.
    with pytest.raises(Exception, match="/image/tag"):
        render_objects(chart, {"image": {"tag": "latest"}})


def _set(tree: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    *parents, last = path.split(".")
    node = tree
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
    return tree


def _enums(schema: dict[str, Any], path: str = "") -> list[tuple[str, Any]]:
    """Every documented option: each value of each enum in the schema, by dotted path."""
    found = [(path, option) for option in schema.get("enum", [])]
    for key, child in schema.get("properties", {}).items():
        found += _enums(child, f"{path}.{key}" if path else key)
    return found


@pytest.mark.parametrize("server_type", ["tomcat", "zookeeper", "springboot"])
def test_every_documented_option_passes(server_type: str, make_chart: MakeChart) -> None:
    kinds = profiles.get(server_type).chart.workloads
    for kind in kinds:
        chart = chart_for(make_chart, server_type, kind)
        options = _enums(json.loads((chart / layout.SCHEMA_FILE).read_text()))
        assert options, "the schema has choices"
        for path, option in options:
            assert schema_errors(chart, _set({}, path, option)) == "", f"{kind} {path}={option!r}"


# Beyond the issue's four: the answers' rules, kept at install time.
BAD_VALUES = [
    ("image.tag", "stable", "/image/tag"),  # a name that moves to a new image
    ("image.tag", 1.1, "/image/tag"),  # YAML's float: the tag would render as 1.1, not 1.10
    ("image.pullPolicy", "always", "/image/pullPolicy"),
    ("image.digest", "sha256:abc", "/image/digest"),
    ("image.repository", "Tomcat:9", "/image/repository"),
    ("containerPort", 70000, "/containerPort"),
    ("resources.limits.memory", "1 GB", "/resources/limits/memory"),
    ("resources.requests.memory", None, "memory"),  # every container has a request and a limit of each
    ("persistence.accessMode", "ReadWriteAll", "/persistence/accessMode"),
    ("persistence.size", "lots", "/persistence/size"),
    ("podLabels", {"team": "book team"}, "/podLabels/team"),
    ("service.type", "ExternalName", "/service/type"),
    ("ingress.host", "Book.Example.com", "/ingress/host"),
    ("writableDirs", [{"path": "tmp", "sizeLimit": "1Gi"}], "/writableDirs/0/path"),
    ("timezone.name", "Asia/Shang hai", "/timezone/name"),
    ("image", {"tag": None}, "tag"),  # a removed key
]


@pytest.mark.parametrize(("path", "value", "named"), BAD_VALUES, ids=[f"{p}={v!r}" for p, v, _ in BAD_VALUES])
def test_the_schema_refuses_what_the_answers_refuse(path: str, value: Any, named: str, tmp_path: Path,
                                                    make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    errors = schema_errors(chart, _set({}, path, value))
    assert named in errors, errors


@pytest.mark.parametrize(("name", "sets", "values", "named"), [
    ("book-mysql-m1", (), {"replicaCount": 2}, "/replicaCount"),  # one server
    ("book-zk-n1", ("serverType=zookeeper",), {"replicaCount": 2}, "/replicaCount"),  # no quorum of two
    ("book-zk-n1", ("serverType=zookeeper",), {"replicaCount": 4}, "/replicaCount"),
    ("book-report-cron1", ("serverType=python", "workload=cronjob", f"schedule={DAILY}", *own_image("python")),
     {"schedule": "every day"}, "/schedule"),
    ("book-report-cron1", ("serverType=python", "workload=cronjob", f"schedule={DAILY}", *own_image("python")),
     {"job": {"concurrencyPolicy": "Sometimes"}}, "/job/concurrencyPolicy"),
])
def test_the_schema_keeps_each_types_own_rules(name: str, sets: tuple[str, ...], values: dict[str, Any], named: str,
                                               make_chart: MakeChart) -> None:
    chart = make_chart(name, *sets)
    assert named in schema_errors(chart, values)


def test_a_zookeeper_ensemble_of_three_or_five_passes(make_chart: MakeChart) -> None:
    chart = make_chart("book-zk-n1", "serverType=zookeeper", "replicas=3")
    for count in (1, 3, 5):
        assert schema_errors(chart, {"replicaCount": count}) == ""


def test_open_objects_take_the_users_keys(make_chart: MakeChart) -> None:
    """Labels, annotations, probes and security contexts are Kubernetes objects or free
    maps: keys mkchart did not write pass; the chart's own mappings stay closed."""
    chart = make_chart("book-tomcat-n1")
    allowed = {
        "podAnnotations": {"prometheus.io/scrape": "true"},
        "podLabels": {"team": "book"},
        "config": {"env": {"LOG_LEVEL": "debug", "WORKERS": 4}},
        "livenessProbe": {"httpGet": {"httpHeaders": [{"name": "X-Probe", "value": "1"}]}},
        "podSecurityContext": {"supplementalGroups": [1000]},
        "resources": {"limits": {"ephemeral-storage": "1Gi"}},
        "nodeSelector": {"disktype": "ssd"},
        "tolerations": [{"key": "dedicated", "operator": "Exists"}],
    }
    assert schema_errors(chart, allowed) == ""
    assert "'replicas'" in schema_errors(chart, {"image": {"replicas": 2}})
    assert "'enable'" in schema_errors(chart, {"persistence": {"enable": True}})


def test_descriptions_are_the_helm_docs_comments(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    text = (chart / layout.VALUES_YAML).read_text()
    schema = json.loads((chart / layout.SCHEMA_FILE).read_text())
    found = descriptions(text)
    assert found["image.tag"] == 'A pinned version; never "latest", so rollbacks are traceable.'
    # A comment continued on the next lines is one description.
    assert found["podAntiAffinity"].startswith("Spreads the pods over nodes when there are more than one: soft")
    assert found["podAntiAffinity"].endswith("(affinity, when set, replaces it).")
    assert schema["properties"]["image"]["properties"]["tag"]["description"] == found["image.tag"]
    assert schema["properties"]["persistence"]["properties"]["enabled"]["description"] == found["persistence.enabled"]
    # Every key mkchart comments is documented in the helm-docs form.
    plain = [line for line in text.splitlines() if re.match(r" *# [a-zA-Z.]+ (is|are) ", line)]
    assert not plain, plain
    assert len(found) > 60


def test_the_readme_documents_the_chart(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    text = (chart / layout.README_FILE).read_text()
    assert text.startswith("# book-tomcat-n1\n")
    assert "image `tomcat:9.0.85-jre17`" in text and "run as a Deployment" in text
    for env in ("dev", "test", "staging", "prod"):
        assert f"--namespace {env} --create-namespace \\\n  -f ./book-tomcat-n1/values-{env}.yaml" in text
    found = descriptions((chart / layout.VALUES_YAML).read_text())
    rows = {line.split(" | ")[0][2:]: line for line in text.splitlines() if line.startswith("| ")}
    assert rows["image.tag"] == f'| image.tag | string | `"9.0.85-jre17"` | {found["image.tag"]} |'
    assert rows["replicaCount"].startswith("| replicaCount | int | `1` |")
    assert rows["persistence.enabled"].startswith("| persistence.enabled | bool | `false` |")
    # A free mapping is one row: its keys are the user's.
    assert rows["config.env"].startswith('| config.env | object | `{"JAVA_OPTS": ')
    assert "config.env.JAVA_OPTS" not in rows
    assert "Generated by mkchart" in text and "mkchart regen" in text


def test_the_readme_is_packaged_and_shown(make_chart: MakeChart, tmp_path: Path) -> None:
    chart = make_chart("book-redis-n1")
    archive = helm_python.package(str(chart), destination=str(tmp_path))
    loaded = helm_python.Chart.load_archive(Path(archive).read_bytes())
    try:
        files = {entry["name"]: entry["data"] for entry in loaded.files}
        schema = loaded.schema
    finally:
        loaded.close()
    readme = (chart / layout.README_FILE).read_text()
    assert files[layout.README_FILE] == readme
    assert schema == json.loads((chart / layout.SCHEMA_FILE).read_text())
    # `helm show readme` of the package prints it.
    assert helm_python.show(archive, output_format="readme").strip() == readme.strip()


def test_plain_cookiecutter_writes_them_too(tmp_path: Path) -> None:
    from cookiecutter.main import cookiecutter

    from mkchart.data import skeleton_dir

    cookiecutter(str(skeleton_dir()), no_input=True, output_dir=str(tmp_path))
    chart = tmp_path / "book-tomcat-n1"
    for name in (layout.SCHEMA_FILE, layout.README_FILE):
        assert (chart / name).is_file(), name
    assert "/replicaCount" in schema_errors(chart, {"replicaCount": "three"})


def test_regen_keeps_a_hand_edited_schema_and_a_readme_of_your_own(mkchart: Run, make_chart: MakeChart,
                                                                   tmp_path: Path) -> None:
    chart = make_chart("book-tomcat-n1")
    # A key of your own template, allowed by hand in the schema (docs/values-schema.md).
    edit_file(chart / layout.SCHEMA_FILE, '\n  "properties": {\n',
              '\n  "properties": {\n    "sidecar": {"type": "object"},\n')
    edit_file(chart / layout.README_FILE, "## Values\n", "## Values\n\nAsk the book team before changing these.\n")
    result = mkchart("regen", str(chart), "--set", "replicas=2")
    assert result.exit_code == 0, result.output
    assert '"sidecar": {"type": "object"}' in (chart / layout.SCHEMA_FILE).read_text()
    assert "Ask the book team" in (chart / layout.README_FILE).read_text()
    assert schema_errors(chart, {"sidecar": {"image": "x"}}) == ""


def test_regen_keeps_a_readme_written_before_mkchart_wrote_one(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    (chart / layout.README_FILE).unlink()
    record = chart / layout.ANSWERS_FILE
    lines = [line for line in record.read_text().splitlines() if "README.md" not in line]
    record.write_text("\n".join(lines) + "\n")
    (chart / layout.README_FILE).write_text("# Our tomcat\n")
    before = snapshot(chart)[layout.README_FILE]
    result = mkchart("regen", str(chart))
    assert result.exit_code == 0, result.output
    assert (chart / layout.README_FILE).read_bytes() == before
    assert "README.md" in result.output and "kept as it is" in result.output
    # Yours stays yours: a later change of the chart neither merges into it nor conflicts.
    again = mkchart("regen", str(chart), "--set", "replicas=2")
    assert again.exit_code == 0, again.output
    assert (chart / layout.README_FILE).read_bytes() == before
    # Deleted, it gives way to mkchart's.
    (chart / layout.README_FILE).unlink()
    assert mkchart("regen", str(chart)).exit_code == 0
    assert (chart / layout.README_FILE).read_text().startswith("# book-tomcat-n1\n")


def test_regen_lets_the_schema_allow_values_you_added_by_hand(mkchart: Run, make_chart: MakeChart) -> None:
    """A top-level key added to values.yaml by hand (for a template of your own) would fail
    every lint once the schema exists: regen allows it in the schema, as your edit."""
    chart = make_chart("book-tomcat-n1")
    values = chart / layout.VALUES_YAML
    values.write_text(values.read_text() + "\n# -- Our team's contact.\nteam:\n  owner: book\n")
    assert "'team' not allowed" in schema_errors(chart, {})
    result = mkchart("regen", str(chart))
    assert result.exit_code == 0, result.output
    assert "allows the values you added by hand: team" in result.output
    assert schema_errors(chart, {}) == ""
    again = mkchart("regen", "--check", str(chart))
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize(("values", "named"), [
    ({"networkPolicy": {"fromNamespaces": ["Billing"]}}, "/networkPolicy/fromNamespaces/0"),
    ({"networkPolicy": {"enabled": "true"}}, "/networkPolicy/enabled"),
    ({"autoscaling": {"minReplicas": 0}}, "/autoscaling/minReplicas"),
    ({"autoscaling": {"targetCPU": "80%"}}, "/autoscaling/targetCPU"),
])
def test_the_policies_values_are_checked(values: dict[str, Any], named: str, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    assert named in schema_errors(chart, values)
    assert schema_errors(chart, {"networkPolicy": {"fromNamespaces": ["billing"]},
                                 "autoscaling": {"enabled": True, "minReplicas": 2, "maxReplicas": 4}}) == ""


@pytest.mark.parametrize(("value", "written"), [
    ("podLabels.tier=1", 'tier: "1"'),  # a label is a string: the number's text
    ("config.env.JAVA_OPTS=null", "JAVA_OPTS: null"),  # deletes a key values.yaml has
    ("image.tag=20240101", 'tag: "20240101"'),
    ("podAnnotations.owner=1", 'owner: "1"'),
    ("autoscaling.maxReplicas=4", "maxReplicas: 4"),
])
def test_free_values_are_written_as_their_keys_take_them(value: str, written: str, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", f"environments.prod.values.{value}")
    prod = chart / "values-prod.yaml"
    assert written in prod.read_text()
    assert schema_errors(chart, yaml.safe_load(prod.read_text())) == ""


FREE_VALUE_REFUSALS = [
    ("image.tag=latest", "'/image/tag'"),
    ("service.port=99999", "'/service/port': must be at most 65535"),
    ("persistence.size=lots", "'/persistence/size'"),
    ("ingress.className=null", "'/ingress': missing property 'className'"),  # Helm deletes it: required
    ("sidecar=1", "values.yaml has no sidecar"),
    ("image.registry=harbor.example.com", "values.yaml has no image.registry"),
    # Below a value that is no mapping, a key pattern, a null for a key values.yaml lacks,
    # a mapping without its sibling (review): each refused as Helm refuses the file.
    ("config.env.A.B=1", "'/config/env/A': got object"),
    ("service.port.x=1", "'/service/port': got object"),
    ("writableDirs.0.path=/x", "'/writableDirs': got object, want array"),
    ("podLabels.Bad_=x", "the key does not match pattern"),
    ("podLabels.tier=null", "'/podLabels/tier': got null"),
    ("secretEnv.DB_PASSWORD.secret=db", "missing property 'key'"),
]


@pytest.mark.parametrize(("value", "named"), FREE_VALUE_REFUSALS, ids=[v for v, _ in FREE_VALUE_REFUSALS])
def test_free_values_the_schema_refuses_are_refused_at_generation(value: str, named: str, mkchart: Run,
                                                                   tmp_path: Path) -> None:
    """A free value values-ENV.yaml would carry into a chart Helm refuses is refused now,
    through --set and an answers file alike, with nothing written."""
    key = f"environments.prod.values.{value.split('=')[0]}"
    result = mkchart("new", "book-tomcat-n1", "--no-input", "--set", f"environments.prod.values.{value}")
    assert result.exit_code == 2 and key in result.stderr and named in result.stderr, result.stderr
    path, text = value.split("=", 1)
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({"environments": {"prod": {"values": {path: text}}}}))
    result = mkchart("new", "book-tomcat-n1", "--no-input", "--answers", str(answers))
    assert result.exit_code == 2 and named in result.stderr, result.stderr
    assert not (tmp_path / "book-tomcat-n1").exists()


def test_regen_reads_values_as_helm_does_for_its_warning(mkchart: Run, make_chart: MakeChart) -> None:
    """YAML 1.1, as Helm's Go reader: `yes` is a boolean (no warning where Helm passes),
    `on` in a map of strings is a boolean too (a warning where Helm refuses)."""
    chart = make_chart("book-tomcat-n1")
    edit_file(chart / "values-prod.yaml", "podLabels:\n", "persistence:\n  enabled: yes\npodLabels:\n")
    quiet = mkchart("regen", str(chart), "--set", "replicas=2")
    assert quiet.exit_code == 0 and "refuses" not in quiet.stderr, quiet.stderr
    assert schema_errors(chart, helm_python.values_from_yaml((chart / "values-prod.yaml").read_text())) == ""
    edit_file(chart / "values-prod.yaml", "podLabels:\n", "nodeSelector:\n  ssd: on\npodLabels:\n")
    loud = mkchart("regen", str(chart), "--set", "replicas=3")
    assert "at '/nodeSelector/ssd': got boolean, want string" in loud.stderr, loud.stderr
    assert "/nodeSelector/ssd" in schema_errors(chart, helm_python.values_from_yaml(
        (chart / "values-prod.yaml").read_text()))


def test_regen_warns_of_a_hand_edited_value_the_schema_refuses(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    edit_file(chart / "values-prod.yaml", "podLabels:\n", "podLabels:\n  tier: 1\n")
    result = mkchart("regen", str(chart), "--set", "replicas=2")
    assert result.exit_code == 0, result.output
    assert "values-prod.yaml holds a value its values.schema.json refuses" in result.stderr
    assert "at '/podLabels/tier': got integer, want string" in result.stderr
    assert "tier: 1" in (chart / "values-prod.yaml").read_text()  # kept: the user's to fix


@pytest.mark.parametrize(("values", "named"), [
    ({"podAnnotations": {"owner": 1}}, "/podAnnotations/owner"),
    ({"nodeSelector": {"disktype": True}}, "/nodeSelector/disktype"),
    ({"autoscaling": {"targetCPU": 0}}, "/autoscaling/targetCPU"),
    ({"networkPolicy": {"egress": ["db.example.com"]}}, "/networkPolicy/egress/0"),
    ({"test": {"resources": {"limits": None}}}, "limits"),
])
def test_values_the_api_server_would_refuse_are_refused_by_the_schema(values: dict[str, Any], named: str,
                                                                     make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    assert named in schema_errors(chart, values)


def test_the_schema_checker_agrees_with_helm(make_chart: MakeChart) -> None:
    """mkchart's own reading of the schema (free values, regen's warnings) refuses what
    Helm refuses and passes what Helm passes."""
    from mkchart.chart import valuesschema

    chart = make_chart("book-zk-n1", "serverType=zookeeper", "replicas=3")
    schema = json.loads((chart / layout.SCHEMA_FILE).read_text())
    base = yaml.safe_load((chart / layout.VALUES_YAML).read_text())
    cases = [{}, {"replicaCount": 5}, {"replicaCount": 4}, {"image": {"tag": "latest"}}, {"ingres": {}},
             {"persistence": {"enabled": "yes"}}, {"podLabels": {"a": "b c"}}, {"resources": {"limits": {"cpu": 2}}},
             {"image": {"digest": "sha256:" + "a" * 64}}, {"image": {"digest": "sha256:x"}},
             {"podAntiAffinity": "hard"}, {"podAntiAffinity": "always"}, {"writableDirs": [{"path": "/x"}]}]
    for values in cases:
        ours = valuesschema.problem(schema, valuesschema.merged(base, values)) is None
        helms = schema_errors(chart, values) == ""
        assert ours == helms, (values, schema_errors(chart, values))
