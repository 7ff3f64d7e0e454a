"""`mkchart lint` and `mkchart package`, with the real Helm engine (the optional `helm`
extra: `pip install 'mkchart[helm]'`): a strict lint, then the `.tgz` Helm would build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkchart.answers.codecs import UNCARRIED
from mkchart.chart import version as chart_version
from mkchart.chart.layout import CHART_YAML
from mkchart.errors import ChartVersionError, ExitCode, HelmMissingError, LintError, NotAChartError, UsageError, brief
from mkchart.i18n import t
from mkchart.outcomes import ChartOutcome, Status
from mkchart.regen.textmerge import has_markers


def _helm() -> Any:
    try:
        import helm_python
    except ImportError:
        raise HelmMissingError(t("p.no_helm"), t("p.no_helm.hint")) from None
    return helm_python


@dataclass(frozen=True)
class LintReport:
    chart: Path
    problems: tuple[str, ...]  # errors and warnings, "path: message"
    notes: tuple[str, ...]  # informational findings

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.BAD_INPUT if self.problems else ExitCode.OK

    def outcome(self) -> ChartOutcome:
        """A clean lint changes nothing: `unchanged`; any problem: `refused`."""
        status = Status.REFUSED if self.problems else Status.UNCHANGED
        return ChartOutcome(self.chart.resolve().name, str(self.chart), status, errors=list(self.problems),
                            notes=list(self.notes))


def _conflicted(chart: Path) -> list[str]:
    """Files still holding regen's conflict markers: Helm may lint them clean (in NOTES.txt,
    in a comment), but they must never ship."""
    found = []
    for path in sorted(chart.rglob("*")):
        if not path.is_symlink() and path.is_file() and path.stat().st_size < 4 * 1024 * 1024:
            try:
                if has_markers(path.read_text(encoding="utf-8")):
                    found.append(path.relative_to(chart).as_posix())
            except (UnicodeDecodeError, OSError):
                continue
    return found


def _links_outside(chart: Path) -> list[str]:
    """Symbolic links Helm would follow out of the chart (or round in a loop)."""
    root = chart.resolve()
    found = []
    for path in sorted(chart.rglob("*")):
        if path.is_symlink():
            try:
                inside = path.resolve(strict=True).is_relative_to(root)
            except (OSError, RuntimeError):  # a loop, or a link to nothing
                inside = False
            if not inside:
                found.append(path.relative_to(chart).as_posix())
    return found


def lint(chart: Path) -> LintReport:
    """`helm lint --strict` with the real engine, plus: no unresolved conflict markers."""
    helm = _helm()
    if not (chart / CHART_YAML).is_file():
        raise NotAChartError(t("p.not_chart", chart=chart, file=CHART_YAML), t("p.not_chart.hint"))
    # Checked before Helm, which would follow an outward link through the whole disk.
    problems = [t("p.link_outside", path=path) for path in _links_outside(chart)]
    if problems:
        return LintReport(chart, tuple(problems), ())
    problems = [t("p.markers", path=path) for path in _conflicted(chart)]
    report = helm.lint(str(chart), strict=True)
    problems += [f"{m['path']}: {m['error']}" for m in report["messages"] if m["severity"] >= 2]
    problems += [str(e) for e in report["errors"] if not any(str(e) in p for p in problems)]
    notes = [f"{m['path']}: {m['error']}" for m in report["messages"] if m["severity"] < 2]
    return LintReport(chart, tuple(problems), tuple(notes))


def check_package_versions(version: str | None, app_version: str | None) -> None:
    """`--version` a SemVer (Helm refuses a chart whose version is none, and repositories
    sort by it), `--app-version` one line of text: refused before anything is built."""
    if version is not None and not chart_version.is_semver(version):
        raise ChartVersionError(t("p.version_bad", value=brief(version)), t("p.version_bad.hint"))
    if app_version is not None and (not app_version.strip() or UNCARRIED.search(app_version) or "\n" in app_version):
        raise UsageError(t("p.app_version_bad", value=brief(app_version)))


def package(chart: Path, destination: Path | None = None, version: str | None = None,
            app_version: str | None = None) -> Path:
    """Lint strictly, then write NAME-VERSION.tgz into `destination` (by default the
    chart's parent folder: an archive inside the chart would be packed into the next
    one); returns its path. `version` and `app_version` replace Chart.yaml's in the
    package only (as `helm package --version --app-version`): the chart folder stays."""
    check_package_versions(version, app_version)
    helm = _helm()
    destination = destination or chart.resolve().parent
    report = lint(chart)
    if report.problems:
        raise LintError(
            t("p.lint_failed", chart=chart, count=len(report.problems), problems="; ".join(report.problems)),
            t("p.lint_failed.hint"),
        )
    try:
        destination.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(t("p.destination", destination=destination, reason=exc.strerror)) from None
    try:
        return Path(helm.package(str(chart), destination=str(destination), version=version,
                                 app_version=app_version)).absolute()
    except helm.HelmError as exc:
        raise LintError(t("p.helm_failed", chart=chart, error=exc)) from None
