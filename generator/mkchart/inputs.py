"""Reading what a user gave: `--answers`, `--set` and the config files they name.

The answers become `Layers` (see `mkchart.answers.layers`); the config files named in
them are read here too, since a file handed to mkchart must not read beyond its folder.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkchart import yamlio
from mkchart.answers.codecs import character_name
from mkchart.answers.layers import Layers
from mkchart.answers.model import Answers
from mkchart.answers.resolve import as_written, parse_sets
from mkchart.chart.layout import CONFIG_FILES_DIR
from mkchart.errors import AnswerError, AnswersError, UnsafeFileError
from mkchart.i18n import t
from mkchart.safeio import read_in_chart


@dataclass(frozen=True)
class Inputs:
    """Everything a user can say on the command line about one chart."""

    name: str | None = None
    answers_file: Path | None = None
    sets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Given:
    """The inputs, read: their answers as layers, and where their config files are."""

    layers: Layers
    source: str | None  # where the answers came from, for messages
    files_base: Path  # folder that relative config.files paths are read from
    # Where config files named in a file must stay; None when --set named them (the
    # person typing chose them), so a file handed to mkchart cannot read the machine.
    files_confine: Path | None = None


def _files_named(tree: Any) -> bool:
    config = tree.get("config") if isinstance(tree, dict) else None
    return isinstance(config, dict) and "files" in config


def read_inputs(inputs: Inputs, cwd: Path | None = None) -> Given:
    """The answers file and the --set options as layers; nothing is validated yet."""
    cwd = cwd or Path.cwd()
    file_layer: dict[str, Any] = {}
    source = None
    source_is_record = False
    if inputs.answers_file is not None:
        file_layer = yamlio.read_mapping(inputs.answers_file, keep_text=True)
        source = str(inputs.answers_file)
        # An answers file kept by a chart (.mkchart.yaml) holds its answers under `answers:`.
        if isinstance(file_layer.get("answers"), dict) and "mkchart" in file_layer:
            file_layer = file_layer["answers"]
            source_is_record = True
        file_layer = as_written(file_layer)
    set_layer = parse_sets(list(inputs.sets))
    layers = Layers(file=file_layer, set=set_layer, name=inputs.name)
    if _files_named(file_layer) and not _files_named(set_layer) and inputs.answers_file:
        base = inputs.answers_file.parent
        # A chart's own record lists its copies, which live in files/config/ only.
        confine = base / CONFIG_FILES_DIR if source_is_record else base
        return Given(layers, source, base, confine)
    return Given(layers, source, cwd)


# The most a ConfigMap holds (Kubernetes refuses larger objects, etcd's 1 MiB value limit).
CONFIG_FILES_LIMIT = 1024 * 1024


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _read_regular(path: Path, limit: int) -> bytes | None:
    """At most `limit` + 1 bytes of `path`; None unless it is a regular file.

    Opened without blocking and checked on the open file, so that a FIFO swapped in
    after a stat cannot hang a CI job, nor a device such as /dev/zero fill the memory.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return handle.read(limit + 1)


def read_config_files(answers: Answers, base: Path, confine_to: Path | None = None) -> dict[str, bytes]:
    """Read every `config.files` path; a missing, unreadable or forbidden file is an answer error.

    `confine_to` is the folder the files must resolve into when their paths came from a
    file (see `Given.files_confine`).
    """
    return read_config_paths(answers.config.files, base, confine_to)


def _confined(path: Path, given: str, key: str, root: Path | None) -> Path | AnswerError:
    """The path to read (symlinks resolved when confined), or the problem if it leads
    outside `root`."""
    if root is None:
        return path
    try:
        source = path.resolve()
        inside = _is_within(source, root)
    except (OSError, RuntimeError):  # a symlink loop: refused like an outside path
        source, inside = path, False
    if inside:
        return source
    return AnswerError(key, t("e.file.outside", given=given, path=source, root=root),
                             t("e.file.outside.hint", root=root))


# Characters Helm cannot put in a ConfigMap: `.Files.AsConfig` fails on DEL, C1 controls,
# U+FFFE and U+FFFF without a word (one of them in one config file made the whole files
# ConfigMap vanish, and the pods mount subPaths that do not exist), and breaks lines at
# U+2028/U+2029 where `nindent` does not indent. Other control characters are carried.
NOT_IN_CONFIGMAP = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _text_problem(data: bytes, shown: Path | str, key: str) -> AnswerError | None:
    """Why a config file's bytes cannot go into the ConfigMap, or None; UnicodeDecodeError
    when they are not UTF-8."""
    text = data.decode("utf-8")
    found = NOT_IN_CONFIGMAP.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    return AnswerError(key, t("e.file.control", path=shown, char=character_name(found.group()), line=line),
                       t("e.file.control.hint"))


def _read_one(source: Path, shown: Path, key: str, base: Path, room: int) -> bytes | AnswerError:
    """One config file's bytes (at most `room` + 1), or the problem with it."""
    try:
        mode = os.stat(source).st_mode
        # Checked before opening: opening a FIFO or a device can block or never end.
        data = _read_regular(source, room) if stat.S_ISREG(mode) else None
        if data is None:
            if stat.S_ISDIR(mode):
                return AnswerError(key, t("e.file.folder", path=shown), t("e.file.folder.hint"))
            return AnswerError(key, t("e.file.special", path=shown), t("e.file.special.hint"))
        problem = _text_problem(data, shown, key) if len(data) <= room else None
        return problem or data
    except FileNotFoundError:
        return AnswerError(key, t("e.file.missing", path=shown), t("e.file.missing.hint", base=base))
    except UnicodeDecodeError:
        return AnswerError(key, t("e.file.utf8", path=shown), t("e.file.utf8.hint"))
    except OSError as exc:
        return AnswerError(key, t("e.file.unreadable", path=shown, reason=exc.strerror))


def read_chart_copies(answers: Answers, chart: Path) -> dict[str, bytes]:
    """The chart's own copies of its config files, as its record names them: each must be
    files/config/NAME, a regular file reached without any symbolic link (the record comes
    from a repository, where anything can be swapped for a link to the agent's files)."""
    contents: dict[str, bytes] = {}
    problems: list[AnswerError] = []
    total = 0
    for index, given in enumerate(answers.config.files):
        key = f"config.files[{index}]"
        folder, _, name = given.rpartition("/")
        if folder != CONFIG_FILES_DIR or not name or name in (".", ".."):
            root = chart.resolve() / CONFIG_FILES_DIR
            problems.append(AnswerError(key, t("e.file.outside", given=given, path=chart / given, root=root),
                                        t("e.file.outside.hint", root=root)))
            continue
        try:
            data = read_in_chart(chart, given, CONFIG_FILES_LIMIT - total)
        except UnsafeFileError as error:
            problems.append(AnswerError(key, error.message, error.hint))
            continue
        if data is None:
            problems.append(AnswerError(key, t("e.file.missing", path=chart / given),
                                        t("e.file.missing.hint", base=chart)))
            continue
        try:
            problem = _text_problem(data, chart / given, key)
        except UnicodeDecodeError:
            problems.append(AnswerError(key, t("e.file.utf8", path=chart / given), t("e.file.utf8.hint")))
            continue
        if problem is not None:
            problems.append(problem)
            continue
        total += len(data)
        contents[name] = data
    if problems:
        raise AnswersError(problems)
    return contents


def read_config_paths(paths: tuple[str, ...], base: Path, confine_to: Path | None = None) -> dict[str, bytes]:
    """Read config files by path, relative ones from `base`; raises `AnswersError`.

    Only regular files are read, together at most `CONFIG_FILES_LIMIT` bytes, and, with
    `confine_to`, only files that resolve (symlinks followed) inside that folder.
    """
    contents: dict[str, bytes] = {}
    problems: list[AnswerError] = []
    root = confine_to.resolve() if confine_to is not None else None
    total = 0
    for index, given in enumerate(paths):
        path = Path(given).expanduser()
        if not path.is_absolute():
            path = base / path
        key = f"config.files[{index}]"
        # Read what was checked; the copy keeps the given name, not a symlink's target's.
        source = _confined(path, given, key, root)
        data = source if isinstance(source, AnswerError) else _read_one(source, path, key, base,
                                                                          CONFIG_FILES_LIMIT - total)
        if isinstance(data, AnswerError):
            problems.append(data)
            continue
        total += len(data)
        if total > CONFIG_FILES_LIMIT:
            problems.append(AnswerError(key, t("e.file.too_big", path=path, limit=CONFIG_FILES_LIMIT),
                                        t("e.file.too_big.hint")))
            break
        contents[path.name] = data
    if problems:
        raise AnswersError(problems)
    return contents
