"""Rendering: answers -> {relative path: bytes}. Pure: no file is read or written here
except the skeleton itself, which is loaded and compiled once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from mkchart.answers.model import Answers
from mkchart.answers.rules import LENIENT
from mkchart.chart import valuesdoc, valuesschema
from mkchart.chart.context import INITIAL_VERSION, chart_context, profile_files
from mkchart.chart.envfiles import environment_files, free_value_problems, typed_values
from mkchart.chart.layout import README_FILE, SCHEMA_FILE, VALUES_YAML, config_copy, pod_depth
from mkchart.chart.readme import readme
from mkchart.data import skeleton_dir
from mkchart.errors import AnswersError

Rendered = dict[str, bytes]


@dataclass(frozen=True)
class _Template:
    path: Any  # the relative path: a str, or a jinja2.Template when it holds a variable
    body: Any  # jinja2.Template of the content


def _skeleton() -> tuple[_Template, ...]:
    """Every file of chart-skeleton/ as a compiled template, loaded once per process."""
    return skeleton_templates(skeleton_dir())


@cache
def _environment(root: Path) -> tuple[Any, list[str]]:
    from mkchart.chart import skeleton

    return skeleton.load(root)


@cache
def skeleton_templates(root: Path) -> tuple[_Template, ...]:
    """Every file of the skeleton at `root` (today's, or an earlier release's) as a
    compiled template, loaded once per process."""
    env, names = _environment(root)
    start = env.variable_start_string
    return tuple(
        # Most paths hold no variable: a plain string needs no template (nor its compile).
        _Template(path=env.from_string(name) if start in name else name, body=env.get_template(name))
        for name in names
    )


def compile_skeleton() -> None:
    """Load and compile the skeleton now (it is otherwise done on the first render)."""
    _skeleton()


def render(answers: Answers, config_files: dict[str, bytes] | None = None, version: str = INITIAL_VERSION) -> Rendered:
    """Render a whole chart. `config_files` maps file names to their contents (the
    `config.files` answers, already read); they land in files/config/, beside the
    profile's own config files that none of them replaces. `version` is Chart.yaml's."""
    config_files = {**profile_files(answers, list(config_files or {})), **(config_files or {})}
    context = {"cookiecutter": chart_context(answers, list(config_files), version)}
    rendered = render_templates(_skeleton(), context)
    for name, content in config_files.items():
        rendered[config_copy(name)] = content
    documented = valuesdoc.read(rendered[VALUES_YAML].decode("utf-8"))
    schema = valuesschema.schema_text(answers, documented)
    typed = None
    if any(environment.values for environment in answers.environments.values()):
        tree = json.loads(schema)
        problems = [] if LENIENT.get() else free_value_problems(answers, tree, documented.values)
        if problems:
            raise AnswersError(problems)
        typed = typed_values(tree)
    for name, text in environment_files(answers, _tojson, typed).items():
        rendered[name] = text.encode("utf-8")
    rendered[SCHEMA_FILE] = schema.encode("utf-8")
    rendered[README_FILE] = readme(answers, documented).encode("utf-8")
    return rendered


def _tojson(value: Any) -> str:
    """A value as the skeleton's `tojson` writes it into values.yaml."""
    from jinja2.utils import htmlsafe_json_dumps

    policies = _environment(skeleton_dir())[0].policies
    return str(htmlsafe_json_dumps(value, dumps=policies["json.dumps_function"], **policies["json.dumps_kwargs"]))


def render_templates(templates: tuple[_Template, ...], context: dict[str, Any]) -> Rendered:
    """Each template's path and content rendered with `context`."""
    rendered: Rendered = {}
    for template in templates:
        path = template.path if isinstance(template.path, str) else template.path.render(context)
        text = template.body.render(context)
        if is_left_out(path, text):
            continue
        rendered[path] = text.encode("utf-8")
    return rendered


def is_left_out(path: str, text: str) -> bool:
    """Whether a rendered file is not part of the chart: a Helm template that renders to
    nothing for these answers (a Service for a CronJob). The skeleton's post-generation
    hook leaves out the same files for plain cookiecutter."""
    return path.startswith("templates/") and not text.strip()


def cookiecutter_defaults(answers: Answers) -> dict[str, Any]:
    """What chart-skeleton/cookiecutter.json holds: the context of `answers` plus the
    template settings, so plain `cookiecutter --no-input` renders the same chart."""
    settings = json.loads((skeleton_dir() / "cookiecutter.json").read_text(encoding="utf-8"))
    private = {k: v for k, v in settings.items() if k.startswith("_")}
    context = chart_context(answers, [])
    # For plain cookiecutter's post-generation hook, which writes them as mkchart does:
    # each environment's values file, and the files written from values.yaml.
    rendered = render(answers)
    derived = [*environment_files(answers, _tojson), SCHEMA_FILE, README_FILE]
    context["chart"]["derivedFiles"] = {name: rendered[name].decode("utf-8") for name in derived}
    return {**context, **private}


def move_pod_template(text: str, source: str, target: str) -> str:
    """A rendered `source` workload template (a Deployment's) with its pod template moved
    to the depth a `target` workload's sits at (a CronJob's: 4 columns deeper), by the
    skeleton's own `nest` filter; the rest as it is. regen merges the edits of one into
    the other this way. A text whose pod template cannot be found is returned unchanged."""
    width = pod_depth(target) - pod_depth(source)
    lines = text.split("\n")
    marker = " " * (2 + pod_depth(source)) + "template:"
    if not width or marker not in lines:
        return text
    start = lines.index(marker) + 1
    inner = 4 + pod_depth(source)  # the pod template's own keys (metadata:, spec:)
    end = next((i for i in range(start, len(lines))
                if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip(" ")) < inner), len(lines))
    nest = _environment(skeleton_dir())[0].filters["nest"]
    return "\n".join([*lines[:start], nest("\n".join(lines[start:end]), width), *lines[end:]])
