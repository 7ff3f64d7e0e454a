"""Putting a rendered chart on disk: all of it or nothing, never over a user's files by surprise."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from mkchart.errors import TargetExistsError, UsageError, WriteError
from mkchart.i18n import t

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
    if target.exists() or target.is_symlink():
        if not target.is_dir() or target.is_symlink():
            raise TargetExistsError(t("e.target.not_folder", target=target), t("e.target.not_folder.hint"))
        if not force:
            raise TargetExistsError(t("e.target.exists", target=target), t("e.target.exists.hint"))


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
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".mkchart-new", dir=parent))
    except OSError as error:
        raise _write_error(error, target) from None
    backup: Path | None = None
    try:
        _fill(staging, files)
        os.chmod(staging, 0o755)  # mkdtemp makes 0700; a chart folder is an ordinary folder
        if target.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".mkchart-old", dir=parent))
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


def _path_in_chart(chart: Path, relative: str) -> Path:
    """CHART/relative, refused unless it stays inside the chart (symlinks included)."""
    target = chart / relative
    root = chart.resolve()
    if Path(relative).is_absolute() or ".." in Path(relative).parts or not (
        target.parent.resolve() == root or root in target.parent.resolve().parents
    ):
        raise UsageError(t("e.write.outside", target=target, chart=chart), t("e.write.outside.hint"))
    return target


def update_files(chart: Path, changes: Mapping[str, bytes | None]) -> None:
    """Put every change in CHART at once: bytes replace or create a file, None removes it.

    Each new content is first written to a temporary file beside its target; only when
    all are staged are they moved into place (os.replace, atomic per file), the replaced
    originals kept aside until the end so that a failure restores them all. Temporary
    files never outlive the call.
    """
    try:
        _update_files(chart, changes)
    except OSError as error:
        raise _write_error(error, chart) from None


class _Transaction:
    """The files of one `update_files` call: staged temp files, the originals kept aside,
    and what was created, so that any failure puts the chart back as it was."""

    def __init__(self) -> None:
        self.staged: dict[str, Path] = {}
        self.backups: dict[Path, Path] = {}
        self.made_dirs: list[Path] = []
        self.created: list[Path] = []

    def stage(self, relative: str, target: Path, content: bytes) -> None:
        """Write `content` to a temp file beside `target`, with the target's mode."""
        missing = [p for p in [target.parent, *target.parent.parents] if not p.exists()]
        target.parent.mkdir(parents=True, exist_ok=True)
        self.made_dirs += reversed(missing)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".mkchart-new", dir=target.parent)
        self.staged[relative] = Path(name)
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(name, mode)

    def swap(self, relative: str, target: Path) -> None:
        """Move the original aside and the staged file (if any) into its place."""
        if target.exists():
            backup = Path(tempfile.mkstemp(prefix=f".{target.name}.", suffix=".mkchart-old", dir=target.parent)[1])
            os.replace(target, backup)
            self.backups[target] = backup
        elif relative in self.staged:
            self.created.append(target)
        if relative in self.staged:
            os.replace(self.staged[relative], target)
            del self.staged[relative]  # only once moved: a failed move still has a temp to clean

    def roll_back(self) -> None:
        for target in self.created:
            target.unlink(missing_ok=True)
        for target, backup in self.backups.items():
            os.replace(backup, target)
        self.backups.clear()
        for name in self.staged.values():
            name.unlink(missing_ok=True)
        for folder in reversed(self.made_dirs):
            with contextlib.suppress(OSError):  # a folder someone else filled meanwhile stays
                folder.rmdir()

    def finish(self) -> None:
        for backup in self.backups.values():
            backup.unlink(missing_ok=True)


def _update_files(chart: Path, changes: Mapping[str, bytes | None]) -> None:
    targets = {relative: _path_in_chart(chart, relative) for relative in changes}
    transaction = _Transaction()
    try:
        for relative, content in changes.items():
            if content is not None:
                transaction.stage(relative, targets[relative], content)
        for relative, target in targets.items():
            transaction.swap(relative, target)
    except BaseException:
        transaction.roll_back()
        raise
    finally:
        transaction.finish()
