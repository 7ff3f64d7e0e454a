"""Shared fixtures and the real-engine checks (Helm v4 via helm-python-sdk, and the
Kubernetes OpenAPI schemas via kubernetes-validate)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mkchart.answers import profiles
from mkchart.cli import app
from mkchart.i18n import set_language

# The Kubernetes minor versions mkchart claims to support (README.md and docs/answers.md say the same).
KUBE_VERSIONS = ("1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37")
OLDEST_AND_NEWEST = (KUBE_VERSIONS[0], KUBE_VERSIONS[-1])

REPO = Path(__file__).resolve().parent.parent

# A services file for `mkchart batch`: three valid services sharing defaults.
SERVICES = """\
defaults:
  image: {repository: harbor.example.com/book/app, tag: "2.3.1"}
  persistence: {storageClass: glusterfs}
  ingress: {domain: book.example.com}
  timezone: Asia/Shanghai
services:
  - name: book-tomcat-n1
  - name: book-mysql-m1
    image: {repository: mysql, tag: "8.0.36"}
    persistence: {enabled: true, size: 20Gi}
  - name: book-redis-n1
    image: {repository: redis, tag: 7.2.4-alpine}
"""

# A services file with one valid service and four invalid ones (bad name, bad tag and
# port, a name used twice, no name).
BROKEN_SERVICES = """\
defaults:
  persistence: {storageClass: glusterfs}
services:
  - name: book-tomcat-n1
  - name: Book_mysql
  - name: book-redis-n1
    port: 99999
    image: {tag: latest}
  - name: book-tomcat-n1
  - port: 80
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true",
        help="rewrite tests/golden/ from the current output (review the diff before committing)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden")) or os.environ.get("MKCHART_UPDATE_GOLDEN") == "1"


def _developer_setting(name: str) -> bool:
    """A variable of the developer's shell that changes what mkchart does: MKCHART_*, CI, the locale."""
    return name.startswith("MKCHART_") or name in ("CI", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No test may read a developer's CI variable or write a real user cache.
    for name in list(os.environ):
        if _developer_setting(name):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MKCHART_CACHE_DIR", str(tmp_path / ".cache"))
    # The language is per process; an in-process run with --lang zh must not leak into the next test.
    set_language("en")
    # So are a team's profiles (--profiles): each test starts with the built-in ones alone.
    profiles.activate(())


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a real `mkchart` child process: this one's without the developer's
    MKCHART_*, CI and locale variables, with the test's own cache folder (see `_isolated`),
    and `extra` on top."""
    env = {name: value for name, value in os.environ.items() if not _developer_setting(name)}
    env["MKCHART_CACHE_DIR"] = os.environ["MKCHART_CACHE_DIR"]
    env.update(extra)
    return env


def run_mkchart(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60,
                **options: Any) -> subprocess.CompletedProcess[str]:
    """`python -m mkchart ARGS` as a child process with no terminal (stdin is /dev/null),
    its output captured as text; `env` defaults to `child_env()`."""
    return subprocess.run([sys.executable, "-m", "mkchart", *args], cwd=cwd, env=child_env() if env is None else env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, **options)


def json_report(result: Any) -> dict[str, Any]:
    """The JSON document of an `--output json` run (in-process or a child), checked against
    the run's exit code."""
    document: dict[str, Any] = json.loads(result.stdout)
    code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    assert document["exitCode"] == code
    assert document["ok"] is (code == 0)
    return document


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` by its path relative to it: its bytes (the test's cache
    folder aside)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(folder).parts}


def snapshot_with_mtimes(folder: Path) -> dict[str, tuple[bytes, int]]:
    """`snapshot` with each file's modification time: a rewrite of the same bytes shows."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(folder).parts}


def edit_file(path: Path, old: str, new: str) -> None:
    """Edit a file as a person would: `old` (which must be there, once) becomes `new`. A
    test whose edit silently matched nothing would test nothing."""
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new))


def replicas_edit(name: str) -> str:
    """A user's replicaCount edit in a chart's values.yaml: three pods, except for a server mkchart refuses more of."""
    if "-mysql-" in name or "-redis-" in name:
        return "replicaCount: 1  # one server: no replication\n"
    return "replicaCount: 3  # three for the launch\n"


def set_args(*pairs: str) -> list[str]:
    """`--set KEY=VALUE` options, one per pair."""
    return [arg for pair in pairs for arg in ("--set", pair)]


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


def _go_like_loader() -> Any:
    """PyYAML's safe loader, reading the few YAML 1.1 types Go's YAML (which Helm and
    the API server use) does not know as the plain strings Go reads: `=` (YAML 1.1's
    "value" key)."""
    import yaml

    class GoLikeLoader(yaml.SafeLoader):
        pass

    GoLikeLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))
    return GoLikeLoader


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
        for doc in yaml.load_all(text, Loader=_go_like_loader()):
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


def helm_checked(chart: Path, versions: Iterable[str] = KUBE_VERSIONS) -> list[dict[str, Any]]:
    """The chart through the real engine: `helm lint --strict`, then `helm template`, every
    object valid for every given Kubernetes version; returns the objects."""
    lint_strict(chart)
    objects = render_objects(chart)
    validate_objects(objects, versions)
    return objects


# The API server's rules for names and labels (k8s.io/apimachinery validation).
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_LABEL_KEY_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
# Kinds whose name must be a DNS-1123 label (at most 63); the others take a subdomain (253).
_LABEL_NAMED_KINDS = {"Service", "Namespace"}


def _label_problems(labels: Any, where: str) -> list[str]:
    problems = []
    for key, value in (labels or {}).items():
        prefix, slash, name = str(key).rpartition("/")
        if slash and not (len(prefix) <= 253 and _DNS_SUBDOMAIN.fullmatch(prefix)):
            problems.append(f"{where}: label key {key!r}: the prefix is no DNS subdomain of at most 253")
        if not (len(name) <= 63 and _LABEL_KEY_NAME.fullmatch(name)):
            problems.append(f"{where}: label key {key!r}: the name is no label name of at most 63")
        if not (isinstance(value, str) and len(value) <= 63 and _LABEL_VALUE.fullmatch(value)):
            problems.append(f"{where}: label {key}={value!r}: not a label value (at most 63, [A-Za-z0-9._-], "
                            "alphanumeric at both ends)")
    return problems


def _label_maps(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every map of labels in an object: metadata.labels at any depth, selectors."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            if key in ("labels", "matchLabels") and isinstance(value, dict):
                found.append((here, value))
            elif key == "selector" and isinstance(value, dict) and "matchLabels" not in value:
                found.append((here, value))  # a Service's selector is a plain map of labels
            else:
                found += _label_maps(value, here)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += _label_maps(item, f"{path}[{index}]")
    return found


def assert_api_server_rules(objects: Iterable[dict[str, Any]]) -> None:
    """Every object's name and every label key and value as the API server checks them
    (the OpenAPI schemas of validate_objects do not: a label value is just a string there)."""
    problems = []
    for obj in objects:
        kind, name = obj["kind"], obj["metadata"]["name"]
        where = f"{kind}/{name}"
        most, pattern = (63, _DNS_LABEL) if kind in _LABEL_NAMED_KINDS else (253, _DNS_SUBDOMAIN)
        if not (len(name) <= most and pattern.fullmatch(name)):
            problems.append(f"{where}: the name is no DNS-1123 {'label' if most == 63 else 'subdomain'} of at "
                            f"most {most}")
        for path, labels in _label_maps(obj):
            problems += _label_problems(labels, f"{where} {path}")
    assert not problems, "\n".join(problems)


def by_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "CronJob", "Job")


def workload(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The chart's one workload object: its Deployment, StatefulSet, CronJob or Job."""
    (found,) = [o for o in objects if o["kind"] in WORKLOAD_KINDS]
    return found


def pod_template(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The workload's pod template (a CronJob's is inside its jobTemplate)."""
    spec = workload(objects)["spec"]
    template: dict[str, Any] = (spec["jobTemplate"]["spec"] if "jobTemplate" in spec else spec)["template"]
    return template


def pod_spec(objects: list[dict[str, Any]]) -> dict[str, Any]:
    spec: dict[str, Any] = pod_template(objects)["spec"]
    return spec


def one(objects: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = by_kind(objects, kind)
    assert len(found) == 1, f"expected one {kind}, got {len(found)}"
    return found[0]


def newer_mkchart(monkeypatch: pytest.MonkeyPatch, change: Callable[[dict[str, bytes]], None]) -> None:
    """From now on, regen renders as a newer mkchart would: today's files, then `change`
    (it wraps the render regen uses, mkchart.regen.plan.render)."""
    from mkchart.regen import plan as regen_plan

    real = regen_plan.render

    def render(*args: Any, **kwargs: Any) -> dict[str, bytes]:
        files = dict(real(*args, **kwargs))
        change(files)
        return files

    monkeypatch.setattr(regen_plan, "render", render)


MakeChart = Callable[..., Path]


@pytest.fixture
def make_chart(mkchart: Run, tmp_path: Path) -> MakeChart:
    """Generate a chart with `mkchart new NAME --no-input [--set ...]` and return its folder."""

    def make(name: str, *sets: str, answers: Path | None = None, out: str = "out") -> Path:
        args = ["new", name, "--no-input", "--output-dir", out, *set_args(*sets)]
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


def own_image(server_type: str) -> tuple[str, ...]:
    """The --set flags that give a type running the user's own image (springboot, nodejs,
    python, generic) an application image; nothing for a type with an image of its own."""
    from mkchart.answers import profiles

    if not profiles.get(server_type).contract.appImage:
        return ()
    return (f"image.repository=harbor.example.com/book/{server_type}-app", "image.tag=1.0.0")
