"""The library API behind `mkchart new`: inputs -> answers -> rendered chart -> disk."""

from __future__ import annotations

import dataclasses
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


def read_layers(inputs: Inputs, cwd: Path | None = None) -> Layers:
    cwd = cwd or Path.cwd()
    file_layer: dict[str, Any] = {}
    source = None
    if inputs.answers_file is not None:
        file_layer = yamlio.read_mapping(inputs.answers_file)
        source = str(inputs.answers_file)
        # An answers file kept by a chart (.mkchart.yaml) holds its answers under `answers:`.
        if isinstance(file_layer.get("answers"), dict) and "mkchart" in file_layer:
            file_layer = file_layer["answers"]
    set_layer = parse_sets(list(inputs.sets))
    files_from_file = "files" in (file_layer.get("config") or {}) if isinstance(file_layer.get("config"), dict) else False
    files_from_set = "files" in set_layer.get("config", {})
    base = inputs.answers_file.parent if files_from_file and not files_from_set and inputs.answers_file else cwd
    return Layers(inputs.name, file_layer, set_layer, base, source)


def read_config_files(answers: Answers, base: Path) -> dict[str, bytes]:
    """Read every `config.files` path; a missing or unreadable file is an answer error."""
    return read_config_paths(answers.config.files, base)


def read_config_paths(paths: tuple[str, ...], base: Path) -> dict[str, bytes]:
    """Read config files by path, relative ones from `base`; raises `InvalidAnswers`."""
    contents: dict[str, bytes] = {}
    problems: list[InvalidAnswer] = []
    for index, given in enumerate(paths):
        path = Path(given).expanduser()
        if not path.is_absolute():
            path = base / path
        key = f"config.files[{index}]"
        try:
            data = path.read_bytes()
            data.decode("utf-8")
        except FileNotFoundError:
            problems.append(InvalidAnswer(key, t("e.file.missing", path=path), t("e.file.missing.hint", base=base)))
            continue
        except IsADirectoryError:
            problems.append(InvalidAnswer(key, t("e.file.folder", path=path), t("e.file.folder.hint")))
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
    return plan_chart(resolved, read_config_files(resolved.answers, layers.files_base))


def new_chart(plan: Plan, output_dir: Path, force: bool = False) -> Path:
    """Write a planned chart as OUTPUT_DIR/NAME; returns the chart's folder."""
    target = output_dir / plan.answers.name
    write_new_chart(target, plan.files, force=force)
    return target
