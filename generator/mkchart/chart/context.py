"""Answers -> the template context: everything the skeleton prints, already decided.

Decisions (the default host, the probe port, the profile's user and writable folders)
are made here in typed Python rather than in Jinja, so the skeleton stays a plain
cookiecutter template. The context is what `chart-skeleton/cookiecutter.json` holds for
the default chart, so cookiecutter itself renders the same files (tests check it).
"""

from __future__ import annotations

from typing import Any

from mkchart import __version__
from mkchart.answers import profiles
from mkchart.answers.model import Answers
from mkchart.answers.tree import to_tree


def chart_context(answers: Answers, config_files: list[str]) -> dict[str, Any]:
    """The `cookiecutter` variables for one chart: top-level `name` and the `chart` tree.

    `config_files` are the file names under the chart's files/config/ folder.
    """
    profile = profiles.get(answers.serverType)
    runtime = profile.runtime
    chart = to_tree(answers)
    chart["mkchartVersion"] = __version__
    chart["portName"] = runtime.portName
    chart["probe"]["port"] = answers.probe.port or answers.port
    chart["ingress"]["host"] = answers.ingress.host or f"{answers.name}.{answers.ingress.domain}"
    # The profile's own environment comes first; the answers' values win on a clash.
    profile_env = {k: v.replace("{config.mountPath}", answers.config.mountPath.rstrip("/"))
                   for k, v in runtime.env.items()}
    chart["config"]["env"] = {**profile_env, **answers.config.env}
    chart["generatedSecret"] = list(runtime.generatedSecret)
    chart["config"]["files"] = sorted(config_files)
    chart["security"] = {
        "runAsUser": runtime.runAsUser,
        "runAsGroup": runtime.runAsGroup,
        "fsGroup": runtime.fsGroup,
    }
    chart["writableDirs"] = [d for d in runtime.writableDirs if d != answers.persistence.mountPath]
    return {"name": answers.name, "chart": chart}
