"""The answers model: name parts, precedence of the layers, --set parsing, types."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MakeChart, resolve
from mkchart import ANSWERS_FORMAT, yamlio
from mkchart.answers.names import name_problem, split_name
from mkchart.answers.profiles import all_profiles, type_spellings
from mkchart.answers.resolve import parse_sets
from mkchart.answers.schema import keys
from mkchart.answers.tree import to_tree
from mkchart.errors import AnswersError, MissingAnswersError, UsageError


@pytest.mark.parametrize(("name", "parts"), [
    ("book-tomcat-n1", ("book", "tomcat", "n1")),
    ("book-mysql-m1", ("book", "mysql", "m1")),
    ("book-redis-n1", ("book", "redis", "n1")),
    ("book-zk-n1", ("book", "zookeeper", "n1")),
    ("shop-cart-redis-n2", ("shop-cart", "redis", "n2")),
    ("book-tomcat", ("book", "tomcat", "")),
    ("book-foo-n1", ("book", None, "n1")),
])
def test_name_parts(name: str, parts: tuple[str, str | None, str]) -> None:
    got = split_name(name, type_spellings())
    assert (got.business, got.server_type, got.instance) == parts


def test_name_rule_boundaries() -> None:
    assert name_problem("a") is None
    assert name_problem("a" * 63) is None
    assert name_problem("a" * 64) is not None
    assert name_problem("a-1") is None
    assert name_problem("a--1") is None


def test_profiles_cover_the_issue_list() -> None:
    assert {"tomcat", "springboot", "nginx", "nodejs", "python", "mysql", "redis", "zookeeper",
            "generic"} <= set(all_profiles())
    assert type_spellings()["zk"] == "zookeeper"
    for profile in all_profiles().values():
        tag = profile.defaults.get("image", {}).get("tag")
        # A profile for the user's own application image has no image of its own.
        assert (profile.contract.appImage and tag is None) or (tag and tag != "latest")
    assert {p.name for p in all_profiles().values() if p.contract.appImage} == {
        "springboot", "nodejs", "python", "generic"}


def test_precedence_set_over_file_over_name_over_profile() -> None:
    profile_only = resolve("book-tomcat-n1").answers
    assert (profile_only.port, profile_only.image.repository) == (8080, "tomcat")
    assert profile_only.business == "book"
    from_file = resolve("book-tomcat-n1", {"port": 9090, "business": "library", "image": {"tag": "9.0.86"}}).answers
    assert (from_file.port, from_file.business, from_file.image.tag) == (9090, "library", "9.0.86")
    assert from_file.image.repository == "tomcat", "a partial mapping keeps the other keys"
    both = resolve("book-tomcat-n1", {"port": 9090, "image": {"tag": "9.0.86"}},
                   parse_sets(["port=7070"])).answers
    assert (both.port, both.image.tag) == (7070, "9.0.86")


def test_server_type_from_set_beats_the_name() -> None:
    answers = resolve("book-tomcat-n1", None, {"serverType": "redis"}).answers
    assert (answers.serverType, answers.port, answers.probe.style) == ("redis", 6379, "tcp")


def test_alias_is_normalised() -> None:
    assert resolve("book-cache-n1", None, {"serverType": "zk"}).answers.serverType == "zookeeper"


def test_parse_sets_is_typed_by_key() -> None:
    tree = parse_sets(["image.tag=9.0", "port=80", "persistence.enabled=yes", "config.args=a,b",
                       "config.env.JAVA_OPTS=-Xmx1g -Da=b", "probe.command=[sh, -c, 'echo a,b']",
                       "config.env=A=1,B=2"])
    assert tree["image"]["tag"] == "9.0"  # stays a string, never the float 9.0
    assert tree["port"] == 80 and tree["persistence"]["enabled"] is True
    assert tree["config"]["args"] == ["a", "b"]
    assert tree["probe"]["command"] == ["sh", "-c", "echo a,b"]
    assert tree["config"]["env"] == {"A": "1", "B": "2"}


def test_parse_sets_errors() -> None:
    with pytest.raises(UsageError):
        parse_sets(["port"])
    with pytest.raises(AnswersError) as caught:
        parse_sets(["port=x", "nope=1"])
    assert [p.key for p in caught.value.problems] == ["port", "nope"]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(AnswersError) as caught:
        resolve("book-tomcat-n1", {"port": 0, "image": {"tag": "latest"}, "probe": {"style": "grpc"}})
    assert sorted(p.key for p in caught.value.problems) == ["image.tag", "port", "probe.style"]


def test_missing_name_lists_it() -> None:
    with pytest.raises(MissingAnswersError) as caught:
        resolve(None)
    assert caught.value.keys == ["name"]


def test_every_key_is_documented() -> None:
    for key in keys().values():
        assert key.doc.endswith("."), key.path


def test_issue_key_names_exist() -> None:
    wanted = ["name", "business", "serverType", "instance", "image.repository", "image.tag", "port",
              "probe.style", "config.env", "config.args", "config.files", "persistence.enabled",
              "persistence.size", "persistence.storageClass", "persistence.accessMode",
              "persistence.mountPath", "ingress.enabled", "ingress.host", "ingress.path",
              "ingress.className", "ingress.tlsSecret", "timezone", "replicas", "imagePullSecrets"]
    assert set(wanted) <= set(keys())
    assert {"resources.requests.cpu", "resources.limits.memory"} <= set(keys())


def test_example_answers_file_is_valid_and_complete() -> None:
    example = Path(__file__).parent.parent / "templates" / "examples" / "answers.yaml"
    data = yamlio.read_mapping(example)
    answers = resolve(None, data).answers
    assert answers.name == "book-tomcat-n1"
    assert set(_leaves(data)) == set(keys()), "the example shows every key"


def _leaves(tree: dict, prefix: str = "") -> list[str]:
    out = []
    for key, value in tree.items():
        if prefix == "environments.":  # a section per environment, named by the user
            out += [prefix[:-1], *_leaves(value, f"{prefix}*.")]
        elif isinstance(value, dict) and key not in ("env", "files", "values"):  # maps of the user's own names
            out += _leaves(value, f"{prefix}{key}.")
        else:
            out.append(prefix + key)
    return out


def test_chart_keeps_its_answers(make_chart: MakeChart) -> None:
    chart = make_chart("book-mysql-m1", "persistence.storageClass=glusterfs")
    recorded = yamlio.read_mapping(chart / ".mkchart.yaml")
    assert recorded["mkchart"]["format"] == ANSWERS_FORMAT == 4
    glusterfs = {"persistence": {"storageClass": "glusterfs"}}
    assert recorded["answers"] == to_tree(resolve("book-mysql-m1", None, glusterfs).answers)
    # the recorded answers regenerate the same answers
    assert resolve(None, recorded["answers"]).answers == resolve(
        "book-mysql-m1", None, {"persistence": {"storageClass": "glusterfs"}}).answers


def test_one_env_entry_merges_a_whole_map_replaces() -> None:
    file_layer = {"config": {"env": {"DB_HOST": "book-mysql-m1", "DB_PORT": "3306"}}}
    one = resolve("book-tomcat-n1", file_layer, parse_sets(["config.env.LOG_LEVEL=debug"])).answers
    assert one.config.env == {"DB_HOST": "book-mysql-m1", "DB_PORT": "3306", "LOG_LEVEL": "debug"}
    whole = resolve("book-tomcat-n1", file_layer, parse_sets(["config.env=ONLY=1"])).answers
    assert whole.config.env == {"ONLY": "1"}
