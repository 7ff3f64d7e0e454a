"""Rebasing answers on a new name or server type: the answers that only echoed the old
profile or the old name follow the new one; answers the user chose stay."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mkchart.answers import profiles
from mkchart.answers.layers import name_layer
from mkchart.answers.model import Answers
from mkchart.answers.names import split_name
from mkchart.answers.schema import keys
from mkchart.answers.tree import Tree, deep_merge, put


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        path = prefix + key
        if isinstance(value, Mapping) and path not in keys():
            flat.update(_flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


def _unflatten(flat: Mapping[str, Any]) -> Tree:
    tree: Tree = {}
    for path, value in flat.items():
        put(tree, path, value)
    return tree


def _builtin_defaults() -> dict[str, Any]:
    """The model's own defaults by dotted key, shaped as the answers file writes them."""
    found: dict[str, Any] = {}
    for path, key in keys().items():
        if not key.required:
            value = key.default()
            found[path] = list(value) if isinstance(value, tuple) else value
    return found


def rebase(old: Answers, stored: Mapping[str, Any], changes: Mapping[str, Any]) -> Tree:
    """`stored` without the answers that equal what the old name and profile implied,
    when `changes` give a new name or server type; otherwise `stored` as it is."""
    new_type = changes.get("serverType")
    spellings = profiles.type_spellings()
    type_changes = isinstance(new_type, str) and spellings.get(new_type, new_type) != old.serverType
    if changes.get("name", old.name) == old.name and not type_changes:
        return dict(stored)
    parts = split_name(old.name, spellings)
    implied = _builtin_defaults()
    implied.update(_flatten(deep_merge(profiles.get(old.serverType).defaults, name_layer(parts))))
    if parts.server_type == old.serverType:
        implied["serverType"] = old.serverType
    kept = {path: value for path, value in _flatten(stored).items()
            if path == "name" or path not in implied or implied[path] != value}
    return _unflatten(kept)
