"""A string answer keeps the text as written in YAML (issue 9, item 14): `tag: 0812` is
"0812" (not 812), `JAVA_VERSION: 1.10` is "1.10" (not "1.1"), `0o17`, `1e3`, `0x1f` and
`True` stay as written, in lists and maps too; number and boolean answers keep their
values. From an answers file, a services file, a chart's record and `--set` lists, through
to the objects Helm renders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import MakeChart, Run, assert_api_server_rules, by_kind, one, render_objects
from mkchart import yamlio
from mkchart.chart import layout
from mkchart.errors import ExitCode

NAME = "book-tomcat-n1"

ANSWERS = """\
image:
  tag: 0812
config:
  env:
    JAVA_VERSION: 1.10
    MODE: 0o17
    LIMIT: 1e3
    FLAG: True
    HEX: 0x1f
    OFF: FALSE
    PLUS: +12
  args: [1.50, 0o17, True, 1e3, 1_000]
imagePullSecrets: [0x1f]
replicas: 2
persistence:
  enabled: True
  accessMode: ReadWriteMany
probe:
  style: exec
  command: [sleep, 1.50]
"""

ENV = {"JAVA_VERSION": "1.10", "MODE": "0o17", "LIMIT": "1e3", "FLAG": "True", "HEX": "0x1f", "OFF": "FALSE",
       "PLUS": "+12"}
ARGS = ["1.50", "0o17", "True", "1e3", "1_000"]


def check_recorded(chart: Path) -> None:
    answers = yamlio.read_mapping(chart / layout.ANSWERS_FILE)["answers"]
    assert answers["image"]["tag"] == "0812"
    assert answers["config"]["env"] == ENV
    assert answers["config"]["args"] == ARGS
    assert answers["imagePullSecrets"] == ["0x1f"]
    assert answers["probe"]["command"] == ["sleep", "1.50"]
    assert answers["replicas"] == 2 and answers["persistence"]["enabled"] is True


def check_rendered(chart: Path) -> None:
    objects = render_objects(chart)
    assert_api_server_rules(objects)
    deployment = one(objects, "Deployment")
    assert deployment["spec"]["replicas"] == 2
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "tomcat:0812"
    assert deployment["metadata"]["labels"]["app.kubernetes.io/version"] == "0812"
    assert pod["imagePullSecrets"] == [{"name": "0x1f"}]
    assert container["livenessProbe"]["exec"]["command"] == ["sleep", "1.50"]
    assert one(objects, "PersistentVolumeClaim")
    data = next(o["data"] for o in by_kind(objects, "ConfigMap") if o["metadata"]["name"].endswith("-env"))
    assert {k: data[k] for k in ENV} == ENV
    assert [data[f"arg-{i}"] for i in range(len(ARGS))] == ARGS


def test_an_answers_file_keeps_the_text_as_written(make_chart: MakeChart, tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text(ANSWERS)
    chart = make_chart(NAME, answers=tmp_path / "answers.yaml")
    check_recorded(chart)
    check_rendered(chart)


def test_a_services_file_keeps_the_text_as_written(mkchart: Run, tmp_path: Path) -> None:
    entry = "".join(f"    {line}\n" if line else "\n" for line in ANSWERS.splitlines())
    (tmp_path / "services.yaml").write_text(f"defaults:\n  image: {{tag: 1.10}}\nservices:\n  - name: {NAME}\n{entry}"
                                            "  - name: book-tomcat-n2\n")
    result = mkchart("batch", "services.yaml", "-o", "charts")
    assert result.exit_code == 0, result.output
    check_recorded(tmp_path / "charts" / NAME)
    other = yamlio.read_mapping(tmp_path / "charts" / "book-tomcat-n2" / layout.ANSWERS_FILE)["answers"]
    assert other["image"]["tag"] == "1.10", "defaults: keep the text too"


def test_a_hand_edited_record_keeps_the_text_as_written(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    record = chart / layout.ANSWERS_FILE
    text = record.read_text()
    assert '    tag: "9.0.85-jre17"\n' in text or "    tag: 9.0.85-jre17\n" in text
    record.write_text(text.replace('"9.0.85-jre17"', "9.0.85-jre17").replace("9.0.85-jre17", "1.10")
                      .replace("  config:\n    env: {}\n", "  config:\n    env:\n      JAVA_VERSION: 1.10\n"))
    result = mkchart("regen", str(chart))
    assert result.exit_code == 0, result.output
    values = (chart / layout.VALUES_YAML).read_text()
    assert 'tag: "1.10"' in values and '"JAVA_VERSION": "1.10"' in values
    assert mkchart("regen", "--check", str(chart)).exit_code == 0


def test_a_format_0_record_keeps_the_text_as_written(mkchart: Run, make_chart: MakeChart) -> None:
    chart = make_chart(NAME)
    record = chart / layout.ANSWERS_FILE
    document = yamlio.read_mapping(record)
    answers = document["answers"]
    answers["image"]["tag"] = "@TAG@"
    answers["probe"] = {"type": "exec", "command": ["sleep", "@ARG@"]}
    text = yamlio.dump_plain({"mkchart": {"format": 0}, "answers": answers})
    record.write_text(text.replace('"@TAG@"', "1.10").replace('"@ARG@"', "1.50").replace("@TAG@", "1.10")
                      .replace("@ARG@", "1.50"))
    result = mkchart("regen", str(chart))
    assert result.exit_code == 0, result.output
    migrated = yamlio.read_mapping(record)["answers"]
    assert migrated["image"]["tag"] == "1.10"
    assert migrated["probe"]["style"] == "exec" and migrated["probe"]["command"] == ["sleep", "1.50"]


def test_a_set_list_keeps_the_text_as_written(make_chart: MakeChart) -> None:
    chart = make_chart(NAME, "config.args=[1.50, 0x1f, True, 0812]", "imagePullSecrets=[0x1f]")
    answers = yamlio.read_mapping(chart / layout.ANSWERS_FILE)["answers"]
    assert answers["config"]["args"] == ["1.50", "0x1f", "True", "0812"]
    assert answers["imagePullSecrets"] == ["0x1f"]


@pytest.mark.parametrize(("text", "expected"), [
    ("replicas: 2", {"replicas": 2}),
    ("replicas: 0x10", {"replicas": 16}),  # a number answer takes the value
    ("persistence: {enabled: True}", {"persistence": {"enabled": True}}),
    ("port: 8080", {"port": 8080}),
    ("image: {tag: 1.10}", {"image": {"tag": "1.10"}}),
    ("image: {tag: .inf}", {"image": {"tag": ".inf"}}),
    ("business: 007", {"business": "007"}),
    ("config: {env: {0812: x}}", {"config": {"env": {"0812": "x"}}}),  # a key too
    ("1.10: x", {"1.10": "x"}),  # an unknown key is named as written
    ("other: {a: 1.10, b: True}", {"other": {"a": 1.1, "b": True}}),  # unknown: plain values
])
def test_each_answer_takes_text_or_value_by_its_type(text: str, expected: dict[str, Any]) -> None:
    from mkchart.answers.resolve import as_written

    tree = as_written(yamlio.parse(text, "t.yaml", keep_text=True))
    assert tree == expected
    assert repr(tree) == repr(expected), "plain types only: no TextInt, TextFloat or TextBool left"


@pytest.mark.parametrize(("text", "says"), [
    ('replicas: "2"', "replicas: must be a whole number, not '2'"),
    ("replicas: 1.5", "replicas: must be a whole number, not 1.5"),
    ("persistence: {enabled: yes}", "persistence.enabled: must be true or false, not 'yes'"),
    ("image: {tag: [1.10]}", "image.tag: must be a string, not [1.1]"),
])
def test_a_wrong_type_is_still_refused(text: str, says: str, mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text(text + "\n")
    result = mkchart("new", NAME, "--no-input", "--answers", "answers.yaml")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert says in result.stderr, result.stderr


def test_the_session_offers_the_text_as_written(tmp_path: Path) -> None:
    from mkchart import wizard
    from mkchart.inputs import Inputs, read_inputs

    (tmp_path / "answers.yaml").write_text("image: {tag: 1.10}\n")
    session = wizard.Session.from_given(read_inputs(Inputs(name=NAME, answers_file=tmp_path / "answers.yaml")))
    assert wizard.default(wizard.question("image.tag"), session) == "1.10"
