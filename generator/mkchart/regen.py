"""`mkchart regen`: bring a chart up to date with its answers, keeping the user's edits.

The previous render is recomputed, not stored: rendering is pure, so rendering the
chart's recorded answers gives the base of a three-way merge (the file on disk is
"yours", the new render is "mkchart's"). `.mkchart.yaml` records the sha256 of each file
as rendered; a file whose hash still matches was not touched and is simply replaced.
When this mkchart renders the old answers differently from the recorded hash (mkchart
was upgraded), that render is only the best base available: untouched files are still
replaced, and edited ones merged against it, with conflict markers wherever unsure.

Config files under files/config/ are inputs, not output: the chart's copies are the
user's files, read as the answers say. Their hash records what mkchart last copied in
from an outside source (batch, `--set config.files=...`), so a new copy from that source
replaces an untouched copy, never an edited one (both changed: conflict markers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mkchart import answersfile, textmerge
from mkchart.answers import deep_merge, resolve, to_tree
from mkchart.follow import follow_defaults
from mkchart.generate import Inputs, Layers, read_config_files, read_layers, recorded_answers
from mkchart.i18n import t
from mkchart.layout import ANSWERS_FILE, CONFIG_FILES_DIR, VALUES_YAML
from mkchart.model import Answers
from mkchart.render import render
from mkchart.valuesmerge import merge_values

# What regen does with one file; the ones in WRITES change the disk.
UNCHANGED, CREATE, UPDATE, MERGE, CONFLICT, REMOVE, KEEP, UNRESOLVED = (
    "unchanged", "create", "update", "merge", "conflict", "remove", "keep", "unresolved")
WRITES = (CREATE, UPDATE, MERGE, CONFLICT, REMOVE)


@dataclass(frozen=True)
class FileChange:
    path: str
    action: str
    before: bytes | None  # the file on disk now
    after: bytes | None  # what regen leaves there (None: no file)
    note: str = ""


@dataclass
class RegenPlan:
    chart: Path
    answers: Answers
    files: list[FileChange]
    notes: list[str] = field(default_factory=list)

    @property
    def writes(self) -> dict[str, bytes | None]:
        return {c.path: c.after for c in self.files if c.action in WRITES}

    @property
    def conflicts(self) -> list[str]:
        return [c.path for c in self.files if c.action in (CONFLICT, UNRESOLVED)]

    @property
    def current(self) -> bool:
        return not self.writes and not self.conflicts


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def _decode(content: bytes) -> str:
    return content.decode("utf-8", "surrogateescape")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _merge(path: str, base: bytes | None, ours: bytes, theirs: bytes) -> tuple[bytes, int]:
    if base is None:
        merged = textmerge.merge2(_decode(ours), _decode(theirs))
    else:
        args = (_decode(base), _decode(ours), _decode(theirs))
        merged = (merge_values(*args) if path == VALUES_YAML else None) or textmerge.merge3(*args)
    return _encode(merged.text), merged.conflicts


def _file_change(path: str, disk: bytes | None, base: bytes | None, theirs: bytes | None,
                 written: str | None) -> FileChange:
    """Decide one generated file. `written` is the hash of what mkchart last rendered for
    it (None: mkchart never wrote it, as far as the record says)."""
    if disk is None:
        if theirs is None:
            return FileChange(path, UNCHANGED, None, None)
        if written is not None:
            return FileChange(path, KEEP, None, None, t("r.note.deleted"))
        return FileChange(path, CREATE, None, theirs)
    touched = written is None or answersfile.sha256(disk) != written
    if theirs is None:
        if touched:
            return FileChange(path, KEEP, disk, disk, t("r.note.kept_edited"))
        return FileChange(path, REMOVE, disk, None, t("r.note.not_generated"))
    if disk == theirs:
        return FileChange(path, UNCHANGED, disk, disk)
    if textmerge.has_markers(_decode(disk)):
        return FileChange(path, UNRESOLVED, disk, disk, t("r.note.markers"))
    if not touched:
        return FileChange(path, UPDATE, disk, theirs)
    note = ""
    known_base = base if written is not None else None
    if base is not None and written is not None and answersfile.sha256(base) != written:
        # mkchart changed since it wrote this file: today's render of the old answers is
        # not what you edited, and merging against it would pass the upgrade off as your
        # edit (and drop it). Without the true base, every difference is shown to you.
        note = t("r.note.old_base")
        known_base = None
    merged, conflicts = _merge(path, known_base, disk, theirs)
    if conflicts:
        marked = t("r.note.conflicts", count=conflicts)
        return FileChange(path, CONFLICT, disk, merged, t("r.note.both", first=marked, second=note) if note else marked)
    return FileChange(path, UNCHANGED if merged == disk else MERGE, disk, merged, note)


def _config_change(path: str, disk: bytes | None, theirs: bytes | None, written: str | None) -> FileChange:
    """Decide one config copy (files/config/NAME). `theirs` is the source's content (the
    copy itself when the chart's copies are the source); `written` the hash of what mkchart
    last copied in, which tells the user's edits to the copy from a changed source."""
    if theirs is None:
        return FileChange(path, REMOVE, disk, None, t("r.note.config_removed"))
    if disk is not None and textmerge.has_markers(_decode(disk)):
        return FileChange(path, UNRESOLVED, disk, disk, t("r.note.markers"))
    if disk == theirs:
        return FileChange(path, UNCHANGED, disk, disk)
    if disk is None:
        return FileChange(path, CREATE, None, theirs, t("r.note.config_copied"))
    if written is not None and answersfile.sha256(disk) == written:
        return FileChange(path, UPDATE, disk, theirs, t("r.note.config_copied"))
    if written is not None and answersfile.sha256(theirs) == written:
        return FileChange(path, KEEP, disk, disk, t("r.note.config_kept"))
    # Both sides changed (or no record says which): nobody knows whose lines win.
    merged, conflicts = _merge(path, None, disk, theirs)
    return FileChange(path, CONFLICT, disk, merged, t("r.note.config_conflicts", count=conflicts))


def plan_regen(chart: Path, answers_file: Path | None = None, sets: tuple[str, ...] = (),
               cwd: Path | None = None) -> RegenPlan:
    """Everything regen would do to CHART; reads only, writes nothing."""
    return plan_regen_layers(chart, read_layers(Inputs(answers_file=answers_file, sets=sets), cwd))


def plan_regen_layers(chart: Path, layers: Layers) -> RegenPlan:
    """`plan_regen` with the changes already read: `mkchart batch` passes each service's
    entry as the file layer, relative config files read from the services file's folder."""
    recorded = answersfile.load(chart)
    source = str(recorded.path)
    old = resolve(None, recorded.answers, None, source).answers
    changes = deep_merge(layers.file_layer, layers.set_layer)
    stored = follow_defaults(old, recorded.answers, changes)
    # The stored answers were validated just above, so a problem here is in the changes.
    resolved = resolve(None, deep_merge(stored, layers.file_layer), layers.set_layer, layers.source or "--set")
    new = resolved.answers
    files_given = "files" in (changes.get("config") or {})
    if files_given:
        config = read_config_files(new, layers.files_base, layers.files_confine)
    else:
        # The paths come from .mkchart.yaml, which a pull request can change: only the
        # chart's own copies may be read, never a file elsewhere on the CI agent.
        config = read_config_files(new, chart, chart / CONFIG_FILES_DIR)

    # Only the config files' names shape the other files, so the base needs no contents.
    base = render(old, {Path(p).name: b"" for p in old.config.files})
    if new == old and set(config) == {Path(p).name for p in old.config.files}:
        # Same answers: the render differs from the base only in the config files'
        # contents, which are copied as they are (the common case of --check in CI).
        theirs = {**base, **{f"{CONFIG_FILES_DIR}/{name}": content for name, content in config.items()}}
    else:
        theirs = render(new, config)
    config_paths = {f"{CONFIG_FILES_DIR}/{Path(p).name}" for p in old.config.files} | {
        f"{CONFIG_FILES_DIR}/{name}" for name in config}
    # A record emptied by a migration: assume the old render is what mkchart wrote.
    record = recorded.generated or answersfile.hashes({p: c for p, c in base.items() if p not in config_paths})

    files: list[FileChange] = []
    for path in sorted(set(base) | set(theirs)):
        disk = _read(chart / path)
        if path in config_paths:
            files.append(_config_change(path, disk, theirs.get(path), record.get(path)))
        else:
            files.append(_file_change(path, disk, base.get(path), theirs.get(path), record.get(path)))

    generated = answersfile.hashes({p: c for p, c in theirs.items() if p not in config_paths or files_given})
    if not files_given:
        # The copies are their own source: their record stays what mkchart last copied in,
        # so editing a copy is neither drift nor a reason to rewrite .mkchart.yaml.
        generated.update({p: recorded.generated[p] for p in config_paths if p in theirs and p in recorded.generated})
        generated = dict(sorted(generated.items()))
    kept_answers = recorded_answers(new, config)
    unchanged_record = (not recorded.notes and generated == recorded.generated
                        and to_tree(kept_answers) == recorded.answers)
    if not unchanged_record or any(c.action in WRITES for c in files):
        after = answersfile.rewrite(recorded, kept_answers, generated)
        if after != recorded.text:
            files.append(FileChange(ANSWERS_FILE, UPDATE, recorded.text, after, t("r.note.record")))
    migrated = [t("r.migrated", source=source, note=note) for note in recorded.notes]
    return RegenPlan(chart, new, files, [*resolved.notes, *migrated])


def apply(plan: RegenPlan) -> None:
    """Write the plan: every file at once, or none (see write.update_files)."""
    from mkchart.write import update_files

    update_files(plan.chart, plan.writes)
