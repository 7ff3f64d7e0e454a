"""Work over many charts in forked workers (one per core, at most MAX_WORKERS), results
in the input's order; fewer than PARALLEL_FROM items stay in this process.

Rendering, merging and writing charts is CPU-bound Python, so threads would only queue
on the GIL. Forked workers inherit everything already loaded (the compiled skeleton,
the profiles), so they start in milliseconds; for a few charts, forking costs more than
it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

PARALLEL_FROM = 64  # below this, forking costs more than it saves
MAX_WORKERS = 4
CHUNK = 16  # items per task: small enough for a smooth progress bar


def _apply(job: tuple[Callable[[Item], Result], Sequence[Item]]) -> list[Result]:
    function, chunk = job
    return [function(item) for item in chunk]


def parallel_map(function: Callable[[Item], Result], items: Sequence[Item],
                 prepare: Callable[[], object] | None = None, waits: bool = False) -> Iterator[Result]:
    """`map(function, items)`, spread over the cores for long lists; yields in order.

    `function` must be a module-level function (it is sent to the workers by name).
    `prepare` runs once here before forking, to load what every worker will need.
    `waits`: the work also waits on the disk (fsync), so two workers per core keep the
    cores busy while others wait.
    """
    workers = min((os.cpu_count() or 1) * (4 if waits else 1), MAX_WORKERS * (2 if waits else 1))
    if len(items) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(function, items)
        return
    if prepare is not None:
        prepare()
    chunks = [(function, items[i:i + CHUNK]) for i in range(0, len(items), CHUNK)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for results in pool.map(_apply, chunks):
            yield from results
