"""The `mkchart` command: parses options, calls the library, maps errors to exit codes.

Nothing here decides anything about charts; see `mkchart.generate` and friends.
Heavy modules are imported inside the commands so `mkchart --help` starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from mkchart.errors import EXIT_INTERRUPTED, Interrupted, MkchartError

app = typer.Typer(
    name="mkchart",
    help="Generate production-grade, regenerable Helm charts for services moving onto Kubernetes.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _say(message: str) -> None:
    typer.echo(message, err=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a user mistake into its message on stderr and its exit code; bugs still crash."""
    try:
        yield
    except MkchartError as error:
        _say(f"mkchart: error: {error}")
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        _say(f"mkchart: {Interrupted('interrupted').message}; nothing was written")
        raise typer.Exit(EXIT_INTERRUPTED) from None


NoInput = Annotated[bool, typer.Option(
    "--no-input", envvar="MKCHART_NO_INPUT",
    help="Never prompt: take every answer from --set, --answers and the defaults.")]
AnswersOpt = Annotated[Optional[Path], typer.Option(  # noqa: UP007 - typer needs Optional
    "--answers", "-a", envvar="MKCHART_ANSWERS", dir_okay=False,
    help="YAML answers file (keys as in docs/answers.md).")]
SetOpt = Annotated[Optional[list[str]], typer.Option(  # noqa: UP007
    "--set", "-s", metavar="KEY=VALUE",
    help="Set one answer, e.g. --set image.tag=9.0.85 (repeatable; wins over --answers).")]
OutputDir = Annotated[Path, typer.Option(
    "--output-dir", "-o", envvar="MKCHART_OUTPUT_DIR", file_okay=False,
    help="Folder in which the chart folder NAME is created.")]
Force = Annotated[bool, typer.Option(
    "--force", envvar="MKCHART_FORCE",
    help="Replace an existing chart folder (its files are lost; prefer `mkchart regen`).")]


def _version(value: bool) -> None:
    if value:
        from mkchart import __version__

        typer.echo(f"mkchart {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Generate production-grade, regenerable Helm charts for services moving onto Kubernetes."""


@app.command()
def new(
    name: Annotated[Optional[str], typer.Argument(  # noqa: UP007
        help="Service name, business-servertype-identifier such as book-tomcat-n1.")] = None,
    no_input: NoInput = False,
    answers: AnswersOpt = None,
    set_: SetOpt = None,
    output_dir: OutputDir = Path("."),
    force: Force = False,
) -> None:
    """Generate a new chart NAME from flags, an answers file and the server type's defaults."""
    with user_errors():
        from mkchart.generate import Inputs, new_chart, plan_from_inputs

        plan = plan_from_inputs(Inputs(name=name, answers_file=answers, sets=tuple(set_ or ())))
        for note in plan.resolved.notes:
            _say(f"mkchart: note: {note}")
        target = new_chart(plan, output_dir, force=force)
        typer.echo(f"Wrote chart {plan.answers.name} ({len(plan.files)} files) to {target}")
        typer.echo(f"Next: helm lint --strict {target} && helm template {plan.answers.name} {target}")


@app.command()
def regen(
    chart_dir: Annotated[Path, typer.Argument(
        file_okay=False, help="The chart's folder (it holds .mkchart.yaml).")] = Path("."),
    answers: AnswersOpt = None,
    set_: SetOpt = None,
    check: Annotated[bool, typer.Option(
        "--check", help="Change nothing; exit 1 with a diff when the chart is not what regen would make.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show what would change, file by file, with the diff; write nothing.")] = False,
) -> None:
    """Re-render a chart from its answers (changed by --answers/--set), keeping your edits."""
    with user_errors():
        from mkchart import regen as regeneration
        from mkchart import report
        from mkchart.errors import Conflicts, Drift

        plan = regeneration.plan_regen(chart_dir, answers, tuple(set_ or ()))
        for note in plan.notes:
            _say(f"mkchart: note: {note}")
        if check or dry_run:
            typer.echo(report.unified_diff(plan), nl=False)
            if dry_run:
                typer.echo("\n".join(report.file_lines(plan, everything=True)))
            typer.echo(report.summary(plan))
            if check and not plan.current:
                raise Drift(f"{chart_dir}: " + ("out of date with its answers" if plan.writes else "unresolved conflicts"),
                            "run `mkchart regen`, resolve any conflicts and commit the result")
            return
        regeneration.apply(plan)
        for line in report.file_lines(plan):
            typer.echo(line)
        typer.echo(report.summary(plan).replace("file(s) to change", "file(s) changed"))
        if plan.conflicts:
            raise Conflicts(
                f"{len(plan.conflicts)} file(s) with conflicts: " + ", ".join(plan.conflicts),
                "edit each file between '<<<<<<< yours' and '>>>>>>> mkchart', keep what is right, "
                "delete the markers, then run `mkchart regen` again")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="mkchart")


if __name__ == "__main__":
    main()
    sys.exit(0)
