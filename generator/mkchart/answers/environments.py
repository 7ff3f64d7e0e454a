"""What each environment runs with: the `environments` answers made concrete (replicas,
requests and limits, the Ingress host, the pull policy), for the chart's values-ENV.yaml
and for the rules that check them."""

from __future__ import annotations

from dataclasses import dataclass

from mkchart.answers.model import SERVICE_WORKLOADS, Answers, Environment

# The environment whose Ingress host is the chart's own (no ENV part in it).
PRODUCTION = ("prod", "production")


@dataclass(frozen=True)
class Effective:
    """One environment as it runs: every value resolved against the chart's own."""

    name: str
    replicas: int
    requests: dict[str, str]  # cpu, memory
    limits: dict[str, str]
    host: str  # the Ingress host
    pull_policy: str


def chart_host(answers: Answers) -> str:
    return answers.ingress.host or f"{answers.name}.{answers.ingress.domain}"


def host(answers: Answers, name: str, environment: Environment) -> str:
    """NAME.ENV.DOMAIN by default (the ENV part after the host's first label), the chart's
    own host in production: no two environments answer for the same host."""
    if environment.ingressHost:
        return environment.ingressHost
    own = chart_host(answers)
    if name in PRODUCTION:
        return own
    first, _, rest = own.partition(".")
    return f"{first}.{name}.{rest}" if rest else f"{first}.{name}"


def effective(answers: Answers) -> list[Effective]:
    """Every environment, in order, with the values it runs with."""
    found = []
    for name, environment in answers.environments.items():
        wanted = environment.resources
        found.append(Effective(
            name=name,
            replicas=answers.replicas if environment.replicas is None else environment.replicas,
            requests={kind: getattr(wanted.requests, kind) or getattr(answers.resources.requests, kind)
                      for kind in ("cpu", "memory")},
            limits={kind: getattr(wanted.limits, kind) or getattr(answers.resources.limits, kind)
                    for kind in ("cpu", "memory")},
            host=host(answers, name, environment),
            pull_policy=environment.pullPolicy or answers.image.pullPolicy,
        ))
    return found


def serves(answers: Answers) -> bool:
    """Whether the chart has replicas and an Ingress host to set per environment."""
    return answers.workload in SERVICE_WORKLOADS
