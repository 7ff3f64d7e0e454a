"""Answers -> the template context: everything the skeleton prints, already decided.

Decisions (the default host, the probe port, the user, the volumes and arguments the
image's contract asks for) are made here in typed Python rather than in Jinja, so the
skeleton stays a plain cookiecutter template. The context is what
`chart-skeleton/cookiecutter.json` holds for the default chart, so cookiecutter itself
renders the same files (tests check it).
"""

from __future__ import annotations

import json
from string import Template
from typing import Any

from mkchart import __version__
from mkchart.answers import profiles
from mkchart.answers.model import GENERATED_FILES_PATH, SERVICE_WORKLOADS, Answers
from mkchart.answers.profiles import GENERIC_ICON, Profile
from mkchart.answers.rules import parse_maintainer
from mkchart.answers.tree import to_tree
from mkchart.chart.layout import pod_depth

# A new chart's version (Chart.yaml `version`); regen bumps it from there (regen/version.py).
INITIAL_VERSION = "0.1.0"
# The `helm test` pod's container and image (templates/tests/test-connection.yaml, and
# `test.image` in the skeleton's values.yaml: tests/test_chart_metadata.py checks they
# agree), listed with the service's image in Chart.yaml's artifacthub.io/images.
TEST_CONTAINER = "connect"
TEST_IMAGE = "busybox:1.36.1"


def profile_files(answers: Answers, given: list[str]) -> dict[str, bytes]:
    """The profile's own config files (tomcat's server.xml, zookeeper's zoo.cfg) with
    `${port}` and `${dataPath}` filled in, except those a config file of the same name
    given by the user replaces."""
    values = {"port": str(answers.port), "dataPath": answers.persistence.mountPath}
    files = profiles.get(answers.serverType).chart.files
    return {name: Template(text).safe_substitute(values).encode("utf-8")
            for name, text in files.items() if name not in given}


def _port_text(answers: Answers, port_name: str) -> str:
    """The port the HTTP and TCP checks use, as YAML text: the container port by its name
    (a containerPort changed per environment moves the checks with it), or the number
    probe.port gives. Text, so that plain cookiecutter, which turns numbers into strings,
    prints it the same."""
    return str(answers.probe.port) if answers.probe.port else json.dumps(port_name)


def _volumes(answers: Answers) -> dict[str, Any]:
    contract = profiles.get(answers.serverType).contract
    data_path = answers.persistence.mountPath
    shipped = {fact.path for fact in contract.ships}
    extra = [{"mountPath": fact.path, "subPath": fact.subPath} for fact in contract.data[1:] if fact.path != data_path]
    taken = {data_path, *(e["mountPath"] for e in extra)}
    return {
        # An emptyDir over a folder the image ships content in would hide it (nginx's html).
        "emptyDirWhenDisabled": data_path not in shipped,
        "extraPaths": extra,
        "writableDirs": [{"path": fact.path, "sizeLimit": fact.sizeLimit or "256Mi", "why": fact.why}
                         for fact in contract.writes if fact.path not in taken],
    }


def _workload(answers: Answers, profile: profiles.Profile) -> dict[str, Any]:
    """What the workload kind adds: how a StatefulSet starts its pods, the ensemble, and
    whether the server must be its data's only writer."""
    settings, contract = profile.chart, profile.contract
    ensemble = settings.ensemble
    parallel = ensemble is not None
    return {
        "podDepth": pod_depth(answers.workload),
        "oneReplica": settings.oneReplica is not None,
        "ensemble": None if ensemble is None else {
            "file": ensemble.file, "idEnv": ensemble.idEnv, "serverLine": ensemble.serverLine,
            "ports": [{"name": name, "port": port} for name, port in ensemble.ports.items()],
            "entrypoint": list(contract.command["entrypoint"]), "cmd": list(contract.command["cmd"]),
        },
        "statefulset": {
            "podManagementPolicy": "Parallel" if parallel else "OrderedReady",
            "why": ("Parallel: every server starts at once (each is ready only once a quorum of\n"
                    "  # them runs, so waiting for one before starting the next would never end)" if parallel else
                    "OrderedReady: pod N starts once pod N-1 is ready, and they stop in\n"
                    "  # the reverse order"),
        },
    }


def chart_metadata(answers: Answers, profile: Profile) -> dict[str, Any]:
    """Chart.yaml's metadata: the metadata answers, each empty one replaced by its default
    (the business's team as maintainer, the profile's icon, the type and business as
    keywords), and the images the chart runs."""
    meta = answers.metadata
    parsed = [parse_maintainer(text) for text in meta.maintainers]
    maintainers = [pair for pair in parsed if pair is not None] or [(f"{answers.business or answers.name} team", "")]
    keywords = list(meta.keywords) or list(dict.fromkeys(filter(None, (answers.serverType, answers.business))))
    image = f"{answers.image.repository}:{answers.image.tag}"
    if answers.image.digest:
        image += f"@{answers.image.digest}"
    # The main container is named after the chart (.Chart.Name in the workload templates);
    # services have a test pod too.
    images = [{"name": answers.name, "image": image}]
    if answers.workload in SERVICE_WORKLOADS:
        images.append({"name": TEST_CONTAINER, "image": TEST_IMAGE})
    return {
        "maintainers": [{"name": name, "email": email} for name, email in maintainers],
        "home": meta.home, "sources": list(meta.sources), "icon": meta.icon or profile.chart.icon or GENERIC_ICON,
        "kubeVersion": meta.kubeVersion, "keywords": keywords, "images": images,
    }


def chart_context(answers: Answers, config_files: list[str], version: str = INITIAL_VERSION) -> dict[str, Any]:
    """The `cookiecutter` variables for one chart: top-level `name` and the `chart` tree.

    `config_files` are the file names under the chart's files/config/ folder; `version`
    is the chart's own version (Chart.yaml), not an answer: regen carries it over.
    """
    profile = profiles.get(answers.serverType)
    settings, contract = profile.chart, profile.contract
    chart = to_tree(answers)
    chart["mkchartVersion"] = __version__
    chart["chartVersion"] = version
    chart["metadata"] = chart_metadata(answers, profile)
    chart["portName"] = settings.portName
    chart["protocol"] = contract.protocol
    chart["probe"]["port"] = answers.probe.port or answers.port
    chart["probe"]["portText"] = _port_text(answers, settings.portName)
    # {port} in a probe's command stands for the port answer (zookeeper's srvr check).
    for key in ("command", "readinessCommand"):
        chart["probe"][key] = [word.replace("{port}", str(answers.port)) for word in getattr(answers.probe, key)]
    chart["probe"]["startupFailures"] = -(-answers.probe.startupSeconds // answers.probe.periodSeconds)
    chart["ingress"]["host"] = answers.ingress.host or f"{answers.name}.{answers.ingress.domain}"
    # The profile's own environment comes first; the answers' values win on a clash.
    # `{config.mountPath}` and `{persistence.mountPath}` in it stand for those answers.
    profile_env = {k: v.replace("{config.mountPath}", answers.config.mountPath.rstrip("/"))
                   .replace("{persistence.mountPath}", answers.persistence.mountPath.rstrip("/"))
                   for k, v in settings.env.items()}
    chart["config"]["env"] = {**profile_env, **answers.config.env}
    chart["config"]["fileArgument"] = contract.config["argument"]
    chart["generatedSecret"] = list(answers.secrets.generate)
    # The generated keys the image reads from a file (NAME_FILE): none of them is then in a variable.
    by_file = contract.fileEnv["names"] if contract.fileEnv else ()
    chart["generatedFiles"] = [key for key in answers.secrets.generate if key in by_file]
    chart["generatedFilesPath"] = GENERATED_FILES_PATH
    chart["secretEnv"] = {name: dict(zip(("secret", "key"), ref.split("/", 1), strict=True))
                          for name, ref in answers.secrets.env.items()}
    chart["config"]["files"] = sorted(config_files)
    chart["security"] = {"runAsUser": contract.user["uid"], "runAsGroup": contract.user["gid"],
                         "fsGroup": contract.user["gid"]}
    volumes = _volumes(answers)
    chart["writableDirs"] = volumes.pop("writableDirs")
    chart["persistence"].update(volumes)
    # Two processes on one data folder corrupt it: a type that runs as one server or as an
    # ensemble member never overlaps an old and a new pod, even on a shared claim.
    chart["persistence"]["singleWriter"] = settings.oneReplica is not None or settings.ensemble is not None
    memory = contract.memory
    chart["memoryBudget"] = ({"percent": answers.memoryPercent, "env": memory["env"], "arg": memory["arg"],
                              "unit": memory["unit"], "why": memory.why} if memory else None)
    secret = contract.password
    chart["auth"] = ({"enabled": answers.password, "env": secret["env"], "arg": secret["arg"]}
                         if secret else None)
    chart.update(_workload(answers, profile))
    # For plain cookiecutter's post-generation hook, which writes them as mkchart does.
    own = profile_files(answers, config_files)
    chart["profileFiles"] = {name: content.decode("utf-8") for name, content in own.items()}
    return {"name": answers.name, "chart": chart}
