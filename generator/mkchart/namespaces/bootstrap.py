"""`mkchart namespaces SERVICES`: read the fleet as `mkchart batch` does, size every
environment, and write the namespaces chart, or update the one written before.

An update keeps hand edits as `mkchart regen` does: the chart keeps the files as mkchart
last wrote them (`.mkchart/base.gz`), and each file is decided against that base, three
ways (values.yaml by its structure, so an edited quota stays and a new service's figures
come in around it).
"""

from __future__ import annotations

import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkchart import basefile, record, yamlio
from mkchart.answers.fit import RELEASE_NAME_MAX
from mkchart.answers.names import name_problem
from mkchart.batch import Entry, check_services, invalid_error
from mkchart.chart.layout import ANSWERS_FILE, BASE_FILE, CHART_YAML, VALUES_YAML
from mkchart.chart.render import compile_skeleton, render
from mkchart.errors import MkchartError, NamespacesError, UnsafeFileError, brief
from mkchart.fleet import parallel_map
from mkchart.i18n import t
from mkchart.namespaces import chartfiles
from mkchart.namespaces.fit import misfits
from mkchart.namespaces.sizing import MOST_HEADROOM, Environment, Usage, environment_values, usage
from mkchart.outcomes import ChartOutcome, Status
from mkchart.regen.plan import Action, ChangeSet, FileChange, decide_file
from mkchart.safeio import look_up, read_in_chart
from mkchart.write import chart_lock, leftovers, recover, update_files, write_new_chart

DEFAULT_NAME = "namespaces"


@dataclass(frozen=True)
class Request:
    """What `mkchart namespaces` was asked: the services file and where the chart goes."""

    services: Path
    output_dir: Path = Path(".")
    name: str = DEFAULT_NAME
    headroom: int | None = None  # None: the chart's last one, else chartfiles.DEFAULT_HEADROOM
    set_layer: Mapping[str, Any] = field(default_factory=dict)
    check: bool = False  # change nothing; report what would change

    @property
    def target(self) -> Path:
        return self.output_dir / self.name


@dataclass
class Plan(ChangeSet):
    """What the run does to the chart folder, file by file (every file created for a new one)."""

    chart: Path
    chart_name: str
    files: list[FileChange]
    created: bool  # the folder is new
    environments: list[Environment]
    headroom: int
    services: int
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.chart_name

    def outcome(self, written: bool) -> ChartOutcome:
        found = super().outcome(written)
        if self.created and written:
            found.status = Status.CREATED
        return found


def _check_request(request: Request) -> None:
    problem = name_problem(request.name)
    if problem is None and len(request.name) > RELEASE_NAME_MAX:
        problem = t("n.name.long", most=RELEASE_NAME_MAX, length=len(request.name))
    if problem is not None:
        raise NamespacesError(t("n.name", value=brief(request.name), problem=problem), t("n.name.hint"))
    if request.headroom is not None and not 0 <= request.headroom <= MOST_HEADROOM:
        raise NamespacesError(t("n.headroom", value=request.headroom, most=MOST_HEADROOM), t("n.headroom.hint"))


def _previous(target: Path) -> dict[str, bytes] | None:
    """The files the namespaces chart at TARGET was last written with (its stored base);
    None when there is no folder. Anything else there is refused, never overwritten."""
    found = look_up(target)
    if found is None:
        return None
    hint = t("n.foreign.hint")
    if not stat.S_ISDIR(found.st_mode):
        raise NamespacesError(t("n.not_folder", target=target), hint)
    try:
        if read_in_chart(target, ANSWERS_FILE) is not None:
            raise NamespacesError(t("n.service_chart", target=target, file=ANSWERS_FILE), hint)
        raw = read_in_chart(target, BASE_FILE)
    except UnsafeFileError as error:
        raise NamespacesError(str(error.message), hint) from None
    except OSError as error:
        raise NamespacesError(t("n.unreadable", target=target, reason=error.strerror or error), hint) from None
    if raw is None:
        raise NamespacesError(t("n.foreign", target=target, base=BASE_FILE), hint)
    try:
        files = basefile.decode(raw)
    except basefile.DamagedBaseError as error:
        raise NamespacesError(t("n.damaged", target=target, base=BASE_FILE, reason=error), hint) from None
    if _annotation(files, chartfiles.KIND_ANNOTATION) != "namespaces":
        raise NamespacesError(t("n.foreign", target=target, base=BASE_FILE), hint)
    return files


def _annotation(files: Mapping[str, bytes], key: str) -> str | None:
    """An annotation of the Chart.yaml among FILES (None when unreadable or missing)."""
    try:
        chart = yamlio.parse(files.get(CHART_YAML, b"").decode("utf-8"), CHART_YAML)
    except (MkchartError, UnicodeDecodeError):
        return None
    annotations = chart.get("annotations") if isinstance(chart, dict) else None
    value = annotations.get(key) if isinstance(annotations, dict) else None
    return str(value) if value is not None else None


def _headroom(request: Request, previous: Mapping[str, bytes] | None) -> int:
    if request.headroom is not None:
        return request.headroom
    kept = _annotation(previous or {}, chartfiles.HEADROOM_ANNOTATION)
    if kept is not None and kept.isdigit() and int(kept) <= MOST_HEADROOM:
        return int(kept)
    return chartfiles.DEFAULT_HEADROOM


def _usages(entry: Entry) -> tuple[list[tuple[str, Usage]], str]:
    """One service's usage in each of its environments, from its chart's values there; or
    the problem with them. Run in workers for a large fleet (results are pickled)."""
    answers = entry.resolved.answers
    try:
        files = render(answers, entry.config_files)
        values = environment_values(answers.name, files, answers.environments)
        return [(env, usage(answers, env, found)) for env, found in values.items()], ""
    except MkchartError as error:
        return [], str(error)


def size_fleet(request: Request) -> tuple[list[Environment], int]:
    """Every environment of the services file's fleet (the union of the services', in the
    order they first appear), each with what every service installed there uses; and the
    number of services."""
    checked = check_services(request.services, request.set_layer)
    if checked.refused:
        raise invalid_error(request.services, checked.refused)
    found: dict[str, Environment] = {}
    for usages, problem in parallel_map(_usages, checked.entries, prepare=compile_skeleton):
        if problem:
            raise NamespacesError(problem)
        for env, used in usages:
            found.setdefault(env, Environment(env)).usages.append(used)
    return list(found.values()), len(checked.entries)


def _changes(target: Path, previous: Mapping[str, bytes], theirs: Mapping[str, bytes]) -> list[FileChange]:
    """Each file of the chart decided as regen decides a chart's: untouched files follow the
    new render, edited ones are merged with it against what mkchart last wrote; what an
    interrupted update left counts as a change (drift)."""
    changes = [FileChange(path, Action.REMOVE, None, None, t("r.note.leftover")) for path in leftovers(target)]
    for path in sorted(set(previous) | set(theirs)):
        base = previous.get(path)
        changes.append(decide_file(path, read_in_chart(target, path), base, theirs.get(path),
                                   record.sha256(base) if base is not None else None))
    stored = read_in_chart(target, BASE_FILE)
    after = basefile.encode(dict(theirs))
    if stored != after:
        changes.append(FileChange(BASE_FILE, Action.UPDATE, stored, after, t("r.note.base")))
    return changes


def _values(plan: Plan, check: bool) -> bytes | None:
    """values.yaml as it stands after the run (with --check: as it stands now)."""
    for change in plan.files:
        if change.path == VALUES_YAML:
            return change.before if check and not plan.created else change.after
    return None


def run(request: Request) -> Plan:
    """Plan the chart and, unless --check, write it: a new folder whole or not at all, an
    existing one in one transaction under its lock (see mkchart.write)."""
    _check_request(request)
    target = request.target
    previous = _previous(target)
    headroom = _headroom(request, previous)
    environments, services = size_fleet(request)
    settings = chartfiles.Settings(request.name, headroom, request.services.name, services)
    files = chartfiles.chart_files(settings, environments)
    if previous is None:
        everything = {**files, BASE_FILE: basefile.encode(files)}
        changes = [FileChange(path, Action.CREATE, None, content) for path, content in sorted(everything.items())]
        made = Plan(target, request.name, changes, True, environments, headroom, services)
        made.warnings = misfits(request.name, environments, _values(made, request.check), headroom)
        if not request.check:
            write_new_chart(target, everything)
        return made
    with chart_lock(target, shared=request.check):
        completed = [] if request.check else recover(target)
        previous = _previous(target) or previous  # as an interrupted run, now finished, left it
        updated = Plan(target, request.name, _changes(target, previous, files), False, environments, headroom,
                       services)
        if completed:
            updated.notes.append(t("j.recovered", count=len(completed)))
        updated.warnings = misfits(request.name, environments, _values(updated, request.check), headroom)
        if not request.check and updated.writes:
            update_files(target, updated.writes, {c.path: c.before for c in updated.files if c.action.writes})
        return updated
