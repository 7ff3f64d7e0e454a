"""The property of issue 9: every string answer either reaches the rendered object byte for
byte, or is refused with a message naming the key and the character.

For each string key that reaches the objects, arbitrary Unicode text (lone surrogates,
controls, non-characters and astral characters included, with the troublemakers drawn
more often) goes through mkchart's answers, the chart it renders and the real Helm
engine; the value found in the object is compared with the value given."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import assert_api_server_rules, by_kind, one, pod_spec, render_objects
from mkchart.answers.layers import Layers
from mkchart.answers.resolve import resolve
from mkchart.errors import AnswersError
from mkchart.new import plan_chart
from mkchart.write import write_new_chart

NAME = "book-tomcat-n1"
CONFIG_FILE = "app.conf"
# The characters a string answer may not hold, stated here rather than imported, as the
# specification: C0 controls but tab and newline, DEL, C1 controls, the line and paragraph
# separators, lone surrogates, U+FFFE and U+FFFF.
UNCARRIED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")

# Characters that broke something once, or could: controls, DEL, C1, NEL, line and
# paragraph separators, BOM, non-characters, surrogates, astral characters, YAML and JSON
# and Go template syntax, quotes and escapes.
TRICKY = ["\x00", "\x01", "\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9f", "\xa0", "\u2028", "\u2029", "\ufeff",
          "\ufdd0", "\ufffe", "\uffff", "\ud800", "\udcff", "\U0001f600", "\U00020bb7", "\U0001fffe", "\U0010ffff",
          " ", '"', "'", "\\", "#", ":", "- ", "{{", "}}", "{{ .Release.Name }}", "%", "&", "*", "!", "|", ">",
          "\\u0000", "\\x41", "é", "中"]
ANY_CHARACTER = st.one_of(st.characters(codec=None, exclude_categories=()), st.sampled_from(TRICKY))
# Half the texts hold no character that is refused everywhere, so that most reach Helm.
CARRIED_CHARACTER = ANY_CHARACTER.filter(lambda char: not UNCARRIED.search(char))
TEXT = st.one_of(st.lists(CARRIED_CHARACTER, max_size=12), st.lists(ANY_CHARACTER, max_size=12)).map("".join)
# 40 examples per key keep the suite fast; PROPERTY_EXAMPLES=2000 searches harder.
PROPERTY = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "40")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def container(objects: list[dict[str, Any]]) -> dict[str, Any]:
    main: dict[str, Any] = pod_spec(objects)["containers"][0]
    return main


def env_data(objects: list[dict[str, Any]]) -> dict[str, str]:
    data: dict[str, str] = next(o["data"] for o in by_kind(objects, "ConfigMap")
                                if o["metadata"]["name"].endswith("-env"))
    return data


def mounts(objects: list[dict[str, Any]]) -> dict[str, str]:
    return {m["name"]: m["mountPath"] for m in container(objects)["volumeMounts"]}


@dataclass(frozen=True)
class Place:
    """Where a string answer goes (`answers`), the key a refusal names, and where it is
    found in the objects (`found`) with what is expected there (`expected`)."""

    key: str
    answers: Callable[[str], dict[str, Any]]
    found: Callable[[list[dict[str, Any]]], Any]
    expected: Callable[[str], Any] = lambda value: value
    prefix: str = ""  # put before the generated text (paths must start with '/')


PLACES = {
    "config.env": Place("config.env.VALUE", lambda v: {"config": {"env": {"VALUE": v}}},
                        lambda objects: env_data(objects)["VALUE"]),
    "config.args": Place("config.args[0]", lambda v: {"config": {"args": [v]}},
                         lambda objects: env_data(objects)["arg-0"]),
    "probe.command": Place("probe.command[1]", lambda v: {"probe": {"style": "exec", "command": ["sh", v]}},
                           lambda objects: [container(objects)[p]["exec"]["command"]
                                            for p in ("livenessProbe", "readinessProbe")],
                           lambda v: [["sh", v]] * 2),
    "probe.livenessPath": Place("probe.livenessPath", lambda v: {"probe": {"livenessPath": v}},
                                lambda objects: container(objects)["livenessProbe"]["httpGet"]["path"], prefix="/"),
    "probe.readinessPath": Place("probe.readinessPath", lambda v: {"probe": {"readinessPath": v}},
                                 lambda objects: container(objects)["readinessProbe"]["httpGet"]["path"],
                                 prefix="/"),
    "ingress.path": Place("ingress.path", lambda v: {"ingress": {"enabled": True, "path": v}},
                          lambda objects: one(objects, "Ingress")["spec"]["rules"][0]["http"]["paths"][0]["path"],
                          prefix="/"),
    "persistence.mountPath": Place("persistence.mountPath", lambda v: {"persistence": {"mountPath": v}},
                                   lambda objects: mounts(objects)["data"], prefix="/"),
    # Each config file is mounted at mountPath/NAME (one trailing '/' of mountPath dropped).
    "config.mountPath": Place("config.mountPath",
                              lambda v: {"config": {"mountPath": v, "files": [CONFIG_FILE]}},
                              lambda objects: next(m["mountPath"] for m in container(objects)["volumeMounts"]
                                                   if m.get("subPath") == CONFIG_FILE),
                              lambda v: f"{v.removesuffix('/')}/{CONFIG_FILE}", prefix="/"),
}


def render(answers: dict[str, Any]) -> list[dict[str, Any]] | AnswersError:
    """The objects Helm renders from a chart of these answers, or mkchart's refusal."""
    try:
        resolved = resolve(Layers(file=answers, name=NAME))
    except AnswersError as refused:
        return refused
    config = {CONFIG_FILE: b"a=1\n"} if resolved.answers.config.files else {}
    plan = plan_chart(resolved, config)
    with tempfile.TemporaryDirectory(prefix="mkchart-property-") as folder:
        chart = Path(folder) / NAME
        write_new_chart(chart, plan.files)
        return render_objects(chart)


def check(place: Place, text: str) -> None:
    value = place.prefix + text
    outcome = render(place.answers(value))
    uncarried = UNCARRIED.search(value)
    event("refused" if isinstance(outcome, AnswersError) else "rendered")
    if isinstance(outcome, AnswersError):
        messages = [str(problem) for problem in outcome.problems]
        assert len(messages) == 1 and messages[0].startswith(f"{place.key}: "), messages
        if uncarried:
            assert f"holds U+{ord(uncarried.group()):04X}," in messages[0], messages
        else:  # an HTTP path's own rule: no space
            assert " " in value and "holds a space (U+0020)" in messages[0], messages
        return
    assert uncarried is None, f"{value!r} was accepted for {place.key}"
    assert_api_server_rules(outcome)
    assert place.found(outcome) == place.expected(value)


def property_test(name: str) -> Callable[[], None]:
    place = PLACES[name]

    @PROPERTY
    @given(text=TEXT)
    def test(text: str) -> None:
        check(place, text)

    test.__name__ = f"test_{name.replace('.', '_')}_reaches_the_object_or_is_refused_by_name"
    return test


test_config_env_reaches_the_object_or_is_refused_by_name = property_test("config.env")
test_config_args_reaches_the_object_or_is_refused_by_name = property_test("config.args")
test_probe_command_reaches_the_object_or_is_refused_by_name = property_test("probe.command")
test_probe_liveness_path_reaches_the_object_or_is_refused_by_name = property_test("probe.livenessPath")
test_probe_readiness_path_reaches_the_object_or_is_refused_by_name = property_test("probe.readinessPath")
test_ingress_path_reaches_the_object_or_is_refused_by_name = property_test("ingress.path")
test_persistence_mount_path_reaches_the_object_or_is_refused_by_name = property_test("persistence.mountPath")
test_config_mount_path_reaches_the_object_or_is_refused_by_name = property_test("config.mountPath")


@PROPERTY
@given(tag=st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", fullmatch=True) | st.sampled_from(
    ["_v1", "v1.", "1.0--", "a" * 62 + ".b", "latest", "LaTeSt", "0812", "1.10", "_", "9" * 128]))
def test_image_tag_reaches_the_object_or_is_refused_by_name(tag: str) -> None:
    outcome = render({"image": {"tag": tag}})
    if isinstance(outcome, AnswersError):
        if tag.lower() == "latest":
            assert str(outcome.problems[0]).startswith("image.tag: 'latest' is not allowed")
        else:  # stable, alpine, "_": no version number (the seed's rule)
            assert not any(c.isdigit() for c in tag), outcome
            assert "holds no version number" in str(outcome.problems[0])
        return
    assert_api_server_rules(outcome)
    assert container(outcome)["image"] == f"tomcat:{tag}"
