"""mkchart: generate production-grade, regenerable Helm charts.

The data flows one way, and each stage is a subpackage or module of its own:

    inputs (flags, --answers, services file, a session: `inputs`, `wizard`)
      -> answers (`answers`: one typed, validated `Answers`)
      -> chart (`chart`: render, a pure function to {path: bytes})
      -> new chart | regeneration plan (`new`, `regen`, many at once: `batch`, `fleet`)
      -> disk (`write`; the chart's record: `record`)
      -> outcomes (`outcomes`) -> console or JSON (`console`, `cli`)

The public library API is listed in `__all__` and described in docs/library.md; it is
imported on first use, so that `mkchart --help` starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The version of the answers-file format (`.mkchart.yaml`); bump it with a migration.
ANSWERS_FORMAT = 4

if TYPE_CHECKING:
    from mkchart.answers.layers import Layers
    from mkchart.answers.model import Answers
    from mkchart.answers.resolve import Resolved, parse_sets, resolve
    from mkchart.batch import check_services, run_batch
    from mkchart.chart.render import render
    from mkchart.errors import ExitCode, MkchartError
    from mkchart.inputs import Inputs
    from mkchart.new import Plan, create, new_chart, plan_new
    from mkchart.outcomes import ChartOutcome, RunReport, Status, exit_code
    from mkchart.regen.plan import RegenPlan, apply, plan_regen, regen_chart

_HOMES = {
    "Answers": "mkchart.answers.model",
    "Layers": "mkchart.answers.layers",
    "Resolved": "mkchart.answers.resolve",
    "parse_sets": "mkchart.answers.resolve",
    "resolve": "mkchart.answers.resolve",
    "render": "mkchart.chart.render",
    "Inputs": "mkchart.inputs",
    "Plan": "mkchart.new",
    "plan_new": "mkchart.new",
    "create": "mkchart.new",
    "new_chart": "mkchart.new",
    "RegenPlan": "mkchart.regen.plan",
    "plan_regen": "mkchart.regen.plan",
    "apply": "mkchart.regen.plan",
    "regen_chart": "mkchart.regen.plan",
    "check_services": "mkchart.batch",
    "run_batch": "mkchart.batch",
    "ChartOutcome": "mkchart.outcomes",
    "exit_code": "mkchart.outcomes",
    "RunReport": "mkchart.outcomes",
    "Status": "mkchart.outcomes",
    "ExitCode": "mkchart.errors",
    "MkchartError": "mkchart.errors",
}

__all__ = [
    "ANSWERS_FORMAT", "Answers", "ChartOutcome", "ExitCode", "Inputs", "Layers", "MkchartError", "Plan",
    "RegenPlan", "Resolved", "RunReport", "Status", "__version__", "apply", "check_services", "create",
    "exit_code", "new_chart", "parse_sets", "plan_new", "plan_regen", "regen_chart", "render", "resolve",
    "run_batch",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mkchart' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
