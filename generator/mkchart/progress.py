"""Batch progress: a one-line bar on a terminal, a plain line per chart elsewhere (CI)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from mkchart.results import ChartOutcome

_WIDTH = 30


class Progress:
    def __init__(self, console: Any, env: Mapping[str, str]) -> None:
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
            filled = _WIDTH * self.count // max(self.total, 1)
            bar = "#" * filled + "." * (_WIDTH - filled)
            sys.stderr.write(f"\r[{bar}] {self.count}/{self.total} {outcome.name[:30]:<30}")
            sys.stderr.flush()
        else:
            self.console.note(f"{outcome.status:<10} {outcome.name}")

    def done(self) -> None:
        if self.bar and self.count:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()
