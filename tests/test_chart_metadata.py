"""Chart metadata as answers (issue 14, item 3): maintainers, home, sources, icon,
kubeVersion, keywords and the artifacthub.io/images annotation, from every input path;
with no metadata answer at all, every chart passes Helm's strict lint with no message,
chart-testing's Chart.yaml schema (yamale) and its yamllint configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import MakeChart, Run, own_image, render_objects, resolve
from mkchart.answers import profiles
from mkchart.answers.rules import maintainers, semver_constraint_or_empty, url_or_empty
from mkchart.chart.context import TEST_CONTAINER, TEST_IMAGE
from mkchart.errors import AnswersError
from test_engine import NAMES

# chart-testing's etc/chart_schema.yaml (helm/chart-testing), the schema `ct lint` checks
# Chart.yaml against.
CT_CHART_SCHEMA = """\
name: str()
home: str(required=False)
version: str()
apiVersion: str()
appVersion: any(str(), num(), required=False)
type: str(required=False)
dependencies: any(list(include('dependency')), required=False)
description: str(required=False)
keywords: list(str(), required=False)
sources: list(str(), required=False)
maintainers: list(include('maintainer'), required=False)
icon: str(required=False)
engine: str(required=False)
condition: str(required=False)
tags: str(required=False)
deprecated: bool(required=False)
kubeVersion: str(required=False)
annotations: map(str(), str(), required=False)
---
maintainer:
  name: str()
  email: str(required=False)
  url: str(required=False)
---
dependency:
  name: str()
  version: str()
  repository: str(required=False)
  condition: str(required=False)
  tags: list(str(), required=False)
  enabled: bool(required=False)
  import-values: any(list(str()), list(map()), required=False)
  alias: str(required=False)
"""

# chart-testing's etc/lintconf.yaml, the yamllint rules `ct lint` applies to Chart.yaml.
CT_LINTCONF = """\
rules:
  braces:
    min-spaces-inside: 0
    max-spaces-inside: 0
    min-spaces-inside-empty: -1
    max-spaces-inside-empty: -1
  brackets:
    min-spaces-inside: 0
    max-spaces-inside: 0
    min-spaces-inside-empty: -1
    max-spaces-inside-empty: -1
  colons:
    max-spaces-before: 0
    max-spaces-after: 1
  commas:
    max-spaces-before: 0
    min-spaces-after: 1
    max-spaces-after: 1
  comments:
    require-starting-space: true
    min-spaces-from-content: 2
  document-end: disable
  document-start: disable
  empty-lines:
    max: 2
    max-start: 0
    max-end: 0
  hyphens:
    max-spaces-after: 1
  indentation:
    spaces: consistent
    indent-sequences: whatever
    check-multi-line-strings: false
  key-duplicates: enable
  line-length: disable
  new-line-at-end-of-file: enable
  new-lines:
    type: unix
  trailing-spaces: enable
  truthy:
    level: warning
"""


def _ct_problems(chart: Path) -> list[str]:
    """What `ct lint` says of the chart: Chart.yaml's schema (yamale), and its yamllint rules
    over Chart.yaml and values.yaml (and, stricter than ct, each values-ENV.yaml), every
    level (a warning counts too)."""
    import yamale
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    text = (chart / "Chart.yaml").read_text()
    config = YamlLintConfig(CT_LINTCONF)
    problems = [f"yamllint {path.name} {p.line}:{p.column} {p.level} {p.message}"
                for path in [chart / "Chart.yaml", chart / "values.yaml", *sorted(chart.glob("values-*.yaml"))]
                for p in linter.run(path.read_text(), config)]
    schema = yamale.make_schema(content=CT_CHART_SCHEMA)
    try:
        yamale.validate(schema, yamale.make_data(content=text))
    except yamale.YamaleError as error:
        problems += [f"yamale {e}" for result in error.results for e in result.errors]
    return problems


def _chart_yaml(chart: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((chart / "Chart.yaml").read_text())
    return loaded


def _helm_lint_messages(chart: Path) -> list[str]:
    """Everything `helm lint --strict` prints about the chart, INFO included."""
    import helm_python

    report = helm_python.lint(str(chart), {}, strict=True)
    return [f"[{m['severity']}] {m['path']}: {m['error']}" for m in report["messages"]] + [
        str(e) for e in report["errors"]]


@pytest.mark.parametrize("server_type", sorted(NAMES))
def test_every_chart_without_metadata_answers_has_metadata_and_lints_without_a_message(
        make_chart: MakeChart, server_type: str) -> None:
    name = NAMES[server_type]
    chart = make_chart(name, *own_image(server_type))

    assert _helm_lint_messages(chart) == []  # not even "[INFO] Chart.yaml: icon is recommended"
    assert _ct_problems(chart) == []
    meta = _chart_yaml(chart)
    assert meta["maintainers"] == [{"name": "book team"}]
    assert meta["icon"] == profiles.get(server_type).chart.icon and meta["icon"].startswith("https://")
    assert meta["kubeVersion"] == ">=1.29.0-0"
    assert meta["keywords"] == [server_type, "book"]
    assert meta["version"] == "0.1.0"
    assert "home" not in meta and "sources" not in meta
    # The images the pods run, as the rendered objects say (the test pod's included).
    images = yaml.safe_load(meta["annotations"]["artifacthub.io/images"])
    rendered = {(c["name"], c["image"]) for obj in render_objects(chart)
                for c in (obj.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])
                          or obj.get("spec", {}).get("containers", [])
                          or obj.get("spec", {}).get("jobTemplate", {}).get("spec", {}).get("template", {})
                          .get("spec", {}).get("containers", []))}
    assert {(i["name"], i["image"]) for i in images} == rendered
    # A record with no metadata answer holds no metadata section (records stay short).
    assert "metadata:" not in (chart / ".mkchart.yaml").read_text()


def test_the_test_image_listed_is_the_one_values_yaml_runs(make_chart: MakeChart) -> None:
    values = yaml.safe_load((make_chart("book-tomcat-n1") / "values.yaml").read_text())
    assert f"{values['test']['image']['repository']}:{values['test']['image']['tag']}" == TEST_IMAGE
    assert TEST_CONTAINER == "connect"


def test_a_task_lists_its_image_alone_with_its_digest(make_chart: MakeChart) -> None:
    digest = "sha256:" + "ab" * 32
    chart = make_chart("book-report-cron1", "workload=cronjob", "schedule=0 2 * * *",
                       "image.repository=harbor.example.com/book/report", "image.tag=1.4.0", f"image.digest={digest}")
    images = yaml.safe_load(_chart_yaml(chart)["annotations"]["artifacthub.io/images"])
    assert images == [{"name": "book-report-cron1", "image": f"harbor.example.com/book/report:1.4.0@{digest}"}]
    assert _helm_lint_messages(chart) == [] and _ct_problems(chart) == []


METADATA_SETS = ("metadata.maintainers=book team <book@example.com>,Li Lei",
                 "metadata.home=https://book.example.com/", "metadata.sources=https://git.example.com/book/app.git",
                 "metadata.icon=https://book.example.com/logo.svg", "metadata.kubeVersion=>=1.30.0-0 <1.38.0-0",
                 "metadata.keywords=books,shop")
EXPECTED = {
    "maintainers": [{"name": "book team", "email": "book@example.com"}, {"name": "Li Lei"}],
    "home": "https://book.example.com/", "sources": ["https://git.example.com/book/app.git"],
    "icon": "https://book.example.com/logo.svg", "kubeVersion": ">=1.30.0-0 <1.38.0-0", "keywords": ["books", "shop"],
}


def _metadata_of(chart: Path) -> dict[str, Any]:
    meta = _chart_yaml(chart)
    return {key: meta.get(key) for key in EXPECTED}


def test_metadata_from_set_reaches_chart_yaml_and_the_record(make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1", *METADATA_SETS)
    assert _metadata_of(chart) == EXPECTED
    assert _helm_lint_messages(chart) == [] and _ct_problems(chart) == []
    record = yaml.safe_load((chart / ".mkchart.yaml").read_text())["answers"]["metadata"]
    assert record["maintainers"] == ["book team <book@example.com>", "Li Lei"]


def test_metadata_from_an_answers_file(make_chart: MakeChart, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({"metadata": {
        "maintainers": ["book team <book@example.com>", "Li Lei"], "home": "https://book.example.com/",
        "sources": ["https://git.example.com/book/app.git"], "icon": "https://book.example.com/logo.svg",
        "kubeVersion": ">=1.30.0-0 <1.38.0-0", "keywords": ["books", "shop"]}}))
    assert _metadata_of(make_chart("book-tomcat-n1", answers=answers)) == EXPECTED


def test_batch_defaults_give_a_team_its_maintainers_once(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(
        "defaults:\n"
        "  metadata:\n"
        "    maintainers: [\"book team <book@example.com>\"]\n"
        "    sources: [\"https://git.example.com/book\"]\n"
        "services:\n"
        "  - name: book-tomcat-n1\n"
        "  - name: book-redis-n1\n"
        "    metadata: {maintainers: [\"Li Lei <li@example.com>\"]}\n")
    result = mkchart("batch", "services.yaml", "--output-dir", "out")
    assert result.exit_code == 0, result.output
    tomcat, redis = _chart_yaml(tmp_path / "out/book-tomcat-n1"), _chart_yaml(tmp_path / "out/book-redis-n1")
    assert tomcat["maintainers"] == [{"name": "book team", "email": "book@example.com"}]
    assert redis["maintainers"] == [{"name": "Li Lei", "email": "li@example.com"}]
    assert tomcat["sources"] == redis["sources"] == ["https://git.example.com/book"]


def test_regen_set_changes_the_metadata_and_bumps_the_version(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart("book-tomcat-n1")
    result = mkchart("regen", str(chart), "--set", "metadata.maintainers=Li Lei <li@example.com>")
    assert result.exit_code == 0, result.output
    meta = _chart_yaml(chart)
    assert meta["maintainers"] == [{"name": "Li Lei", "email": "li@example.com"}] and meta["version"] == "0.1.1"


@pytest.mark.parametrize(("key", "value", "words"), [
    ("metadata.maintainers", "book team <not-an-email>", "no maintainer"),
    ("metadata.maintainers", "<book@example.com>", "no maintainer"),
    ("metadata.maintainers", "Li Lei,Li Lei", "twice"),
    ("metadata.home", "book.example.com", "no URL"),
    ("metadata.sources", "https://git.example.com/a b", "no URL"),
    ("metadata.icon", "ftp://example.com/logo.png", "no URL"),
    ("metadata.kubeVersion", "1.29 or later", "no version constraint"),
    ("metadata.kubeVersion", ">=1.29.0-0 ||", "no version constraint"),
])
def test_bad_metadata_is_refused_naming_the_key(mkchart: Run, tmp_path: Path, key: str, value: str,
                                                words: str) -> None:
    result = mkchart("new", "book-tomcat-n1", "--no-input", "--set", f"{key}={value}")
    assert result.exit_code == 2, result.output
    assert key in result.output and words in result.output and "Traceback" not in result.output
    assert not (tmp_path / "book-tomcat-n1").exists()


# Constraints Masterminds/semver v3 (Helm's kubeVersion reader) takes, and some it refuses.
@pytest.mark.parametrize("constraint", [
    ">=1.29.0-0", ">=1.29.0-0 <1.38.0-0", ">=1.29.0-0, <1.38.0-0", "~1.29", "^1.29.0", "1.29.x", "1.x || >=2.0.0",
    ">= 1.29", "1.29 - 1.37", "=1.30.2", "!=1.31.0", "v1.30", "*", ">=1.29.0-eks.1"])
def test_kube_version_accepts_helm_constraints(constraint: str) -> None:
    assert semver_constraint_or_empty(constraint) is None


@pytest.mark.parametrize("constraint", ["latest", ">>1.29", "1.29.0.1", ">=1.29.0 <", "||", "1.29-", ">=1.29'",
                                        ">=1.29.0-0\n<1.38.0-0"])
def test_kube_version_refuses_what_is_no_constraint(constraint: str) -> None:
    assert semver_constraint_or_empty(constraint) is not None


def test_maintainer_and_url_rules() -> None:
    assert maintainers(("book team <book@example.com>", "Li Lei", "王伟 <wang@example.com>")) is None
    assert maintainers(("a@b",)) is None  # a name that looks odd is still a name
    assert maintainers(("book <a@b>",)) is not None  # no domain with a dot
    assert url_or_empty("https://example.com:8443/x?y=1#z") is None
    assert url_or_empty("https://") is not None and url_or_empty("javascript:alert(1)") is not None


def test_a_team_profile_without_an_icon_gets_the_generic_one(mkchart: Run, tmp_path: Path) -> None:
    team = tmp_path / "profiles"
    team.mkdir()
    text = Path(profiles.get("tomcat").origin).read_text()
    (team / "jetty.yaml").write_text("\n".join(line for line in text.split("\n") if not line.startswith("  icon:")))
    result = mkchart("new", "book-jetty-n1", "--no-input", "--profiles", str(team), "--output-dir", "out")
    assert result.exit_code == 0, result.output
    chart = tmp_path / "out/book-jetty-n1"
    assert _chart_yaml(chart)["icon"] == profiles.GENERIC_ICON
    assert _helm_lint_messages(chart) == []


def test_a_profile_with_a_bad_icon_is_refused(mkchart: Run, tmp_path: Path) -> None:
    team = tmp_path / "profiles"
    team.mkdir()
    text = Path(profiles.get("tomcat").origin).read_text()
    (team / "jetty.yaml").write_text(text.replace("icon: https://", "icon: tomcat.png#"))
    result = mkchart("new", "book-jetty-n1", "--no-input", "--profiles", str(team))
    assert result.exit_code == 2, result.output
    assert "chart.icon" in result.output and "Traceback" not in result.output


def test_library_resolve_keeps_metadata_and_refuses_a_bad_one() -> None:
    answers = resolve("book-tomcat-n1", sets={"metadata": {"keywords": ["books"]}}).answers
    assert answers.metadata.keywords == ("books",)
    with pytest.raises(AnswersError, match=r"metadata\.home"):
        resolve("book-tomcat-n1", file={"metadata": {"home": "nope"}})

