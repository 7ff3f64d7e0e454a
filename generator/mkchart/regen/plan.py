"""What regen would do to one chart, file by file; reads only, writes nothing.

A three-way merge: the file on disk is "yours", the new render is "mkchart's", and the
base is the file as mkchart last wrote it. `.mkchart.yaml` records the sha256 of each
file as written; a file whose hash still matches was not touched and is simply replaced.
For an edited file the base is whichever of these gives exactly the recorded hash:
the chart's stored base (`.mkchart/base.gz`, mkchart.basefile), the render of the
recorded answers (the same while mkchart is), or an earlier release's templates
(chart.releases: charts from 0.1.0, which kept no base). Failing all three, today's
render of the old answers is only the best base available: the file is merged against
it with conflict markers wherever unsure, and the chart gets a note saying so once.
regen writes the stored base anew with every change, in the same transaction.

Config files under files/config/ are inputs, not output: the chart's copies are the
user's files, read as the answers say. Their hash records what mkchart last copied in
from an outside source (batch, `--set config.files=...`), so a new copy from that source
replaces an untouched copy, never an edited one (both changed: conflict markers).
They are not in the stored base.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mkchart import basefile, record, yamlio
from mkchart.answers.layers import Layers
from mkchart.answers.model import WORKLOADS, Answers
from mkchart.answers.rebase import rebase
from mkchart.answers.resolve import Resolved, resolve
from mkchart.answers.tree import to_tree
from mkchart.chart import valuesschema
from mkchart.chart import version as chart_version
from mkchart.chart.context import INITIAL_VERSION, profile_files
from mkchart.chart.layout import (
    ANSWERS_FILE,
    BASE_FILE,
    CHART_YAML,
    CONFIG_FILES_DIR,
    README_FILE,
    SCHEMA_FILE,
    SKELETON_FILES,
    VALUES_YAML,
    config_copy,
    config_name,
    is_values_file,
    workload_file,
)
from mkchart.chart.releases import release_renders
from mkchart.chart.render import Rendered, move_pod_template, render
from mkchart.errors import ChartVersionError, MkchartError
from mkchart.i18n import t
from mkchart.inputs import Given, Inputs, read_chart_copies, read_config_files, read_inputs
from mkchart.new import recorded_answers
from mkchart.outcomes import ChartOutcome, Status, Word
from mkchart.regen import textmerge
from mkchart.regen.live import live_warnings
from mkchart.regen.valuesmerge import merge_values
from mkchart.safeio import is_folder, read_in_chart
from mkchart.write import chart_lock, leftovers, recover, update_files


class Action(Word):
    """What regen does with one file; the words stay English (scripts parse them)."""

    UNCHANGED = "unchanged"
    CREATE = "create"
    UPDATE = "update"
    MERGE = "merge"
    CONFLICT = "conflict"
    REMOVE = "remove"
    KEEP = "keep"
    UNRESOLVED = "unresolved"

    @property
    def writes(self) -> bool:
        """Whether the action changes the disk."""
        return self in _WRITES


_WRITES = frozenset({Action.CREATE, Action.UPDATE, Action.MERGE, Action.CONFLICT, Action.REMOVE})


@dataclass(frozen=True)
class FileChange:
    path: str
    action: Action
    before: bytes | None  # the file on disk now
    after: bytes | None  # what regen leaves there (None: no file)
    note: str = ""


class ChangeSet:
    """What a plan of file changes tells (a chart's regen, the namespaces chart's update):
    its writes, its conflicts and its outcome."""

    chart: Path
    files: list[FileChange]
    notes: list[str]
    warnings: list[str]  # what the user must do by hand

    @property
    def name(self) -> str:
        """The chart's name, as outcomes and summaries name it."""
        raise NotImplementedError

    @property
    def writes(self) -> dict[str, bytes | None]:
        return {c.path: c.after for c in self.files if c.action.writes}

    @property
    def conflicts(self) -> list[str]:
        return [c.path for c in self.files if c.action in (Action.CONFLICT, Action.UNRESOLVED)]

    @property
    def current(self) -> bool:
        return not self.writes and not self.conflicts

    def outcome(self, written: bool) -> ChartOutcome:
        """The outcome of regenerating (written) or checking (not written) the chart."""
        if self.conflicts:
            status = Status.CONFLICTED
        elif self.current:
            status = Status.UNCHANGED
        else:
            status = Status.UPDATED if written else Status.DRIFT
        return ChartOutcome(
            name=self.name, path=str(self.chart), status=status,
            written=sorted(self.writes) if written else [], pending=[] if written else sorted(self.writes),
            merged=[c.path for c in self.files if c.action == Action.MERGE],
            conflicts=list(self.conflicts), notes=list(self.notes), warnings=list(self.warnings),
        )


@dataclass
class RegenPlan(ChangeSet):
    chart: Path
    answers: Answers
    files: list[FileChange]
    notes: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)  # what an interrupted regen left
    warnings: list[str] = field(default_factory=list)  # what the user must do by hand
    bump: tuple[str, str] | None = None  # Chart.yaml's version before and after, when regen bumps it

    @property
    def name(self) -> str:
        return self.answers.name


# --- one file ---------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    return content.decode("utf-8", "surrogateescape")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _merge(path: str, base: bytes | None, ours: bytes, theirs: bytes) -> tuple[bytes, int]:
    if base is None:
        merged = textmerge.merge2(_decode(ours), _decode(theirs))
    else:
        args = (_decode(base), _decode(ours), _decode(theirs))
        merged = (merge_values(*args) if is_values_file(path) else None) or textmerge.merge3(*args)
    return _encode(merged.text), merged.conflicts


def _leaves(tree: Any, prefix: str = "") -> set[str]:
    if not isinstance(tree, dict):
        return {prefix.rstrip(".")} if prefix else set()
    return {leaf for key, value in tree.items() for leaf in _leaves(value, f"{prefix}{key}.")}


def _missing_values(disk: bytes, theirs: bytes) -> list[str]:
    """The values mkchart's values-ENV.yaml sets that the user's own lacks (its host, its
    pod label): said, since an environment without its own host collides with another's."""
    try:
        mine, yours = yamlio.parse(_decode(theirs), "values"), yamlio.parse(_decode(disk), "values")
    except MkchartError:
        return []
    return sorted(_leaves(mine) - _leaves(yours))


# Files a chart commonly has of its own, which mkchart began to write after 0.1.0.
_OWN_FILES = (README_FILE, SCHEMA_FILE)


def _yours_first(path: str) -> bool:
    """Whether a chart may hold its own `path` from before mkchart wrote one."""
    return (is_values_file(path) and path != VALUES_YAML) or path in _OWN_FILES


def _kept_yours(path: str, disk: bytes, theirs: bytes) -> FileChange:
    """A file the user wrote before mkchart wrote one. A values-ENV.yaml (the docs said to
    write one) stays as it is and from now on counts as an edit of mkchart's, merged as
    such; a README.md or values.schema.json stays theirs (plan_regen_given records it not)."""
    if not is_values_file(path):
        return FileChange(path, Action.KEEP, disk, disk, t("r.note.own_file"))
    missing = _missing_values(disk, theirs)
    return FileChange(path, Action.KEEP, disk, disk, t("r.note.values_yours_missing", keys=", ".join(missing))
                      if missing else t("r.note.values_yours"))


def decide_file(path: str, disk: bytes | None, base: bytes | None, theirs: bytes | None,
                written: str | None, deleted: bool = False) -> FileChange:
    """Decide one generated file. `written` is the hash of what mkchart last rendered for
    it (None: mkchart never wrote it, as far as the record says); `deleted` whether the
    record says the user deleted it."""
    if disk is None:
        if theirs is None:
            return FileChange(path, Action.UNCHANGED, None, None)
        if written is not None:
            # Missing: kept deleted, and recorded so (until then, --check calls it drift).
            return FileChange(path, Action.KEEP, None, None, t("r.note.deleted" if deleted else "r.note.missing"))
        return FileChange(path, Action.CREATE, None, theirs)
    touched = written is None or record.sha256(disk) != written
    if theirs is not None and written is None and disk != theirs and _yours_first(path):
        return _kept_yours(path, disk, theirs)
    if theirs is None:
        if touched:
            return FileChange(path, Action.KEEP, disk, disk, t("r.note.kept_edited"))
        return FileChange(path, Action.REMOVE, disk, None, t("r.note.not_generated"))
    if disk == theirs:
        return FileChange(path, Action.UNCHANGED, disk, disk)
    if textmerge.has_markers(_decode(disk)):
        return FileChange(path, Action.UNRESOLVED, disk, disk, t("r.note.markers"))
    if not touched:
        return FileChange(path, Action.UPDATE, disk, theirs)
    note = ""
    known_base = base if written is not None else None
    if base is not None and written is not None and record.sha256(base) != written:
        # No copy of what mkchart wrote was found (neither stored nor rebuilt): the render of
        # the old answers is not what you edited, and merging against it would pass mkchart's
        # change off as your edit (and drop it). Without the true base, every difference is
        # shown to you.
        note = t("r.note.old_base")
        known_base = None
    merged, conflicts = _merge(path, known_base, disk, theirs)
    if conflicts:
        marked = t("r.note.conflicts", count=conflicts)
        return FileChange(path, Action.CONFLICT, disk, merged,
                          t("r.note.both", first=marked, second=note) if note else marked)
    return FileChange(path, Action.UNCHANGED if merged == disk else Action.MERGE, disk, merged, note)


def decide_config_copy(path: str, disk: bytes | None, theirs: bytes | None, written: str | None) -> FileChange:
    """Decide one config copy (files/config/NAME). `theirs` is the source's content (the
    copy itself when the chart's copies are the source); `written` the hash of what mkchart
    last copied in, which tells the user's edits to the copy from a changed source."""
    if theirs is None:
        if disk is None:
            return FileChange(path, Action.UNCHANGED, None, None)
        if written is None or record.sha256(disk) != written:
            # Your edit (or a copy no record vouches for) is never dropped silently: it
            # stays, still mounted, until you decide.
            return FileChange(path, Action.UNRESOLVED, disk, disk, t("r.note.config_dropped_edited"))
        return FileChange(path, Action.REMOVE, disk, None, t("r.note.config_removed"))
    if disk is not None and textmerge.has_markers(_decode(disk)):
        return FileChange(path, Action.UNRESOLVED, disk, disk, t("r.note.markers"))
    if disk == theirs:
        return FileChange(path, Action.UNCHANGED, disk, disk)
    if disk is None:
        return FileChange(path, Action.CREATE, None, theirs, t("r.note.config_copied"))
    if written is not None and record.sha256(disk) == written:
        return FileChange(path, Action.UPDATE, disk, theirs, t("r.note.config_copied"))
    if written is not None and record.sha256(theirs) == written:
        return FileChange(path, Action.KEEP, disk, disk, t("r.note.config_kept"))
    # Both sides changed (or no record says which): nobody knows whose lines win.
    merged, conflicts = _merge(path, None, disk, theirs)
    return FileChange(path, Action.CONFLICT, disk, merged, t("r.note.config_conflicts", count=conflicts))


# --- the whole chart, step by step -------------------------------------------------------


@dataclass(frozen=True)
class _Answers:
    """Step 1: the recorded answers (the base) and the new ones."""

    recorded: record.Recorded
    old: Answers
    new: Resolved
    files_given: bool  # this run names the config files (else the chart's copies are read)


def _answers(chart: Path, given: Given) -> _Answers:
    recorded = record.load(chart)
    # Leniently: a chart written before a rule existed must still regenerate (its old
    # answers are the merge's base), and the --set that fixes it must be taken.
    old = resolve(Layers(record=recorded.answers), str(recorded.path), lenient=True).answers
    changes = given.layers.changes()
    stored = rebase(old, recorded.answers, changes)
    # A problem here is in the changes, or in a recorded answer a newer rule refuses.
    layers = Layers(record=stored, defaults=given.layers.defaults, file=given.layers.file,
                    prompt=given.layers.prompt, set=given.layers.set)
    # Named for what the user can change: the --set or answers file given, else the record.
    new = resolve(layers, given.source or ("--set" if changes else str(recorded.path)))
    return _Answers(recorded, old, new, "files" in (changes.get("config") or {}))


def _config(chart: Path, given: Given, answers: _Answers) -> dict[str, bytes]:
    """Step 2: the config files' contents, from where this run may read them."""
    if answers.files_given:
        return read_config_files(answers.new.answers, given.files_base, given.files_confine)
    # The paths come from .mkchart.yaml, which a pull request can change: only the
    # chart's own copies may be read, never a file elsewhere on the CI agent.
    return read_chart_copies(answers.new.answers, chart)


def _base(answers: _Answers, carried_version: str) -> Rendered:
    """The render of the old answers. Only the config files' names shape the other files,
    so it needs no contents."""
    return render(answers.old, {config_name(p): b"" for p in answers.old.config.files}, carried_version)


@dataclass
class _Base:
    """The base of the merge, per file: exact (its sha256 is the recorded one) unless listed."""

    files: Rendered
    release: str = ""  # an earlier release whose templates gave an edited file's base
    inexact: list[str] = field(default_factory=list)  # edited files with no exact base

    def notes(self, chart: str) -> list[str]:
        """Said once per chart, and only when the base was not the chart's own copy."""
        notes = [t("r.base.release", chart=chart, version=self.release, base=BASE_FILE)] if self.release else []
        if self.inexact:
            notes.append(t("r.base.today", chart=chart, files=", ".join(self.inexact), base=BASE_FILE))
        return notes


def _as_written(answers: _Answers, base: Rendered, recorded: dict[str, str], stored: Rendered,
                edited: set[str]) -> _Base:
    """The base of each edited file as mkchart wrote it: the stored base's verified copy
    (`stored`), else `base` (this mkchart's render of the old answers) when that still
    gives the recorded hash, else an earlier release's render where that does."""
    exact = {**base, **stored}
    stale = {path for path, content in exact.items()
             if path in recorded and path in edited and record.sha256(content) != recorded[path]}
    found = _Base(exact)
    if not stale:
        return found
    for version, earlier in release_renders(answers.old, [config_name(p) for p in answers.old.config.files]):
        for path in sorted(stale):
            if path in earlier and record.sha256(earlier[path]) == recorded[path]:
                exact[path] = earlier[path]
                stale.discard(path)
                found.release = found.release or version
        if not stale:
            break
    found.inexact = sorted(stale)
    return found


def _verified(stored: basefile.Stored, recorded: dict[str, str], edited: set[str]) -> Rendered:
    """The stored base's copies of the edited files that are what mkchart wrote (sha256)."""
    if not edited or stored.raw is None:
        return {}
    return {path: content for path, content in stored.files.items()
            if path in edited and path in recorded and record.sha256(content) == recorded[path]}


def _base_change(stored: basefile.Stored, theirs: Rendered, config_paths: set[str], recorded: dict[str, str],
                 generated: dict[str, str]) -> FileChange | None:
    """Step 6: the stored base, when what it must hold changed: every file mkchart renders
    this time (the user's config copies are theirs, not in it)."""
    files = {path: content for path, content in theirs.items() if path not in config_paths}
    if stored.raw is not None and {p: h for p, h in recorded.items() if p in files} == {
            p: h for p, h in generated.items() if p in files} and stored.files == files:
        return None
    after = basefile.encode(files)
    if after == stored.raw:
        return None
    action = Action.CREATE if stored.raw is None else Action.UPDATE
    return FileChange(BASE_FILE, action, stored.raw, after, t("r.note.base"))


def _theirs(answers: _Answers, config: dict[str, bytes], carried_version: str) -> tuple[Rendered, Rendered | None]:
    """Step 3: the new answers' render, and the base when it came for free."""
    old, new = answers.old, answers.new.answers
    if new == old and set(config) == {config_name(p) for p in old.config.files}:
        # Same answers: the render differs from the base only in the config files'
        # contents, which are copied as they are (the common case of --check in CI).
        base = _base(answers, carried_version)
        return {**base, **{config_copy(name): content for name, content in config.items()}}, base
    return render(new, config, carried_version), None


def _written_version(chart: Path, stored: basefile.Stored, recorded: dict[str, str]) -> str:
    """The version in Chart.yaml as mkchart last wrote it, which the render carries over so
    that a regen that changes nothing else changes no version: the file's own when it is
    untouched (the common case: the stored base is not inflated), else the stored base's
    verified copy; charts written before regen bumped versions all said 0.1.0."""
    disk = read_in_chart(chart, CHART_YAML)
    written = recorded.get(CHART_YAML)
    if disk is None or written is None or record.sha256(disk) != written:
        disk = stored.files.get(CHART_YAML)
        if disk is None or written is None or record.sha256(disk) != written:
            return INITIAL_VERSION
    found = chart_version.read(disk)
    return found if found is not None and chart_version.is_semver(found) else INITIAL_VERSION


def _bump(files: list[FileChange], theirs: Rendered, written_version: str, kind: str,
          ) -> tuple[list[FileChange], Rendered, tuple[str, str] | None]:
    """Step 4b: the chart's output changes, so its version moves: from the one in Chart.yaml
    on disk (a version set by hand is bumped from), in the file regen leaves and in the
    render the stored base and the record keep (so the next regen starts from it). A
    Chart.yaml deleted, or still holding conflict markers, is left as it is."""
    at = next((i for i, c in enumerate(files) if c.path == CHART_YAML), None)
    if kind == "none" or at is None or CHART_YAML not in theirs:
        return files, theirs, None
    change = files[at]
    if change.after is None or change.action in (Action.UNRESOLVED, Action.KEEP):
        return files, theirs, None
    current = chart_version.read(change.before) if change.before is not None else written_version
    if current is None or not chart_version.is_semver(current):
        raise ChartVersionError(t("r.version_bad", file=CHART_YAML, found=current or "-"),
                                t("r.version_bad.hint", file=CHART_YAML))
    new = chart_version.bumped(current, kind)
    theirs = {**theirs, CHART_YAML: chart_version.with_version(theirs[CHART_YAML], new)}
    after = chart_version.with_version(change.after, new)
    action = change.action
    if action in (Action.UNCHANGED, Action.UPDATE, Action.CREATE):
        untouched = after == theirs[CHART_YAML]
        action = Action.CREATE if change.before is None else Action.UPDATE if untouched else Action.MERGE
    note = t("r.note.version", old=current, new=new)
    files = [*files[:at], FileChange(CHART_YAML, action, change.before, after,
                                     t("r.note.both", first=change.note, second=note) if change.note else note),
             *files[at + 1:]]
    return files, theirs, (current, new)


def _record_change(answers: _Answers, config: dict[str, bytes], rendered: dict[str, str], config_paths: set[str],
                   changes: list[FileChange]) -> FileChange | None:
    """Step 5: the new `.mkchart.yaml`, when anything it records changes; `rendered` holds
    the hash of every file of the new render."""
    recorded = answers.recorded
    generated = {p: h for p, h in rendered.items() if p not in config_paths or answers.files_given}
    if not answers.files_given:
        # The copies are their own source: their record stays what mkchart last copied in,
        # so editing a copy is neither drift nor a reason to rewrite .mkchart.yaml.
        generated.update({p: recorded.generated[p] for p in config_paths if p in rendered and p in recorded.generated})
    # A dropped copy kept for its edits keeps its record, so the edit stays recognised.
    generated.update({c.path: recorded.generated[c.path] for c in changes
                      if c.path in config_paths and c.path not in rendered and c.after is not None
                      and c.path in recorded.generated})
    generated = dict(sorted(generated.items()))
    kept_answers = recorded_answers(answers.new.answers, config)
    deleted = sorted(c.path for c in changes if c.action == Action.KEEP and c.before is None)
    unchanged_record = (not recorded.notes and generated == recorded.generated and deleted == recorded.deleted
                        and to_tree(kept_answers) == recorded.answers)
    if unchanged_record and not any(c.action.writes for c in changes):
        return None
    after = record.rewrite(recorded, kept_answers, generated, deleted)
    if after == recorded.text:
        return None
    return FileChange(ANSWERS_FILE, Action.UPDATE, recorded.text, after, t("r.note.record"))


def _config_paths(answers: _Answers, config: dict[str, bytes]) -> set[str]:
    """The user's config copies under files/config/: those the answers name, and those
    mkchart copied in before; not the profile's own files there (tomcat's server.xml),
    which are rendered output, merged like any template unless a user's file replaces one."""
    users = {config_name(p) for p in answers.old.config.files} | set(config)
    profiles_own = {config_copy(name) for answers_, names in ((answers.old, users), (answers.new.answers, users))
                    for name in profile_files(answers_, sorted(names))}
    recorded = {p for p in answers.recorded.generated if p.startswith(CONFIG_FILES_DIR + "/")}
    return {config_copy(name) for name in users} | (recorded - profiles_own)


def _moved(change: FileChange, path: str, old_path: str) -> FileChange:
    """The decision on the old workload's file, made for the new one: the user's edits
    carried to `path` (which does not exist yet)."""
    note = t("r.note.moved", old=old_path)
    action = change.action if change.action in (Action.CONFLICT, Action.MERGE) else Action.CREATE
    return FileChange(path, action, None, change.after,
                      t("r.note.both", first=change.note, second=note) if change.note else note)


def _written_workload(answers: _Answers) -> str:
    """The workload the chart's files were last written for: the one whose template the
    record lists. A `workload:` edited in .mkchart.yaml says what the user wants next,
    not what the chart (and the release installed from it) runs as."""
    written = [kind for kind in WORKLOADS if workload_file(kind) in answers.recorded.generated]
    return written[0] if len(written) == 1 else answers.old.workload


def _workload_files(answers: _Answers, disks: dict[str, bytes | None], recorded: dict[str, str],
                    base: Rendered, theirs: Rendered, config_paths: set[str]) -> list[FileChange]:
    """A workload switched (deployment to statefulset): the old kind's template goes, and
    the edits made in it are merged into the new kind's, as a renamed file (most of the two
    is the same pod template)."""
    written, wanted = _written_workload(answers), answers.new.answers.workload
    old_path, new_path = workload_file(written), workload_file(wanted)
    disk = disks.get(old_path)
    if old_path == new_path or disk is None or new_path in config_paths or disks.get(new_path) is not None:
        return []
    if recorded.get(old_path) is None or record.sha256(disk) == recorded[old_path]:
        return []  # untouched: removed and created like any file
    if textmerge.has_markers(_decode(disk)):
        return []  # its conflicts are settled first, where they are
    # A CronJob's pod template sits deeper than a Deployment's: the edits move with it.
    moved_disk = _encode(move_pod_template(_decode(disk), written, wanted))
    moved_base, as_written = base.get(old_path), recorded[old_path]
    if moved_base is not None and record.sha256(moved_base) == as_written:
        # Moved too, the base still stands for what mkchart wrote: it is known by its new hash.
        moved_base = _encode(move_pod_template(_decode(moved_base), written, wanted))
        as_written = record.sha256(moved_base)
    carried = decide_file(new_path, moved_disk, moved_base, theirs[new_path], as_written)
    return [_moved(carried, new_path, old_path),
            FileChange(old_path, Action.REMOVE, disk, None, t("r.note.moved_to", new=new_path))]


def _one_workload(files: list[FileChange], workload: str) -> list[FileChange]:
    """Another workload's template left on disk because it was edited would make Helm run
    two workloads on one data folder: it is never kept silently, but marked for the user."""
    current = workload_file(workload)
    others = {workload_file(kind) for kind in WORKLOADS} - {current}
    return [FileChange(c.path, Action.UNRESOLVED, c.before, c.before, t("r.note.second_workload", new=current))
            if c.path in others and c.action == Action.KEEP and c.before is not None else c for c in files]


def check_regen(chart: Path, given: Given) -> None:
    """Raise whatever planning CHART's regeneration would raise, at a fraction of its cost
    (no render, no merge): the record, the answers, the config files, and every file of
    the chart mkchart would read, each a regular file reached without a symbolic link.
    `mkchart batch` checks every existing chart this way before it writes any."""
    answers = _answers(chart, given)
    _config(chart, given, answers)
    for path in sorted(set(answers.recorded.generated) | {*SKELETON_FILES, BASE_FILE}):
        read_in_chart(chart, path)


def plan_regen(chart: Path, answers_file: Path | None = None, sets: tuple[str, ...] = (),
               cwd: Path | None = None, bump: str = chart_version.DEFAULT_BUMP) -> RegenPlan:
    """Everything regen would do to CHART with these inputs; reads only, writes nothing.
    `bump` is how Chart.yaml's version moves when the chart changes (version.BUMPS)."""
    return plan_regen_given(chart, read_inputs(Inputs(answers_file=answers_file, sets=sets), cwd), bump)


def _edited_values(files: list[FileChange], theirs: Rendered) -> dict[str, Any]:
    """The values files the user edited (regen leaves them other than mkchart renders
    them), each read as Helm reads it (YAML 1.1's scalars); a file mkchart renders holds
    only what its schema takes, so a fleet's regen --check reads none."""
    found = {}
    for change in files:
        if is_values_file(change.path) and change.after is not None and change.after != theirs.get(change.path):
            try:
                found[change.path] = yamlio.parse_as_helm(_decode(change.after), change.path)
            except MkchartError:
                continue  # a values file beyond reading fails Helm on its own
    return found


def _schema_for_your_values(files: list[FileChange], edited: dict[str, Any]) -> list[FileChange]:
    """The schema regen writes, held against the values files the user edited: a key they
    added by hand to values.yaml (or a values-ENV.yaml) is allowed in the schema, as if
    added there by hand too, rather than failing every `helm lint` and install."""
    schema = next((c for c in files if c.path == SCHEMA_FILE), None)
    if schema is None or schema.after is None or schema.action in (Action.CONFLICT, Action.UNRESOLVED, Action.KEEP):
        return files
    text, allowed = valuesschema.allow_values(_decode(schema.after), list(edited.values()))
    if not allowed:
        return files
    after = _encode(text)
    action = Action.UNCHANGED if after == schema.before else (Action.CREATE if schema.before is None else Action.MERGE)
    note = t("r.note.schema_yours", keys=", ".join(allowed))
    return [replace(c, action=action, after=after, note=note) if c is schema else c for c in files]


def _values_warnings(name: str, files: list[FileChange], edited: dict[str, Any]) -> list[str]:
    """Values the user edited by hand that the chart's schema refuses: regen keeps them, and
    says so, since Helm refuses the chart with them."""
    schema_change = next((c for c in files if c.path == SCHEMA_FILE), None)
    if not edited or schema_change is None or schema_change.after is None or schema_change.action is Action.KEEP:
        return []  # nothing edited, or a schema of the user's own
    try:
        schema = json.loads(_decode(schema_change.after))
    except ValueError:
        return []  # the user's own text
    if not valuesschema.checkable(schema):
        return []  # keywords mkchart does not check with (a hand-added patternProperties)
    values = next((c for c in files if c.path == VALUES_YAML), None)
    base = edited[VALUES_YAML] if VALUES_YAML in edited else _as_helm(values)
    found = []
    for path, tree in edited.items():
        if not isinstance(tree, dict) or not isinstance(base, dict):
            continue
        held = tree if path == VALUES_YAML else valuesschema.merged(base, tree)
        problem = valuesschema.problem(schema, held)
        if problem:
            found.append(t("r.warn.values_schema", chart=name, file=path, problem=problem))
    return found


def _as_helm(change: FileChange | None) -> Any:
    """values.yaml as regen leaves it, read as Helm reads it (mkchart's own render: the
    one-pass reader reads it)."""
    if change is None or change.after is None:
        return None
    text = _decode(change.after)
    try:
        return yamlio.load_values(text) or yamlio.parse_as_helm(text, change.path)
    except MkchartError:
        return None


def _edited(disks: dict[str, bytes | None], recorded: dict[str, str], config_paths: set[str]) -> set[str]:
    """The generated files on disk that differ from what the record says mkchart wrote."""
    return {path for path, disk in disks.items()
            if path not in config_paths and disk is not None and record.sha256(disk) != recorded.get(path)}


def plan_regen_given(chart: Path, given: Given, bump: str = chart_version.DEFAULT_BUMP) -> RegenPlan:
    """`plan_regen` with the changes already read: `mkchart batch` passes each service's
    entry as the file layer, relative config files read from the services file's folder."""
    answers = _answers(chart, given)
    config = _config(chart, given, answers)
    stored = basefile.load(chart)
    recorded = answers.recorded.generated
    written_version = _written_version(chart, stored, recorded)
    theirs, base = _theirs(answers, config, written_version)
    config_paths = _config_paths(answers, config)
    paths = set(recorded) | set(theirs) | config_paths
    disks = {path: read_in_chart(chart, path) for path in sorted(paths)}
    # The base matters only for a file the user edited (to merge it), and when a record
    # emptied by a migration must be rebuilt from it. The stored base gives it as written;
    # the old answers are rendered only for what it does not hold (an untouched fleet, or
    # one with a stored base, renders once).
    edited = _edited(disks, recorded, config_paths)
    kept = _verified(stored, recorded, edited)
    if base is None and (not recorded or edited - set(kept)):
        base = _base(answers, written_version)
    if not recorded:  # assume the old render is what mkchart wrote
        recorded = record.hashes({p: c for p, c in (base or {}).items() if p not in config_paths})
    merge_base = _as_written(answers, base or {}, recorded, kept, edited)
    for path in set(merge_base.files) - paths:
        disks[path] = read_in_chart(chart, path)

    # Step 4: every file, decided; what an interrupted regen left counts as drift.
    left = leftovers(chart)
    files = [FileChange(path, Action.REMOVE, None, None, t("r.note.leftover")) for path in left]
    deleted = set(answers.recorded.deleted)
    moved = _workload_files(answers, disks, recorded, merge_base.files, theirs, config_paths)
    files += moved
    for path in sorted(set(disks) - {change.path for change in moved}):
        disk = disks[path]
        if path in config_paths:
            files.append(decide_config_copy(path, disk, theirs.get(path), recorded.get(path)))
        else:
            files.append(decide_file(path, disk, merge_base.files.get(path), theirs.get(path), recorded.get(path),
                                     path in deleted))
    files = _one_workload(files, answers.new.answers.workload)
    edited_values = _edited_values(files, theirs)
    files = _schema_for_your_values(files, edited_values)
    # What a chart repository would get differently: any file of the chart (not mkchart's
    # record, its stored base, or what an interrupted run left) written otherwise.
    bumped = None
    if any(c.action.writes and c.path not in (ANSWERS_FILE, BASE_FILE, *left) for c in files):
        files, theirs, bumped = _bump(files, theirs, written_version, bump)
    # A README or schema of the user's own stays theirs: unrecorded, it is kept as it is by
    # every regen (never merged with mkchart's, a whole-file conflict), until they delete it.
    own = {c.path for c in files if c.action is Action.KEEP and c.after is not None and c.path in _OWN_FILES
           and recorded.get(c.path) is None}
    generated = record.hashes({path: content for path, content in theirs.items() if path not in own})
    base_change = _base_change(stored, theirs, config_paths, answers.recorded.generated, generated)
    record_change = _record_change(answers, config, generated, config_paths, files)
    files += [change for change in (base_change, record_change) if change is not None]
    migrated = [t("r.migrated", source=answers.recorded.path, note=note) for note in answers.recorded.notes]
    name = answers.new.answers.name  # as the summary line names the chart
    damaged = [t("r.base.damaged", chart=name, base=BASE_FILE, reason=stored.damage)] if stored.damage else []
    return RegenPlan(chart, answers.new.answers, files,
                     [*answers.new.notes, *migrated, *damaged, *merge_base.notes(name)], left,
                     [*live_warnings(replace(answers.old, workload=_written_workload(answers)), answers.new.answers),
                      *_values_warnings(name, files, edited_values)],
                     bumped)


def apply(plan: RegenPlan) -> None:
    """Write the plan: every file at once, or none (see write.update_files); a file that
    changed since it was planned stops it (`ChartChangedError`)."""
    expected = {c.path: c.before for c in plan.files if c.action.writes}
    update_files(plan.chart, plan.writes, expected)


def regenerate(chart: Path, given: Given, write: bool = True, bump: str = chart_version.DEFAULT_BUMP) -> RegenPlan:
    """Plan CHART's regeneration under its lock, and with `write` apply it, after
    finishing whatever an interrupted regen left (without `write`, that is drift)."""
    if not is_folder(chart):
        return plan_regen_given(chart, given, bump)  # refused there, with the message for it
    with chart_lock(chart, shared=not write):
        completed = recover(chart) if write else []
        plan = plan_regen_given(chart, given, bump)
        if completed:
            plan.notes.append(t("j.recovered", count=len(completed)))
        if write and plan.writes:
            apply(plan)
        return plan


def regen_chart(chart: Path, answers_file: Path | None = None, sets: tuple[str, ...] = (),
                write: bool = True, bump: str = chart_version.DEFAULT_BUMP) -> RegenPlan:
    """`mkchart regen CHART`: plan, and with `write` apply the plan; `plan.outcome()` and
    `plan.conflicts` tell what happened."""
    return regenerate(chart, read_inputs(Inputs(answers_file=answers_file, sets=sets)), write, bump)
