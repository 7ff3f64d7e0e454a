"""The library API behind `mkchart new`: inputs -> answers -> rendered chart -> disk."""

from __future__ import annotations

import dataclasses
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkchart import answersfile, yamlio
from mkchart.answers import Resolved, parse_sets, resolve
from mkchart.errors import InvalidAnswer, InvalidAnswers
from mkchart.i18n import t
from mkchart.model import Answers
from mkchart.layout import ANSWERS_FILE, CONFIG_FILES_DIR
from mkchart.render import Rendered, render
from mkchart.write import write_new_chart


@dataclass(frozen=True)
class Inputs:
    """Everything a user can say on the command line about one chart."""

    name: str | None = None
    answers_file: Path | None = None
    sets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layers:
    """The raw, unvalidated layers read from the inputs."""

    name: str | None
    file_layer: dict[str, Any]
    set_layer: dict[str, Any]
    files_base: Path  # folder that relative config.files paths are read from
    source: str | None
    # Where config files named in a file must stay; None when --set named them (the
    # person typing chose them), so a file handed to mkchart cannot read the machine.
    files_confine: Path | None = None


def read_layers(inputs: Inputs, cwd: Path | None = None) -> Layers:
    cwd = cwd or Path.cwd()
    file_layer: dict[str, Any] = {}
    source = None
    source_is_record = False
    if inputs.answers_file is not None:
        file_layer = yamlio.read_mapping(inputs.answers_file)
        source = str(inputs.answers_file)
        # An answers file kept by a chart (.mkchart.yaml) holds its answers under `answers:`.
        if isinstance(file_layer.get("answers"), dict) and "mkchart" in file_layer:
            file_layer = file_layer["answers"]
            source_is_record = True
    set_layer = parse_sets(list(inputs.sets))
    files_from_file = "files" in (file_layer.get("config") or {}) if isinstance(file_layer.get("config"), dict) else False
    files_from_set = "files" in set_layer.get("config", {})
    if files_from_file and not files_from_set and inputs.answers_file:
        base = inputs.answers_file.parent
        # A chart's own record lists its copies, which live in files/config/ only.
        confine = base / CONFIG_FILES_DIR if source_is_record else base
        return Layers(inputs.name, file_layer, set_layer, base, source, confine)
    return Layers(inputs.name, file_layer, set_layer, cwd, source)


def read_config_files(answers: Answers, base: Path, confine_to: Path | None = None) -> dict[str, bytes]:
    """Read every `config.files` path; a missing, unreadable or forbidden file is an answer error.

    `confine_to` is the folder the files must resolve into when their paths came from a
    file (see `Layers.files_confine`).
    """
    return read_config_paths(answers.config.files, base, confine_to)


# The most a ConfigMap holds (Kubernetes refuses larger objects, etcd's 1 MiB value limit).
CONFIG_FILES_LIMIT = 1024 * 1024


def _inside(path: Path, folder: Path) -> bool:
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


def read_config_paths(paths: tuple[str, ...], base: Path, confine_to: Path | None = None) -> dict[str, bytes]:
    """Read config files by path, relative ones from `base`; raises `InvalidAnswers`.

    Only regular files are read, together at most `CONFIG_FILES_LIMIT` bytes, and, with
    `confine_to`, only files that resolve (symlinks followed) inside that folder.
    """
    contents: dict[str, bytes] = {}
    problems: list[InvalidAnswer] = []
    root = confine_to.resolve() if confine_to is not None else None
    total = 0
    for index, given in enumerate(paths):
        path = Path(given).expanduser()
        if not path.is_absolute():
            path = base / path
        key = f"config.files[{index}]"
        # Read what was checked; the copy keeps the given name, not a symlink's target's.
        source = path
        if root is not None:
            try:
                source = path.resolve()
                inside = _inside(source, root)
            except (OSError, RuntimeError):  # a symlink loop: refused like an outside path
                inside = False
            if not inside:
                problems.append(InvalidAnswer(key, t("e.file.outside", given=given, path=source, root=root),
                                              t("e.file.outside.hint", root=root)))
                continue
        try:
            mode = os.stat(source).st_mode
            # Checked before opening: opening a FIFO or a device can block or never end.
            data = _read_regular(source, CONFIG_FILES_LIMIT - total) if stat.S_ISREG(mode) else None
            if data is None:
                if stat.S_ISDIR(mode):
                    problems.append(InvalidAnswer(key, t("e.file.folder", path=path), t("e.file.folder.hint")))
                else:
                    problems.append(InvalidAnswer(key, t("e.file.special", path=path), t("e.file.special.hint")))
                continue
            total += len(data)
            if total > CONFIG_FILES_LIMIT:
                problems.append(InvalidAnswer(key, t("e.file.too_big", path=path, limit=CONFIG_FILES_LIMIT),
                                              t("e.file.too_big.hint")))
                break
            data.decode("utf-8")
        except FileNotFoundError:
            problems.append(InvalidAnswer(key, t("e.file.missing", path=path), t("e.file.missing.hint", base=base)))
            continue
        except UnicodeDecodeError:
            problems.append(InvalidAnswer(key, t("e.file.utf8", path=path), t("e.file.utf8.hint")))
            continue
        except OSError as exc:
            problems.append(InvalidAnswer(key, t("e.file.unreadable", path=path, reason=exc.strerror)))
            continue
        contents[path.name] = data
    if problems:
        raise InvalidAnswers(problems)
    return contents


@dataclass(frozen=True)
class Plan:
    """A chart ready to be written: its answers and every file's bytes."""

    resolved: Resolved
    files: Rendered

    @property
    def answers(self) -> Answers:
        return self.resolved.answers


def recorded_answers(answers: Answers, config_files: dict[str, bytes]) -> Answers:
    """The answers as the chart records them: config files point at the chart's own copies
    (files/config/NAME), which become the files to edit and what `regen` reads."""
    chart_paths = tuple(f"{CONFIG_FILES_DIR}/{name}" for name in config_files)
    return dataclasses.replace(answers, config=dataclasses.replace(answers.config, files=chart_paths))


def plan_chart(resolved: Resolved, config_files: dict[str, bytes]) -> Plan:
    files = render(resolved.answers, config_files)
    files[ANSWERS_FILE] = answersfile.dump(
        recorded_answers(resolved.answers, config_files), answersfile.hashes(files))
    return Plan(resolved, files)


def plan_from_inputs(inputs: Inputs, cwd: Path | None = None) -> Plan:
    layers = read_layers(inputs, cwd)
    resolved = resolve(layers.name, layers.file_layer, layers.set_layer, layers.source)
    return plan_chart(resolved, read_config_files(resolved.answers, layers.files_base, layers.files_confine))


def new_chart(plan: Plan, output_dir: Path, force: bool = False) -> Path:
    """Write a planned chart as OUTPUT_DIR/NAME; returns the chart's folder."""
    target = output_dir / plan.answers.name
    write_new_chart(target, plan.files, force=force)
    return target
