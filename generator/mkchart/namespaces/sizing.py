"""What a fleet needs in each environment, read from each chart's values there (values.yaml
with its values-ENV.yaml on top, as Helm reads them), and the quotas that follow.

Figures are exact (fractions of cores and bytes) until a quota is written, rounded up to
whole millicores and mebibytes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from mkchart import yamlio
from mkchart.answers.fit import release_name
from mkchart.answers.model import Answers
from mkchart.answers.rules import quantity_amount
from mkchart.answers.tree import lookup
from mkchart.chart.envfiles import file_name
from mkchart.chart.layout import VALUES_YAML
from mkchart.chart.render import Rendered
from mkchart.errors import NamespacesError, brief
from mkchart.i18n import t

KINDS = ("cpu", "memory")
BOUNDS = ("requests", "limits")
# A Deployment's default rolling update (maxSurge 25%, rounded up): the extra pods it starts.
SURGE_PERCENT = 25
# The most headroom a run takes, in percent.
MOST_HEADROOM = 1000
# The access modes with which a Deployment's claim takes one pod at a time (Recreate).
_ONE_POD_MODES = ("ReadWriteOnce", "ReadWriteOncePod")

_MI = 2**20


def amount(value: Any) -> Fraction | None:
    """A Kubernetes quantity (`500m`, `1.5Gi`, 2) as an exact number of cores or bytes;
    None when it is none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return Fraction(str(value)) if value >= 0 else None
    return quantity_amount(str(value).strip())


def cpu_text(cores: Fraction) -> str:
    """Cores rounded up to whole millicores: `2` or `2250m`."""
    millis = math.ceil(cores * 1000)
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def bytes_text(size: Fraction) -> str:
    """Bytes rounded up to whole mebibytes: `4Gi` or `4608Mi` (`0` for nothing)."""
    mebibytes = math.ceil(size / _MI)
    if mebibytes == 0:
        return "0"
    return f"{mebibytes // 1024}Gi" if mebibytes % 1024 == 0 else f"{mebibytes}Mi"


def kind_text(kind: str, value: Fraction) -> str:
    return cpu_text(value) if kind == "cpu" else bytes_text(value)


@dataclass(frozen=True)
class Pod:
    """One pod's one container: requests and limits by kind (cores, bytes)."""

    requests: Mapping[str, Fraction]
    limits: Mapping[str, Fraction]

    def bound(self, name: str) -> Mapping[str, Fraction]:
        return self.requests if name == "requests" else self.limits


@dataclass(frozen=True)
class Usage:
    """One service in one environment, as its chart runs there."""

    name: str  # the service (chart) name
    release: str  # its release name: the pods' app.kubernetes.io/instance label
    business: str  # the pods' app.kubernetes.io/part-of label ("" when none)
    pods: int  # replicas, or 1 for a task
    pod: Pod
    test: Pod | None  # the `helm test` pod, for a service
    surge: int  # the extra pods an update starts before it stops old ones
    services: int
    nodeports: int
    loadbalancers: int
    claims: int
    storage: Fraction  # bytes, every claim
    ingress: bool
    restricted: bool  # meets the restricted Pod Security Standard

    def total(self, bound: str, kind: str) -> Fraction:
        """The service's steady figure: every pod, and its test pod."""
        own = self.pod.bound(bound)[kind] * self.pods
        return own + (self.test.bound(bound)[kind] if self.test else 0)

    def surge_total(self, bound: str, kind: str) -> Fraction:
        return self.pod.bound(bound)[kind] * self.surge

    def largest_limit(self, kind: str) -> Fraction:
        return max([self.pod.limits[kind], *([self.test.limits[kind]] if self.test else [])])


def _merged(base: Any, top: Any) -> Any:
    """Helm's way of putting a values file over values.yaml: mappings key by key."""
    if isinstance(base, dict) and isinstance(top, dict):
        return {**base, **{key: _merged(base.get(key), value) for key, value in top.items()}}
    return top


def environment_values(name: str, files: Rendered, environments: Iterable[str]) -> dict[str, dict[str, Any]]:
    """A rendered chart's values in each environment: values.yaml, values-ENV.yaml over it."""
    def parsed(path: str) -> dict[str, Any]:
        value = yamlio.parse(files[path].decode("utf-8"), f"{name}/{path}")
        return value if isinstance(value, dict) else {}

    base = parsed(VALUES_YAML)
    return {env: _merged(base, parsed(file_name(env))) for env in environments}


class _Reader:
    """A chart's values in one environment, each figure checked as it is read."""

    def __init__(self, name: str, env: str, values: Mapping[str, Any]) -> None:
        self.name, self.env, self.values = name, env, values

    def quantity(self, path: str) -> Fraction:
        value = lookup(self.values, path)
        found = amount(value)
        if found is None:
            raise NamespacesError(t("n.value", service=self.name, env=self.env, key=path, value=brief(value)),
                              t("n.value.hint", env=self.env))
        return found

    def count(self, path: str) -> int:
        value = lookup(self.values, path)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value != int(value):
            raise NamespacesError(t("n.value", service=self.name, env=self.env, key=path, value=brief(value)),
                              t("n.value.hint", env=self.env))
        return int(value)

    def pod(self, prefix: str) -> Pod:
        return Pod(*({kind: self.quantity(f"{prefix}.{bound}.{kind}") for kind in KINDS} for bound in BOUNDS))

    def flag(self, path: str) -> bool:
        return lookup(self.values, path) is True


def _surge(answers: Answers, reader: _Reader, pods: int) -> int:
    """The pods an update adds before it stops old ones: a Deployment's rolling update
    (none with Recreate, which the chart uses for a claim one pod at a time may use), a
    CronJob's next run beside the last (Allow, Replace); a StatefulSet stops a pod
    before it starts its successor."""
    if answers.workload == "deployment":
        persistence = reader.values.get("persistence") or {}
        recreate = reader.flag("persistence.enabled") and (
            persistence.get("accessMode") in _ONE_POD_MODES or reader.flag("persistence.singleWriter"))
        return 0 if recreate else math.ceil(pods * SURGE_PERCENT / 100)
    if answers.workload == "cronjob":
        return 0 if lookup(reader.values, "job.concurrencyPolicy") == "Forbid" else 1
    return 0


def usage(answers: Answers, env: str, values: Mapping[str, Any]) -> Usage:
    """What ANSWERS' chart runs in ENV with VALUES (its values there)."""
    reader = _Reader(answers.name, env, values)
    service = answers.workload in ("deployment", "statefulset")
    stateful = answers.workload == "statefulset"
    pods = reader.count("replicaCount") if service else 1
    if answers.workload == "deployment" and reader.flag("autoscaling.enabled"):
        pods = reader.count("autoscaling.maxReplicas")  # the most the autoscaler starts
    own_claim = reader.flag("persistence.enabled") and not lookup(values, "persistence.existingClaim")
    claims = (pods if stateful else 1) if own_claim else 0
    service_type = lookup(values, "service.type") if service else None
    return Usage(
        name=answers.name,
        release=release_name(answers.name),
        business=answers.business,
        pods=pods,
        pod=reader.pod("resources"),
        test=reader.pod("test.resources") if service else None,
        surge=_surge(answers, reader, pods),
        services=(2 if stateful else 1) if service else 0,
        nodeports=1 if service_type in ("NodePort", "LoadBalancer") else 0,
        loadbalancers=1 if service_type == "LoadBalancer" else 0,
        claims=claims,
        storage=reader.quantity("persistence.size") * claims if claims else Fraction(0),
        ingress=service and reader.flag("ingress.enabled"),
        restricted=not reader.flag("timezone.fromHost"),
    )


# --- one environment ----------------------------------------------------------------------

RESOURCE_KEYS = tuple(f"{bound}.{kind}" for bound in BOUNDS for kind in KINDS)
COUNT_KEYS = ("pods", "services", "services.nodeports", "services.loadbalancers", "persistentvolumeclaims")
STORAGE_KEY = "requests.storage"


def grown(value: Fraction | int, headroom: int) -> Fraction:
    return Fraction(value) * (100 + headroom) / 100


@dataclass
class Environment:
    """The fleet in one environment: every service's usage there, in file order."""

    name: str
    usages: list[Usage] = field(default_factory=list)

    def steady(self, key: str) -> Fraction:
        """The fleet's figure for a quota key, before the headroom: what its pods and test
        pods use (for `pods`, also the pods updates start: each service's surge, at least one)."""
        if key in RESOURCE_KEYS:
            bound, kind = key.split(".")
            return sum((u.total(bound, kind) for u in self.usages), Fraction(0))
        counts = {
            "pods": sum(u.pods + (1 if u.test else 0) + max(u.surge, 1) for u in self.usages),
            "services": sum(u.services for u in self.usages),
            "services.nodeports": sum(u.nodeports for u in self.usages),
            "services.loadbalancers": sum(u.loadbalancers for u in self.usages),
            "persistentvolumeclaims": sum(u.claims for u in self.usages),
        }
        if key in counts:
            return Fraction(counts[key])
        return sum((u.storage for u in self.usages), Fraction(0))

    def quota(self, headroom: int) -> dict[str, str | int]:
        """The ResourceQuota's figures: the fleet's, with the largest one service's update
        adds (a quota without it refuses the update's new pods), plus the headroom, rounded up."""
        found: dict[str, str | int] = {}
        for key in RESOURCE_KEYS:
            found[key] = kind_text(key.split(".")[1], grown(self.steady(key) + self.largest_surge(key)[0], headroom))
        for key in COUNT_KEYS:
            found[key] = math.ceil(grown(self.steady(key), headroom))
        found[STORAGE_KEY] = bytes_text(grown(self.steady(STORAGE_KEY), headroom))
        return found

    def largest_surge(self, key: str) -> tuple[Fraction, Usage | None]:
        """The most one service's update adds to a quota key (resources and pods), and
        that service."""
        best: tuple[Fraction, Usage | None] = (Fraction(0), None)
        for u in self.usages:
            extra = Fraction(u.surge) if key == "pods" else (
                u.surge_total(*key.split(".")) if key in RESOURCE_KEYS else Fraction(0))
            if extra > best[0]:
                best = (extra, u)
        return best

    def largest_limits(self) -> dict[str, Fraction]:
        return {kind: max((u.largest_limit(kind) for u in self.usages), default=Fraction(0)) for kind in KINDS}

    @property
    def restricted(self) -> bool:
        return all(u.restricted for u in self.usages)

    @property
    def ingress_from(self) -> list[str]:
        return [u.release for u in self.usages if u.ingress]

    @property
    def businesses(self) -> list[str]:
        return list(dict.fromkeys(u.business for u in self.usages if u.business))

    @property
    def peers(self) -> list[str]:
        return [u.release for u in self.usages if not u.business]

    @property
    def test_pods(self) -> int:
        return sum(1 for u in self.usages if u.test)

    @property
    def pods(self) -> int:
        return sum(u.pods for u in self.usages)
