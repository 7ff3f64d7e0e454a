"""The interactive session of `mkchart new`: it only gathers answers.

Which questions, their defaults, their answers: everything except `gather()` is a pure
function of a `Session`, so the tests check the logic without a terminal. Defaults come
from `layered()` with the answers typed so far as the prompt layer, so choosing a server
type changes the defaults of the questions after it; typed answers are checked by
`check_answer()`, the rules `resolve()` applies. `gather()` ends with a confirmed plan;
`mkchart.new.create` writes it, as for every other way into `new`.
"""

from __future__ import annotations

import contextlib
import shlex
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkchart.answers import fit, profiles
from mkchart.answers.layers import Layers, layered
from mkchart.answers.model import SERVICE_WORKLOADS
from mkchart.answers.resolve import Resolved, check_answer, parse_sets, parse_text, resolve
from mkchart.answers.schema import keys
from mkchart.answers.tree import Tree, deep_merge, lookup, put, to_tree
from mkchart.console import chart_path
from mkchart.errors import AnswerError, AnswersError, InterruptError, MissingAnswersError, brief
from mkchart.i18n import has, t
from mkchart.inputs import Given, read_config_files, read_config_paths
from mkchart.new import Plan, plan_chart
from mkchart.write import check_target

SOURCES = ("env", "args", "files", "secrets", "none")
CHANGES = "environments.changes"
SOURCE_KEYS = {"env": "config.env", "args": "config.args", "files": "config.files", "secrets": "secrets.generate"}
WIDTH = 78  # fits an 80-column terminal

_YES = {"y", "yes", "true", "on", "1", "是"}
_NO = {"n", "no", "false", "off", "0", "否"}


def wanted(no_input: bool, env: Mapping[str, str], stdin_is_terminal: bool) -> bool:
    """Ask questions only with a person at a terminal: never with --no-input, CI or a pipe."""
    return not no_input and not env.get("CI") and stdin_is_terminal


@dataclass
class Session:
    """What is known so far: the given layers and the answers typed in this session."""

    name: str | None
    file_layer: Tree = field(default_factory=dict)
    set_layer: Tree = field(default_factory=dict)
    source: str | None = None
    files_base: Path = field(default_factory=Path.cwd)
    files_confine: Path | None = None  # see inputs.Given
    asked: Tree = field(default_factory=dict)  # the prompt layer
    sources: tuple[str, ...] = ()  # the config sources chosen in this session
    changes: Tree = field(default_factory=dict)  # the environments' changes typed (the latest answer)

    @classmethod
    def from_given(cls, given: Given) -> Session:
        layers = given.layers
        # A name from --answers/--set counts as given, like the NAME argument.
        name = layers.name if layers.name is not None else layers.given().get("name")
        return cls(name, layers.file, layers.set, given.source, given.files_base, given.files_confine)

    def given(self) -> Tree:
        return deep_merge(self.file_layer, self.set_layer)

    def layers(self, typed: bool = True) -> Layers:
        """The session's layers: the given ones, and (with `typed`) the answers typed so
        far, which only fill keys that --set left open."""
        prompt = self.asked
        if self.changes:  # on top of the environments named in this session, if any
            prompt = deep_merge(prompt, {"environments": self.changes})
        return Layers(file=self.file_layer, prompt=prompt if typed else {}, set=self.set_layer, name=self.name)

    def tree(self) -> Tree:
        return layered(self.layers(), self.source)[0]


Applies = Callable[[Session, Tree], bool]


def _always(session: Session, tree: Tree) -> bool:
    return True


def _when(path: str, value: Any) -> Applies:
    return lambda session, tree: lookup(tree, path) == value


def _chosen(source: str) -> Applies:
    return lambda session, tree: source in session.sources or bool(lookup(tree, SOURCE_KEYS[source]))


def _serves(session: Session, tree: Tree) -> bool:
    """A service (not a cronjob or job): it has a port, health checks, an Ingress, replicas."""
    return lookup(tree, "workload") in SERVICE_WORKLOADS


def _both(first: Applies, second: Applies) -> Applies:
    return lambda session, tree: first(session, tree) and second(session, tree)


def _has(path: str) -> Applies:
    return lambda session, tree: bool(lookup(tree, path))


@dataclass(frozen=True)
class Question:
    key: str  # the answers key; `config.sources` only steers the follow-ups, `environments.changes`
    # takes ENV.KEY=VALUE changes to the environments' answers
    applies: Applies = _always
    shell: bool = False  # the answer is a command line, split as a shell would


QUESTIONS: tuple[Question, ...] = (
    Question("name"),
    Question("business"),
    Question("serverType"),
    Question("workload"),
    Question("schedule", _when("workload", "cronjob")),
    Question("job.hook", _when("workload", "job")),
    Question("instance"),
    Question("image.repository"),
    Question("image.tag"),
    Question("port", _serves),
    Question("probe.style", _serves),
    Question("probe.livenessPath", _both(_serves, _when("probe.style", "http"))),
    Question("probe.readinessPath", _both(_serves, _when("probe.style", "http"))),
    Question("probe.port", _both(_serves, _when("probe.style", "tcp"))),
    Question("probe.command", _both(_serves, _when("probe.style", "exec")), shell=True),
    Question("config.sources"),
    Question("config.env", _chosen("env")),
    Question("config.args", _chosen("args")),
    Question("config.files", _chosen("files")),
    Question("config.mountPath", _has("config.files")),
    Question("secrets.generate", _chosen("secrets")),
    Question("secrets.env", _chosen("secrets")),
    Question("secrets.envFrom", _chosen("secrets")),
    Question("secrets.files", _chosen("secrets")),
    Question("persistence.enabled"),
    Question("persistence.size", _when("persistence.enabled", True)),
    Question("persistence.storageClass", _when("persistence.enabled", True)),
    Question("persistence.mountPath", _when("persistence.enabled", True)),
    Question("ingress.enabled", _serves),
    Question("ingress.host", _both(_serves, _when("ingress.enabled", True))),
    Question("ingress.tlsSecret", _both(_serves, _when("ingress.enabled", True))),
    Question("timezone"),
    Question("replicas", _serves),
    Question("environments"),
    Question("environments.changes"),
    Question("resources.requests.cpu"),
    Question("resources.requests.memory"),
    Question("resources.limits.cpu"),
    Question("resources.limits.memory"),
)


def question(key: str) -> Question:
    return next(q for q in QUESTIONS if q.key == key)


# --- which questions, and their defaults ---------------------------------------------------


def is_given(q: Question, session: Session) -> bool:
    """A question answered by NAME, --answers or --set is not asked again."""
    given = session.given()
    if q.key == "name":
        return session.name is not None
    if q.key == "config.sources":
        return any(lookup(given, path) is not None for path in SOURCE_KEYS.values())
    if q.key == CHANGES:
        return lookup(given, "environments") is not None
    return lookup(given, q.key) is not None


def to_ask(q: Question, session: Session) -> bool:
    if is_given(q, session):
        return False
    return q.key == "name" or q.applies(session, session.tree())


def choices(q: Question, session: Session | None = None) -> tuple[str, ...]:
    if q.key == "config.sources":
        return SOURCES
    if q.key == "workload" and session is not None:
        # Only the kinds the chosen server type runs as (mysql is never a cronjob).
        return profiles.get(str(session.tree()["serverType"])).chart.workloads
    if q.key in keys():
        return keys()[q.key].choices
    return ()


def default(q: Question, session: Session) -> Any:
    if q.key == "name":
        return None
    tree = session.tree()
    if q.key == "config.sources":
        return tuple(s for s, path in SOURCE_KEYS.items() if lookup(tree, path)) or ("none",)
    if q.key == CHANGES:
        return ""
    value = lookup(tree, q.key)
    return value if value is not None else keys()[q.key].default()


def show(q: Question, value: Any) -> str:
    """A value as the user would type it, so that Enter and typing it mean the same."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("w.yes") if value else t("w.no")
    if q.shell:
        return shlex.join(value)
    if q.key == "environments" and isinstance(value, Mapping):
        return ",".join(value)  # the names; their settings are changed by the next question
    if isinstance(value, Mapping):
        return ",".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(value)


# --- reading an answer ------------------------------------------------------------------------


def pick(key: str, text: str, options: tuple[str, ...], spellings: Mapping[str, str] | None = None) -> str:
    """A choice by its number in the list or by its name (or an alias, for server types)."""
    spellings = spellings or {o: o for o in options}
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1]
    if text in spellings:
        return spellings[text]
    raise AnswerError(key, t("w.bad_choice", count=len(options), names=", ".join(options)))


def yes_no(key: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _YES or lowered == t("w.yes"):
        return True
    if lowered in _NO or lowered == t("w.no"):
        return False
    raise AnswerError(key, t("w.bad_yes_no"))


def parse(q: Question, text: str, session: Session) -> Any:
    """The typed text as a checked value; raises `AnswerError` saying what is wrong."""
    text = text.strip() or show(q, default(q, session))
    if q.key == "config.sources":
        picked = tuple(dict.fromkeys(pick(q.key, item, SOURCES) for item in text.replace(",", " ").split()))
        if "none" in picked and len(picked) > 1:
            raise AnswerError(q.key, t("w.bad_none"))
        return tuple(s for s in picked if s != "none")
    if q.key == "serverType":
        return pick(q.key, text, tuple(profiles.all_profiles()), profiles.type_spellings())
    if q.key == CHANGES:
        return _environment_changes(text)
    if choices(q, session):
        return check_answer(q.key, pick(q.key, text, choices(q, session)))
    if keys()[q.key].type is bool:
        return check_answer(q.key, yes_no(q.key, text))
    if q.shell:
        try:
            raw: Any = tuple(shlex.split(text))
        except ValueError as error:
            raise AnswerError(q.key, str(error)) from None
    else:
        raw = parse_text(q.key, text)
    value = check_answer(q.key, raw)
    if q.key == "config.files":
        _check_files_exist(value, session.files_base)
    return value


def _environment_changes(text: str) -> Tree:
    """`prod.replicas=3, dev.pullPolicy=Always`: changes to the environments' answers, each
    read and checked as `--set environments.prod.replicas=3` is; {name: section}."""
    pairs = [f"environments.{item.strip()}" for item in text.split(",") if item.strip()]
    for pair in pairs:
        if "=" not in pair:
            raise AnswerError(CHANGES, t("e.pairs", item=brief(pair.removeprefix("environments."))))
    try:
        changes: Tree = parse_sets(pairs).get("environments", {})
    except AnswersError as error:
        raise error.problems[0] from None
    return changes


def _check_files_exist(paths: tuple[str, ...], base: Path) -> None:
    try:
        read_config_paths(paths, base)
    except AnswersError as error:
        raise error.problems[0] from None


def record(q: Question, value: Any, session: Session) -> None:
    if q.key == "name":
        session.name = value
    elif q.key == "config.sources":
        session.sources = value
    elif q.key == CHANGES:
        # The latest answer replaces the one before (asked again, Enter drops a refused change).
        session.changes = value
    else:
        put(session.asked, q.key, value)


def one_line(problem: AnswerError) -> str:
    """A refused answer explained on one line."""
    return f"{problem.key}: {problem.rule}" + (f" ({problem.hint})" if problem.hint else "")


# --- what is shown ----------------------------------------------------------------------------


def menu(q: Question, session: Session | None = None) -> list[str]:
    """The numbered list of a choice, one line each with its description."""
    options = choices(q, session) if q.key != "serverType" else tuple(profiles.all_profiles())
    width = max(len(o) for o in options)
    return [f"  {i}) {o:<{width}}  {_describe(q.key, o)}" for i, o in enumerate(options, start=1)]


def _describe(key: str, option: str) -> str:
    """A choice's line: from the catalogue, or a team's profile's own description."""
    if key == "serverType" and not (has(f"c.{key}.{option}") and profiles.get(option).builtin):
        return profiles.get(option).description
    return t(f"c.{key}.{option}")


def help_line(q: Question, session: Session) -> str | None:
    message_id = f"h.{q.key}"
    tree = session.tree() if session.name else {}
    server_type = tree.get("serverType")
    if q.key == "image.repository" and isinstance(server_type, str) and fit.image_hint(server_type):
        # A type that runs the user's own image says which image it needs.
        return fit.image_hint(server_type)
    if not has(message_id):
        return None
    # The model's default where no layer gave one (the domain, for the Ingress host's hint).
    domain = lookup(tree, "ingress.domain") or keys()["ingress.domain"].default()
    return t(message_id, name=session.name, domain=domain, port=lookup(tree, "port"), cwd=session.files_base)


def prompt(q: Question, shown: str) -> str:
    text = t(f"q.{q.key}")
    return f"{text} [{shown}]: " if shown else f"{text}: "


def summary_lines(session: Session, answers_tree: Tree) -> list[str]:
    """One line per answer that applies to this chart, whether typed or given."""
    rows = []
    for q in QUESTIONS:
        if q.key in ("name", "config.sources", CHANGES) or not q.applies(session, answers_tree):
            continue
        value = lookup(answers_tree, q.key)
        shown = t("w.on" if value else "w.off") if isinstance(value, bool) else show(q, value)
        rows.append((q.key, shown or t("w.empty")))
    width = max(len(key) for key, _ in rows)
    return [f"  {key:<{width}}  {value}" for key, value in rows]


def file_lines(files: list[str]) -> list[str]:
    return textwrap.wrap("  ".join(sorted(files)), WIDTH, initial_indent="  ", subsequent_indent="  ",
                         break_on_hyphens=False)


# --- the session itself: the only part that reads and prints ----------------------------------


Ask = Callable[[str], str]
Say = Callable[[str], None]


def ask_until_valid(q: Question, session: Session, ask: Ask, say: Say) -> Any:
    if choices(q, session) or q.key == "serverType":
        say(t(f"q.{q.key}") + ":")
        for line in menu(q, session):
            say(line)
    hint = help_line(q, session)
    if hint:
        say(f"  ({hint})")
    shown = show(q, default(q, session))
    while True:
        try:
            return parse(q, ask(prompt(q, shown)), session)
        except AnswerError as problem:
            say(f"  ! {one_line(problem)}")


def check_given(session: Session) -> None:
    """Refuse bad --answers/--set values before any question, not after the last one."""
    if session.name is None:
        return
    with contextlib.suppress(MissingAnswersError):  # the questions are there to fill these
        resolve(session.layers(typed=False), session.source)


def _owner(key: str) -> Question | None:
    """The question to ask again for a refused answer: environments.prod.replicas is a change."""
    if key.startswith("environments."):
        return question(CHANGES)
    return next((q for q in QUESTIONS if key == q.key or key.startswith(q.key + ".")), None)


def resolve_asking_again(session: Session, ask: Ask, say: Say) -> Resolved:
    """Resolve the answers; a rule between answers that fails (a request over its limit)
    is explained and its question asked again, as a single bad answer would be."""
    while True:
        try:
            return resolve(session.layers(), session.source)
        except AnswersError as error:
            found = [_owner(p.key) for p in error.problems]
            owners = [q for q in found if q is not None]
            given_tree = session.given()
            if len(owners) < len(found) or any(lookup(given_tree, q.key) is not None for q in owners):
                # Not something this session may change (--set, an answers file): asking
                # again would loop, since those win over what is typed. Say so and stop.
                raise
            for problem in error.problems:
                say(f"  ! {one_line(problem)}")
            for q in dict.fromkeys(owners):
                record(q, ask_until_valid(q, session, ask, say), session)


def confirm(ask: Ask, say: Say) -> None:
    """Ask to write; "no" ends the session like Ctrl-C (`InterruptError`, nothing written)."""
    while True:
        try:
            if not yes_no("confirm", ask(f"{t('w.confirm')} [{t('w.yes')}]: ") or t("w.yes")):
                raise InterruptError(t("w.cancelled"))
            return
        except AnswerError:
            say(f"  ! {t('w.bad_yes_no')}")


def gather(session: Session, output_dir: Path, force: bool, ask: Ask, say: Say) -> Plan:
    """Ask, summarise, confirm: the plan to write. Ctrl-C and end of input propagate."""
    say(t("w.intro", for_name=t("w.for_name", name=session.name) if session.name else ""))
    check_given(session)
    for q in QUESTIONS:
        if to_ask(q, session):
            record(q, ask_until_valid(q, session, ask, say), session)
        if q.key == "name":
            check_given(session)
            # Before twenty questions, not after: the folder must be free.
            check_target(output_dir / str(session.name), force)
    resolved = resolve_asking_again(session, ask, say)
    plan = plan_chart(resolved, read_config_files(resolved.answers, session.files_base, session.files_confine))
    name = resolved.answers.name
    say("")
    say(f"{t('w.summary')} ({name}):")
    for line in summary_lines(session, to_tree(resolved.answers)):
        say(line)
    say(t("w.files", target=chart_path(output_dir / name)))
    for line in file_lines(list(plan.files)):
        say(line)
    # Warnings (a stock image that answers no HTTP check, say) come before the last word.
    for note in resolved.notes:
        for line in textwrap.wrap(note, WIDTH, initial_indent="  ! ", subsequent_indent="    "):
            say(line)
    confirm(ask, say)
    return plan
