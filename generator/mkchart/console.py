"""Console output, the last stage of the flow: where each line goes, batch's progress,
and the next steps after a new chart.

Text mode: results on stdout, notes and errors on stderr. JSON mode (`--output json`):
one JSON document on stdout, every human line on stderr. `--quiet` keeps only errors
(and the JSON document). mkchart never colours or animates its output, except batch's
progress bar on a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import typer

from mkchart.i18n import t
from mkchart.outcomes import ChartOutcome, RunReport

OUTPUTS = ("text", "json")


class Console:
    """Where a command's words go (see the module's docstring)."""

    def __init__(self, command: str, output: str = "text", quiet: bool = False, lang: str | None = None) -> None:
        self.command = command
        self.output = output
        self.json = output == "json"
        self.quiet = quiet
        self.lang = lang  # --lang as given; the CLI sets the language from it

    def line(self, text: str) -> None:
        """A result: stdout, or stderr in JSON mode; not with --quiet."""
        if not self.quiet:
            typer.echo(text, err=self.json)

    def note(self, text: str) -> None:
        """Something worth knowing: stderr; not with --quiet."""
        if not self.quiet:
            typer.echo(text, err=True)

    def error(self, text: str) -> None:
        """A problem: stderr, always."""
        typer.echo(text, err=True)

    def finish(self, report: RunReport) -> int:
        """Print the JSON document (JSON mode); returns the report's exit code."""
        if self.json:
            typer.echo(report.to_json())
        return report.exitCode


_BAR_WIDTH = 30


class Progress:
    """Batch progress: a one-line bar on a terminal, a plain line per chart elsewhere (CI)."""

    def __init__(self, console: Console, env: Mapping[str, str]) -> None:
        self.console = console
        self.count = 0
        self.total = 0
        try:
            tty = sys.stderr.isatty()
        except (AttributeError, ValueError):
            tty = False
        # An animated bar only for a person: never in CI, with TERM=dumb or with --quiet.
        self.bar = tty and not env.get("CI") and env.get("TERM") != "dumb" and not console.quiet

    def start(self, total: int) -> None:
        self.total = total

    def step(self, outcome: ChartOutcome) -> None:
        self.count += 1
        if self.bar:
            filled = _BAR_WIDTH * self.count // max(self.total, 1)
            bar = "#" * filled + "." * (_BAR_WIDTH - filled)
            sys.stderr.write(f"\r[{bar}] {self.count}/{self.total} {outcome.name[:30]:<30}")
            sys.stderr.flush()
        else:
            self.console.note(f"{outcome.status:<10} {outcome.name}")

    def done(self) -> None:
        if self.bar and self.count:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()


def next_steps(name: str, chart: str, environments: tuple[str, ...]) -> list[str]:
    """What to do with a new chart: lint it, render it, install it into each environment's
    namespace with that environment's values-ENV.yaml (under a release name Helm accepts)."""
    # Here, not at the top: every command imports this module, few print next steps.
    from mkchart.answers.fit import release_name

    name = release_name(name)
    lines = [t("w.next"), f"  {t('w.next_lint')}", f"    helm lint --strict {chart}",
             f"  {t('w.next_template')}", f"    helm template {name} {chart}", f"  {t('w.next_install')}"]
    for env in environments:
        # Three lines each, so that every line fits 80 columns and still pastes as one command.
        lines += [f"    helm upgrade --install {name} {chart} \\", f"      --namespace {env} --create-namespace \\",
                  f"      -f {chart}/values-{env}.yaml"]
    return lines


def install_steps(name: str, chart: str) -> list[str]:
    """What to do with the namespaces chart: lint it, install it once (a release of its own)."""
    return [t("w.next"), f"  {t('w.next_lint')}", f"    helm lint --strict {chart}", f"  {t('n.next_install')}",
            f"    helm upgrade --install {name} {chart}"]


def chart_path(target: Path) -> str:
    """The chart folder as helm should be given it: ./NAME, never a bare NAME that helm
    could take for a repository chart."""
    text = str(target)
    return text if target.is_absolute() or text.startswith(".") else f"./{text}"
