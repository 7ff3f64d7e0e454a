"""Reading files mkchart did not write, safely: regular files only, bounded in size, and
inside a chart never through a symbolic link.

A chart folder comes from a repository, where a pull request can swap any file for a
symbolic link to the build agent's secrets, or for a FIFO that blocks a reader forever.
So every path inside a chart is opened one component at a time relative to the folder
above it, with O_NOFOLLOW (a link anywhere refuses the path), and every file is checked
on the open descriptor (a file swapped after a check cannot slip through). Files named
by a person (`--answers`, a services file) follow links as given, but must still be
regular files of a bounded size.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from mkchart.errors import UnsafeFileError, UsageError
from mkchart.i18n import t

# The most mkchart reads of an answers file, a services file or a chart's record: far
# more than any real one, far less than what would exhaust the memory.
INPUT_LIMIT = 4 * 1024 * 1024

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _read_descriptor(descriptor: int, shown: Path | str, limit: int) -> bytes:
    """The whole regular file behind `descriptor` (closed here), at most `limit` bytes."""
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = t("s.kind.folder") if stat.S_ISDIR(mode) else t("s.kind.special")
            raise UnsafeFileError(t("s.not_regular", path=shown, kind=kind), t("s.not_regular.hint"))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnsafeFileError(t("s.too_big", path=shown, limit=limit), t("s.too_big.hint"))
    return data


def read_regular(path: Path, limit: int = INPUT_LIMIT) -> bytes:
    """A file a person named: links followed, but only a regular file of at most `limit`
    bytes; opened without blocking, so a FIFO cannot hang the run. OSError as is."""
    return _read_descriptor(os.open(path, os.O_RDONLY | _NONBLOCK), path, limit)


def look_up(path: Path) -> os.stat_result | None:
    """`os.lstat(path)` (a link itself, not its target), or None when nothing is there.

    A path the system cannot look up at all (a name longer than 255 bytes, a whole path
    beyond PATH_MAX, a folder on the way that may not be searched, a loop of links) is a
    `UsageError` naming it: a clean exit 2, not a traceback.
    """
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise UsageError(t("e.path", path=path, reason=error.strerror or error), t("e.path.hint")) from None


def is_folder(path: Path) -> bool:
    """Whether `path` is a folder (links followed, as `Path.is_dir`); a path that cannot
    be looked up is a `UsageError` (see `look_up`)."""
    if look_up(path) is None:
        return False
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):  # a dangling link
        return False
    except OSError as error:
        raise UsageError(t("e.path", path=path, reason=error.strerror or error), t("e.path.hint")) from None


def parts_of(relative: str) -> list[str]:
    """The components of a path relative to a chart; refused unless plainly inside it."""
    path = PurePosixPath(relative)
    if not relative or path.is_absolute() or any(part in ("", ".", "..") for part in relative.split("/")):
        raise UnsafeFileError(t("s.outside", path=relative), t("s.outside.hint"))
    return list(path.parts)


@contextmanager
def _folder_of(root: Path, parts: list[str]) -> Iterator[int | None]:
    """A descriptor of the folder that holds ROOT/PARTS, reached without following a link
    below ROOT; None when a folder on the way does not exist."""
    descriptor = os.open(root, os.O_RDONLY | _DIRECTORY)
    try:
        for index, part in enumerate(parts[:-1]):
            try:
                inner = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=descriptor)
            except OSError as error:
                if _is_link(descriptor, part):
                    raise UnsafeFileError(t("s.link", path="/".join(parts[: index + 1])), t("s.link.hint")) from None
                if isinstance(error, FileNotFoundError | NotADirectoryError):
                    # Nothing can be there (a write finds out why, with the OS's reason).
                    yield None
                    return
                raise
            os.close(descriptor)
            descriptor = inner
        yield descriptor
    finally:
        os.close(descriptor)


def _is_link(folder: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _refused(error: OSError, relative: str) -> UnsafeFileError | OSError:
    # O_NOFOLLOW on a link: ELOOP on Linux, EMLINK on FreeBSD.
    if error.errno in (errno.ELOOP, errno.EMLINK):
        return UnsafeFileError(t("s.link", path=relative), t("s.link.hint"))
    return error


def read_in_chart(chart: Path, relative: str, limit: int = INPUT_LIMIT) -> bytes | None:
    """CHART/RELATIVE as a regular file reached through real folders only; None when it
    does not exist. A symbolic link on the way, or a FIFO, device or folder at the end,
    raises `UnsafeFileError` naming the path."""
    parts = parts_of(relative)
    with _folder_of(chart, parts) as folder:
        if folder is None:
            return None
        try:
            descriptor = os.open(parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK, dir_fd=folder)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise _refused(error, relative) from None
        return _read_descriptor(descriptor, relative, limit)


def check_in_chart(chart: Path, relative: str) -> None:
    """Refuse to write CHART/RELATIVE unless every existing part of the way is a real
    folder and the file, if it exists, a regular file (never a link to elsewhere)."""
    parts = parts_of(relative)
    with _folder_of(chart, parts) as folder:
        if folder is None:
            return
        try:
            mode = os.stat(parts[-1], dir_fd=folder, follow_symlinks=False).st_mode
        except FileNotFoundError:
            return
        if stat.S_ISLNK(mode):
            raise UnsafeFileError(t("s.link", path=relative), t("s.link.hint"))
        if not stat.S_ISREG(mode):
            raise UnsafeFileError(t("s.not_regular", path=relative, kind=t("s.kind.special")),
                                  t("s.not_regular.hint"))
