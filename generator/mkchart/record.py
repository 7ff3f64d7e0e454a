"""The chart's record, `.mkchart.yaml`: the answers it was generated from, and hashes.

It holds the answers, the answers-format version, the mkchart version that last changed
the chart, and under `generated:` the sha256 of every file as mkchart rendered it. That
record is how `regen` tells a file the user edited from one they did not touch, and
which files of the stored base (mkchart.basefile) are what mkchart wrote. It holds
hashes of chart files only: no secret ever goes into a chart, so none goes in here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkchart import ANSWERS_FORMAT, __version__, yamlio
from mkchart.answers.model import Answers
from mkchart.answers.resolve import as_written
from mkchart.answers.tree import to_tree
from mkchart.chart.layout import ANSWERS_FILE, BASE_FILE
from mkchart.errors import AnswersFileError, NotAChartError, brief
from mkchart.i18n import t
from mkchart.safeio import is_folder, read_in_chart

HEADER = """\
# mkchart answers for {name}: the chart is generated from these.
# Change an answer here (or with --set) and run `mkchart regen` in this folder;
# your edits to the chart's files are kept. Keys: docs/answers.md. No secrets here.
"""
GENERATED_COMMENT = (
    "generated: sha256 of each file as mkchart rendered it; `mkchart regen` compares\n"
    "them with the files on disk to find your edits. Leave them to mkchart."
)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def hashes(files: Mapping[str, bytes]) -> dict[str, str]:
    """The `generated:` record of `files`: every chart file but mkchart's own two, whose
    content follows from the others (the base is checked file by file against these)."""
    return {path: sha256(content) for path, content in sorted(files.items()) if path not in (ANSWERS_FILE, BASE_FILE)}


DELETED_COMMENT = "deleted: generated files you deleted; regen keeps them deleted."


def dump(answers: Answers, generated: Mapping[str, str] | None = None, deleted: list[str] | None = None) -> bytes:
    """The text of a fresh `.mkchart.yaml` for `answers`.

    Written by the fast emitter (batch runs write hundreds); `rewrite` later edits it
    with ruamel, which keeps this layout and quoting (see `yamlio.styled`).
    """
    return _text(answers.name, __version__, ANSWERS_FORMAT, to_tree(answers), generated or {}, deleted or [])


def _text(name: object, version: object, format_: object, answers: Mapping[str, Any],
          generated: Mapping[str, str], deleted: list[str]) -> bytes:
    head = {"mkchart": {"version": version, "format": format_}, "answers": dict(answers)}
    comment = "".join(f"# {line}\n" for line in GENERATED_COMMENT.splitlines())
    text = (HEADER.format(name=name) + yamlio.dump_plain(head) + comment
            + yamlio.dump_plain({"generated": dict(generated)}))
    if deleted:
        text += f"# {DELETED_COMMENT}\n" + yamlio.dump_plain({"deleted": sorted(deleted)})
    return text.encode("utf-8")


@dataclass
class Recorded:
    """A chart's `.mkchart.yaml` as read (and, if it was older, migrated)."""

    path: Path
    text: bytes
    answers: dict[str, Any]
    generated: dict[str, str]
    format: int
    notes: list[str] = field(default_factory=list)
    _document: Any = None
    deleted: list[str] = field(default_factory=list)
    writer: object = None  # the mkchart version that wrote it
    # Exactly as mkchart wrote it (no comment or layout of the user's to keep), so a
    # rewrite may simply write it fresh: ten times faster than editing it in place.
    pristine: bool = False

    @property
    def document(self) -> Any:
        """The ruamel round-trip mapping: rewriting it keeps the user's comments. Parsed
        only when needed: it costs ten times the plain parse, and most regens (and every
        --check of a current chart) never rewrite the file."""
        if self._document is None:
            self._document = yamlio.load_round_trip(self.text.decode("utf-8"))
        return self._document


def _invalid(path: Path, problem: str, fix: str = "") -> AnswersFileError:
    return AnswersFileError(t("a.problem", path=path, problem=problem), fix or t("a.problem.hint"))


def _safe_relative(key: Any) -> bool:
    if not isinstance(key, str) or not key or key.startswith(("/", "\\")) or "\\" in key:
        return False
    return all(part not in ("", ".", "..") for part in key.split("/"))


def _as_written(raw: bytes) -> dict[str, Any] | None:
    """The record read fast, when it is exactly as mkchart wrote it (the common case);
    None sends it to the full YAML parser."""
    tree = yamlio.load_own(raw.decode("utf-8"))
    if tree is None or not isinstance(tree.get("mkchart"), dict) or not isinstance(tree.get("answers"), dict):
        return None
    head, generated, deleted = tree["mkchart"], tree.get("generated"), tree.get("deleted", [])
    if not isinstance(generated, dict) or not isinstance(deleted, list):
        return None
    again = _text(tree["answers"].get("name"), head.get("version"), head.get("format"), tree["answers"],
                  generated, deleted)
    return tree if again == raw else None


def load(chart_dir: Path) -> Recorded:
    """Read CHART_DIR/.mkchart.yaml, migrating an older format; refuse anything else."""
    path = chart_dir / ANSWERS_FILE
    if not is_folder(chart_dir):
        raise NotAChartError(t("a.no_folder", path=chart_dir), t("a.no_folder.hint"))
    try:
        raw = read_in_chart(chart_dir, ANSWERS_FILE)
    except OSError as exc:
        raise AnswersFileError(t("e.answers.unreadable", path=path, error=exc.strerror),
                               t("a.unreadable.hint")) from None
    if raw is None:
        raise NotAChartError(t("a.missing", path=path, name=chart_dir.resolve().name), t("a.missing.hint"))
    try:
        fast = _as_written(raw)
        document = fast or yamlio.parse(raw.decode("utf-8"), str(path), keep_text=True)
    except UnicodeDecodeError:
        raise _invalid(path, t("a.utf8")) from None
    if not isinstance(document, dict) or not isinstance(document.get("mkchart"), dict):
        raise _invalid(path, t("a.no_section"))
    found = document["mkchart"].get("format")
    if not isinstance(found, int) or isinstance(found, bool) or found < 0:
        raise _invalid(path, t("a.format_type", found=brief(found)))
    if found > ANSWERS_FORMAT:
        raise AnswersFileError(
            t("a.too_new", path=path, found=found, supported=ANSWERS_FORMAT,
              writer=document["mkchart"].get("version", "?")),
            t("a.too_new.hint", version=__version__),
        )
    notes: list[str] = []
    round_trip = None
    if found < ANSWERS_FORMAT:
        from mkchart.migrations import migrate  # only old charts need it (and its ruamel types)

        # Migrate the round-trip document, so the comments survive when it is rewritten,
        # and the one read with its text kept, for the answers as written.
        round_trip = yamlio.load_round_trip(raw.decode("utf-8"))
        notes = migrate(round_trip, found)
        migrate(document, found)
    answers, generated, deleted = _sections(path, document)
    return Recorded(path, raw, answers, generated, found, notes, round_trip, deleted,
                    document["mkchart"].get("version"), pristine=fast is not None)


def _sections(path: Path, document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The record's `answers:`, `generated:` and `deleted:`, each checked for its shape."""
    answers = document.get("answers")
    if not isinstance(answers, dict):
        raise _invalid(path, t("a.answers"))
    generated = document.get("generated")
    if generated is None:
        generated = {}
    if not isinstance(generated, dict) or not all(
        _safe_relative(k) and isinstance(v, str) and len(v) == 64 for k, v in generated.items()
    ):
        raise _invalid(path, t("a.generated"), t("a.generated.hint"))
    deleted = document.get("deleted") or []
    if not isinstance(deleted, list) or not all(_safe_relative(item) for item in deleted):
        raise _invalid(path, t("a.deleted"))
    return as_written(answers), dict(generated), [str(item) for item in deleted]


def _set(target: Any, key: str, value: Any) -> None:
    """target[key] = value, quoted as a fresh file (`dump`) would quote it: ruamel's own
    assignment keeps the old value's quotes, so `cpu: "1"` -> `cpu: "500m"` either way."""
    from ruamel.yaml.compat import ordereddict

    value = yamlio.styled(value)
    if isinstance(target, ordereddict):
        ordereddict.__setitem__(target, key, value)
    else:
        target[key] = value


def _update(target: Any, new: Mapping[str, Any]) -> None:
    """Make round-trip mapping `target` equal `new`, touching only what differs, so the
    comments on unchanged keys (and on changed scalars) stay where the user put them."""
    for key in [k for k in target if k not in new]:
        del target[key]
    for position, (key, value) in enumerate(new.items()):
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _update(target[key], value)
        elif key in target:
            if yamlio.plain(target[key]) != value:
                _set(target, key, value)
        else:
            if hasattr(target, "insert"):
                target.insert(min(position, len(target)), key, yamlio.styled(value))
            else:  # a plain mapping added by a migration: order is all there is to keep
                target[key] = value


def rewrite(recorded: Recorded, answers: Answers, generated: Mapping[str, str], deleted: list[str]) -> bytes:
    """The recorded file with new answers and hashes; the user's comments and the header stay."""
    if recorded.pristine and not recorded.notes:
        return dump(answers, generated, deleted)
    document = recorded.document
    document["mkchart"]["version"] = __version__
    document["mkchart"]["format"] = ANSWERS_FORMAT
    _update(document["answers"], to_tree(answers))
    if "generated" in document and isinstance(document["generated"], dict):
        _update(document["generated"], dict(generated))
    else:
        document["generated"] = dict(generated)
        document.yaml_set_comment_before_after_key("generated", before=GENERATED_COMMENT)
    if deleted:
        if "deleted" not in document:
            document["deleted"] = yamlio.styled(sorted(deleted))
            document.yaml_set_comment_before_after_key("deleted", before=DELETED_COMMENT)
        elif yamlio.plain(document["deleted"]) != sorted(deleted):
            document["deleted"] = yamlio.styled(sorted(deleted))
    elif "deleted" in document:
        del document["deleted"]
    return yamlio.dump_round_trip(document).encode("utf-8")
