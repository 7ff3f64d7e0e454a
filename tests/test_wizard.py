"""The session's pure parts (questions, defaults, answer reading) and short in-process runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import Run
from mkchart import cli, i18n, wizard
from mkchart.answers.profiles import all_profiles
from mkchart.answers.tree import Only
from mkchart.errors import AnswerError, ExitCode
from mkchart.messages import en, zh
from mkchart.wizard import QUESTIONS, Session, default, parse, question, show, to_ask

GENERATOR = Path(cli.__file__).parent


def session(name: str = "book-tomcat-n1", **layers: dict) -> Session:
    return Session(name, layers.get("file_layer", {}), layers.get("set_layer", {}))


# --- when to ask at all ---------------------------------------------------------------------


@pytest.mark.parametrize(("no_input", "env", "tty", "expected"), [
    (False, {}, True, True),
    (True, {}, True, False),
    (False, {"CI": "true"}, True, False),
    (False, {"CI": "1"}, True, False),
    (False, {"CI": ""}, True, True),  # an empty CI is no CI
    (False, {}, False, False),
])
def test_asks_only_with_a_person(no_input: bool, env: dict[str, str], tty: bool, expected: bool) -> None:
    assert wizard.wanted(no_input, env, tty) is expected


# --- defaults ---------------------------------------------------------------------------------


def test_defaults_come_from_the_name_and_the_profile() -> None:
    s = session("shop-cart-redis-n2")
    assert default(question("business"), s) == "shop-cart"
    assert default(question("serverType"), s) == "redis"
    assert default(question("port"), s) == 6379
    assert default(question("persistence.enabled"), s) is True


def test_the_server_type_answer_changes_later_defaults() -> None:
    s = session()
    assert default(question("port"), s) == 8080
    wizard.record(question("serverType"), parse(question("serverType"), "zk", s), s)
    assert default(question("port"), s) == 2181
    assert default(question("image.repository"), s) == "zookeeper"


def test_answers_file_and_set_prefill_and_are_not_asked() -> None:
    s = session(file_layer={"port": 9090, "image": {"tag": "9.0.1"}}, set_layer={"image": {"tag": "9.0.2"}})
    assert not to_ask(question("port"), s) and not to_ask(question("image.tag"), s)
    assert to_ask(question("image.repository"), s)
    assert default(question("port"), s) == 9090


def test_follow_ups_appear_only_when_they_apply() -> None:
    s = session()
    assert to_ask(question("probe.livenessPath"), s) and not to_ask(question("probe.command"), s)
    wizard.record(question("probe.style"), "exec", s)
    assert to_ask(question("probe.command"), s) and not to_ask(question("probe.livenessPath"), s)
    assert not to_ask(question("persistence.size"), s) and not to_ask(question("config.env"), s)
    wizard.record(question("config.sources"), ("env",), s)
    assert to_ask(question("config.env"), s) and not to_ask(question("config.files"), s)


# The types that run the user's own image have no default image to accept with Enter.
@pytest.mark.parametrize("server_type", sorted(p.name for p in all_profiles().values() if not p.contract.appImage))
def test_enter_means_the_shown_default_for_every_question(server_type: str) -> None:
    s = session(set_layer={"serverType": server_type})
    for q in QUESTIONS:
        if q.key in ("name", "serverType", "config.sources"):
            continue
        expected = default(q, s)
        got = parse(q, "", s)
        if q.key == "environments":  # Enter names them as they are, each keeping its settings
            assert list(got) == list(expected) and isinstance(got, Only), got
        elif q.key == "environments.changes":
            assert (expected, got) == ("", {}), "Enter changes nothing"
        else:
            assert got == (tuple(expected) if isinstance(expected, list) else expected), q.key
        assert parse(q, show(q, expected), s) == got, q.key


# --- reading answers ---------------------------------------------------------------------------


def test_choices_by_number_name_or_alias() -> None:
    s = session()
    assert parse(question("probe.style"), "2", s) == "tcp"
    assert parse(question("probe.style"), "exec", s) == "exec"
    assert parse(question("serverType"), "zk", s) == "zookeeper"
    with pytest.raises(AnswerError, match="choose a number from 1 to 3"):
        parse(question("probe.style"), "4", s)


def test_config_sources() -> None:
    s = session()
    assert parse(question("config.sources"), "1, 3", s) == ("env", "files")
    assert parse(question("config.sources"), "none", s) == ()
    with pytest.raises(AnswerError, match="cannot be combined"):
        parse(question("config.sources"), "env,none", s)


def test_the_validators_of_the_model_refuse_at_the_prompt(tmp_path: Path) -> None:
    s = session()
    s.files_base = tmp_path
    for key, text, rule in [
        ("image.tag", "latest", "'latest' is not allowed"),
        ("port", "0", "port number from 1 to 65535"),
        ("replicas", "two", "whole number"),
        ("config.env", "1BAD=x", "not an environment variable name"),
        ("config.files", "missing.conf", "file not found"),
        ("probe.command", "cat 'unclosed", "quotation"),
        ("persistence.enabled", "maybe", "answer y or n"),
        ("timezone", "Asia Shanghai", "IANA time zone"),
    ]:
        with pytest.raises(AnswerError, match=rule):
            parse(question(key), text, s)
    assert parse(question("probe.command"), "sh -c 'test -f /tmp/ok'", s) == ("sh", "-c", "test -f /tmp/ok")


def test_name_question_uses_the_name_rule() -> None:
    s = Session(None)
    with pytest.raises(AnswerError, match="must start with a lowercase letter"):
        parse(question("name"), "1book", s)
    assert parse(question("name"), "book-nginx-n1", s) == "book-nginx-n1"


# --- languages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("flag", "env", "expected"), [
    ("zh", {"LANG": "en_US.UTF-8"}, "zh"),
    (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
    (None, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL decides first
    (None, {"LC_MESSAGES": "zh_TW.UTF-8", "LANG": "en_GB"}, "zh"),
    (None, {}, "en"),
])
def test_language_detection(flag: str | None, env: dict[str, str], expected: str) -> None:
    assert i18n.detect(flag, env) == expected


def test_both_catalogues_hold_the_same_messages_with_the_same_fields() -> None:
    assert en.MESSAGES.keys() == zh.MESSAGES.keys()
    fields = re.compile(r"\{(\w+)\}")
    for key, text in en.MESSAGES.items():
        assert set(fields.findall(text)) == set(fields.findall(zh.MESSAGES[key])), key


def test_every_question_and_choice_has_its_text() -> None:
    for q in QUESTIONS:
        assert f"q.{q.key}" in en.MESSAGES
        for option in wizard.choices(q) or (tuple(all_profiles()) if q.key == "serverType" else ()):
            assert f"c.{q.key}.{option}" in en.MESSAGES


def test_every_message_id_in_the_code_exists() -> None:
    used = set()
    for path in GENERATOR.rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z][\w.]*)["']""", path.read_text(encoding="utf-8")))
    assert used, "the scan found no t() calls"
    assert sorted(used - en.MESSAGES.keys()) == []


# --- short runs through the CLI, as if at a terminal ---------------------------------------------


@pytest.fixture
def at_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_stdin_is_terminal", lambda: True)


@pytest.mark.usefixtures("at_terminal")
def test_set_answers_are_not_asked(mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", "book-tomcat-n1", "--set", "image.tag=9.0.1", "--set", "port=9000",
                     input="\n" * 40)
    assert result.exit_code == 0, result.output
    assert "Image tag" not in result.output and "Container port" not in result.output
    assert "Image repository (no tag) [tomcat]: " in result.output
    assert re.search(r"port +9000", result.output)
    assert "port: 9000" in (tmp_path / "book-tomcat-n1" / ".mkchart.yaml").read_text()


@pytest.mark.usefixtures("at_terminal")
def test_saying_no_writes_nothing(mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", "book-tomcat-n1", input="\n" * 21 + "n\n")
    assert "Write the chart? [y]: " in result.output
    assert result.exit_code == ExitCode.INTERRUPTED
    assert "cancelled; nothing was written" in result.output
    assert not (tmp_path / "book-tomcat-n1").exists()


@pytest.mark.usefixtures("at_terminal")
def test_end_of_input_writes_nothing(mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", "book-tomcat-n1", input="\n\n")
    assert result.exit_code == ExitCode.INTERRUPTED
    assert not (tmp_path / "book-tomcat-n1").exists()


@pytest.mark.usefixtures("at_terminal")
def test_an_existing_chart_is_refused_before_the_questions(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "book-tomcat-n1").mkdir()
    result = mkchart("new", "book-tomcat-n1", input="\n" * 40)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "already exists" in result.output and "Business" not in result.output


@pytest.mark.usefixtures("at_terminal")
def test_a_bad_answers_file_is_refused_before_the_questions(mkchart: Run, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("image: {tag: latest}\n")
    result = mkchart("new", "book-tomcat-n1", "--answers", "a.yaml", input="\n" * 40)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "'latest' is not allowed" in result.output and "Business" not in result.output


def test_an_unknown_language_is_a_usage_error(mkchart: Run) -> None:
    result = mkchart("new", "book-tomcat-n1", "--no-input", "--lang", "fr")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "--lang 'fr'" in result.output


def test_without_a_terminal_nothing_is_asked(mkchart: Run, tmp_path: Path) -> None:
    result = mkchart("new", "book-tomcat-n1", input="latest\n")
    assert result.exit_code == 0 and "Business" not in result.output
    assert (tmp_path / "book-tomcat-n1").is_dir()


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "image.tag: 'latest' is not allowed"),
    ("zh", "image.tag: 不允许使用 'latest'"),
])
def test_errors_speak_the_chosen_language(mkchart: Run, lang: str, expected: str) -> None:
    result = mkchart("new", "book-tomcat-n1", "--no-input", "--set", "image.tag=latest", "--lang", lang)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert expected in result.output
    assert "Traceback" not in result.output


def test_a_rule_between_answers_asks_again(mkchart) -> None:  # type: ignore[no-untyped-def]
    """CPU request over its limit: explained, and the request asked again."""
    from mkchart import wizard
    from mkchart.inputs import Inputs, read_inputs

    session = wizard.Session.from_given(read_inputs(Inputs(name="book-tomcat-n1")))
    session.asked.update({"resources": {"requests": {"cpu": "2"}}})
    replies = iter(["500m"])
    said: list[str] = []
    resolved = wizard.resolve_asking_again(session, ask=lambda prompt: next(replies), say=said.append)
    assert resolved.answers.resources.requests.cpu == "500m"
    assert any("resources.requests.cpu: the cpu request 2 is more than the limit 1" in line for line in said)


def test_a_rule_broken_by_a_set_answer_stops_instead_of_looping(mkchart) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from mkchart import wizard
    from mkchart.answers.resolve import parse_sets
    from mkchart.errors import AnswersError
    from mkchart.inputs import Inputs, read_inputs

    inputs = Inputs(name="book-tomcat-n1", sets=("resources.requests.cpu=750m",))
    session = wizard.Session.from_given(read_inputs(inputs))
    session.asked.update({"resources": {"limits": {"cpu": "500m"}}})
    # The request is fixed by --set: the session holds it in its --set layer, which wins
    # over anything typed, so asking for the request again could never fix the rule.
    assert parse_sets(["resources.requests.cpu=750m"]) == {"resources": {"requests": {"cpu": "750m"}}}
    assert session.set_layer == {"resources": {"requests": {"cpu": "750m"}}}
    with pytest.raises(AnswersError, match="the cpu request 750m is more than the limit 500m"):
        wizard.resolve_asking_again(session, ask=lambda prompt: pytest.fail("asked again"), say=lambda line: None)


def test_a_secret_typed_as_an_environment_value_is_explained_and_asked_again() -> None:
    s = session(name="book-tomcat-n1")
    wizard.record(question("config.sources"), ("env",), s)
    wizard.record(question("config.env"), {"DB_PASSWORD": "hunter2"}, s)
    said: list[str] = []
    resolved = wizard.resolve_asking_again(s, ask=lambda prompt: "LEVEL=info", say=said.append)
    assert resolved.answers.config.env == {"LEVEL": "info"}
    assert any("config.env.DB_PASSWORD: DB_PASSWORD looks like a secret" in line for line in said)


def test_environments_are_one_compact_step() -> None:
    """The names, then what differs, as ENV.KEY=VALUE pairs checked like --set."""
    from mkchart.wizard import CHANGES, record, resolve_asking_again

    s = session()
    record(question("environments"), parse(question("environments"), "dev, uat, prod", s), s)
    record(question(CHANGES), parse(question(CHANGES), "prod.replicas=3, uat.pullPolicy=Always", s), s)
    answers = resolve_asking_again(s, ask=lambda prompt: pytest.fail(f"asked again: {prompt}"),
                                   say=lambda line: None).answers
    assert list(answers.environments) == ["dev", "uat", "prod"]
    assert answers.environments["dev"].replicas == 1, "dev keeps the seed's one pod"
    assert (answers.environments["prod"].replicas, answers.environments["uat"].pullPolicy) == (3, "Always")
    with pytest.raises(AnswerError, match="NAME=VALUE"):
        parse(question(CHANGES), "prod.replicas", s)
    with pytest.raises(AnswerError, match=r"environments\.prod\.replicas: must be a whole number"):
        parse(question(CHANGES), "prod.replicas=many", s)


def test_a_refused_environment_change_is_asked_again() -> None:
    from mkchart.wizard import CHANGES, record, resolve_asking_again

    s = session("book-mysql-m1")
    record(question(CHANGES), parse(question(CHANGES), "prod.replicas=2", s), s)
    said: list[str] = []
    replies = iter(["prod.replicas=1"])
    answers = resolve_asking_again(s, ask=lambda prompt: next(replies), say=said.append).answers
    assert any("environments.prod.replicas: mysql runs as one server" in line for line in said), said
    assert answers.environments["prod"].replicas == 1
