"""Changes of answers that a release already installed cannot take by `helm upgrade`
alone, and the steps the user takes around it: regen writes the new chart, but only the
user can move a live service's data.

- A workload switch (`--set workload=statefulset`): Kubernetes cannot turn a Deployment
  into a StatefulSet in place; `helm upgrade` deletes the one and creates the other, and
  the data sit on claims with other names (a Deployment's claim is NAME, a StatefulSet's
  pods each have data-NAME-ORDINAL).
- A StatefulSet's claim template changed (size, storage class, access mode): the API
  server refuses any change to volumeClaimTemplates of a live StatefulSet.
- An ensemble resized: servers added to or removed from a running ZooKeeper ensemble in
  one step can elect a leader among the new, empty servers.

Claim names assume the release is installed under the chart's name, as the next steps
of `mkchart new` do.
"""

from __future__ import annotations

from mkchart.answers import profiles
from mkchart.answers.model import SERVICE_WORKLOADS, Answers
from mkchart.i18n import t

_KINDS = {"deployment": "Deployment", "statefulset": "StatefulSet", "cronjob": "CronJob", "job": "Job"}


def claims(answers: Answers) -> list[str]:
    """The claims the chart's pods keep their data on."""
    if not answers.persistence.enabled:
        return []
    if answers.workload == "statefulset":
        return [f"data-{answers.name}-{ordinal}" for ordinal in range(answers.replicas)]
    return [answers.name]


def _stop(answers: Answers) -> str:
    kind, name = answers.workload, answers.name
    if kind == "cronjob":
        return t("r.switch.stop_cronjob", name=name)
    if kind == "job":
        return t("r.switch.stop_job", name=name)
    return t("r.switch.stop", command=f"kubectl -n NAMESPACE scale {kind} {name} --replicas=0")


def _data_steps(old: Answers, new: Answers) -> list[str]:
    """How the data get from the old claims to the new pods, when those differ."""
    before, after = claims(old), claims(new)
    if not before:
        return [t("r.switch.no_data", name=new.name)]
    if before == after[:len(before)] and len(after) >= len(before):
        return [t("r.switch.same_claim", claims=", ".join(before), name=new.name)]
    steps = [_stop(old)]
    if new.workload == "statefulset" and new.replicas == 1:
        steps.append(t("r.switch.reuse", old=before[0]))
        steps.append(t("r.switch.or_copy", old=before[0], new=after[0], size=new.persistence.size,
                       storage=new.persistence.storageClass or t("r.switch.default_class")))
    elif new.workload == "statefulset":
        steps.append(t("r.switch.copy", old=before[0], new=after[0], size=new.persistence.size,
                       storage=new.persistence.storageClass or t("r.switch.default_class")))
    elif after:
        # A Deployment's claim is made by Helm itself, so it cannot be made beforehand.
        steps.append(t("r.switch.reuse", old=before[0]))
    steps.append(t("r.switch.upgrade", name=new.name))
    steps.append(t("r.switch.keep", claims=", ".join(before)))
    return [t("r.switch.data", claims=", ".join(before)),
            *(f"  {number}. {step}" for number, step in enumerate(steps, start=1))]


def _switch(old: Answers, new: Answers) -> str:
    lines = [t("r.switch", chart=new.name, old=old.workload, new=new.workload, old_kind=_KINDS[old.workload],
               new_kind=_KINDS[new.workload])]
    if old.workload in SERVICE_WORKLOADS and new.workload not in SERVICE_WORKLOADS:
        lines.append(t("r.switch.no_service", name=new.name))
    return "\n".join([*lines, *_data_steps(old, new)])


def _claim_template(old: Answers, new: Answers) -> str | None:
    was, now = old.persistence, new.persistence
    if not (was.enabled and now.enabled) or (was.size, was.storageClass, was.accessMode) == (
            now.size, now.storageClass, now.accessMode):
        return None
    return t("r.claims_changed", chart=new.name, name=new.name)


def _resize(old: Answers, new: Answers) -> str | None:
    if profiles.get(new.serverType).chart.ensemble is None or old.replicas == new.replicas:
        return None
    return t("r.ensemble_resize", chart=new.name, old=old.replicas, new=new.replicas, type=new.serverType)


def live_warnings(old: Answers, new: Answers) -> list[str]:
    """What the user must do around `helm upgrade` for this change of answers; none for a
    change an upgrade simply rolls out."""
    if old.workload != new.workload:
        return [_switch(old, new)]
    if new.workload != "statefulset" or old.serverType != new.serverType:
        return []
    return [warning for warning in (_claim_template(old, new), _resize(old, new)) if warning]
