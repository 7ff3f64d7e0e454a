"""`mkchart batch`: many charts from one services file, validated all together first.

The services file uses the answers-file keys, so one format serves both:

    defaults: {image: {repository: harbor.example.com/book/app}}
    services:
      - name: book-tomcat-n1
      - name: book-mysql-m1
        persistence: {enabled: true, size: 20Gi}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from mkchart import yamlio
from mkchart.answers import environments, profiles
from mkchart.answers.layers import Layers
from mkchart.answers.resolve import Resolved, as_written, resolve, use_profiles
from mkchart.chart.layout import ANSWERS_FILE
from mkchart.chart.render import compile_skeleton
from mkchart.chart.version import DEFAULT_BUMP
from mkchart.errors import (
    AnswersError,
    AnswersFileError,
    BatchError,
    InterruptError,
    MissingAnswersError,
    MkchartError,
    brief,
)
from mkchart.fleet import parallel_map
from mkchart.i18n import t
from mkchart.inputs import Given, read_config_files
from mkchart.new import create, plan_chart
from mkchart.outcomes import ChartOutcome, Status
from mkchart.regen.plan import check_regen, regenerate
from mkchart.safeio import look_up
from mkchart.write import remove_staging

TOP_KEYS = ("defaults", "services")


@dataclass(frozen=True)
class Entry:
    """One valid service of the file, ready to render."""

    index: int
    resolved: Resolved
    config_files: dict[str, bytes]
    given: Given  # the entry's answers as layers, its config files' folder and confinement

    @property
    def name(self) -> str:
        return self.resolved.answers.name


@dataclass(frozen=True)
class Refused:
    """One invalid service: where it is in the file and everything wrong with it."""

    index: int
    name: str | None
    problems: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"services[{self.index}]" + (f" ({self.name})" if self.name else "")


@dataclass
class Checked:
    entries: list[Entry] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def _problems(error: MkchartError) -> tuple[str, ...]:
    if isinstance(error, AnswersError):
        return tuple(str(p) for p in error.problems)
    if isinstance(error, MissingAnswersError):
        return (t("e.missing", keys=", ".join(error.keys)),)
    return (str(error),)


def _use_profiles(path: Path, given: Any) -> None:
    """`profiles:` in the defaults: the team's profile folders, relative to the services
    file's folder, used after any --profiles ones."""
    folders = [given] if isinstance(given, str) else given
    if not isinstance(folders, list) or not folders or not all(isinstance(f, str) and f for f in folders):
        raise AnswersFileError(t("b.profiles", path=path), t("b.profiles.hint"))
    use_profiles([*profiles.active_folders(), *(path.parent / f for f in folders)])


def load_services(path: Path) -> tuple[dict[str, Any], list[Any]]:
    data = yamlio.read_mapping(path, given_as="SERVICES (the services file)", keep_text=True)
    unknown = [key for key in data if key not in TOP_KEYS]
    if unknown:
        raise AnswersFileError(t("b.unknown_top", path=path, key=brief(unknown[0])), t("b.unknown_top.hint"))
    defaults = data.get("defaults") or {}
    services = data.get("services")
    if not isinstance(defaults, Mapping):
        raise AnswersFileError(t("b.defaults", path=path), t("b.defaults.hint"))
    if "profiles" in defaults:
        defaults = dict(defaults)
        _use_profiles(path, defaults.pop("profiles"))
    if not isinstance(services, list) or not services:
        raise AnswersFileError(t("b.services", path=path), t("b.services.hint"))
    # Answers keep the text as written (see resolve.as_written); a bad entry is refused later.
    return as_written(defaults), [as_written(entry) if isinstance(entry, Mapping) else entry for entry in services]


def _files_confine(services: Path, set_layer: Mapping[str, Any] | None) -> Path | None:
    """Config files named in the services file stay in its folder; --set ones go anywhere."""
    config = (set_layer or {}).get("config")
    return None if isinstance(config, Mapping) and "files" in config else services.parent


def _target_problems(job: tuple[Path, Given]) -> tuple[str, ...]:
    """Why an existing chart folder cannot be regenerated, found by checking everything
    its regeneration reads, before anything of the batch is written."""
    target, given = job
    if not target.is_dir() or target.is_symlink():
        return (t("b.not_folder", target=target),)
    if not (target / ANSWERS_FILE).is_file():
        return (_foreign(target),)
    try:
        check_regen(target, given)
    except MkchartError as error:
        return _problems(error)
    return ()


def check_services(path: Path, set_layer: Mapping[str, Any] | None = None,
                   output_dir: Path | None = None) -> Checked:
    """Validate every entry, collecting every problem of every entry; render nothing.

    With `output_dir`, an existing chart folder is checked too (it must hold a readable
    `.mkchart.yaml`), so that no chart is written when another would be refused.
    """
    set_layer = set_layer or {}
    defaults, services = load_services(path)
    confine = _files_confine(path, set_layer)
    jobs = [_EntryJob(index, raw, defaults, dict(set_layer), path, confine, output_dir)
            for index, raw in enumerate(services)]
    checked = Checked()
    seen: dict[str, int] = {}
    hosts: dict[str, tuple[str, str]] = {}  # an Ingress host -> the service and environment that have it
    # Every entry checked on its own (its existing chart too) in workers; only names are
    # compared here, by the resolved name: defaults or --set can give several the same one.
    # Checking a new chart's answers is cheaper than sending it to a worker and back; an
    # existing chart's check reads it whole, which pays off in workers.
    try:
        rerun = output_dir is not None and output_dir.is_dir() and any(output_dir.iterdir())
    except OSError:  # a folder the system cannot use: each entry's check says why
        rerun = False
    results = parallel_map(_check_entry, jobs) if rerun else map(_check_entry, jobs)
    for job, (name, entry, found) in zip(jobs, results, strict=True):
        if entry is not None and name in seen:
            checked.refused.append(Refused(job.index, name, (t("b.name_used", name=brief(name), index=seen[name]),)))
            continue
        problems = found
        if entry is not None:
            seen[entry.name] = job.index
            problems = (*found, *_hosts_taken(entry, hosts))
        if problems:
            checked.refused.append(Refused(job.index, name, problems))
        elif entry is not None:
            checked.entries.append(entry)
    return checked


def _hosts_taken(entry: Entry, hosts: dict[str, tuple[str, str]]) -> tuple[str, ...]:
    """An Ingress host another service of the fleet has, in any environment: they share
    one cluster, and its ingress controller refuses a second Ingress for a host. Records
    this entry's hosts."""
    answers = entry.resolved.answers
    if not (answers.ingress.enabled and environments.serves(answers)):
        return ()
    problems = []
    for env in environments.effective(answers):
        other, where = hosts.setdefault(env.host, (entry.name, env.name))
        if other != entry.name:
            problems.append(t("b.host_used", host=env.host, env=env.name, other=f"{other} ({where})"))
    return tuple(problems)


@dataclass(frozen=True)
class _EntryJob:
    index: int
    raw: Any
    defaults: dict[str, Any]
    set_layer: dict[str, Any]
    services: Path
    confine: Path | None
    output_dir: Path | None


def _check_entry(job: _EntryJob) -> tuple[str | None, Entry | None, tuple[str, ...]]:
    """One entry: its name, the entry when its answers resolve, and every problem of it
    (answers, config files, its existing chart folder)."""
    if not isinstance(job.raw, Mapping):
        return None, None, (t("b.entry"),)
    given = _given(job.services, job.index, Layers(defaults=job.defaults, file=dict(job.raw), set=job.set_layer),
                   job.confine)
    try:
        resolved = resolve(given.layers)
    except MkchartError as error:
        name = job.raw.get("name")
        return (name if isinstance(name, str) else None), None, _problems(error)
    problems: list[str] = []
    files: dict[str, bytes] = {}
    try:
        files = read_config_files(resolved.answers, job.services.parent, job.confine)
    except MkchartError as error:
        problems += _problems(error)
    entry = Entry(job.index, resolved, files, given)
    target = job.output_dir / entry.name if job.output_dir is not None else None
    if target is not None and look_up(target) is not None:
        problems += _target_problems((target, given))
    return entry.name, entry, tuple(problems)


def _refused_outcome(item: Refused) -> ChartOutcome:
    return ChartOutcome(item.name or f"services[{item.index}]", "", Status.REFUSED, errors=list(item.problems))


def invalid_error(path: Path, refused: list[Refused]) -> BatchError:
    """The error that lists every refused entry of the services file at PATH."""
    lines = [t("b.invalid", path=path, count=len(refused))]
    for item in refused:
        lines += [f"  {item.label}: {problem}".replace("\n", "\n    ") for problem in item.problems]
    # The JSON document lists every refused entry, as with --keep-going.
    return BatchError("\n".join(lines), t("b.invalid.hint"), [_refused_outcome(item) for item in refused])


def _given(services: Path, index: int, layers: Layers, confine: Path | None) -> Given:
    """An entry's answers as regen's changes too: config files from the services file's folder."""
    return Given(layers, f"{services}: services[{index}]", services.parent, confine)


def _regenerate(entry: Entry, target: Path, bump: str) -> ChartOutcome:
    return regenerate(target, entry.given, bump=bump).outcome(written=True)


def _one(job: tuple[Entry, Path, str]) -> ChartOutcome:
    """One entry: create its chart, regenerate it when it exists (its version bumped as
    `regen --bump` says, when it changes), refuse a foreign folder."""
    entry, output_dir, bump = job
    target = output_dir / entry.name
    try:
        if not target.exists():
            return create(plan_chart(entry.resolved, entry.config_files), output_dir, tidy=False)
        if (target / ANSWERS_FILE).is_file():
            return _regenerate(entry, target, bump)
        return _refuse_foreign(entry, target)
    except MkchartError as error:
        return ChartOutcome(entry.name, str(target), Status.REFUSED, errors=[str(error)])


def _foreign(target: Path) -> str:
    return t("b.foreign", target=target, file=ANSWERS_FILE)


def _refuse_foreign(entry: Entry, target: Path) -> ChartOutcome:
    # Checked up front too; this catches a folder that changed after the checks.
    return ChartOutcome(entry.name, str(target), Status.REFUSED, errors=[_foreign(target)])


class ProgressSink(Protocol):
    def start(self, total: int) -> None: ...
    def step(self, outcome: ChartOutcome) -> None: ...


def run_batch(services: Path, output_dir: Path, set_layer: Mapping[str, Any] | None = None,
              keep_going: bool = False, progress: ProgressSink | None = None,
              bump: str = DEFAULT_BUMP) -> list[ChartOutcome]:
    """Check every entry first; then write every chart (or, with keep_going, the valid ones).
    An existing chart that changes gets its version bumped by `bump` (chart.version.BUMPS).

    Returns one outcome per entry in file order, refused entries included.
    """
    set_layer = set_layer or {}
    checked = check_services(services, set_layer, output_dir)
    if checked.refused and not keep_going:
        raise invalid_error(services, checked.refused)
    outcomes: dict[int, ChartOutcome] = {item.index: _refused_outcome(item) for item in checked.refused}
    if progress:
        progress.start(len(checked.entries))
    jobs = [(entry, output_dir, bump) for entry in checked.entries]
    existed = {entry.index: (output_dir / entry.name).exists() for entry in checked.entries}
    remove_staging(output_dir, {entry.name for entry in checked.entries})  # a killed run's
    try:
        # Regenerating waits on the disk (fsync): more workers than cores then.
        results = parallel_map(_one, jobs, prepare=compile_skeleton, waits=any(existed.values()))
        for (entry, _, _), outcome in zip(jobs, results, strict=True):
            outcomes[entry.index] = outcome
            if progress:
                progress.step(outcome)
    except KeyboardInterrupt:
        # A worker stopped mid-write leaves its hidden staging folder: never a chart.
        remove_staging(output_dir, {entry.name for entry in checked.entries if entry.index not in outcomes})
        for entry in checked.entries:
            if entry.index not in outcomes:
                outcomes[entry.index] = _unfinished(entry, output_dir / entry.name, existed[entry.index])
        done = [outcomes[index] for index in sorted(outcomes)]
        written = sum(o.status in (Status.CREATED, Status.UPDATED, Status.CONFLICTED) for o in done)
        raise InterruptError(t("b.interrupted", written=written, total=len(done)), outcomes=done) from None
    return [outcomes[index] for index in sorted(outcomes)]


def _unfinished(entry: Entry, target: Path, existed: bool) -> ChartOutcome:
    """What an interrupted batch can say of a chart it did not hear back about: a new
    chart is written whole or not at all, an existing one is fully old or fully new."""
    if not existed and (target / ANSWERS_FILE).is_file():
        return ChartOutcome(entry.name, str(target), Status.CREATED)
    return ChartOutcome(entry.name, str(target), Status.INTERRUPTED)


