"""Server-type profiles: one small YAML file each under templates/profiles/."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from mkchart import yamlio
from mkchart.data import profiles_dir

GENERIC = "generic"


@dataclass(frozen=True)
class Runtime:
    """How the server type's image really runs; becomes values.yaml, not answers."""

    portName: str
    runAsUser: int
    runAsGroup: int
    fsGroup: int
    writableDirs: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    generatedSecret: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    name: str
    aliases: tuple[str, ...]
    defaults: dict[str, Any]  # answers-file keys, the weakest layer of answers
    runtime: Runtime


def _load(name: str) -> Profile:
    path = profiles_dir() / f"{name}.yaml"
    data = yamlio.parse(path.read_text(encoding="utf-8"), str(path))
    runtime = data["runtime"]
    return Profile(
        name=name,
        aliases=tuple(data.get("aliases") or ()),
        defaults=data.get("defaults") or {},
        runtime=Runtime(
            portName=runtime["portName"],
            runAsUser=runtime["runAsUser"],
            runAsGroup=runtime["runAsGroup"],
            fsGroup=runtime["fsGroup"],
            writableDirs=tuple(runtime.get("writableDirs") or ()),
            env={str(k): str(v) for k, v in (runtime.get("env") or {}).items()},
            generatedSecret=tuple(runtime.get("generatedSecret") or ()),
        ),
    )


@cache
def all_profiles() -> dict[str, Profile]:
    """Every profile by name, in a stable order with `generic` last."""
    names = sorted(p.stem for p in profiles_dir().glob("*.yaml"))
    names.sort(key=lambda n: n == GENERIC)
    return {name: _load(name) for name in names}


@cache
def type_spellings() -> dict[str, str]:
    """Map every accepted spelling of a server type (names and aliases) to its name."""
    spellings: dict[str, str] = {}
    for profile in all_profiles().values():
        spellings[profile.name] = profile.name
        for alias in profile.aliases:
            spellings[alias] = profile.name
    return spellings


def get(name: str) -> Profile:
    return all_profiles()[type_spellings()[name]]
