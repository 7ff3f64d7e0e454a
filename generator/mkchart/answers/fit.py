"""Answers against the server type's contract: refusals (an Ingress to a server that does
not speak HTTP) and warnings (a check the stock image never answers), and the check of a
profile's own defaults, by the same rules as every answer."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

from mkchart.answers import environments, profiles, rules
from mkchart.answers.model import GENERATED_FILES_PATH, Answers, Autoscaling
from mkchart.errors import AnswerError, ProfileError, brief
from mkchart.i18n import t

# Helm refuses release names over 53 characters (its own limit, below the seed's 63 for a
# service name: Helm appends suffixes to the release name in names of its own).
RELEASE_NAME_MAX = 53


def release_name(chart_name: str) -> str:
    """The release name the next steps install a chart under: its name, cut to what Helm takes."""
    return chart_name[:RELEASE_NAME_MAX].rstrip("-")


def _is_stock(repository: str, tag: str, image: str) -> bool:
    """Whether repository:tag is the stock `image` (repository:tag): the same name, with
    Docker Hub's own prefixes, a registry mirror's `.../library/NAME`, or any registry's
    `.../NAME` at the very tag read. `harbor.example.com/book/tomcat:9.0.85-book.7` is
    the team's own image built on it, not the stock one."""
    if not image:
        return False
    stock, stock_tag = image.rsplit(":", 1)
    if repository in (stock, f"library/{stock}", f"docker.io/{stock}", f"docker.io/library/{stock}"):
        return True
    return repository.endswith(f"/library/{stock}") or (repository.endswith(f"/{stock}") and tag == stock_tag)


def refusals(answers: Answers) -> list[AnswerError]:
    """Answers the server type cannot run with, each naming the key and the way out."""
    profile = profiles.get(answers.serverType)
    contract = profile.contract
    problems = []
    if answers.ingress.enabled and contract.protocol != "http":
        problems.append(AnswerError("ingress.enabled", t("v.ingress_tcp", type=answers.serverType),
                                    t("v.ingress_tcp.hint", name=answers.name, port=answers.port)))
    if answers.password and contract.password is None:
        problems.append(AnswerError("password", t("v.password_type", type=answers.serverType)))
    return (problems + _workload_problems(answers, profile) + _environment_problems(answers, profile)
            + _variable_problems(answers, profile) + _mount_problems(answers, profile))


def _environment_problems(answers: Answers, profile: profiles.Profile) -> list[AnswerError]:
    """Each environment by the rules the chart's own answers keep: its replicas (one
    server, an ensemble, a shared claim), its requests within its limits, a host of its own."""
    problems = []
    hosts: dict[str, str] = {}
    scaled = answers.autoscaling.enabled and environments.serves(answers)
    if scaled and answers.replicas > 1:  # the chart's own answer, which every environment without its own takes
        problems.append(AnswerError("replicas", t("v.autoscaling_replicas"), t("v.autoscaling_replicas.hint")))
    for env in environments.effective(answers):
        where = f"environments.{env.name}"
        own = answers.environments[env.name].replicas is not None
        if scaled and env.replicas > 1 and own:
            problems.append(AnswerError(f"{where}.replicas", t("v.autoscaling_env_replicas", env=env.name),
                                        t("v.autoscaling_env_replicas.hint", env=env.name)))
        problems += _scaling_values(answers, profile, env.name)
        if env.replicas != answers.replicas:  # a task's too: it runs one pod per run
            again = replace(answers, replicas=env.replicas)
            for problem in [*rules.across(again), *_workload_problems(again, profile)]:
                if problem.key in ("replicas", "workload"):
                    problems.append(AnswerError(f"{where}.replicas", problem.rule, problem.hint))
        given = answers.environments[env.name].resources  # checked where the environment sets any
        own = any(getattr(getattr(given, bound), kind) for bound in ("requests", "limits")
                  for kind in ("cpu", "memory"))
        for kind in ("cpu", "memory"):
            if own and rules.quantity_value(env.requests[kind]) > rules.quantity_value(env.limits[kind]):
                problems.append(AnswerError(f"{where}.resources.requests.{kind}", t(
                    "v.request_over_limit", request=env.requests[kind], limit=env.limits[kind], kind=kind)))
        if answers.ingress.enabled and environments.serves(answers):
            if env.host in hosts:
                problems.append(AnswerError(f"{where}.ingressHost", t("v.host_twice", host=env.host,
                                                                      other=hosts[env.host])))
            hosts.setdefault(env.host, env.name)
    return problems


_SCALING_KEYS = ("minReplicas", "maxReplicas", "targetCPU", "targetMemory")


def _scaling_values(answers: Answers, profile: profiles.Profile, name: str) -> list[AnswerError]:
    """An environment's own autoscaling.minReplicas, maxReplicas and targets (free values)
    by the rules of the chart's autoscaling answers."""
    given = answers.environments[name].values
    where = f"environments.{name}.values"
    changed: dict[str, int] = {}
    for key in _SCALING_KEYS:
        path = f"autoscaling.{key}"
        if path not in given:
            continue
        value = rules.scalar_value(given[path])
        check = Autoscaling.__dataclass_fields__[key].metadata["check"]
        if not isinstance(value, int) or isinstance(value, bool):
            return [AnswerError(f"{where}.{path}", t("v.positive"))]
        problem = check(value)
        if problem:
            return [AnswerError(f"{where}.{path}", problem)]
        changed[key] = value
    if not changed:
        return []
    def found(chosen: Answers) -> list[AnswerError]:
        return [p for p in [*rules.autoscaling_problems(chosen), *_workload_problems(chosen, profile)]
                if p.key.startswith("autoscaling.")]

    scaling = answers.autoscaling
    again = replace(answers, autoscaling=Autoscaling(
        enabled=scaling.enabled, **{key: changed.get(key, getattr(scaling, key)) for key in _SCALING_KEYS}))
    # What the chart's own answers break is said once, for them.
    own = {(p.key, p.rule) for p in found(answers)}
    return [AnswerError(f"{where}.{p.key}", p.rule, p.hint) for p in found(again) if (p.key, p.rule) not in own]


def _workload_problems(answers: Answers, profile: profiles.Profile) -> list[AnswerError]:
    """A workload the type does not run as, and replica counts it cannot run with: two
    writers on one data folder, or an ensemble that cannot keep a majority."""
    settings, name, count = profile.chart, answers.serverType, answers.replicas
    allowed = ", ".join(settings.workloads)
    if answers.workload not in settings.workloads:
        return [AnswerError("workload", t("v.workload_type", type=name, workload=answers.workload, allowed=allowed),
                            t("v.workload_type.hint", allowed=allowed))]
    problems = []
    if answers.autoscaling.enabled and answers.workload == "deployment" and (settings.oneReplica or settings.ensemble):
        why = settings.oneReplica["why"] if settings.oneReplica else t("v.autoscaling_ensemble")
        problems.append(AnswerError("autoscaling.enabled", t("v.autoscaling_type", type=name, why=why),
                                    t("v.autoscaling_type.hint")))
    if count > 1 and settings.oneReplica:
        problems.append(AnswerError("replicas", t("v.replicas_one", type=name, count=count,
                                                  why=settings.oneReplica["why"]),
                                    t("v.replicas_one.hint", instead=settings.oneReplica["instead"])))
    elif count > 1 and settings.ensemble is not None:
        if count % 2 == 0:
            problems.append(AnswerError("replicas", t("v.replicas_ensemble", type=name, count=count),
                                        t("v.replicas_ensemble.hint")))
        elif answers.workload != "statefulset":
            problems.append(AnswerError("workload", t("v.replicas_ensemble_workload", type=name, count=count),
                                        t("v.replicas_ensemble_workload.hint")))
    generated = [*answers.secrets.generate, *([profile.contract.password["env"]]
                                               if answers.password and profile.contract.password else [])]
    if answers.job.hook and answers.workload == "job" and answers.persistence.enabled:
        problems.append(AnswerError("job.hook", t("v.hook_claim"), t("v.hook_claim.hint")))
    if answers.job.hook and answers.workload == "job" and generated:
        problems.append(AnswerError("job.hook", t("v.hook_generated", keys=", ".join(generated)),
                                    t("v.hook_generated.hint")))
    return problems


_VARIABLE = re.compile(r"(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def _variable_problems(answers: Answers, profile: profiles.Profile) -> list[AnswerError]:
    """An argument's $(VAR) the kubelet cannot expand (it would reach the server as the
    text itself: a password of '$(REDIS_PASSWORD)'), and a variable the image needs at its
    first start that nothing gives."""
    contract = profile.contract
    defined = {"TZ", *profile.chart.env, *answers.config.env, *answers.secrets.env, *answers.secrets.generate}
    if answers.password and contract.password is not None:
        defined.add(contract.password["env"])
    problems = []
    by_file = set(answers.secrets.generate) & set(contract.fileEnv["names"] if contract.fileEnv else ())
    for key, names in (("config.env", answers.config.env), ("secrets.env", answers.secrets.env)):
        for name in sorted(names):
            if name.endswith("_FILE") and name[: -len("_FILE")] in by_file:
                problems.append(AnswerError(f"{key}.{name}", t("v.env_file_generated", name=name,
                                                               key=name[: -len("_FILE")])))
    if not answers.secrets.envFrom:  # a Secret of the user's may define any name
        for arg in answers.config.args:
            for name in _VARIABLE.findall(arg):
                if name not in defined:
                    problems.append(AnswerError("config.args", t("v.arg_variable", arg=brief(arg), name=name)))
        if contract.needs is not None and not defined & set(contract.needs["oneOf"]):
            names = contract.needs["oneOf"]
            needed = t("v.needs", type=answers.serverType, names=", ".join(names), why=contract.needs.why,
                       first=names[0])
            problems.append(AnswerError("secrets.generate", needed))
    return problems


def _mount_problems(answers: Answers, profile: profiles.Profile) -> list[AnswerError]:
    """A Secret mounted where the chart mounts something else (the API server refuses two
    mounts at one path)."""
    contract = profile.contract
    taken = {answers.persistence.mountPath: "persistence.mountPath",
             answers.config.mountPath.rstrip("/"): "config.mountPath"}
    taken.update({fact.path: "contract.writes" for fact in contract.writes})
    taken.update({fact.path: "contract.data" for fact in contract.data[1:]})
    if contract.fileEnv and set(answers.secrets.generate) & set(contract.fileEnv["names"]):
        taken[GENERATED_FILES_PATH] = "contract.fileEnv"
    problems = []
    for secret, folder in answers.secrets.files.items():
        what = taken.get(folder.rstrip("/"))
        if what:
            problems.append(AnswerError(f"secrets.files.{secret}", t("v.secret_folder_taken", folder=folder,
                                                                     secret=secret, what=what)))
    return problems


def warnings(answers: Answers) -> list[str]:
    """What the chart will do that the user most likely did not mean."""
    profile = profiles.get(answers.serverType)
    contract = profile.contract
    found = []
    if len(answers.name) > RELEASE_NAME_MAX:
        found.append(t("w.long_name", length=len(answers.name), most=RELEASE_NAME_MAX,
                       release=release_name(answers.name)))
    if _is_stock(answers.image.repository, answers.image.tag, contract.image):
        health = contract.health
        if contract.appImage and not contract.command["runsAlone"]:
            found.append(t("w.base_image", type=answers.serverType, image=answers.image.repository,
                           why=contract.command.why))
        elif answers.probe.style == "http" and (
                health["style"] != "http"
                or health["path"] not in (answers.probe.livenessPath, answers.probe.readinessPath)):
            found.append(t("w.stock_http", type=answers.serverType, image=answers.image.repository,
                           path=answers.probe.livenessPath, why=health.why))
    single = profile.chart.oneReplica is not None or profile.chart.ensemble is not None
    if (single and answers.workload == "deployment" and answers.persistence.enabled
            and answers.persistence.accessMode in ("ReadWriteMany", "ReadOnlyMany")):
        found.append(t("w.shared_claim", type=answers.serverType, mode=answers.persistence.accessMode))
    if answers.probe.style == "exec":
        scratch = [w.path for w in contract.writes if w.path != answers.persistence.mountPath]
        for word in answers.probe.command:
            hit = next((d for d in scratch if PurePosixPath(word).is_relative_to(d)), None)
            if word.startswith("/") and hit:
                found.append(t("w.exec_scratch", path=word, dir=hit))
                break
    return found


def image_hint(server_type: str) -> str | None:
    """What image.repository must be for a type without a default image."""
    profile = profiles.get(server_type)
    return t("e.image_hint", type=profile.name, hint=profile.chart.imageHint) if profile.chart.imageHint else None


def _contract_problem(profile: profiles.Profile) -> ProfileError | None:
    """A contract at odds with itself or with the defaults: a path mounted twice, a
    written folder over content the image ships, a data or config path the chart would
    not mount where the contract says."""
    contract = profile.contract
    seen: set[str] = set()
    for kind in ("writes", "data"):
        for index, fact in enumerate(getattr(contract, kind)):
            if fact.path in seen:
                return ProfileError(profile.origin, f"contract.{kind}[{index}].path",
                                    t("p.duplicate_path", path=fact.path))
            seen.add(fact.path)
            shipped = next((s.path for s in contract.ships
                            if kind == "writes" and PurePosixPath(s.path).is_relative_to(fact.path)), None)
            if shipped:
                return ProfileError(profile.origin, f"contract.{kind}[{index}].path",
                                    t("p.hides", path=fact.path, shipped=shipped))
    defaults = profile.defaults
    first = contract.data[0] if contract.data else None
    pairs = (("persistence", "mountPath", first.path if first else None, "contract.data[0].path"),
             ("persistence", "subPath", first.subPath if first else None, "contract.data[0].subPath"),
             ("config", "mountPath", contract.config["path"], "contract.config.path"))
    for section, key, expected, where in pairs:
        given = (defaults.get(section) or {}).get(key, "" if key == "subPath" else None)
        if expected is not None and given is not None and given != expected:
            return ProfileError(profile.origin, f"defaults.{section}.{key}",
                                t("p.mismatch", given=given or '""', contract=f"{where} {expected or chr(34) * 2}"))
    return None


def defaults_problem(profile: profiles.Profile, check: Any) -> ProfileError | None:
    """The first default that breaks the answers' rules (`check(path, value)` raises
    `AnswerError`), or a contract that disagrees with the defaults."""
    def walk(tree: Mapping[str, Any], prefix: str) -> ProfileError | None:
        for key, value in tree.items():
            path = f"{prefix}{key}"
            if isinstance(value, Mapping) and path not in ("config.env",):
                found = walk(value, path + ".")
                if found:
                    return found
                continue
            try:
                check(path, value)
            except AnswerError as error:
                return ProfileError(profile.origin, f"defaults.{path}", t("p.default", key=path, rule=error.rule))
            except KeyError:
                return ProfileError(profile.origin, f"defaults.{path}", t("p.unknown_default"))
        return None

    found = walk(profile.defaults, "") or _contract_problem(profile)
    if found:
        return found
    image = profile.defaults.get("image") or {}
    given = f"{image.get('repository', '')}:{image.get('tag', '')}" if image else ""
    if profile.contract.appImage and image.get("repository"):
        return ProfileError(profile.origin, "defaults.image", t("p.app_image"))
    if not profile.contract.appImage and given != profile.contract.image:
        return ProfileError(profile.origin, "contract.image",
                            t("p.image_tag", contract=profile.contract.image or '""', defaults=given or '""'))
    return None
