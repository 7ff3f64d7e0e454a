"""The chart's own answers file, `.mkchart.yaml`: what it was generated from."""

from __future__ import annotations

from typing import Any

from mkchart import ANSWERS_FORMAT, __version__, yamlio
from mkchart.answers import to_tree
from mkchart.model import Answers

HEADER = """\
# mkchart answers for {name}: the chart is generated from these.
# Change an answer here (or with --set) and run `mkchart regen` in this folder;
# your edits to the chart's files are kept. Keys: docs/answers.md. No secrets here.
"""


def dump(answers: Answers, extra: dict[str, Any] | None = None) -> bytes:
    """The text of `.mkchart.yaml` for `answers`."""
    document: dict[str, Any] = {
        "mkchart": {"version": __version__, "format": ANSWERS_FORMAT},
        "answers": to_tree(answers),
    }
    if extra:
        document.update(extra)
    text = HEADER.format(name=answers.name) + yamlio.dump_plain(document)
    return text.encode("utf-8")
