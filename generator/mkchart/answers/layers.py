"""Where answers come from, and which source wins: the precedence, stated once.

From the weakest layer to the strongest (copier's rule: the more specific and the more
recent a source, the more it wins):

1. the model's own defaults (`mkchart.answers.model`);
2. the server-type profile (`templates/profiles/TYPE.yaml`);
3. the name's parts (`book-tomcat-n1`: business `book`, instance `n1`);
4. the chart's record (`.mkchart.yaml`), when regenerating;
5. a services file's `defaults:`, in `mkchart batch`;
6. the answers file (`--answers`), or a services file's entry;
7. the answers typed in an interactive session;
8. `--set KEY=VALUE`;
9. the NAME argument of `mkchart new`.

Layers 1-3 depend on the name and the server type, so they are found after layers 4-9
are merged; mappings merge key by key, everything else is replaced whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce

from mkchart.answers import profiles
from mkchart.answers.names import NameParts, name_problem, split_name
from mkchart.answers.tree import Tree, deep_merge
from mkchart.errors import AnswerError, AnswersError, MissingAnswersError
from mkchart.i18n import t


@dataclass(frozen=True)
class Layers:
    """The layers a user gives (4-9 above), each a raw, unvalidated answers tree."""

    record: Tree = field(default_factory=dict)
    defaults: Tree = field(default_factory=dict)
    file: Tree = field(default_factory=dict)
    prompt: Tree = field(default_factory=dict)
    set: Tree = field(default_factory=dict)
    name: str | None = None

    def given(self) -> Tree:
        """Layers 4-9 merged, the weakest first."""
        start: Tree = {}
        merged = reduce(deep_merge, (self.record, self.defaults, self.file, self.prompt, self.set), start)
        if self.name is not None:
            merged["name"] = self.name
        return merged

    def changes(self) -> Tree:
        """What this run changes on top of a chart's record: layers 5-9."""
        return Layers(defaults=self.defaults, file=self.file, prompt=self.prompt, set=self.set,
                      name=self.name).given()


def name_layer(parts: NameParts) -> Tree:
    """Layer 3: what the name says."""
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
        raise AnswersError([AnswerError("name", t("e.type", type=t("e.type.str"), value=repr(chosen_name)))],
                           source)
    problem = name_problem(chosen_name)
    if problem:
        raise AnswersError([AnswerError("name", f"{chosen_name!r} {problem}", t("e.name.hint"))], source)

    spellings = profiles.type_spellings()
    parts = split_name(chosen_name, spellings)
    server_type = top.get("serverType")
    if server_type is None:
        server_type = parts.server_type or profiles.GENERIC
        if parts.unknown_type:
            notes.append(t("e.generic_note", part=parts.unknown_type, known=", ".join(profiles.all_profiles())))
    if not isinstance(server_type, str) or server_type not in spellings:
        raise AnswersError([AnswerError(
            "serverType", t("e.unknown_type", value=repr(server_type)),
            t("e.unknown_type.hint", known=", ".join(profiles.all_profiles())))], source)
    profile = profiles.get(server_type)
    top["serverType"] = profile.name
    return deep_merge(deep_merge(profile.defaults, name_layer(parts)), top), notes
