"""Charts as earlier releases of mkchart rendered them, for regen's three-way merge.

A chart written by an earlier release is merged against what that release wrote, not
against today's render of its answers: otherwise every change mkchart made since would
look like the user's edit, or clash with it. Charts keep that base themselves since
`.mkchart/base.gz` (mkchart.basefile); these renders serve the charts of releases that
kept none (0.1.0), or whose stored base was deleted. Each such release keeps its
skeleton and profiles under templates/releases/VERSION/, with the few lines of context
code it differed by here; regen takes a file from a release's render only when its
sha256 is the one the chart's record holds, so a wrong guess is never used.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from mkchart import yamlio
from mkchart.answers.model import Answers
from mkchart.answers.tree import to_tree
from mkchart.chart.render import Rendered, render_templates, skeleton_templates
from mkchart.data import data_dir


def _folder(version: str) -> Path:
    return data_dir("templates") / "releases" / version


@cache
def _runtime(version: str, server_type: str) -> dict[str, Any] | None:
    """A profile's `runtime:` section as the release shipped it (None: no such type then)."""
    path = _folder(version) / "profiles" / f"{server_type}.yaml"
    if not path.is_file():
        return None
    runtime: dict[str, Any] = yamlio.parse(path.read_text(encoding="utf-8"), str(path))["runtime"]
    return runtime


def _context_0_1_0(answers: Answers, config_names: list[str]) -> dict[str, Any] | None:
    """mkchart 0.1.0's chart context (its mkchart/context.py), from its own profiles."""
    runtime = _runtime("0.1.0", answers.serverType)
    if runtime is None:
        return None
    chart = to_tree(answers)
    chart["mkchartVersion"] = "0.1.0"
    chart["portName"] = runtime["portName"]
    chart["probe"]["port"] = answers.probe.port or answers.port
    chart["ingress"]["host"] = answers.ingress.host or f"{answers.name}.{answers.ingress.domain}"
    env = {str(k): str(v).replace("{config.mountPath}", answers.config.mountPath.rstrip("/"))
           for k, v in (runtime.get("env") or {}).items()}
    chart["config"]["env"] = {**env, **answers.config.env}
    chart["generatedSecret"] = list(runtime.get("generatedSecret") or ())
    chart["config"]["files"] = sorted(config_names)
    chart["security"] = {key: runtime[key] for key in ("runAsUser", "runAsGroup", "fsGroup")}
    chart["writableDirs"] = [d for d in runtime.get("writableDirs") or () if d != answers.persistence.mountPath]
    return {"cookiecutter": {"name": answers.name, "chart": chart}}


CONTEXTS = {"0.1.0": _context_0_1_0}


def release_renders(answers: Answers, config_names: list[str]) -> Iterator[tuple[str, Rendered]]:
    """The chart of `answers` as each earlier release would have rendered it (the
    skeleton's files only: config copies are the user's), newest release first, each
    with its version."""
    for version in sorted(CONTEXTS, key=lambda v: tuple(int(part) for part in v.split(".")), reverse=True):
        if not _folder(version).is_dir():
            continue
        context = CONTEXTS[version](answers, config_names)
        if context is not None:
            yield version, render_templates(skeleton_templates(_folder(version) / "chart-skeleton"), context)
