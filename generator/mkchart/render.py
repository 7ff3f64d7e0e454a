"""Rendering: answers -> {relative path: bytes}. Pure: no file is read or written here
except the skeleton itself, which is loaded and compiled once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from mkchart import __version__
from mkchart.context import chart_context
from mkchart.layout import CONFIG_FILES_DIR
from mkchart.model import Answers
from mkchart.resources import skeleton_dir

Rendered = dict[str, bytes]



@dataclass(frozen=True)
class _Template:
    path: Any  # jinja2.Template of the relative path
    body: Any  # jinja2.Template of the content


def _bytecode_cache() -> Any:
    """Jinja's compiled-template cache in the user's cache folder, or None.

    Compiling the skeleton costs more than everything else `mkchart new` does, so a
    second run loads the compiled code instead. The cache is keyed by each template's
    source, so an edited skeleton is never served stale; an unwritable cache is skipped.
    """
    import os

    from jinja2 import FileSystemBytecodeCache

    if os.environ.get("MKCHART_NO_CACHE"):
        return None
    base = os.environ.get("MKCHART_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "mkchart")

    class QuietCache(FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: Any) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass  # a cache that cannot be written only costs speed

    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        return None
    return QuietCache(base, pattern=f"skeleton-{__version__}-%s.cache")


@cache
def _skeleton() -> tuple[_Template, ...]:
    """Compile every file of chart-skeleton/ once, with the delimiters cookiecutter.json sets.

    The environment mirrors cookiecutter's (strict undefined, trailing newline kept), so a
    template that works here works under `cookiecutter` too.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    root = skeleton_dir()
    settings = json.loads((root / "cookiecutter.json").read_text(encoding="utf-8"))
    (project,) = [p for p in root.iterdir() if p.is_dir() and "cookiecutter" in p.name]
    env = Environment(
        loader=FileSystemLoader(project),
        bytecode_cache=_bytecode_cache(),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        auto_reload=False,
        **settings["_jinja2_env_vars"],
    )
    templates = []
    for file in sorted(project.rglob("*")):
        if file.is_file():
            relative = file.relative_to(project).as_posix()
            templates.append(_Template(path=env.from_string(relative), body=env.get_template(relative)))
    return tuple(templates)


def compile_skeleton() -> None:
    """Load and compile the skeleton now (it is otherwise done on the first render)."""
    _skeleton()


def render(answers: Answers, config_files: dict[str, bytes] | None = None) -> Rendered:
    """Render a whole chart. `config_files` maps file names to their contents (the
    `config.files` answers, already read); they land in files/config/."""
    config_files = config_files or {}
    context = {"cookiecutter": chart_context(answers, list(config_files))}
    rendered: Rendered = {}
    for template in _skeleton():
        rendered[template.path.render(context)] = template.body.render(context).encode("utf-8")
    for name, content in config_files.items():
        rendered[f"{CONFIG_FILES_DIR}/{name}"] = content
    return rendered


def cookiecutter_defaults(answers: Answers) -> dict[str, Any]:
    """What chart-skeleton/cookiecutter.json holds: the context of `answers` plus the
    template settings, so plain `cookiecutter --no-input` renders the same chart."""
    settings = json.loads((skeleton_dir() / "cookiecutter.json").read_text(encoding="utf-8"))
    private = {k: v for k, v in settings.items() if k.startswith("_")}
    return {**chart_context(answers, []), **private}


def skeleton_root() -> Path:
    return skeleton_dir()
