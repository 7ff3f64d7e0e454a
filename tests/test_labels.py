"""Image tags and labels (issue 9, item 15): tags are checked by Docker's own grammar, and
the `app.kubernetes.io/version` label derived from a tag is always a value the API
server accepts (`_v1`, `v1.`, `1.0--` and a 64-character tag whose 63rd character is '.'
are valid tags that made invalid labels)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import (
    MakeChart,
    Run,
    assert_api_server_rules,
    by_kind,
    own_image,
    pod_spec,
    pod_template,
    render_objects,
)
from mkchart.answers.profiles import all_profiles
from mkchart.chart import layout
from mkchart.errors import ExitCode

NAME = "book-tomcat-n1"
VERSION = "app.kubernetes.io/version"


def expected_label(tag: str) -> str | None:
    """What the chart's `.version` helper makes of a tag (None: the label is left out)."""
    value = re.sub(r"[^-A-Za-z0-9_.]", "_", tag)[:63]
    value = re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", value)
    return value or None


def versions(objects: list[dict]) -> set[str | None]:
    """The version label of every object, and of the pod template."""
    found = {o["metadata"].get("labels", {}).get(VERSION) for o in objects}
    template = pod_template(objects)["metadata"]["labels"]
    return found | {template.get(VERSION)}


# Every tag has a version number (a digit), as the answers' rule asks; "_" and "__..--",
# which would leave no label at all, can only come from a hand edit (below).
TAGS = ["_v1", "v1.", "1.0--", "a" * 61 + "1.b", "a" * 61 + "1._" + "c" * 60, "x" * 127 + "1", "9.0.85-jre17",
        "v1.2.3-rc.1", "_1", "__..--1", "1.0_", "Release_2024.01"]


@pytest.mark.parametrize("tag", TAGS, ids=lambda tag: tag if len(tag) < 20 else f"{tag[:12]}…{len(tag)}")
def test_every_docker_tag_gives_valid_labels(tag: str, make_chart: MakeChart) -> None:
    chart = make_chart(NAME, f"image.tag={tag}")
    objects = render_objects(chart)
    assert_api_server_rules(objects)
    assert versions(objects) == {expected_label(tag)}
    container = pod_spec(objects)["containers"][0]
    assert container["image"] == f"tomcat:{tag}", "the image keeps the whole tag"
    assert f"appVersion: \"{tag}\"" in (chart / layout.CHART_YAML).read_text()


def test_the_derived_labels_of_the_issue(make_chart: MakeChart) -> None:
    assert expected_label("_v1") == "v1" and expected_label("v1.") == "v1" and expected_label("1.0--") == "1.0"
    assert expected_label("a" * 62 + ".b") == "a" * 62
    assert expected_label("_.-") is None


def test_a_hand_edited_tag_outside_the_grammar_still_gives_valid_labels(make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    # values.schema.json refuses such a tag at install time; without it (deleted, or
    # `helm install --skip-schema-validation`) the labels must still be valid.
    with pytest.raises(Exception, match="/image/tag"):
        render_objects(chart, {"image": {"tag": "1.0+build.5"}})
    (chart / "values.schema.json").unlink()
    for tag in ("1.0+build.5", "v1/2 beta", "é-1", "+++", "_", "__..--"):
        objects = render_objects(chart, {"image": {"tag": tag}})
        assert_api_server_rules(objects)
        assert versions(objects) == {expected_label(tag)}
    assert expected_label("1.0+build.5") == "1.0_build.5"


@pytest.mark.parametrize("tag", ["-x", ".x", "a" * 129, "v1+build", "v 1", "é"])
def test_tags_outside_dockers_grammar_are_refused(tag: str, mkchart: Run) -> None:
    result = mkchart("new", NAME, "--no-input", "--set", f"image.tag={tag}")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "image.tag: must be a Docker tag" in result.stderr


@pytest.mark.parametrize("server_type", all_profiles())
def test_every_profile_with_every_option_meets_the_api_servers_rules(server_type: str, make_chart: MakeChart,
                                                                    tmp_path: Path) -> None:
    name = f"{'b' * 40}-{server_type}-{'n' * 10}"[:63].rstrip("-")
    # As a Deployment: a StatefulSet's name is at most 52 (tests/test_workloads.py).
    sets = ["persistence.enabled=true", "config.env.A=1", "config.args=x", "imagePullSecrets=harbor",
            "workload=deployment", *own_image(server_type)]
    http = all_profiles()[server_type].contract.protocol == "http"
    if http:  # an Ingress is refused for a server that does not speak HTTP
        sets.append("ingress.enabled=true")
    (tmp_path / "app.conf").write_text("a=1\n")
    chart = make_chart(name, *sets, "config.files=app.conf")
    release = f"{name}-release"[:53].rstrip("-")  # Helm refuses release names over 53 characters
    objects = render_objects(chart, name=release)
    assert_api_server_rules(objects)
    assert by_kind(objects, "Service") and bool(by_kind(objects, "Ingress")) == http


def test_the_rules_check_can_fail() -> None:
    bad = {"kind": "Service", "metadata": {"name": "a" * 64, "labels": {"x/" + "y" * 64: "v1.", "ok": "_v1"}},
           "spec": {"selector": {"app": "-"}}}
    with pytest.raises(AssertionError) as failure:
        assert_api_server_rules([bad])
    text = str(failure.value)
    for says in ("Service/" + "a" * 64 + ": the name is no DNS-1123 label", "the name is no label name",
                 "'v1.': not a label value", "'_v1': not a label value", "app='-'"):
        assert says in text, says
