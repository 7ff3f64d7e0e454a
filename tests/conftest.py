"""Shared fixtures and the real-engine checks (Helm v4 via helm-python-sdk, and the
Kubernetes OpenAPI schemas via kubernetes-validate)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mkchart.cli import app
from mkchart.i18n import set_language

# The Kubernetes minor versions mkchart claims to support (README.md and docs/answers.md say the same).
KUBE_VERSIONS = ("1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37")
OLDEST_AND_NEWEST = (KUBE_VERSIONS[0], KUBE_VERSIONS[-1])

REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true",
        help="rewrite tests/golden/ from the current output (review the diff before committing)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden")) or os.environ.get("MKCHART_UPDATE_GOLDEN") == "1"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No test may read a developer's CI variable or write a real user cache.
    for name in list(os.environ):
        if name.startswith("MKCHART_") or name in ("CI", "LC_ALL", "LC_MESSAGES", "LANG"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MKCHART_CACHE_DIR", str(tmp_path / ".cache"))
    # The language is per process; an in-process run with --lang zh must not leak into the next test.
    set_language("en")


class Run:
    """Runs `mkchart` in-process through typer's CliRunner."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
        runner = CliRunner()
        old = Path.cwd()
        os.chdir(self.cwd)
        try:
            return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)
        finally:
            os.chdir(old)


@pytest.fixture
def mkchart(tmp_path: Path) -> Run:
    return Run(tmp_path)


def lint_strict(chart: Path, values: dict[str, Any] | None = None) -> None:
    """`helm lint --strict` with the real engine: no error and no warning."""
    import helm_python

    report = helm_python.lint(str(chart), values or {}, strict=True)
    serious = [m for m in report["messages"] if m["severity"] >= 2]
    assert not report["errors"] and not serious, f"helm lint --strict {chart}: {report}"


def render_objects(chart: Path, values: dict[str, Any] | None = None, name: str | None = None,
                   namespace: str = "dev") -> list[dict[str, Any]]:
    """`helm template` with the real engine, parsed into Kubernetes objects."""
    import helm_python
    import yaml

    loaded = helm_python.Chart.load(str(chart))
    try:
        manifests = loaded.render(values or {}, name=name or chart.name, namespace=namespace)
    finally:
        loaded.close()
    objects: list[dict[str, Any]] = []
    for path, text in manifests.items():
        if path.endswith("NOTES.txt"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                objects.append(doc)
    return objects


def validate_objects(objects: Iterable[dict[str, Any]], versions: Iterable[str] = KUBE_VERSIONS) -> None:
    """Every object against the strict Kubernetes schema of every given version."""
    import kubernetes_validate

    for obj in objects:
        for version in versions:
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                where = f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')} on {version}"
                pytest.fail(f"{where}: {error.message} at {list(error.path)}")


def by_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def one(objects: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = by_kind(objects, kind)
    assert len(found) == 1, f"expected one {kind}, got {len(found)}"
    return found[0]


MakeChart = Callable[..., Path]


@pytest.fixture
def make_chart(mkchart: Run, tmp_path: Path) -> MakeChart:
    """Generate a chart with `mkchart new NAME --no-input [--set ...]` and return its folder."""

    def make(name: str, *sets: str, answers: Path | None = None, out: str = "out") -> Path:
        args = ["new", name, "--no-input", "--output-dir", out]
        for pair in sets:
            args += ["--set", pair]
        if answers is not None:
            args += ["--answers", str(answers)]
        result = mkchart(*args)
        assert result.exit_code == 0, result.output
        return tmp_path / out / name

    return make


def resolve(name: str | None = None, file: dict[str, Any] | None = None, sets: dict[str, Any] | None = None) -> Any:
    """`mkchart.answers.resolve.resolve` over a NAME argument, an answers file and --set layers."""
    from mkchart.answers.layers import Layers
    from mkchart.answers.resolve import resolve as resolve_layers

    return resolve_layers(Layers(file=file or {}, set=sets or {}, name=name))
