"""chart-skeleton/ as compiled Jinja templates.

Compiling the skeleton costs more than everything else `mkchart new` does (~35 ms), so a
wheel carries it precompiled: `hatch_build.py` calls `compile_into` while the wheel is
built, and pip byte-compiles the result on install. At run time those modules are used
only when their fingerprint (jinja2's version, the delimiters and every template's
source) matches this installation; otherwise the skeleton is compiled from source, with
jinja's bytecode cache in the user's cache folder.

This module imports nothing from mkchart: the build hook loads it by path (so it
finds the template folder itself rather than asking `mkchart.data`).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

COMPILED_DIR = "_compiled_skeleton"  # inside the package, next to this file
FINGERPRINT_FILE = "FINGERPRINT"


def project_dir(root: Path) -> Path:
    """The template folder itself, `[[cookiecutter.name]]`, as cookiecutter finds it."""
    (project,) = [p for p in root.iterdir() if p.is_dir() and "cookiecutter" in p.name]
    return project


def _settings(root: Path) -> dict[str, Any]:
    settings: dict[str, Any] = json.loads((root / "cookiecutter.json").read_text(encoding="utf-8"))
    return settings


def delimiters(root: Path) -> dict[str, str]:
    return dict(_settings(root)["_jinja2_env_vars"])


def extension_files(root: Path) -> list[tuple[Path, str]]:
    """The template's own Jinja extensions, as cookiecutter.json's `_extensions` name them
    ("module.Class", the module a file in `root`): each file and class name."""
    found = []
    for dotted in _settings(root).get("_extensions", []):
        module, _, name = dotted.rpartition(".")
        found.append((root / f"{module.replace('.', '/')}.py", name))
    return found


def extensions(root: Path) -> list[Any]:
    """The extension classes, loaded by path as cookiecutter loads them from the template
    folder (local_extensions.py: `tojson` escapes characters beyond U+FFFF as YAML allows)."""
    classes = []
    for path, name in extension_files(root):
        spec = importlib.util.spec_from_file_location(f"_mkchart_skeleton_{path.stem}", path)
        assert spec and spec.loader, path
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        classes.append(getattr(module, name))
    return classes


def template_names(root: Path) -> list[str]:
    project = project_dir(root)
    return sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file())


def fingerprint(root: Path) -> str:
    import jinja2

    digest = hashlib.sha256(jinja2.__version__.encode())
    digest.update(json.dumps(delimiters(root), sort_keys=True).encode())
    for path, name in extension_files(root):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    project = project_dir(root)
    for name in template_names(root):
        digest.update(name.encode() + b"\0" + (project / name).read_bytes() + b"\0")
    return digest.hexdigest()


def environment(root: Path, loader: Any, bytecode_cache: Any = None) -> Any:
    """The Jinja environment cookiecutter would use for this skeleton: its delimiters and
    extensions, strict undefined variables, trailing newlines kept, no autoescaping."""
    from jinja2 import Environment, StrictUndefined

    # cookiecutter.json names the delimiters by Environment's own keywords.
    settings: dict[str, Any] = dict(delimiters(root))
    return Environment(
        loader=loader, bytecode_cache=bytecode_cache, undefined=StrictUndefined,
        keep_trailing_newline=True, autoescape=False, auto_reload=False, extensions=extensions(root), **settings,
    )


def compile_into(root: Path, target: Path) -> None:
    """Compile every template of the skeleton into Python modules in `target`."""
    from jinja2 import FileSystemLoader

    target.mkdir(parents=True, exist_ok=True)
    env = environment(root, FileSystemLoader(project_dir(root)))
    env.compile_templates(str(target), zip=None, ignore_errors=False, log_function=lambda _: None)
    (target / "__init__.py").write_text("# Templates compiled from chart-skeleton/ (mkchart.chart.skeleton).\n")
    (target / FINGERPRINT_FILE).write_text(fingerprint(root) + "\n")


def user_bytecode_cache() -> Any:
    """Jinja's compiled-template cache in the user's cache folder, or None when the
    cache is switched off (MKCHART_NO_CACHE) or cannot be made."""
    from jinja2 import FileSystemBytecodeCache

    if os.environ.get("MKCHART_NO_CACHE"):
        return None
    base = os.environ.get("MKCHART_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "mkchart")

    class QuietCache(FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):  # a cache that cannot be written only costs speed
                super().dump_bytecode(bucket)

    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        return None
    # Keyed by each template's source, so an edited skeleton is never served stale.
    return QuietCache(base, pattern="skeleton-%s.cache")


def load(root: Path, compiled: Path | None = None) -> tuple[Any, list[str]]:
    """The environment to render with, and the template names (relative paths)."""
    from jinja2 import FileSystemLoader, ModuleLoader

    compiled = compiled or Path(__file__).resolve().parent / COMPILED_DIR
    stamp = compiled / FINGERPRINT_FILE
    if stamp.is_file() and stamp.read_text().strip() == fingerprint(root):
        return environment(root, ModuleLoader(compiled)), template_names(root)
    return environment(root, FileSystemLoader(project_dir(root)), user_bytecode_cache()), template_names(root)
