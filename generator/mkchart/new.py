"""`mkchart new`: the one pipeline from inputs to a chart on disk.

plan (pure: answers -> every file's bytes, the record included) -> write (atomic) ->
outcome. The interactive session only gathers the answers; it plans with `plan_chart`
and hands the plan back, so both ways end in `create`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from mkchart import basefile, record
from mkchart.answers.model import Answers
from mkchart.answers.resolve import Resolved, resolve
from mkchart.chart.layout import ANSWERS_FILE, BASE_FILE, config_copy
from mkchart.chart.render import Rendered, render
from mkchart.inputs import Inputs, read_config_files, read_inputs
from mkchart.outcomes import ChartOutcome, Status
from mkchart.write import remove_staging, write_new_chart


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
    chart_paths = tuple(config_copy(name) for name in config_files)
    return dataclasses.replace(answers, config=dataclasses.replace(answers.config, files=chart_paths))


def plan_chart(resolved: Resolved, config_files: dict[str, bytes]) -> Plan:
    """Every file of the chart, the record `.mkchart.yaml` and the stored base included;
    writes nothing."""
    files = render(resolved.answers, config_files)
    users = {config_copy(name) for name in config_files}  # their input, not mkchart's output
    files[BASE_FILE] = basefile.encode({path: content for path, content in files.items() if path not in users})
    files[ANSWERS_FILE] = record.dump(recorded_answers(resolved.answers, config_files), record.hashes(files))
    return Plan(resolved, files)


def plan_new(inputs: Inputs, cwd: Path | None = None) -> Plan:
    """Inputs -> answers -> chart files: everything `new` does except writing."""
    given = read_inputs(inputs, cwd)
    resolved = resolve(given.layers, given.source)
    return plan_chart(resolved, read_config_files(resolved.answers, given.files_base, given.files_confine))


def create(plan: Plan, output_dir: Path, force: bool = False, tidy: bool = True) -> ChartOutcome:
    """Write a planned chart as OUTPUT_DIR/NAME, atomically; `force` replaces a folder.
    `tidy` first removes a killed run's staging folder for it (batch does that once for all)."""
    target = output_dir / plan.answers.name
    if tidy:
        remove_staging(output_dir, {plan.answers.name})
    write_new_chart(target, plan.files, force=force)
    return ChartOutcome(plan.answers.name, str(target), Status.CREATED, written=sorted(plan.files),
                        notes=list(plan.resolved.notes))


def new_chart(inputs: Inputs, output_dir: Path, force: bool = False) -> ChartOutcome:
    """`mkchart new --no-input`: plan from the inputs and write the chart."""
    return create(plan_new(inputs), output_dir, force=force)
