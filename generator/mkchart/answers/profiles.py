"""Server-type profiles: one YAML file each, built in (templates/profiles/) or a team's own.

A profile has three parts. `defaults` are answers, the weakest layer. `chart` is how
mkchart runs the image (port name, environment, generated secrets, config files of its
own). `contract` is what the image itself does, each fact with the source it was read
from: its user, command, the paths it writes, keeps data in, ships content in and reads
config from, its ports, a health check it answers and where it logs. The chart is
rendered from the contract, and tests check every rendered pod against it.

A team's profiles come from folders (`activate`: the CLI's --profiles and MKCHART_PROFILES,
`profiles:` in batch defaults); one with a built-in name replaces it. Every profile, built in or not,
passes the same checks here, and its defaults the answers' own rules (`resolve`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mkchart import yamlio
from mkchart.answers.model import WORKLOADS
from mkchart.answers.rules import looks_secret, url_or_empty
from mkchart.data import profiles_dir
from mkchart.errors import ProfileError, brief
from mkchart.i18n import t

GENERIC = "generic"
PROTOCOLS = ("http", "tcp")
HEALTH_STYLES = ("http", "tcp", "exec")
_NAME = re.compile(r"^[a-z][a-z0-9]{0,19}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$")
_SIZE = re.compile(r"^[0-9]+(Ki|Mi|Gi)$")
_UNITS = ("Mi", "mb")
_PATH_KEYS = {"writes": ("path", "why", "sizeLimit", "source"), "data": ("path", "subPath", "why", "source"),
              "ships": ("path", "why", "source")}
_CONTRACT_KEYS = ("image", "appImage", "sources", "user", "command", "writes", "data", "ships", "config", "ports",
                  "health", "logs", "memory", "password", "needs", "fileEnv")
# Keys an earlier mkchart read in a profile, and where they went.
_MOVED = {"chart.generatedSecret": "defaults.secrets.generate", "chart.startupSeconds": "defaults.probe.startupSeconds"}
_CHART_KEYS = ("portName", "env", "files", "imageHint", "workloads", "oneReplica", "ensemble", "icon")
# The icon of a chart whose profile names none (a team's profile): Helm's own.
GENERIC_ICON = "https://helm.sh/img/helm.svg"
_ENSEMBLE_KEYS = ("file", "idEnv", "serverLine", "ports", "why")
# A profile written before workloads existed runs as every kind, a Deployment first.
_ALL_WORKLOADS = WORKLOADS


@dataclass(frozen=True)
class PathFact:
    """A path of the image: written, holding data, or shipping content."""

    path: str
    why: str
    source: str
    sizeLimit: str = ""  # writes: the emptyDir's limit
    subPath: str = ""  # data: the folder of the claim mounted there


@dataclass(frozen=True)
class Fact:
    """A fact with a few fields of its own (`details`), its reason and its source."""

    why: str
    source: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.details[key]


@dataclass(frozen=True)
class Contract:
    image: str  # repository:tag the facts were read for ("" when none was)
    appImage: bool  # the profile runs the user's image built FROM `image`
    sources: Mapping[str, str]
    user: Fact  # uid, gid
    command: Fact  # entrypoint, cmd, runsAlone
    writes: tuple[PathFact, ...]
    data: tuple[PathFact, ...]
    ships: tuple[PathFact, ...]
    config: Fact  # path, argument
    ports: tuple[Fact, ...]  # port, protocol
    health: Fact  # style, path
    logs: Fact  # stdout
    memory: Fact | None = None  # env or arg, unit: where the server's memory budget goes
    password: Fact | None = None  # env, arg: how a generated password reaches the server
    needs: Fact | None = None  # oneOf: variables of which the image needs one at its first start
    # names: variables the image also reads from a file, NAME_FILE holding its path (Docker's
    # secrets convention): a generated one is mounted as a file rather than passed as a variable.
    fileEnv: Fact | None = None

    @property
    def protocol(self) -> str:
        return str(self.ports[0]["protocol"])

    def facts(self) -> Iterable[tuple[str, str]]:
        """Every fact's key and source, for the check that each names a known source."""
        for name in ("user", "command", "config", "health", "logs", "memory", "password", "needs", "fileEnv"):
            fact = getattr(self, name)
            if fact is not None:
                yield f"contract.{name}", fact.source
        for name in ("writes", "data", "ships"):
            for index, path in enumerate(getattr(self, name)):
                yield f"contract.{name}[{index}]", path.source
        for index, port in enumerate(self.ports):
            yield f"contract.ports[{index}]", port.source


@dataclass(frozen=True)
class Ensemble:
    """How several servers of the type form one service (ZooKeeper's quorum): each learns
    its id from its pod's ordinal (idEnv = ordinal + 1) and all of them the server list,
    one `serverLine` per pod appended to the config file `file` at install time."""

    file: str  # a name of chart.files
    idEnv: str
    serverLine: str  # {id}, {host}, {port} and each port's {name}
    ports: Mapping[str, int]  # port name -> number, opened on the pods and the headless Service
    why: str


@dataclass(frozen=True)
class ChartSettings:
    """How mkchart runs the image; becomes values.yaml and files, not answers."""

    portName: str
    env: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)  # name -> text; ${port}, ${dataPath}
    imageHint: str = ""  # what image.repository must be, when the profile has no image
    workloads: tuple[str, ...] = _ALL_WORKLOADS  # the kinds it runs as; the first is the default
    oneReplica: Mapping[str, str] | None = None  # why it runs as one pod only, and what to do instead
    ensemble: Ensemble | None = None
    icon: str = ""  # URL of Chart.yaml's icon, the metadata.icon answer's default ("": GENERIC_ICON)


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    aliases: tuple[str, ...]
    defaults: Mapping[str, Any]  # answers-file keys, the weakest layer of answers
    chart: ChartSettings
    contract: Contract
    origin: str  # the file it was read from

    @property
    def builtin(self) -> bool:
        return Path(self.origin).parent == profiles_dir()


class _Reader:
    """Typed reads of one profile file; every problem names the file, the key and the rule."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, key: str, rule: str) -> ProfileError:
        return ProfileError(self.origin, key, rule)

    def mapping(self, data: Any, key: str, optional: bool = False, allowed: tuple[str, ...] = ()) -> Mapping[str, Any]:
        """`data` as a mapping; with `allowed`, a key outside it is refused (a typo, or a
        value cut short where a ', ' in a flow mapping started a key of its own)."""
        if data is None and optional:
            return {}
        if not isinstance(data, Mapping):
            raise self.fail(key, t("p.mapping"))
        unknown = [k for k in data if k not in allowed] if allowed else []
        if unknown and f"{key}.{unknown[0]}" in _MOVED:
            raise self.fail(f"{key}.{unknown[0]}", t("p.moved", to=_MOVED[f"{key}.{unknown[0]}"]))
        if unknown:
            raise self.fail(f"{key}.{unknown[0]}", t("p.unknown_field", known=", ".join(allowed)))
        return data

    def text(self, data: Mapping[str, Any], key: str, path: str, default: str | None = None,
             pattern: re.Pattern[str] | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
            raise self.fail(f"{path}{key}", t("p.text") if pattern is None else t("p.pattern", pattern=pattern.pattern))
        return value

    def number(self, data: Mapping[str, Any], key: str, path: str, low: int, high: int,
               default: int | None = None) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(f"{path}{key}", t("p.number", low=low, high=high))
        return value

    def flag(self, data: Mapping[str, Any], key: str, path: str, default: bool = False) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{path}{key}", t("p.flag"))
        return value

    def words(self, data: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(word, str) for word in value):
            raise self.fail(f"{path}{key}", t("p.words"))
        return tuple(value)

    def absolute(self, data: Mapping[str, Any], key: str, path: str) -> str:
        value = self.text(data, key, path)
        pure = PurePosixPath(value)
        if not pure.is_absolute() or ".." in pure.parts or str(pure) != value or value == "/":
            raise self.fail(f"{path}{key}", t("p.absolute"))
        return value

    def source(self, data: Mapping[str, Any], path: str, sources: Mapping[str, str]) -> str:
        value = self.text(data, "source", path)
        if value.split(" ", 1)[0] not in sources:
            raise self.fail(f"{path}source", t("p.source", known=", ".join(sources)))
        return value

    def fact(self, data: Any, at: str, sources: Mapping[str, str], details: Mapping[str, Any]) -> Fact:
        data = self.mapping(data, at.rstrip("."), allowed=("why", "source", *details))
        return Fact(why=self.text(data, "why", at, ""), source=self.source(data, at, sources), details=details)

    def paths(self, data: Any, key: str, sources: Mapping[str, str]) -> tuple[PathFact, ...]:
        items = data.get(key) or []
        if not isinstance(items, list):
            raise self.fail(f"contract.{key}", t("p.list"))
        facts = []
        for index, raw in enumerate(items):
            at = f"contract.{key}[{index}]."
            item = self.mapping(raw, at.rstrip("."), allowed=_PATH_KEYS[key])
            size = self.text(item, "sizeLimit", at, "") if key == "writes" else ""
            if size and not _SIZE.fullmatch(size):
                raise self.fail(f"{at}sizeLimit", t("p.pattern", pattern=_SIZE.pattern))
            sub = self.text(item, "subPath", at, "") if key == "data" else ""
            if sub and (sub.startswith("/") or ".." in sub.split("/")):
                raise self.fail(f"{at}subPath", t("p.subpath"))
            facts.append(PathFact(path=self.absolute(item, "path", at), why=self.text(item, "why", at, ""),
                                  source=self.source(item, at, sources), sizeLimit=size, subPath=sub))
        return tuple(facts)


def _contract(reader: _Reader, data: Mapping[str, Any]) -> Contract:
    sources = reader.mapping(data.get("sources"), "contract.sources")
    if not sources or not all(isinstance(k, str) and isinstance(v, str) for k, v in sources.items()):
        raise reader.fail("contract.sources", t("p.sources"))
    user = reader.mapping(data.get("user"), "contract.user")
    command = reader.mapping(data.get("command"), "contract.command")
    config = reader.mapping(data.get("config"), "contract.config")
    health = reader.mapping(data.get("health"), "contract.health")
    logs = reader.mapping(data.get("logs"), "contract.logs")
    ports_data = data.get("ports")
    if not isinstance(ports_data, list) or not ports_data:
        raise reader.fail("contract.ports", t("p.list"))
    ports = []
    for index, raw in enumerate(ports_data):
        at = f"contract.ports[{index}]."
        item = reader.mapping(raw, at.rstrip("."), allowed=("port", "protocol", "why", "source"))
        protocol = reader.text(item, "protocol", at)
        if protocol not in PROTOCOLS:
            raise reader.fail(f"{at}protocol", t("p.choice", choices=", ".join(PROTOCOLS)))
        number = reader.number(item, "port", at, 1, 65535)
        ports.append(reader.fact(item, at, sources, {"port": number, "protocol": protocol}))
    style = reader.text(health, "style", "contract.health.")
    if style not in HEALTH_STYLES:
        raise reader.fail("contract.health.style", t("p.choice", choices=", ".join(HEALTH_STYLES)))
    memory = password = None
    if data.get("memory") is not None:
        block = reader.mapping(data["memory"], "contract.memory")
        env, arg = block.get("env", ""), block.get("arg", "")
        unit = reader.text(block, "unit", "contract.memory.")
        if bool(env) == bool(arg) or unit not in _UNITS:
            raise reader.fail("contract.memory", t("p.memory", units=", ".join(_UNITS)))
        memory = reader.fact(block, "contract.memory.", sources, {
            "env": reader.text(block, "env", "contract.memory.", ""),
            "arg": reader.text(block, "arg", "contract.memory.", ""), "unit": unit})
    if data.get("password") is not None:
        block = reader.mapping(data["password"], "contract.password")
        password = reader.fact(block, "contract.password.", sources, {
            "env": reader.text(block, "env", "contract.password.", pattern=_ENV_NAME),
            "arg": reader.text(block, "arg", "contract.password.", "")})
    image = reader.text(data, "image", "contract.")
    if image and ":" not in image.rsplit("/", 1)[-1]:
        raise reader.fail("contract.image", t("p.image"))
    return Contract(
        image=image,
        appImage=reader.flag(data, "appImage", "contract."),
        sources=dict(sources),
        user=reader.fact(user, "contract.user.", sources, {
            "uid": reader.number(user, "uid", "contract.user.", 1, 2**31 - 1),
            "gid": reader.number(user, "gid", "contract.user.", 0, 2**31 - 1)}),
        command=reader.fact(command, "contract.command.", sources, {
            "entrypoint": reader.words(command, "entrypoint", "contract.command."),
            "cmd": reader.words(command, "cmd", "contract.command."),
            "runsAlone": reader.flag(command, "runsAlone", "contract.command.")}),
        writes=reader.paths(data, "writes", sources),
        data=reader.paths(data, "data", sources),
        ships=reader.paths(data, "ships", sources),
        config=reader.fact(config, "contract.config.", sources, {
            "path": reader.absolute(config, "path", "contract.config."),
            "argument": reader.text(config, "argument", "contract.config.", "")}),
        ports=tuple(ports),
        health=reader.fact(health, "contract.health.", sources, {
            "style": style, "path": reader.text(health, "path", "contract.health.", "")}),
        logs=reader.fact(logs, "contract.logs.", sources, {"stdout": reader.flag(logs, "stdout", "contract.logs.")}),
        memory=memory,
        password=password,
        needs=_variables(reader, data, "needs", "oneOf", sources),
        fileEnv=_variables(reader, data, "fileEnv", "names", sources),
    )


def _variables(reader: _Reader, data: Mapping[str, Any], key: str, names_key: str,
               sources: Mapping[str, str]) -> Fact | None:
    """A fact about some of the image's variables (`needs`, `fileEnv`): a non-empty list of
    names under `names_key`, or None when the contract has no `key`."""
    if data.get(key) is None:
        return None
    block = reader.mapping(data[key], f"contract.{key}")
    names = reader.words(block, names_key, f"contract.{key}.")
    if not names or not all(_ENV_NAME.fullmatch(n) for n in names):
        raise reader.fail(f"contract.{key}.{names_key}", t("p.env"))
    return reader.fact(block, f"contract.{key}.", sources, {names_key: names})


def _chart(reader: _Reader, data: Mapping[str, Any]) -> ChartSettings:
    env = reader.mapping(data.get("env"), "chart.env", optional=True)
    for key, value in env.items():
        if not isinstance(key, str) or not _ENV_NAME.fullmatch(key) or not isinstance(value, str):
            raise reader.fail(f"chart.env.{brief(key)}", t("p.env"))  # quoted: the name is what is wrong
        if looks_secret(key):  # it would sit in every chart's ConfigMap in plain text
            raise reader.fail(f"chart.env.{key}", t("p.env_secret"))
    files = reader.mapping(data.get("files"), "chart.files", optional=True)
    for key, value in files.items():
        if not isinstance(key, str) or not _FILE_NAME.fullmatch(key) or not isinstance(value, str):
            raise reader.fail(f"chart.files.{brief(key)}", t("p.file"))
    workloads = reader.words(data, "workloads", "chart.") or _ALL_WORKLOADS
    if any(kind not in _ALL_WORKLOADS for kind in workloads) or len(set(workloads)) != len(workloads):
        raise reader.fail("chart.workloads", t("p.workloads", known=", ".join(_ALL_WORKLOADS)))
    icon = reader.text(data, "icon", "chart.", "")
    if url_or_empty(icon):  # Helm's lint refuses an icon that is no URL
        raise reader.fail("chart.icon", t("p.icon"))
    return ChartSettings(
        portName=reader.text(data, "portName", "chart.", pattern=_PORT_NAME),
        env=dict(env),
        files=dict(files),
        imageHint=reader.text(data, "imageHint", "chart.", ""),
        workloads=workloads,
        oneReplica=_one_replica(reader, data["oneReplica"]) if "oneReplica" in data else None,
        ensemble=_ensemble(reader, data.get("ensemble"), files) if "ensemble" in data else None,
        icon=icon,
    )


def _one_replica(reader: _Reader, raw: Any) -> Mapping[str, str]:
    data = reader.mapping(raw, "chart.oneReplica", allowed=("why", "instead"))
    return {key: reader.text(data, key, "chart.oneReplica.") for key in ("why", "instead")}


_PORT_NAME = re.compile(r"^[a-z]([a-z0-9-]{0,13}[a-z0-9])?$")


def _ensemble(reader: _Reader, raw: Any, files: Mapping[str, Any]) -> Ensemble:
    data = reader.mapping(raw, "chart.ensemble", allowed=_ENSEMBLE_KEYS)
    name = reader.text(data, "file", "chart.ensemble.")
    if name not in files:
        raise reader.fail("chart.ensemble.file", t("p.ensemble_file", known=", ".join(files) or "-"))
    ports = reader.mapping(data.get("ports"), "chart.ensemble.ports")
    for port_name in ports:
        if not isinstance(port_name, str) or not _PORT_NAME.fullmatch(port_name):
            raise reader.fail(f"chart.ensemble.ports.{brief(port_name)}", t("p.pattern", pattern=_PORT_NAME.pattern))
        reader.number(ports, port_name, "chart.ensemble.ports.", 1, 65535)
    line = reader.text(data, "serverLine", "chart.ensemble.")
    if "{id}" not in line or "{host}" not in line:
        raise reader.fail("chart.ensemble.serverLine", t("p.server_line"))
    id_env = reader.text(data, "idEnv", "chart.ensemble.", pattern=re.compile(_ENV_NAME.pattern))
    return Ensemble(file=name, idEnv=id_env, serverLine=line, ports=dict(ports),
                    why=reader.text(data, "why", "chart.ensemble."))


def load(path: Path) -> Profile:
    """One profile file, checked; `ProfileError` names the file, the key and the rule."""
    origin = str(path)
    reader = _Reader(origin)
    name = path.stem
    if not _NAME.fullmatch(name):
        raise reader.fail("(file name)", t("p.name"))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise reader.fail("(file)", str(error)) from None
    data = reader.mapping(yamlio.parse(text, origin), "(file)")
    unknown = sorted(set(data) - {"description", "aliases", "defaults", "chart", "contract"})
    if unknown:
        raise reader.fail(str(unknown[0]), t("p.unknown_key"))
    aliases = reader.words(data, "aliases", "")
    for alias in aliases:
        if not _NAME.fullmatch(alias):
            raise reader.fail("aliases", t("p.name"))
    return Profile(
        name=name,
        description=reader.text(data, "description", ""),
        aliases=aliases,
        defaults=dict(reader.mapping(data.get("defaults"), "defaults", optional=True)),
        chart=_chart(reader, reader.mapping(data.get("chart"), "chart", allowed=_CHART_KEYS)),
        contract=_contract(reader, reader.mapping(data.get("contract"), "contract", allowed=_CONTRACT_KEYS)),
        origin=origin,
    )


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def _read(folders: tuple[Path, ...]) -> dict[str, Profile]:
    found: dict[str, Profile] = {p.stem: load(p) for p in _files(profiles_dir())}
    for folder in folders:
        if not folder.is_dir():
            raise ProfileError(str(folder), "(folder)", t("p.folder"))
        found.update((p.stem, load(p)) for p in _files(folder))
    names = sorted(found, key=lambda n: (n == GENERIC, n))
    spellings: dict[str, str] = {}
    for name in names:
        for spelling in (name, *found[name].aliases):
            other = spellings.get(spelling, name)
            if other != name:
                # Blame the team's file, never the built-in one it clashes with.
                culprit, owner = (other, name) if found[name].builtin else (name, other)
                taken = t("p.alias_taken", alias=spelling, other=owner)
                raise ProfileError(found[culprit].origin, "aliases", taken)
            spellings[spelling] = name
    return {name: found[name] for name in names}


@dataclass
class _State:
    """The process's choice of profile folders (set once by the CLI, or by a batch file)."""

    active: tuple[Path, ...] = ()


_state = _State()
_loaded: dict[tuple[Path, ...], dict[str, Profile]] = {}


def active_folders() -> tuple[Path, ...]:
    """The team's profile folders in use, in order."""
    return _state.active


def activate(folders: Iterable[Path]) -> None:
    """Use the built-in profiles plus those in `folders` (later folders win) from now on in
    this process; raises `ProfileError` for a bad profile, before anything is generated."""
    chosen = tuple(Path(f).resolve() for f in folders)
    if chosen not in _loaded:
        _loaded[chosen] = _read(chosen)
    _state.active = chosen


def all_profiles() -> dict[str, Profile]:
    """Every profile by name, in a stable order with `generic` last."""
    if _state.active not in _loaded:
        _loaded[_state.active] = _read(_state.active)
    return _loaded[_state.active]


_spellings: dict[tuple[Path, ...], dict[str, str]] = {}


def type_spellings() -> dict[str, str]:
    """Map every accepted spelling of a server type (names and aliases) to its name."""
    if _state.active not in _spellings:
        _spellings[_state.active] = {spelling: profile.name for profile in all_profiles().values()
                                     for spelling in (profile.name, *profile.aliases)}
    return _spellings[_state.active]


def get(name: str) -> Profile:
    return all_profiles()[type_spellings()[name]]


def known(name: str) -> bool:
    return name in type_spellings()
