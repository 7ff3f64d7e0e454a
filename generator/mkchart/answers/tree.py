"""Plain answer trees (nested mappings as YAML gives them) and the operations on them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

Tree = dict[str, Any]


class Replace(dict):  # type: ignore[type-arg]
    """A mapping given whole (`--set config.env=A=1,B=2`): it replaces the weaker layers'
    mapping instead of merging into it, so entries can also be dropped."""


class Only(dict):  # type: ignore[type-arg]
    """Sections named anew (`--set environments=dev,prod`): exactly these, in this order,
    each keeping what the weaker layers said of it."""


def _section(before: Any, over: Any) -> Any:
    if isinstance(before or {}, Mapping) and isinstance(over or {}, Mapping):
        return deep_merge(before or {}, over or {})
    return over


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> Tree:
    """A new tree: `over` wins; mappings merge key by key (`--set config.env.NAME=v` adds
    one variable and keeps the others), except a `Replace`d one."""
    # Sections named anew stay so, whatever is merged into them later.
    merged: Tree = Only(base) if isinstance(base, Only) else dict(base)
    for key, value in over.items():
        if isinstance(value, Only):
            before = merged.get(key)
            kept = before if isinstance(before, Mapping) else {}
            # Still Only: a weaker layer merged under it later must not add names back.
            merged[key] = Only({name: _section(kept.get(name), section) for name, section in value.items()})
        elif isinstance(value, Replace):
            merged[key] = dict(value)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def lookup(tree: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted key such as `probe.style`, or None."""
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def put(tree: Tree, path: str, value: Any) -> None:
    """Set the value at a dotted key, making the mappings on the way."""
    node = tree
    *parents, leaf = path.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def to_tree(answers: Any) -> Tree:
    """An answers dataclass as a plain nested mapping (lists, not tuples; no None), in key order."""
    out: Tree = {}
    for f in dataclasses.fields(answers):
        value = getattr(answers, f.name)
        if dataclasses.is_dataclass(value) and f.metadata.get("compact"):
            # A section added after charts were written: only what differs from its
            # defaults, and nothing when nothing does, so older records stay as they are.
            changed = _changed(value)
            if changed:
                out[f.name] = changed
        elif dataclasses.is_dataclass(value):
            out[f.name] = to_tree(value)
        elif isinstance(value, tuple):
            out[f.name] = list(value)
        elif isinstance(value, dict):
            # A mapping of sections (environments) holds dataclasses, each kept by what it
            # changes (a record stays short; the rest is the model's default); a plain one, strings.
            out[f.name] = {k: _changed(v) if dataclasses.is_dataclass(v) else v for k, v in value.items()}
        elif value is not None:
            out[f.name] = value
    return out


def _changed(section: Any) -> Tree:
    """A section as a tree of the answers that differ from the model's defaults."""
    out: Tree = {}
    for f in dataclasses.fields(section):
        value = getattr(section, f.name)
        if dataclasses.is_dataclass(value):
            inner = _changed(value)
            if inner:
                out[f.name] = inner
            continue
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if value != default:
            out[f.name] = list(value) if isinstance(value, tuple) else dict(value) if isinstance(value, dict) else value
    return out
