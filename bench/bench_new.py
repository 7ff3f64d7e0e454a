"""Benchmark for issue #2, item 10: `mkchart new` against plain `cookiecutter` on one chart.

Both tools render the same template (chart-skeleton/) to the same files, so what is
compared is two ways of doing the same work: start-up, imports, template compilation,
rendering and writing. Each measurement is a whole new process, as a user
runs it, timed from spawn to exit, with its peak RSS read from the child's rusage.

Three variants run interleaved, round after round, so that drift on the machine (other
load, CPU frequency, page cache) hits every variant alike:

- cookiecutter:          cookiecutter --no-input SKELETON -o OUT
- mkchart (first run):   mkchart new book-tomcat-n1 --no-input -o OUT, empty template cache
- mkchart (cached):      the same, with the compiled templates already in the cache

SKELETON is the chart-skeleton/ the installed mkchart renders: <repo>/chart-skeleton with
an editable install, the copy inside the package with a wheel. Taking mkchart's own copy
means both tools always render the same template source, even while the repository's
working tree moves on after a non-editable install.

Run it with the interpreter of the environment to measure (a venv with mkchart and
cookiecutter installed):

    python bench/bench_new.py [--runs N] [--json]

POSIX only (os.posix_spawn, os.wait4).
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

# cookiecutter.json's defaults describe this service, so both tools render the same chart.
CHART = "book-tomcat-n1"
# mkchart's record of its answers, and its folder holding the stored base (the files as
# it wrote them); cookiecutter has no counterpart.
ANSWERS_FILE = ".mkchart.yaml"
STATE_DIR = ".mkchart"
# Folders mkchart always creates (Helm's layout) even where the skeleton leaves them empty.
ALWAYS_DIRS = ("charts",)
# Issue #2, item 10: mkchart's cold wall time at most this fraction of cookiecutter's.
TARGET_RATIO = 0.6

COOKIECUTTER = "cookiecutter"
MKCHART_FIRST = "mkchart (first run)"
MKCHART_CACHED = "mkchart (cached)"
VARIANTS = (COOKIECUTTER, MKCHART_FIRST, MKCHART_CACHED)


class BenchError(Exception):
    """A reason the benchmark cannot give a fair figure; printed, then exit 2."""


# --- the environment -------------------------------------------------------------------


def venv_bin() -> Path:
    """The folder holding this interpreter's console scripts.

    Deliberately not resolved: a venv's `python` is a symlink to the base interpreter,
    and following it would lead out of the venv to a system folder.
    """
    return Path(sys.executable).parent


def find_executable(name: str, hint: str) -> Path:
    path = venv_bin() / name
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise BenchError(f"`{name}` is not installed next to {sys.executable} ({path} is missing).\n{hint}")
    return path


def installed_skeleton() -> Path:
    """The chart-skeleton/ folder the installed mkchart renders (see the module docstring).

    Only the path lookup is imported into this process; nothing of it is timed.
    """
    try:
        from mkchart.data import skeleton_dir  # type: ignore[import-untyped, unused-ignore]
    except ImportError as error:
        raise BenchError(f"cannot import mkchart in {sys.executable}: {error}\n"
                         "Install mkchart into this environment: pip install -e .") from None
    return Path(skeleton_dir())


def child_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The user's environment without MKCHART_* variables, which could change what
    mkchart does (MKCHART_NO_CACHE, MKCHART_ANSWERS, ...), plus `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MKCHART_")}
    env.update(extra or {})
    return env


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_count() -> int:
    """What `nproc` prints: the CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, Any]:
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": cpu_count(),
        "cpu": cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "executable": sys.executable,
        # Measured in this very environment, so these are the versions the children load.
        "packages": {name: package_version(name)
                     for name in ("mkchart", "cookiecutter", "jinja2", "typer", "ruamel.yaml", "ruamel.yaml.clib")},
    }


# --- running one process ---------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    wall_ms: float
    peak_rss_mib: float


def _rss_mib(ru_maxrss: int) -> float:
    # ru_maxrss is in KiB on Linux and the BSDs but in bytes on macOS.
    return ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else ru_maxrss / 1024


def run_once(argv: Sequence[str], env: dict[str, str], log: Path) -> Sample:
    """Spawn `argv`, wait for it, return its wall time and peak RSS.

    posix_spawn + wait4 rather than subprocess: wait4 hands back the rusage of exactly
    this child (a whole-process ru_maxrss, unlike RUSAGE_CHILDREN which keeps the max
    over every child ever reaped), and there is no pipe-reading thread in the timed span.
    Output goes to a file so a failure can be shown.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    actions = [(os.POSIX_SPAWN_OPEN, 1, str(log), flags, 0o644), (os.POSIX_SPAWN_DUP2, 1, 2)]
    start = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], list(argv), env, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    wall_ns = time.perf_counter_ns() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        output = log.read_text(encoding="utf-8", errors="replace").strip()
        raise BenchError(f"`{' '.join(argv)}` exited with {code}:\n{output}")
    return Sample(wall_ns / 1e6, _rss_mib(usage.ru_maxrss))


# --- the variants ----------------------------------------------------------------------


@dataclass(frozen=True)
class Commands:
    mkchart: Path
    cookiecutter: Path
    skeleton: Path

    def mkchart_argv(self, out: Path) -> list[str]:
        return [str(self.mkchart), "new", CHART, "--no-input", "-o", str(out)]

    def cookiecutter_argv(self, out: Path) -> list[str]:
        return [str(self.cookiecutter), "--no-input", str(self.skeleton), "-o", str(out)]


@dataclass
class Scratch:
    """Fresh folders under one temporary root, removed as soon as a run is done."""

    root: Path
    count: int = 0

    def new(self, kind: str) -> Path:
        self.count += 1
        path = self.root / f"{kind}-{self.count}"
        path.mkdir()
        return path


def make_runner(variant: str, commands: Commands, scratch: Scratch, warm_cache: Path) -> Callable[[], Sample]:
    """One timed run of `variant` in a fresh output folder (and, for the first-run
    variant, a fresh empty cache folder); the folders are made before and removed after
    the timed span."""

    def run() -> Sample:
        out = scratch.new("out")
        extra: dict[str, str] = {}
        empty_cache: Path | None = None
        if variant == COOKIECUTTER:
            argv = commands.cookiecutter_argv(out)
        else:
            argv = commands.mkchart_argv(out)
            if variant == MKCHART_FIRST:
                empty_cache = scratch.new("cache")
                extra["MKCHART_CACHE_DIR"] = str(empty_cache)
            else:
                # A cache of the benchmark's own, warmed by the output check, so the
                # user's ~/.cache/mkchart is neither relied on nor touched.
                extra["MKCHART_CACHE_DIR"] = str(warm_cache)
        try:
            return run_once(argv, child_environment(extra), out.parent / f"{out.name}.log")
        finally:
            shutil.rmtree(out, ignore_errors=True)
            (out.parent / f"{out.name}.log").unlink(missing_ok=True)
            if empty_cache is not None:
                shutil.rmtree(empty_cache, ignore_errors=True)

    return run


# --- the output check ------------------------------------------------------------------


def tree(root: Path) -> tuple[set[str], set[str]]:
    """(files, folders) under `root`, as relative POSIX paths."""
    files: set[str] = set()
    folders: set[str] = set()
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        (folders if path.is_dir() and not path.is_symlink() else files).add(relative)
    return files, folders


def compare_outputs(mkchart_out: Path, cookiecutter_out: Path) -> list[str]:
    """The differences between the two outputs that matter, as readable lines.

    Ignored: mkchart's answers record and stored base, and the folders mkchart always
    creates when they are empty (cookiecutter cannot create an empty folder from a template).
    """
    m_files, m_folders = tree(mkchart_out)
    c_files, c_folders = tree(cookiecutter_out)
    m_files.discard(f"{CHART}/{ANSWERS_FILE}")
    m_files -= {f for f in m_files if f.startswith(f"{CHART}/{STATE_DIR}/")}
    m_folders.discard(f"{CHART}/{STATE_DIR}")
    for folder in ALWAYS_DIRS:
        relative = f"{CHART}/{folder}"
        if relative not in c_folders and not any((mkchart_out / relative).iterdir()):
            m_folders.discard(relative)
    problems = [f"only in mkchart's output: {p}" for p in sorted((m_files | m_folders) - (c_files | c_folders))]
    problems += [f"only in cookiecutter's output: {p}" for p in sorted((c_files | c_folders) - (m_files | m_folders))]
    problems += [f"files differ: {p}" for p in sorted(m_files & c_files)
                 if not filecmp.cmp(mkchart_out / p, cookiecutter_out / p, shallow=False)]
    return problems


def check_same_output(commands: Commands, scratch: Scratch, warm_cache: Path) -> None:
    """Run each tool once and abort unless they wrote the same chart: otherwise the
    comparison would not be between two ways of doing the same work.

    These runs are not timed; they also put both tools' files in the OS page cache and
    fill the warm template cache, so the first timed round is not an outlier.
    """
    m_out, c_out = scratch.new("check-mkchart"), scratch.new("check-cookiecutter")
    run_once(commands.mkchart_argv(m_out), child_environment({"MKCHART_CACHE_DIR": str(warm_cache)}),
             scratch.root / "check-mkchart.log")
    run_once(commands.cookiecutter_argv(c_out), child_environment(), scratch.root / "check-cookiecutter.log")
    problems = compare_outputs(m_out, c_out)
    if problems:
        raise BenchError("mkchart and cookiecutter wrote different charts; the comparison would not be fair:\n  "
                         + "\n  ".join(problems))
    shutil.rmtree(m_out)
    shutil.rmtree(c_out)


# --- statistics and report -------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), defined for one value too."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Figures:
    samples: list[Sample] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        walls = [s.wall_ms for s in self.samples]
        rss = [s.peak_rss_mib for s in self.samples]
        return {
            "runs": len(walls),
            "min_ms": min(walls),
            "median_ms": statistics.median(walls),
            "p90_ms": percentile(walls, 0.9),
            # The highest of the per-process peaks: what the tool may need at worst.
            "peak_rss_mib": max(rss),
            "median_peak_rss_mib": statistics.median(rss),
            "wall_ms": [round(w, 3) for w in walls],
        }


def benchmark(runs: int, commands: Commands, progress: bool) -> dict[str, Any]:
    figures = {variant: Figures() for variant in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="mkchart-bench-") as tmp:
        scratch = Scratch(Path(tmp))
        warm_cache = scratch.new("warm-cache")
        check_same_output(commands, scratch, warm_cache)
        runners = {variant: make_runner(variant, commands, scratch, warm_cache) for variant in VARIANTS}
        for round_ in range(runs):
            # Rotate which variant goes first, so none always runs right after another.
            order = VARIANTS[round_ % len(VARIANTS):] + VARIANTS[:round_ % len(VARIANTS)]
            for variant in order:
                figures[variant].samples.append(runners[variant]())
            if progress:
                print(f"\rround {round_ + 1}/{runs}", end="", file=sys.stderr, flush=True)
        if progress:
            print(file=sys.stderr)

    results = {variant: figures[variant].summary() for variant in VARIANTS}
    base = results[COOKIECUTTER]["median_ms"]
    ratios = {}
    for variant in (MKCHART_FIRST, MKCHART_CACHED):
        ratio = results[variant]["median_ms"] / base
        ratios[variant] = {"ratio": ratio, "verdict": "PASS" if ratio <= TARGET_RATIO else "MISS"}
    return {
        "benchmark": "mkchart new vs cookiecutter (single chart)",
        "machine": machine(),
        "commands": {
            COOKIECUTTER: " ".join(commands.cookiecutter_argv(Path("OUT"))),
            MKCHART_FIRST: "MKCHART_CACHE_DIR=<fresh empty dir> " + " ".join(commands.mkchart_argv(Path("OUT"))),
            MKCHART_CACHED: "MKCHART_CACHE_DIR=<warm dir> " + " ".join(commands.mkchart_argv(Path("OUT"))),
        },
        "runs": runs,
        "target_ratio": TARGET_RATIO,
        "results": results,
        "ratios_of_medians": ratios,
    }


def print_report(report: dict[str, Any]) -> None:
    m = report["machine"]
    print(f"{report['benchmark']}: {report['runs']} interleaved runs each, every run a new process")
    print(f"machine: {m['nproc']} CPUs, {m['cpu']}, {m['os']}, Python {m['python']}, {m['date']}")
    print("packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()))
    print()
    for variant, command in report["commands"].items():
        print(f"  {variant:<20} {command}")
    print()
    print(f"{'':<20} {'min ms':>8} {'median ms':>10} {'p90 ms':>8} {'peak RSS MiB':>13}")
    for variant, r in report["results"].items():
        print(f"{variant:<20} {r['min_ms']:>8.1f} {r['median_ms']:>10.1f} {r['p90_ms']:>8.1f}"
              f" {r['peak_rss_mib']:>13.1f}")
    print()
    print(f"target: mkchart median <= {report['target_ratio']} x cookiecutter median")
    for variant, r in report["ratios_of_medians"].items():
        print(f"  {variant:<20} {r['ratio']:.3f}  {r['verdict']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each variant (default 20)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not hasattr(os, "posix_spawn") or not hasattr(os, "wait4"):
        print("bench_new: needs a POSIX system (os.posix_spawn, os.wait4)", file=sys.stderr)
        return 2
    try:
        commands = Commands(
            mkchart=find_executable("mkchart", "Install mkchart into this environment: pip install -e ."),
            cookiecutter=find_executable(
                "cookiecutter", "It is in the test extra: pip install -e '.[test]' (or: pip install cookiecutter)"),
            skeleton=installed_skeleton(),
        )
        report = benchmark(args.runs, commands, progress=not args.json and sys.stderr.isatty())
    except BenchError as error:
        print(f"bench_new: {error}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
