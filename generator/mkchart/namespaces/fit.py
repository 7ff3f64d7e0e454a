"""Whether the namespaces chart's values (as written, or as edited by hand since) still let
the fleet run: each quota against the fleet plus one rolling update, each LimitRange max
against the largest container, each enforced Pod Security level against the charts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from mkchart import yamlio
from mkchart.errors import MkchartError, brief
from mkchart.i18n import t
from mkchart.namespaces.sizing import (
    COUNT_KEYS,
    KINDS,
    MOST_HEADROOM,
    RESOURCE_KEYS,
    STORAGE_KEY,
    Environment,
    amount,
    bytes_text,
    kind_text,
)
from mkchart.regen.textmerge import has_markers


def _text(key: str, value: Any) -> str:
    if key in RESOURCE_KEYS:
        return kind_text(key.split(".")[1], value)
    return bytes_text(value) if key == STORAGE_KEY else str(int(value))


def _quota(chart: str, env: Environment, quota: Mapping[str, Any], headroom: int) -> list[str]:
    problems = []
    generated = env.quota(headroom)
    for key in (*RESOURCE_KEYS, *COUNT_KEYS, STORAGE_KEY):
        if key not in quota:
            continue  # no quota on it: nothing to run out of
        where = f"namespaces.{env.name}.quota.{key}"
        have = amount(quota[key])
        if have is None:
            problems.append(t("n.fit.unreadable", chart=chart, where=where, value=brief(quota[key])))
            continue
        if key in RESOURCE_KEYS or key == "pods":
            steady = env.steady(key) if key != "pods" else env.pods + env.test_pods
            extra, service = env.largest_surge(key)
            need = steady + extra
            if have < need:
                base = env.steady(key)  # what the headroom is a share of
                enough = math.ceil((need / base - 1) * 100) if base else MOST_HEADROOM
                # mkchart's own figure: more headroom raises it; a hand edit is raised by hand.
                own = str(quota[key]) == str(generated[key])
                problems.append(t("n.fit" if own else "n.fit.edited", chart=chart, where=where, value=quota[key],
                                  env=env.name, need=_text(key, need), steady=_text(key, steady),
                                  surge=_text(key, extra), service=service.name if service else "-",
                                  headroom=headroom, enough=max(enough, headroom + 1)))
        elif have < env.steady(key):
            problems.append(t("n.fit.fleet", chart=chart, where=where, value=quota[key], env=env.name,
                              need=_text(key, env.steady(key))))
    return problems


def _most(chart: str, env: Environment, most: Mapping[str, Any]) -> list[str]:
    problems = []
    for kind in KINDS:
        if kind not in most:
            continue
        have = amount(most[kind])
        where = f"namespaces.{env.name}.maxPerContainer.{kind}"
        for used in env.usages:
            limit = used.largest_limit(kind)
            if have is None or have < limit:
                problems.append(t("n.fit.max", chart=chart, where=where, value=brief(most[kind]), env=env.name,
                                  service=used.name, limit=kind_text(kind, limit)))
                break
    return problems


def _security(chart: str, env: Environment, security: Mapping[str, Any]) -> list[str]:
    enforce = security.get("enforce")
    refused = [u.name for u in env.usages if not u.restricted]
    if enforce in ("restricted", "baseline") and refused:
        return [t("n.fit.security", chart=chart, where=f"namespaces.{env.name}.podSecurity.enforce", value=enforce,
                  services=", ".join(refused))]
    return []


def _mapping(node: Any, key: str) -> Mapping[str, Any]:
    value = node.get(key) if isinstance(node, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def misfits(chart: str, environments: list[Environment], values: bytes | None, headroom: int) -> list[str]:
    """What in CHART's values.yaml would keep the fleet from running, one message each."""
    if values is None:
        return []
    text = values.decode("utf-8", "replace")
    if has_markers(text):
        return []  # its conflicts are said already; checked once they are resolved
    try:
        tree = yamlio.parse(text, f"{chart}/values.yaml")
    except MkchartError as error:
        return [t("n.fit.values", chart=chart, problem=error.message)]
    namespaces = _mapping(tree, "namespaces")
    problems = []
    for env in environments:
        if env.name not in namespaces:
            problems.append(t("n.fit.missing", chart=chart, env=env.name))
            continue
        settings = namespaces[env.name]
        problems += _quota(chart, env, _mapping(settings, "quota"), headroom)
        problems += _most(chart, env, _mapping(settings, "maxPerContainer"))
        problems += _security(chart, env, _mapping(settings, "podSecurity"))
    return problems
