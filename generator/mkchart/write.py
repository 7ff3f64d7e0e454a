"""Putting a rendered chart on disk: all of it or nothing, never over a user's files by surprise."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from mkchart.errors import TargetExists, UsageError
from mkchart.i18n import t

# Folders every chart has even when empty (Helm's layout; git cannot hold empty folders).
ALWAYS_DIRS = ("charts",)


def _fill(directory: Path, files: Mapping[str, bytes]) -> None:
    for folder in ALWAYS_DIRS:
        (directory / folder).mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def check_target(target: Path, force: bool = False) -> None:
    """Refuse a target that exists (unless `force`), before any work is done for it."""
    if target.exists() or target.is_symlink():
        if not target.is_dir() or target.is_symlink():
            raise TargetExists(t("e.target.not_folder", target=target), t("e.target.not_folder.hint"))
        if not force:
            raise TargetExists(t("e.target.exists", target=target), t("e.target.exists.hint"))


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

    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".mkchart-new", dir=parent))
    backup: Path | None = None
    try:
        _fill(staging, files)
        os.chmod(staging, 0o755)  # mkdtemp makes 0700; a chart folder is an ordinary folder
        if target.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".mkchart-old", dir=parent))
            os.rmdir(backup)
            os.rename(target, backup)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if backup is not None and backup.exists() and not target.exists():
            os.rename(backup, target)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
