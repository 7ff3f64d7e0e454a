"""Putting a rendered chart on disk: all of it or nothing, never over a user's files by surprise."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mkchart.errors import ChartBusyError, ChartChangedError, TargetExistsError, UnsafeFileError, UsageError, WriteError
from mkchart.i18n import t
from mkchart.safeio import check_in_chart, look_up, read_in_chart

if TYPE_CHECKING:
    from concurrent.futures import Executor

# Suffixes of what mkchart stages beside a target (hidden, named after it) while writing.
_NEW, _OLD = ".mkchart-new", ".mkchart-old"
# Folders every chart has even when empty (Helm's layout; git cannot hold empty folders).
ALWAYS_DIRS = ("charts",)


def _write_error(error: OSError, where: Path) -> WriteError:
    """The OS's refusal as a user error: the path it names (else `where`) and its reason."""
    path = error.filename if error.filename is not None else where
    return WriteError(t("e.write.failed", path=path, reason=error.strerror or error),
                       t("e.write.failed.hint", where=where))


def _fill(directory: Path, files: Mapping[str, bytes]) -> None:
    # Each folder is made once, not once per file: batch runs write thousands of files.
    folders = set(ALWAYS_DIRS) | {relative.rpartition("/")[0] for relative in files}
    for folder in sorted(f for f in folders if f):
        (directory / folder).mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        (directory / relative).write_bytes(content)


def check_target(target: Path, force: bool = False) -> None:
    """Refuse a target that exists (unless `force`), before any work is done for it."""
    found = look_up(target)
    if found is not None:
        if not stat.S_ISDIR(found.st_mode):
            raise TargetExistsError(t("e.target.not_folder", target=target), t("e.target.not_folder.hint"))
        if not force:
            raise TargetExistsError(t("e.target.exists", target=target), t("e.target.exists.hint"))


def remove_staging(output_dir: Path, names: set[str]) -> None:
    """Clean up after a killed run that was writing the chart folders NAMES in OUTPUT_DIR:
    a hidden staging folder is removed; a hidden old chart (`new --force` moves it aside
    first) goes back into place if the chart is missing, else it is removed. One scan."""
    try:
        found = list(os.scandir(output_dir))
    except OSError:
        return
    for item in found:
        if not (item.name.startswith(".") and item.name.endswith((_NEW, _OLD))):
            continue
        owner = item.name[1:].rsplit(".", 2)[0]
        if owner not in names or not item.is_dir(follow_symlinks=False):
            continue
        target = output_dir / owner
        if item.name.endswith(_OLD) and look_up(target) is None:
            os.rename(item.path, target)
        else:
            shutil.rmtree(item.path, ignore_errors=True)


def write_new_chart(target: Path, files: Mapping[str, bytes], force: bool = False) -> None:
    """Write `files` as the folder `target`, atomically.

    The chart is written into a temporary folder beside `target` and renamed into place,
    so an error at any point leaves no half-written chart. An existing `target` is
    replaced only with `force`; it is moved aside first and deleted only once the new
    chart is in place.
    """
    target = target.absolute()
    check_target(target, force)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(t("e.output.create", parent=parent, reason=exc.strerror), t("e.output.create.hint")) from None
    if not os.access(parent, os.W_OK):
        raise UsageError(t("e.output.not_writable", parent=parent), t("e.output.not_writable.hint"))

    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=_NEW, dir=parent))
    except OSError as error:
        raise _write_error(error, target) from None
    backup: Path | None = None
    try:
        _fill(staging, files)
        os.chmod(staging, 0o755)  # mkdtemp makes 0700; a chart folder is an ordinary folder
        if target.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=_OLD, dir=parent))
            os.rmdir(backup)
            os.rename(target, backup)
        os.rename(staging, target)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if backup is not None and backup.exists() and not target.exists():
            os.rename(backup, target)
        if isinstance(error, OSError):
            raise _write_error(error, target) from None
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


# --- changing an existing chart: a journaled transaction ----------------------------------
#
# 1. stage: every new content into a temp file beside its target (fsynced), and every
#    file to be replaced or removed hard-linked to a backup beside it;
# 2. commit: the journal (.mkchart-journal) lists them all, written atomically;
# 3. apply: each temp renamed over its target (atomic per file), removed files unlinked;
# 4. finish: journal, backups and folders fsynced and cleaned up.
#
# A failure before the commit removes what was staged: nothing changed. A failure while
# applying puts the backups back. A kill (SIGKILL) at any point leaves either no journal
# (the next run deletes the leftover temps: the chart is as it was) or a journal (the next
# run completes it: the chart is as planned). SIGINT and SIGTERM wait for step 2-4 to end.

JOURNAL = ".mkchart-journal"
JOURNAL_FORMAT = 1
# How long a second mkchart run waits for the first to release a chart.
LOCK_WAIT_SECONDS = 10.0


def _fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@functools.cache
def _fsync_pool() -> Executor:
    # One per process (forked workers make their own on first use): threads that only wait.
    # Imported here: `mkchart new` never needs it, and it costs start-up time.
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="mkchart-fsync")


def _temp_beside(target: Path, suffix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(handle)
    return Path(name)


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends, then interrupt as Ctrl-C would: a
    chart is never left between its old and new state by a person or a CI abort."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def hold(signum: int, frame: object) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if received:
            raise KeyboardInterrupt


@contextlib.contextmanager
def chart_lock(chart: Path, shared: bool = False, wait: float | None = None) -> Iterator[None]:
    """An advisory lock on the chart folder, so two mkchart runs never interleave on one
    chart: the second waits up to LOCK_WAIT_SECONDS, then stops with a clear message."""
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    try:
        descriptor = os.open(chart, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as error:
        raise _write_error(error, chart) from None
    try:
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ChartBusyError(t("j.busy", chart=chart, seconds=round(wait)), t("j.busy.hint")) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


@dataclass
class _Entry:
    path: str  # relative to the chart
    temp: str | None = None  # the staged new content, relative to the chart (None: remove)
    backup: str | None = None  # the original, hard-linked aside (None: there was none)


def _journal_entries(chart: Path) -> list[_Entry] | None:
    raw = read_in_chart(chart, JOURNAL)
    if raw is None:
        return None
    try:
        document = json.loads(raw)
        entries = [_Entry(e["path"], e.get("temp"), e.get("backup")) for e in document["files"]]
        for entry in entries:
            _check_entry(chart, entry)
    except (ValueError, KeyError, TypeError, AttributeError, UnsafeFileError):
        raise WriteError(t("j.bad_journal", chart=chart, journal=JOURNAL), t("j.bad_journal.hint")) from None
    return entries


def _check_entry(chart: Path, entry: _Entry) -> None:
    """A journal comes from the chart folder, which a pull request can change: each entry
    must name what mkchart itself stages (a hidden temp or backup beside its target) and
    reach them through real folders only; else ValueError/UnsafeFileError."""
    if not isinstance(entry.path, str):
        raise TypeError(entry.path)
    folder = entry.path.rpartition("/")[0]
    for staged, suffix in ((entry.temp, _NEW), (entry.backup, _OLD)):
        if staged is None:
            continue
        if not isinstance(staged, str) or staged.rpartition("/")[0] != folder:
            raise ValueError(staged)
        name = staged.rpartition("/")[2]
        if not (name.startswith(".") and name.endswith(suffix)):
            raise ValueError(staged)
        check_in_chart(chart, staged)
    check_in_chart(chart, entry.path)


def leftovers(chart: Path) -> list[str]:
    """Traces of a regen that did not finish: its journal, staged temps, backups."""
    found = []
    for folder, dirs, files in os.walk(chart):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
        for name in files:
            if name == JOURNAL or (name.startswith(".") and name.endswith((_NEW, _OLD))):
                found.append(Path(folder, name).relative_to(chart).as_posix())
    return sorted(found)


def recover(chart: Path) -> list[str]:
    """Finish what an interrupted regen left: complete a committed transaction, or drop
    an uncommitted one's temps. Returns the paths it put in place (for a note)."""
    try:
        return _recover(chart)
    except OSError as error:
        raise _write_error(error, chart) from None


def _recover(chart: Path) -> list[str]:
    completed: list[str] = []
    entries = _journal_entries(chart)
    if entries is not None:
        for entry in entries:
            target = chart / entry.path
            if entry.temp is not None and (chart / entry.temp).is_file():
                os.replace(chart / entry.temp, target)
                completed.append(entry.path)
            elif entry.temp is None and entry.backup is not None and (target.exists() or target.is_symlink()):
                target.unlink()
                completed.append(entry.path)
        _fsync_file(chart)
        (chart / JOURNAL).unlink()
    for relative in leftovers(chart):
        (chart / relative).unlink(missing_ok=True)
    return completed


def update_files(chart: Path, changes: Mapping[str, bytes | None],
                 expected: Mapping[str, bytes | None] | None = None) -> None:
    """Put every change in CHART at once: bytes replace or create a file, None removes it.

    `expected` holds what each file held when the changes were planned: a file that
    changed since (an editor saved it meanwhile) stops the whole update before anything
    is replaced (`ChartChangedError`), so no save is ever lost. See the steps above.
    """
    try:
        _update_files(chart, changes, expected or {})
    except OSError as error:
        raise _write_error(error, chart) from None


def _update_files(chart: Path, changes: Mapping[str, bytes | None], expected: Mapping[str, bytes | None]) -> None:
    for relative in changes:
        check_in_chart(chart, relative)
    transaction = _Transaction(chart)
    try:
        for relative, content in changes.items():
            transaction.stage(relative, content)
        for relative, before in expected.items():
            if relative in changes and read_in_chart(chart, relative) != before:
                raise ChartChangedError(t("j.changed", path=relative), t("j.changed.hint"))
        with deferred_signals():
            transaction.commit()
            transaction.apply()
            transaction.finish()
    except BaseException:
        if not transaction.committed:
            transaction.roll_back()
            raise
        # Committed: the change is decided. Finish it now (a rename can fail once, say);
        # if that fails too, the journal stays and the next run finishes it. Never a
        # roll back from here: interrupted, it would leave old and new files mixed.
        with deferred_signals():
            recover(chart)
        raise


class _Transaction:
    """The steps of one `update_files` call (see above)."""

    def __init__(self, chart: Path) -> None:
        self.chart = chart
        self.entries: list[_Entry] = []
        self.made_dirs: list[Path] = []
        self.applied: list[_Entry] = []
        self.committed = False

    @staticmethod
    def _beside(relative: str, name: str) -> str:
        """The chart-relative path of `name` in the folder of `relative`."""
        folder = relative.rpartition("/")[0]
        return f"{folder}/{name}" if folder else name

    def stage(self, relative: str, content: bytes | None) -> None:
        target = self.chart / relative
        entry = _Entry(relative)
        self.entries.append(entry)
        if content is not None:
            # Up to the first folder that exists (its own parents do): a stat or two per
            # file, not one per folder up to the root.
            missing, folder = [], target.parent
            while not folder.exists() and folder != folder.parent:
                missing.append(folder)
                folder = folder.parent
            target.parent.mkdir(parents=True, exist_ok=True)
            self.made_dirs += reversed(missing)
            temp = _temp_beside(target, _NEW)
            entry.temp = self._beside(relative, temp.name)
            temp.write_bytes(content)
            os.chmod(temp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        if target.exists():
            backup = _temp_beside(target, _OLD)
            os.unlink(backup)
            os.link(target, backup)  # a second name for the original: no copy, no window
            entry.backup = self._beside(relative, backup.name)

    def commit(self) -> None:
        document = {"format": JOURNAL_FORMAT, "files": [vars(entry) for entry in self.entries]}
        temp = _temp_beside(self.chart / JOURNAL, _NEW)
        temp.write_text(json.dumps(document), encoding="utf-8")
        # Every staged file and the journal on the disk before the journal takes its name,
        # then their names: fsyncs in parallel, since each mostly waits for the device.
        pool = _fsync_pool()
        list(pool.map(_fsync_file, [*(self.chart / e.temp for e in self.entries if e.temp is not None), temp]))
        os.replace(temp, self.chart / JOURNAL)  # the commit point
        list(pool.map(_fsync_file, sorted({(self.chart / e.path).parent for e in self.entries} | {self.chart})))
        self.committed = True

    def apply(self) -> None:
        for entry in self.entries:
            target = self.chart / entry.path
            if entry.temp is not None:
                os.replace(self.chart / entry.temp, target)
            else:
                target.unlink(missing_ok=True)
            self.applied.append(entry)

    def finish(self) -> None:
        # No fsync between the renames and the journal's removal: journaling file systems
        # (ext4, xfs) commit metadata in order, so after a crash the journal is gone only
        # if every rename before it is on the disk; else the next run finishes them.
        (self.chart / JOURNAL).unlink()
        for entry in self.entries:
            if entry.backup is not None:
                (self.chart / entry.backup).unlink(missing_ok=True)
        # Done: nothing is left to roll back, even if a held signal interrupts next.
        self.entries, self.applied, self.made_dirs, self.committed = [], [], [], False

    def roll_back(self) -> None:
        """Put back every original; drop every temp, backup, folder made and the journal."""
        for entry in reversed(self.applied):
            target = self.chart / entry.path
            if entry.backup is not None:
                os.replace(self.chart / entry.backup, target)
            else:
                target.unlink(missing_ok=True)
        for entry in self.entries:
            for relative in (entry.temp, entry.backup):
                if relative is not None:
                    (self.chart / relative).unlink(missing_ok=True)
        if self.committed:
            (self.chart / JOURNAL).unlink(missing_ok=True)
        for folder in reversed(self.made_dirs):
            with contextlib.suppress(OSError):  # a folder someone else filled meanwhile stays
                folder.rmdir()
