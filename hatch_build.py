"""Build hook: the wheel carries chart-skeleton/ precompiled (see mkchart.chart.skeleton)."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ROOT = Path(__file__).resolve().parent


class SkeletonCompiler(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install compiles from source and caches the result
        # mkchart's own module, loaded by path: mkchart itself is not installed here.
        source = ROOT / "generator" / "mkchart" / "chart" / "skeleton.py"
        spec = importlib.util.spec_from_file_location("mkchart_skeleton", source)
        assert spec and spec.loader
        skeleton = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(skeleton)
        target = Path(tempfile.mkdtemp(prefix="mkchart-compiled-"))
        skeleton.compile_into(ROOT / "chart-skeleton", target)
        build_data["force_include"][str(target)] = f"mkchart/chart/{skeleton.COMPILED_DIR}"
