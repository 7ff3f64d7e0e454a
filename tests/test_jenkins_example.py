"""The example Jenkinsfile's shell steps run as written (install and push aside: they need
a package index and a registry), with mkchart from this environment."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO, child_env, edit_file

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
