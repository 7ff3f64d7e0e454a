"""Upgrading an older `.mkchart.yaml` to the current answers format, one step at a time.

Each format bump adds one function to `MIGRATIONS`: it takes the document of format N
(a ruamel round-trip mapping, edited in place so the user's comments survive) and
returns a note saying what changed, in the user's language (`t()`); the result is
format N + 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ruamel.yaml.comments import CommentedMap

from mkchart import ANSWERS_FORMAT
from mkchart.i18n import t

Migration = Callable[[Any], str]


def _format_0_to_1(document: Any) -> str:
    """Format 0 (mkchart's pre-release charts) said `probe.type` for today's
    `probe.style` and kept no record of the generated files. `document` is the round-trip
    mapping, or the same file read as plain values (record.load migrates both)."""
    answers = document.get("answers")
    # Anything but a mapping is left as it is, for the record's own check to refuse.
    probe = answers.get("probe") if isinstance(answers, dict) else None
    renamed = ""
    if isinstance(probe, CommentedMap) and "type" in probe:
        # Rename in place: the key keeps its position and any comment next to it.
        position = list(probe).index("type")
        probe.insert(position, "style", probe.pop("type"))
        renamed = t("m.0_1.renamed")
    elif isinstance(probe, dict) and "type" in probe:
        probe["style"] = probe.pop("type")
        renamed = t("m.0_1.renamed")
    if "generated" not in document:
        document["generated"] = {}
    return t("m.0_1", renamed=renamed)


def _add_after(mapping: Any, key: str, value: Any, after: str) -> bool:
    """Add `key` to a mapping of the record that lacks it, after `after` where that is
    (a round-trip mapping keeps the user's comments); False when there is nothing to do."""
    if not isinstance(mapping, dict) or key in mapping:
        return False
    if isinstance(mapping, CommentedMap) and after in mapping:
        mapping.insert(list(mapping).index(after) + 1, key, value)
    else:
        mapping[key] = value
    return True


def _answers(document: Any) -> Any:
    answers = document.get("answers")
    return answers if isinstance(answers, dict) else None


def _format_1_to_2(document: Any) -> str:
    """Format 2 added persistence.subPath, whose default for mysql is a folder of the claim
    (`data`). A chart made before keeps its data at the claim's root: its record says so
    explicitly, or the next regen would mount an empty folder over the database."""
    answers = _answers(document)
    persistence = answers.get("persistence") if answers is not None else None
    return t("m.1_2") if _add_after(persistence, "subPath", "", "mountPath") else t("m.1_2.none")


def _format_2_to_3(document: Any) -> str:
    """Format 3 added `workload`, whose default for mysql, redis and zookeeper is a
    StatefulSet. A chart made before runs as a Deployment: its record says so explicitly,
    since a live release cannot turn one into the other in place (the switch is the
    user's, with `mkchart regen --set workload=statefulset` and its migration steps)."""
    added = _add_after(_answers(document), "workload", "deployment", "serverType")
    return t("m.2_3") if added else t("m.1_2.none")


def _format_3_to_4(document: Any) -> str:
    """Format 4 added `networkPolicy` and `podDisruptionBudget`, both on by default. A chart
    made before has a release whose clients no policy names: a policy added by the next
    regen could cut them off (a client in another namespace, a monitoring scraper), so its
    record says off, and the note says how to turn it on once the clients are known. A
    Deployment chart had no PodDisruptionBudget, and may have a templates/pdb.yaml of its
    own: a second budget over the same pods would block every eviction."""
    answers = _answers(document)
    if answers is None:
        return t("m.1_2.none")
    notes = []
    if "networkPolicy" not in answers:
        policy = CommentedMap() if isinstance(answers, CommentedMap) else {}
        policy["enabled"] = False
        _add_after(answers, "networkPolicy", policy, "ingress")
        notes.append(t("m.3_4"))
    # A StatefulSet chart always had its budget (pdb.yaml); it keeps it.
    if answers.get("workload") != "statefulset" and _add_after(answers, "podDisruptionBudget", False, "replicas"):
        notes.append(t("m.3_4.pdb"))
    return "; ".join(notes) or t("m.1_2.none")


# MIGRATIONS[n] turns format n into format n + 1.
MIGRATIONS: dict[int, Migration] = {0: _format_0_to_1, 1: _format_1_to_2, 2: _format_2_to_3, 3: _format_3_to_4}


def migrate(document: Any, found: int) -> list[str]:
    """Bring `document` from format `found` up to ANSWERS_FORMAT; returns the notes."""
    notes = []
    for step in range(found, ANSWERS_FORMAT):
        notes.append(t("m.step", old=step, new=step + 1, what=MIGRATIONS[step](document)))
    document.setdefault("mkchart", {})["format"] = ANSWERS_FORMAT
    return notes
