"""Where answers come from, and which source wins: the precedence, stated once.

`PRECEDENCE` lists the layers from the weakest to the strongest (copier's rule: the more
specific and the more recent a source, the more it wins); docs/answers.md prints it.
The first three depend on the name and the server type, so they are found after the
others are merged; mappings merge key by key, everything else is replaced whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import reduce

from mkchart.answers import profiles
from mkchart.answers.model import default_environments
from mkchart.answers.names import NameParts, name_problem, split_name
from mkchart.answers.tree import Only, Tree, deep_merge, to_tree
from mkchart.errors import AnswerError, AnswersError, MissingAnswersError, brief
from mkchart.i18n import t

# (layer, where it comes from), weakest first. The last six are the fields of `Layers`.
PRECEDENCE: tuple[tuple[str, str], ...] = (
    ("model", "the answers' own defaults (the table below)"),
    ("profile", "the server type's profile (`templates/profiles/TYPE.yaml`): image, port, probe "
                "style, config and data paths, resources"),
    ("name", "the name's parts: `book-tomcat-n1` gives `business: book`, `serverType: tomcat`, "
             "`instance: n1`"),
    ("record", "the chart's own record, `.mkchart.yaml`, when regenerating"),
    ("defaults", "the `defaults:` of a services file, in `mkchart batch`"),
    ("file", "an answers file (`--answers FILE`), or one entry of a services file"),
    ("prompt", "the answers typed in an interactive session"),
    ("set", "`--set KEY=VALUE` on the command line (repeatable)"),
    ("name_argument", "the NAME argument of `mkchart new`"),
)


@dataclass(frozen=True)
class Layers:
    """The layers a user gives (the last six of `PRECEDENCE`), each a raw, unvalidated
    answers tree; `name` is the NAME argument."""

    record: Tree = field(default_factory=dict)
    defaults: Tree = field(default_factory=dict)
    file: Tree = field(default_factory=dict)
    prompt: Tree = field(default_factory=dict)
    set: Tree = field(default_factory=dict)
    name: str | None = None

    def given(self) -> Tree:
        """The given layers merged, the weakest first."""
        start: Tree = {}
        merged = reduce(deep_merge, (_exact(self.record), self.defaults, self.file, self.prompt, self.set), start)
        if self.name is not None:
            merged["name"] = self.name
        return merged

    def changes(self) -> Tree:
        """What this run changes on top of a chart's record: every layer above it."""
        return Layers(defaults=self.defaults, file=self.file, prompt=self.prompt, set=self.set,
                      name=self.name).given()


def _exact(record: Tree) -> Tree:
    """A chart's record lists every environment the chart has: exactly those, not the
    seed's four beside them."""
    sections = record.get("environments")
    return {**record, "environments": Only(sections)} if isinstance(sections, Mapping) else record


DEFAULT_ENVIRONMENTS = {name: to_tree(env) for name, env in default_environments().items()}


def name_layer(parts: NameParts) -> Tree:
    """The `name` layer: what the name says."""
    return {"business": parts.business, "instance": parts.instance}


def layered(layers: Layers, source: str | None = None) -> tuple[Tree, list[str]]:
    """Every layer merged into one raw tree, with the name and server type checked, since
    the profile depends on them; returns the tree and notes for the user. The leaves are
    not validated yet: the interactive session reads its defaults from this tree."""
    top = layers.given()
    chosen_name = top.get("name")
    notes: list[str] = []
    if chosen_name is None:
        raise MissingAnswersError(["name"])
    if not isinstance(chosen_name, str):
        raise AnswersError([AnswerError("name", t("e.type", type=t("e.type.str"), value=brief(chosen_name)))],
                           source)
    problem = name_problem(chosen_name)
    if problem:
        raise AnswersError([AnswerError("name", f"{brief(chosen_name)} {problem}", t("e.name.hint"))], source)

    spellings = profiles.type_spellings()
    parts = split_name(chosen_name, spellings)
    server_type = top.get("serverType")
    if server_type is None:
        server_type = parts.server_type or profiles.GENERIC
        if parts.unknown_type:
            notes.append(t("e.generic_note", part=parts.unknown_type, known=", ".join(profiles.all_profiles())))
    if not isinstance(server_type, str) or server_type not in spellings:
        raise AnswersError([AnswerError(
            "serverType", t("e.unknown_type", value=brief(server_type)),
            t("e.unknown_type.hint", known=", ".join(profiles.all_profiles())))], source)
    profile = profiles.get(server_type)
    top["serverType"] = profile.name
    # The workload a type runs as by default is the first it allows (statefulset for mysql).
    # The seed's environments are there to be changed one by one (--set environments.prod.replicas=3).
    defaults = {"workload": profile.chart.workloads[0], "environments": DEFAULT_ENVIRONMENTS, **profile.defaults}
    return deep_merge(deep_merge(defaults, name_layer(parts)), top), notes
