"""The package's shape: data flows one way, so no module imports from a stage above it.

Layers, lowest first; a module may import its own layer and the ones below. The
package's `__init__` (the lazy public API) is the one facade over all of them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator" / "mkchart"

LAYERS: tuple[tuple[str, ...], ...] = (
    # the ground: words, errors, outcome records, YAML, installed data, worker pools
    ("i18n", "messages", "errors", "outcomes", "yamlio", "data", "fleet", "safeio"),
    ("answers",),  # inputs -> one validated Answers
    ("chart",),  # Answers -> files in memory
    ("record", "basefile", "migrations", "inputs", "write"),  # the chart's record and base, inputs, writing
    ("new",),  # a new chart
    ("regen",),  # an existing chart
    ("batch", "helm", "namespaces"),  # many charts; lint and package; the fleet's namespaces
    ("console",),  # words on the terminal
    ("wizard",),  # a person at a terminal
    ("cli", "__main__"),  # the command line
)


def _layer_of(module: str) -> int:
    """The layer of `mkchart.X[.Y]`."""
    top = module.split(".")[1] if module.count(".") else ""
    for index, names in enumerate(LAYERS):
        if top in names:
            return index
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(relative.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        if "_compiled_skeleton" not in name:
            found.append((name, path))
    return found


def _imports(path: Path, module: str) -> set[str]:
    """Every mkchart module `path` imports, at the top or inside a function."""
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("mkchart."))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base == "mkchart":  # `from mkchart import yamlio`: each name is a module
                names.update(f"mkchart.{alias.name}" for alias in node.names if not alias.name.startswith("__"))
            elif base.startswith("mkchart."):
                names.add(base)
    return names


@pytest.mark.parametrize(("module", "path"), [m for m in _modules() if m[0] != "mkchart"], ids=str)
def test_no_module_imports_from_a_layer_above(module: str, path: Path) -> None:
    own = _layer_of(module)
    above = sorted(name for name in _imports(path, module)
                   if name != "mkchart.ANSWERS_FORMAT" and _layer_of(name) > own)
    assert not above, f"{module} (layer {own}) imports from above: {above}"


def test_every_module_has_a_layer() -> None:
    for module, _ in _modules():
        if module != "mkchart":
            _layer_of(module)


def test_the_build_hooks_skeleton_module_stands_alone() -> None:
    # hatch_build.py loads chart/skeleton.py by path, before mkchart is installed.
    assert not _imports(PACKAGE / "chart" / "skeleton.py", "mkchart.chart.skeleton")


def test_the_layer_check_can_fail(tmp_path: Path) -> None:
    source = tmp_path / "answers.py"
    source.write_text("from mkchart.regen.plan import plan_regen\nfrom mkchart import cli\n")
    imported = _imports(source, "mkchart.answers")
    assert imported == {"mkchart.regen.plan", "mkchart.cli"}
    assert all(_layer_of(name) > _layer_of("mkchart.answers") for name in imported)
