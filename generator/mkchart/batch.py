"""`mkchart batch`: many charts from one services file, validated all together first.

The services file uses the answers-file keys, so one format serves both:

    defaults: {image: {repository: harbor.example.com/book/app}}
    services:
      - name: book-tomcat-n1
      - name: book-mysql-m1
        persistence: {enabled: true, size: 20Gi}
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from mkchart import yamlio
from mkchart.answers import Resolved, deep_merge, resolve
from mkchart.errors import AnswersFileError, InvalidAnswers, MissingAnswers, MkchartError
from mkchart.generate import Layers, plan_chart, read_config_files
from mkchart.layout import ANSWERS_FILE
from mkchart.regen import apply, plan_regen_layers
from mkchart.results import CREATED, REFUSED, ChartOutcome, from_regen
from mkchart.write import write_new_chart

TOP_KEYS = ("defaults", "services")
# New charts are made by forked workers once a fleet is this large (fork costs ~10 ms).
PARALLEL_FROM = 64
MAX_WORKERS = 4
CHUNK = 16  # charts per task: small enough for a smooth progress bar


@dataclass(frozen=True)
class Entry:
    """One valid service of the file, ready to render."""

    index: int
    resolved: Resolved
    config_files: dict[str, bytes]
    tree: dict[str, Any]  # the entry over the file's defaults: the answers it gives

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
    if isinstance(error, InvalidAnswers):
        return tuple(str(p) for p in error.problems)
    if isinstance(error, MissingAnswers):
        return (f"missing answers: {', '.join(error.keys)}",)
    return (str(error),)


def load_services(path: Path) -> tuple[dict[str, Any], list[Any]]:
    data = yamlio.read_mapping(path)
    unknown = [key for key in data if key not in TOP_KEYS]
    if unknown:
        raise AnswersFileError(
            f"{path}: unknown top-level key {unknown[0]!r}",
            "a services file has `defaults:` (shared answers) and `services:` (a list of answers, each with a name)",
        )
    defaults = data.get("defaults") or {}
    services = data.get("services")
    if not isinstance(defaults, Mapping):
        raise AnswersFileError(f"{path}: defaults must be a mapping of answer keys", "see docs/ci-jenkins.md")
    if not isinstance(services, list) or not services:
        raise AnswersFileError(f"{path}: services must be a non-empty list", "add `services:` with `- name: ...` entries")
    return dict(defaults), services


def check_services(path: Path, set_layer: Mapping[str, Any] | None = None) -> Checked:
    """Validate every entry, collecting every problem of every entry; render nothing."""
    defaults, services = load_services(path)
    checked = Checked()
    seen: dict[str, int] = {}
    for index, raw in enumerate(services):
        name = raw.get("name") if isinstance(raw, Mapping) else None
        label_name = name if isinstance(name, str) else None
        if not isinstance(raw, Mapping):
            checked.refused.append(Refused(index, None, ("must be a mapping of answer keys with a name",)))
            continue
        if label_name in seen:
            checked.refused.append(Refused(index, label_name, (
                f"name: {label_name!r} is already used by services[{seen[label_name]}]; each chart needs its own name",)))
            continue
        tree = deep_merge(defaults, raw)
        try:
            resolved = resolve(None, tree, set_layer, source=None)
            files = read_config_files(resolved.answers, path.parent)
        except MkchartError as error:
            checked.refused.append(Refused(index, label_name, _problems(error)))
            continue
        if label_name:
            seen[label_name] = index
        checked.entries.append(Entry(index, resolved, files, tree))
    return checked


class BatchInvalid(MkchartError):
    """Raised when entries of a services file are invalid and --keep-going was not given."""

    def __init__(self, path: Path, refused: list[Refused]) -> None:
        self.refused = refused
        lines = [f"{path}: {len(refused)} of the services are invalid; nothing was written:"]
        for item in refused:
            lines += [f"  {item.label}: {problem}".replace("\n", "\n    ") for problem in item.problems]
        super().__init__("\n".join(lines), "fix them, or add --keep-going to write the valid ones")


def _regenerate(entry: Entry, target: Path, services: Path, set_layer: Mapping[str, Any]) -> ChartOutcome:
    layers = Layers(None, entry.tree, dict(set_layer), services.parent, f"{services}: services[{entry.index}]")
    plan = plan_regen_layers(target, layers)
    if plan.writes:
        apply(plan)
    return from_regen(plan, written=True)


def _create(entry: Entry, target: Path) -> ChartOutcome:
    files = plan_chart(entry.resolved, entry.config_files).files
    try:
        write_new_chart(target, files)
    except MkchartError as error:
        return ChartOutcome(entry.name, str(target), REFUSED, errors=[str(error)])
    return ChartOutcome(entry.name, str(target), CREATED, written=sorted(files), notes=list(entry.resolved.notes))


def _create_chunk(chunk: list[tuple[Entry, Path]]) -> list[tuple[ChartOutcome, tuple[Entry, Path]]]:
    return [(_create(entry, target), (entry, target)) for entry, target in chunk]


def _create_all(creating: list[tuple[Entry, Path]]) -> Iterator[list[tuple[ChartOutcome, tuple[Entry, Path]]]]:
    """Create the new charts, on every core for a large fleet, yielding in file order.

    Rendering and writing a chart is CPU-bound Python, so threads would only queue on the
    GIL; forked workers inherit the compiled skeleton and each take chunks of the fleet.
    """
    chunks = [creating[i:i + CHUNK] for i in range(0, len(creating), CHUNK)]
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(creating) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_create_chunk, chunks)
        return
    from mkchart.render import compile_skeleton

    compile_skeleton()  # once, before forking, so no worker compiles it again
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(_create_chunk, chunks)


def _refuse_foreign(entry: Entry, target: Path) -> ChartOutcome:
    return ChartOutcome(entry.name, str(target), REFUSED, errors=[
        f"{target}: exists but holds no {ANSWERS_FILE}; mkchart never overwrites it: move it away or "
        "regenerate it by hand"])


class ProgressSink(Protocol):
    def start(self, total: int) -> None: ...
    def step(self, outcome: ChartOutcome) -> None: ...


def run_batch(services: Path, output_dir: Path, set_layer: Mapping[str, Any] | None = None,
              keep_going: bool = False, progress: ProgressSink | None = None) -> list[ChartOutcome]:
    """Check every entry first; then write every chart (or, with keep_going, the valid ones).

    Returns one outcome per entry in file order, refused entries included.
    """
    set_layer = set_layer or {}
    checked = check_services(services, set_layer)
    if checked.refused and not keep_going:
        raise BatchInvalid(services, checked.refused)
    outcomes: dict[int, ChartOutcome] = {
        item.index: ChartOutcome(item.name or f"services[{item.index}]", "", REFUSED, errors=list(item.problems))
        for item in checked.refused
    }
    if progress:
        progress.start(len(checked.entries))

    def record(index: int, outcome: ChartOutcome) -> None:
        outcomes[index] = outcome
        if progress:
            progress.step(outcome)

    creating: list[tuple[Entry, Path]] = []
    for entry in checked.entries:
        target = output_dir / entry.name
        if not target.exists():
            creating.append((entry, target))
            continue
        try:
            outcome = (_regenerate(entry, target, services, set_layer)
                       if (target / ANSWERS_FILE).is_file() else _refuse_foreign(entry, target))
        except MkchartError as error:
            outcome = ChartOutcome(entry.name, str(target), REFUSED, errors=[str(error)])
        record(entry.index, outcome)
    for chunk_outcomes in _create_all(creating):
        for outcome, (entry, _) in chunk_outcomes:
            record(entry.index, outcome)
    return [outcomes[index] for index in sorted(outcomes)]


__all__ = ["BatchInvalid", "Checked", "Entry", "Refused", "check_services", "load_services", "run_batch"]
