"""Benchmark for issue #5, item 3: `mkchart batch` at fleet scale.

For each fleet size (default 10, 500 and 2,000 services) it measures, as whole new
processes timed from spawn to exit with the child's peak RSS:

- `mkchart batch SERVICES.yaml -o OUT -q`: every chart created (a cold fleet), with the
  peak PSS of its whole process tree (it forks a worker per core for large fleets);
- `mkchart batch` again on the same OUT: every chart regenerated (nothing to change);
- `mkchart regen --check OUT/* -q`: the Jenkins drift check over the whole fleet;
- plain `cookiecutter --no-input chart-skeleton/ -o OUT_i`, once per chart, the way a
  team scripts cookiecutter today; timed on a sample of charts (default 30) and scaled to
  the fleet, since running it 2,000 times would take ten minutes to say the same.

Targets (issue #5): 500 services at >= 500 charts/s end to end and >= 8x faster than
cookiecutter once per chart; `regen --check` of those 500 under 2 s; peak memory of the
500-chart batch under 100 MiB.

    python bench/bench_batch.py [--sizes 10,500,2000] [--repeat 3] [--sample 30] [--workdir DIR] [--json]

`--workdir` chooses the file system the charts are written to (default: a temporary
folder next to this repository); the figures include that file system's cost, and the
"fs floor" column shows it alone: plain Python creating the same number of files there.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench_new import (
    BenchError,
    Sample,
    child_environment,
    find_executable,
    installed_skeleton,
    machine,
    run_once,
)

REPO = Path(__file__).resolve().parent.parent
SERVER_TYPES = ("tomcat", "mysql", "redis", "zk", "nginx", "springboot", "nodejs", "python")
# An Ingress is refused for a server that does not speak HTTP.
NO_HTTP = ("mysql", "redis", "zk")
TARGET_RATE = 500.0  # charts per second, 500-service batch
TARGET_SPEEDUP = 8.0  # over cookiecutter once per chart
TARGET_CHECK_S = 2.0  # regen --check over the 500 charts
TARGET_RSS_MIB = 100.0
TARGET_CHANGED_RATE = 300.0  # charts per second, a re-run of 2,000 after a default changed (issue #9)


def services_file(path: Path, count: int, tag: str | None = None) -> None:
    """A fleet of `count` services over every server type, with shared defaults; `tag` is
    every service's image tag (a default that, changed, changes every chart)."""
    lines = [
        "defaults:",
        f"  image: {{tag: '{tag or '1.0.0'}'}}",
        "  persistence: {storageClass: glusterfs}",
        "  ingress: {domain: book.example.com, className: nginx}",
        "  imagePullSecrets: [harbor-pull]",
        "services:",
    ]
    for index in range(count):
        kind = SERVER_TYPES[index % len(SERVER_TYPES)]
        lines.append(f"  - name: svc{index}-{kind}-n1")
        if index % 3 == 0 and kind not in NO_HTTP:
            lines.append("    ingress: {enabled: true}")
        # Every service's image is the team's own (springboot, nodejs and python need one).
        lines.append(f"    image: {{repository: harbor.example.com/book/{kind}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _tree_pss_mib(root_pid: int) -> float:
    """Proportional set size of a process and all its descendants, in MiB.

    PSS splits shared pages among the processes sharing them, so forked workers (which
    share the parent's pages copy-on-write) are counted fairly rather than once each.
    """
    total_kib = 0
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total_kib += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                    pending += [int(c) for c in children.read().split()]
        except (OSError, ValueError):
            continue  # the process ended while being read
    return total_kib / 1024


def run_tree(argv: Sequence[str], env: dict[str, str], log: Path) -> Sample:
    """Like bench_new.run_once, but the memory figure is the peak PSS of the whole process
    tree, sampled every 10 ms: `mkchart batch` forks workers, whose memory wait4 would miss."""
    peak = 0.0
    with open(log, "wb") as output:
        start = time.perf_counter_ns()
        process = subprocess.Popen(list(argv), env=env, stdout=output, stderr=subprocess.STDOUT)
        while process.poll() is None:
            peak = max(peak, _tree_pss_mib(process.pid))
            time.sleep(0.01)
        wall_ns = time.perf_counter_ns() - start
    if process.returncode != 0:
        raise BenchError(f"`{' '.join(argv)}` exited with {process.returncode}:\n{log.read_text(errors='replace')}")
    return Sample(wall_ns / 1e6, peak)


def best(samples: list[Sample]) -> Sample:
    """The median run by wall time (with its own RSS), robust to a noisy neighbour."""
    ordered = sorted(samples, key=lambda s: s.wall_ms)
    return ordered[len(ordered) // 2]


def measure_size(count: int, repeat: int, mkchart: Path, root: Path, env: dict[str, str]) -> dict[str, Any]:
    services = root / f"services-{count}.yaml"
    services_file(services, count)
    log = root / "log.txt"
    create, rerun, check, changed = [], [], [], []
    for attempt in range(repeat):
        out = root / f"fleet-{count}-{attempt}"
        create.append(run_tree([str(mkchart), "batch", str(services), "-o", str(out), "-q"], env, log))
        rerun.append(run_tree([str(mkchart), "batch", str(services), "-o", str(out), "-q"], env, log))
        charts = sorted(str(p) for p in out.iterdir())
        if len(charts) != count:
            raise BenchError(f"expected {count} charts in {out}, found {len(charts)}")
        check.append(run_tree([str(mkchart), "regen", "--check", *charts, "-q"], env, log))
        shutil.rmtree(out)
        # A default changed (the image tag): every chart is planned, checked and rewritten.
        tagged = root / f"tagged-{count}.yaml"
        services_file(tagged, count, tag="1.0.0")
        run_tree([str(mkchart), "batch", str(tagged), "-o", str(out), "-q"], env, log)
        services_file(tagged, count, tag="1.0.1")
        changed.append(run_tree([str(mkchart), "batch", str(tagged), "-o", str(out), "-q"], env, log))
        shutil.rmtree(out)
    created, regenerated, checked, rewritten = best(create), best(rerun), best(check), best(changed)
    floors = sorted(file_system_floor(count, root) for _ in range(repeat))
    return {
        "file_system_floor_s": floors[len(floors) // 2],
        "services": count,
        "batch_create_s": created.wall_ms / 1000,
        "charts_per_s": count / (created.wall_ms / 1000),
        "batch_create_peak_rss_mib": created.peak_rss_mib,  # PSS of the process tree
        "batch_rerun_s": regenerated.wall_ms / 1000,
        "batch_rerun_peak_rss_mib": regenerated.peak_rss_mib,
        "regen_check_s": checked.wall_ms / 1000,
        "regen_check_peak_rss_mib": checked.peak_rss_mib,
        "batch_changed_rerun_s": rewritten.wall_ms / 1000,
        "changed_charts_per_s": count / (rewritten.wall_ms / 1000),
        "batch_changed_rerun_peak_rss_mib": rewritten.peak_rss_mib,
    }


def file_system_floor(count: int, root: Path) -> float:
    """Seconds plain Python takes to create `count` folders of 15 small files (what a
    chart is) on the same file system: the part of a batch no generator can avoid."""
    floor = root / "floor"
    floor.mkdir()
    start = time.perf_counter()
    for index in range(count):
        folder = floor / f"c{index}"
        (folder / "templates" / "tests").mkdir(parents=True)
        for name in range(15):
            (folder / f"f{name}").write_bytes(b"x" * 1500)
    elapsed = time.perf_counter() - start
    shutil.rmtree(floor)
    return elapsed


def measure_cookiecutter(sample: int, cookiecutter: Path, skeleton: Path, root: Path,
                         env: dict[str, str]) -> dict[str, Any]:
    log = root / "log.txt"
    walls = []
    peak = 0.0
    for index in range(sample):
        out = root / f"cookiecutter-{index}"
        result = run_once([str(cookiecutter), "--no-input", str(skeleton), "-o", str(out)], env, log)
        walls.append(result.wall_ms / 1000)
        peak = max(peak, result.peak_rss_mib)
        shutil.rmtree(out)
    return {"sample": sample, "per_chart_s": statistics.median(walls), "peak_rss_mib": peak}


def verdicts(rows: list[dict[str, Any]], cookie: dict[str, Any]) -> list[str]:
    lines = []
    big = next((r for r in rows if r["services"] == 2000), None)
    if big is not None:
        ok = big["changed_charts_per_s"] >= TARGET_CHANGED_RATE
        lines.append(f"{'PASS' if ok else 'MISS'}  2,000-service re-run after a default changed: "
                     f"{big['changed_charts_per_s']:.0f} charts/s (target >= {TARGET_CHANGED_RATE:.0f})")
    row = next((r for r in rows if r["services"] == 500), None)
    if row is None:
        return ["(no 500-service run: targets not judged)"]
    speedup = cookie["per_chart_s"] * 500 / row["batch_create_s"]
    row["speedup_vs_cookiecutter"] = speedup

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    lines.append(f"{verdict(row['charts_per_s'] >= TARGET_RATE)}  500-service batch: "
                 f"{row['charts_per_s']:.0f} charts/s (target >= {TARGET_RATE:.0f})")
    lines.append(f"{verdict(speedup >= TARGET_SPEEDUP)}  vs cookiecutter once per chart: {speedup:.0f}x faster "
                 f"(target >= {TARGET_SPEEDUP:.0f}x)")
    lines.append(f"{verdict(row['regen_check_s'] < TARGET_CHECK_S)}  regen --check of 500 charts: "
                 f"{row['regen_check_s']:.2f} s (target < {TARGET_CHECK_S:.0f} s)")
    lines.append(f"{verdict(row['batch_create_peak_rss_mib'] < TARGET_RSS_MIB)}  peak memory of the 500-chart batch: "
                 f"{row['batch_create_peak_rss_mib']:.0f} MiB (target < {TARGET_RSS_MIB:.0f} MiB)")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,500,2000", help="fleet sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the median is reported")
    parser.add_argument("--sample", type=int, default=30, help="cookiecutter runs to time")
    parser.add_argument("--workdir", type=Path, default=REPO, help="where the temporary charts are written")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    try:
        hint = "install the test extra in this environment: pip install -e '.[test]'"
        mkchart = find_executable("mkchart", hint)
        cookiecutter = find_executable("cookiecutter", hint)
        skeleton = installed_skeleton()
        sizes = [int(s) for s in args.sizes.split(",") if s]
        root = Path(tempfile.mkdtemp(prefix=".bench-batch-", dir=args.workdir))
        try:
            env = child_environment({"MKCHART_CACHE_DIR": str(root / "cache")})
            run_once([str(mkchart), "--version"], env, root / "log.txt")  # warm the page cache
            rows = [measure_size(n, args.repeat, mkchart, root, env) for n in sizes]
            cookie = measure_cookiecutter(args.sample, cookiecutter, skeleton, root, env)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    except BenchError as error:
        print(f"bench_batch: {error}", file=sys.stderr)
        return 2
    judged = verdicts(rows, cookie)
    report = {"machine": machine(), "workdir": str(args.workdir), "sizes": rows, "cookiecutter": cookie,
              "verdicts": judged}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{'services':>8} {'fs floor s':>10} {'create s':>9} {'charts/s':>9} {'RSS MiB':>8} {'rerun s':>8} "
          f"{'check s':>8} {'check MiB':>9} {'changed s':>9} {'changed/s':>9}")
    for row in rows:
        print(f"{row['services']:>8} {row['file_system_floor_s']:>10.2f} {row['batch_create_s']:>9.2f} "
              f"{row['charts_per_s']:>9.0f} "
              f"{row['batch_create_peak_rss_mib']:>8.1f} {row['batch_rerun_s']:>8.2f} {row['regen_check_s']:>8.2f} "
              f"{row['regen_check_peak_rss_mib']:>9.1f} {row['batch_changed_rerun_s']:>9.2f} "
              f"{row['changed_charts_per_s']:>9.0f}")
    print(f"cookiecutter once per chart: {cookie['per_chart_s'] * 1000:.0f} ms/chart "
          f"(median of {cookie['sample']}), peak {cookie['peak_rss_mib']:.1f} MiB")
    for line in judged:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
