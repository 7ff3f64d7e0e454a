"""Instructions, not seconds: `mkchart new` and `mkchart batch` under valgrind's callgrind.

Wall-clock figures on a shared 2-core VM move by 10% and more from run to run; the
number of instructions a run executes does not (the same binary, inputs and
environment give the same count, whatever else the machine does). This benchmark
compares two installations of mkchart that way, e.g. before and after a restructure:

    python bench/bench_instructions.py /tmp/before-venv /tmp/after-venv [--services 200] [--json]

Each VENV must hold an installed mkchart (`VENV/bin/mkchart`). For each it counts:

- `mkchart new book-tomcat-n1 --no-input` (start-up and one chart);
- `mkchart batch` of SERVICES services over every server type, forked workers included
  (`--trace-children=yes`; the counts of every process are added up);
- the same `mkchart batch` again after a default changed (every service's image tag), so
  every chart is planned, checked and regenerated (the re-run of issue #9).

Needs valgrind (Debian: `apt-get install valgrind`).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TYPES = ("tomcat", "springboot", "nginx", "nodejs", "python", "mysql", "redis", "zk")
COLLECTED = re.compile(r"Collected : (\d+)")


def services_file(folder: Path, count: int, tag: str = "1.0.0") -> Path:
    lines = ["defaults:", f"  image: {{tag: '{tag}'}}", "services:"]
    for index in range(count):
        kind = TYPES[index % len(TYPES)]
        lines += [f"  - name: s{index}-{kind}-n1", f"    image: {{repository: harbor.example.com/book/{kind}}}"]
    path = folder / "services.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def instructions(command: list[str], cwd: Path) -> int:
    """The instructions `command` and every process it forks executed."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={cwd}/cg.%p.out", *command],
        cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return sum(int(count) for count in COLLECTED.findall(done.stderr))


def measure(venv: Path, services: int) -> dict[str, int]:
    mkchart = str(venv / "bin" / "mkchart")
    with tempfile.TemporaryDirectory() as name:
        work = Path(name)
        services_path = services_file(work, services)
        counts = {
            "new": instructions([mkchart, "new", "book-tomcat-n1", "--no-input", "-o", "new", "-q"], work),
            f"batch of {services}": instructions([mkchart, "batch", str(services_path), "-o", "fleet", "-q"], work),
        }
        services_file(work, services, tag="1.0.1")
        counts["changed re-run"] = instructions([mkchart, "batch", str(services_path), "-o", "fleet", "-q"], work)
        return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("venvs", nargs="+", type=Path, help="virtualenvs with mkchart installed")
    parser.add_argument("--services", type=int, default=200, help="services in the batch (default 200)")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    counts = {str(venv): measure(venv, args.services) for venv in args.venvs}
    if args.json:
        print(json.dumps(counts, indent=2))
        return
    first = next(iter(counts.values()))
    for venv, figures in counts.items():
        for what, count in figures.items():
            change = f"{100 * (count - first[what]) / first[what]:+.1f}%" if figures is not first else ""
            print(f"{venv:40} {what:16} {count / 1e6:10.1f} M instructions {change}")


if __name__ == "__main__":
    main()
