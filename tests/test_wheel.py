"""A wheel built from the repository, installed into a fresh virtualenv, works from any folder."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

from conftest import OLDEST_AND_NEWEST, REPO, lint_strict, render_objects, validate_objects


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


def test_wheel_in_a_fresh_virtualenv(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, REPO)
    (wheel,) = wheels.glob("mkchart-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    _run(env_dir / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = _run(env_dir / "bin" / "mkchart", "new", "book-redis-n1", "--no-input", cwd=elsewhere)
    assert "Wrote chart book-redis-n1" in result.stdout
    chart = elsewhere / "book-redis-n1"
    lint_strict(chart)
    validate_objects(render_objects(chart), OLDEST_AND_NEWEST)
    # The package carries its data: nothing is read from this checkout.
    located = _run(env_dir / "bin" / "python", "-c",
                   "from mkchart.data import skeleton_dir, profiles_dir; print(skeleton_dir()); print(profiles_dir())",
                   cwd=elsewhere).stdout.split()
    assert all(str(env_dir) in line for line in located), located
    # ... and its skeleton precompiled by the build hook, so a first run compiles nothing.
    loader = _run(env_dir / "bin" / "python", "-c",
                  "from mkchart.chart import skeleton; from mkchart import data as resources; "
                  "print(type(skeleton.load(resources.skeleton_dir())[0].loader).__name__)", cwd=elsewhere).stdout
    assert loader.strip() == "ModuleLoader"
