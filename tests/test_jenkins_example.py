"""The example Jenkinsfile's shell steps run as written (the install and the push to Harbor
aside: they need a package index and a registry), with mkchart from this environment; the
deploys run with a stand-in for `helm` that records them, and each is rendered and
validated here with the real engine, with the values file it names."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import OLDEST_AND_NEWEST, REPO, child_env, edit_file, lint_strict, render_objects, validate_objects

JENKINSFILE = REPO / "templates" / "examples" / "Jenkinsfile"
OFFLINE_STAGES = ("Chart drift check", "Lint and package")


def _steps(stage: str) -> list[str]:
    text = JENKINSFILE.read_text()
    body = text[text.index(f"stage('{stage}')"):]
    body = body[:body.index("stage(", 1)] if "stage(" in body[1:] else body
    return re.findall(r"sh '(.+?)'\n", body)


def _run(steps: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-ec", "\n".join(steps)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_jenkinsfile_steps_pass_on_a_current_chart_and_fail_on_drift(tmp_path: Path) -> None:
    mkchart = Path(sys.executable).with_name("mkchart")
    env = child_env(CI="true", MKCHART=str(mkchart), CHART_DIR="deploy/book-tomcat-n1")
    made = subprocess.run([str(mkchart), "new", "book-tomcat-n1", "--no-input", "-o", "deploy"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    steps = [step for stage in OFFLINE_STAGES for step in _steps(stage)]
    assert len(steps) == 3

    passed = _run(steps, tmp_path, env)
    assert passed.returncode == 0, passed.stderr
    assert json.loads((tmp_path / "mkchart-check.json").read_text())["charts"][0]["status"] == "unchanged"
    package = json.loads((tmp_path / "mkchart-package.json").read_text())
    assert Path(package["charts"][0]["archive"]).name == "book-tomcat-n1-0.1.0.tgz"
    assert (tmp_path / "dist" / "book-tomcat-n1-0.1.0.tgz").is_file()

    answers = tmp_path / "deploy" / "book-tomcat-n1" / ".mkchart.yaml"
    edit_file(answers, "port: 8080", "port: 9090")
    failed = _run(steps, tmp_path, env)
    assert failed.returncode == 1, "drift fails the build"
    assert json.loads((tmp_path / "mkchart-check.json").read_text())["charts"][0]["status"] == "drift"


# --- the Release stages: the build's image tag, the chart's version, the commit, a deploy per environment ---

RELEASE_STAGES = ("Image tag and chart version", "Lint and package", "Commit the chart")
ENVIRONMENTS = ("dev", "test", "staging", "prod")
GIT = ("git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com")

# Stands in for the helm binary (upgrade needs a cluster): records each command line, one per line.
FAKE_HELM = """#!/bin/sh
for arg in "$@"; do printf '%s\\t' "$arg"; done >> "$HELM_LOG"
echo >> "$HELM_LOG"
"""


def _guard() -> str:
    """The shell test of the Release stage's `when`: exit 0 (skip the stage) on the commit the pipeline pushed."""
    (guard,) = re.findall(r"sh\(script: '(.+?)', returnStatus: true\)", JENKINSFILE.read_text())
    return guard


def _run_each(steps: list[str], cwd: Path, env: dict[str, str]) -> None:
    """Each step in a shell of its own, as Jenkins runs each `sh`: nothing carries over."""
    for step in steps:
        done = _run([step], cwd, env)
        assert done.returncode == 0, f"{step}\n{done.stdout}{done.stderr}"


def _git(cwd: Path, *args: str) -> str:
    """git as a person runs it here, whatever the developer's own git configuration says."""
    env = child_env(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(cwd.parent / "gitconfig"))
    return subprocess.run([*GIT, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def _build(repo: Path, env: dict[str, str]) -> None:
    """One build of main, from the drift check to the prod deploy (approved), Harbor aside."""
    _run_each(_steps("Chart drift check"), repo, env)
    assert _run([_guard()], repo, env).returncode != 0, "a commit of a person starts the Release stage"
    _run_each([step for stage in RELEASE_STAGES for step in _steps(stage)], repo, env)
    _run_each([step for env_name in ENVIRONMENTS for step in _steps(f"Deploy to {env_name}")], repo, env)
    assert _run([_guard()], repo, env).returncode == 0, "the pipeline's own commit skips the Release stage"


def test_jenkinsfile_release_commits_the_tag_and_version_and_deploys_each_environment(tmp_path: Path) -> None:
    mkchart = Path(sys.executable).with_name("mkchart")
    repo, origin, bin_dir = tmp_path / "repo", tmp_path / "origin.git", tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "helm").write_text(FAKE_HELM)
    (bin_dir / "helm").chmod(0o755)
    log = tmp_path / "helm.log"
    env = child_env(CI="true", MKCHART=str(mkchart), CHART_DIR="deploy/book-tomcat-n1", RELEASE="book-tomcat-n1",
                    HELM_LOG=str(log), PATH=f"{bin_dir}:{child_env()['PATH']}", GIT_CONFIG_NOSYSTEM="1",
                    GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"))
    subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=main", str(origin)], check=True, env=env)
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(repo)], check=True, env=env)
    made = subprocess.run([str(mkchart), "new", "book-tomcat-n1", "--no-input", "-o", "deploy", "--set",
                           "ingress.enabled=true", "--set", "ingress.domain=example.com"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    _git(repo, "add", ".")
    _git(repo, "commit", "--quiet", "-m", "Helm chart for book-tomcat-n1")
    _git(repo, "remote", "add", "origin", str(origin))
    _git(repo, "push", "--quiet", "origin", "HEAD:main")
    chart = repo / "deploy" / "book-tomcat-n1"

    # Two builds, each of a person's commit: the second regen merges the tag into the
    # Chart.yaml the first one bumped.
    for build, version in ((1, "0.1.1"), (2, "0.1.2")):
        tag = f"9.0.85-book.{build}"
        (repo / "app.txt").write_text(f"change {build}\n")
        _git(repo, "add", "app.txt")
        _git(repo, "commit", "--quiet", "-m", f"change {build}")
        log.write_text("")
        _build(repo, {**env, "IMAGE_TAG": tag})

        assert json.loads((repo / "mkchart-regen.json").read_text())["charts"][0]["status"] == "updated"
        chart_yaml = (chart / "Chart.yaml").read_text()
        assert f"\nversion: {version}\n" in chart_yaml and f'\nappVersion: "{tag}"\n' in chart_yaml
        assert f'tag: "{tag}"' in (chart / ".mkchart.yaml").read_text()
        assert (repo / "dist" / f"book-tomcat-n1-{version}.tgz").is_file()
        # Committed and pushed, the chart and nothing else (the next build's drift check passes on it).
        pushed = _git(origin, "log", "-1", "--format=%s", "main").strip()
        assert pushed == f"book-tomcat-n1: image {tag}, chart {version} [ci skip]"
        committed = _git(repo, "show", "--name-only", "--format=", "HEAD").split()
        assert "deploy/book-tomcat-n1/Chart.yaml" in committed
        assert all(path.startswith("deploy/book-tomcat-n1/") for path in committed)
        assert _git(repo, "status", "--porcelain", "--", "deploy") == ""
        assert _git(origin, "rev-parse", "main") == _git(repo, "rev-parse", "HEAD")

        # One install per environment, in its own namespace with its own values file: each
        # renders and validates strictly with the build's image and a host of its own.
        calls = [line.rstrip("\t").split("\t") for line in log.read_text().splitlines()]
        hosts = set()
        for env_name, args in zip(ENVIRONMENTS, calls, strict=True):
            assert args == ["upgrade", "--install", "book-tomcat-n1", "./deploy/book-tomcat-n1", "--namespace",
                            env_name, "--create-namespace", "-f", f"./deploy/book-tomcat-n1/values-{env_name}.yaml"]
            values = yaml.safe_load((repo / args[-1]).read_text()) or {}
            lint_strict(chart, values)
            objects = render_objects(chart, values, name="book-tomcat-n1", namespace=env_name)
            validate_objects(objects, OLDEST_AND_NEWEST)
            deployment = next(obj for obj in objects if obj["kind"] == "Deployment")
            assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == f"tomcat:{tag}"
            hosts |= {rule["host"] for obj in objects if obj["kind"] == "Ingress" for rule in obj["spec"]["rules"]}
        assert hosts == {"book-tomcat-n1.dev.example.com", "book-tomcat-n1.test.example.com",
                         "book-tomcat-n1.staging.example.com", "book-tomcat-n1.example.com"}


def test_the_guide_shows_the_jenkinsfile() -> None:
    """docs/ci-jenkins.md shows the example as it is, its comments aside."""
    guide = (REPO / "docs" / "ci-jenkins.md").read_text()
    shown = re.search(r"```groovy\n(pipeline \{\n.*?)```", guide, re.S)
    assert shown, "ci-jenkins.md: the pipeline of templates/examples/Jenkinsfile"
    text = JENKINSFILE.read_text()
    example = [line for line in text[text.index("pipeline {"):].splitlines() if not line.strip().startswith("//")]
    assert shown.group(1).splitlines() == example
