"""The `mkchart` command: parses options, calls the library, maps errors to exit codes.

Nothing here decides anything about charts; see `mkchart.generate` and friends.
Heavy modules are imported inside the commands so `mkchart --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from mkchart.errors import EXIT_INTERRUPTED, Interrupted, MkchartError, UsageError
from mkchart.i18n import LANGUAGES, detect, set_language, t

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
    except Interrupted as error:
        _say(f"mkchart: {error}")
        raise typer.Exit(error.exit_code) from None
    except MkchartError as error:
        _say(f"mkchart: {t('e.error')}: {error}")
        raise typer.Exit(error.exit_code) from None
    except (KeyboardInterrupt, EOFError):
        # Ctrl-C or end of input: end on a fresh line, since the prompt may still be open.
        _say(f"\nmkchart: {t('w.interrupted')}")
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
Lang = Annotated[Optional[str], typer.Option(  # noqa: UP007
    "--lang", envvar="MKCHART_LANG", metavar="en|zh",
    help="Language of questions and messages (default: from LC_ALL, LC_MESSAGES or LANG).")]
Force = Annotated[bool, typer.Option(
    "--force", envvar="MKCHART_FORCE",
    help="Replace an existing chart folder (its files are lost; prefer `mkchart regen`).")]


def choose_language(flag: str | None) -> None:
    """Set the language once for this process: --lang/MKCHART_LANG, else the locale."""
    if flag is not None and flag not in LANGUAGES:
        raise UsageError(f"--lang {flag!r}: must be one of {', '.join(LANGUAGES)}")
    set_language(detect(flag, os.environ))


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # no stdin at all, or a closed one
        return False


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
    lang: Lang = None,
) -> None:
    """Generate a new chart NAME: asks at a terminal, else takes flags, --answers and defaults.

    Without a terminal, with --no-input or with CI set, nothing is ever asked.
    """
    with user_errors():
        choose_language(lang)
        from mkchart.generate import Inputs, new_chart, plan_from_inputs, read_layers
        from mkchart import wizard

        inputs = Inputs(name=name, answers_file=answers, sets=tuple(set_ or ()))
        if wizard.wanted(no_input, os.environ, _stdin_is_terminal()):
            session = wizard.Session.from_layers(read_layers(inputs))
            wizard.run(session, output_dir, force, ask=input, say=typer.echo)
            return
        plan = plan_from_inputs(inputs)
        for note in plan.resolved.notes:
            _say(f"mkchart: {t('e.note')}: {note}")
        target = new_chart(plan, output_dir, force=force)
        typer.echo(t("w.wrote", name=plan.answers.name, count=len(plan.files), target=target))
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
