"""The precompiled skeleton is used only when it matches the installation exactly."""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemLoader, ModuleLoader

from conftest import resolve
from mkchart.chart import skeleton
from mkchart.chart.context import chart_context
from mkchart.data import skeleton_dir

CONTEXT = {"cookiecutter": chart_context(resolve("book-redis-r1", None, {"password": True}).answers,
                                         ["redis.conf"])}


def _render(env: object, names: list[str]) -> dict[str, str]:
    return {name: env.get_template(name).render(CONTEXT) for name in names}  # type: ignore[attr-defined]


def test_compiled_modules_render_what_the_source_renders(tmp_path: Path) -> None:
    skeleton.compile_into(skeleton_dir(), tmp_path / "compiled")
    compiled_env, names = skeleton.load(skeleton_dir(), tmp_path / "compiled")
    assert isinstance(compiled_env.loader, ModuleLoader)
    source_env, same_names = skeleton.load(skeleton_dir(), tmp_path / "nothing-here")
    assert isinstance(source_env.loader, FileSystemLoader) and names == same_names
    assert _render(compiled_env, names) == _render(source_env, names)


def test_a_stale_compilation_is_ignored(tmp_path: Path) -> None:
    skeleton.compile_into(skeleton_dir(), tmp_path / "compiled")
    (tmp_path / "compiled" / skeleton.FINGERPRINT_FILE).write_text("0" * 64 + "\n")
    env, _ = skeleton.load(skeleton_dir(), tmp_path / "compiled")
    assert isinstance(env.loader, FileSystemLoader)


def test_no_cache_folder_when_caching_is_off(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MKCHART_NO_CACHE", "1")
    assert skeleton.user_bytecode_cache() is None
    monkeypatch.delenv("MKCHART_NO_CACHE")
    monkeypatch.setenv("MKCHART_CACHE_DIR", str(tmp_path / "cache"))
    assert skeleton.user_bytecode_cache() is not None and (tmp_path / "cache").is_dir()
