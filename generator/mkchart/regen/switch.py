"""What a workload switch (`mkchart regen --set workload=statefulset`) means for a release
already installed, and the steps that keep its data: regen writes the new chart, but
only the user can move a live service from one kind to the other.

Kubernetes cannot turn a Deployment into a StatefulSet in place: they are different
objects, so `helm upgrade` deletes the old one and creates the new one, and the data sit
on claims with other names (a Deployment's claim is NAME, a StatefulSet's pods each have
data-NAME-ORDINAL), which the new pods do not mount until the data are moved.
"""

from __future__ import annotations

from mkchart.answers.model import Answers
from mkchart.i18n import t

_KINDS = {"deployment": "Deployment", "statefulset": "StatefulSet", "cronjob": "CronJob", "job": "Job"}
_SERVICES = ("deployment", "statefulset")


def claims(answers: Answers) -> list[str]:
    """The claims the chart's pods keep their data on, named as installed under the
    chart's own name (`helm upgrade --install NAME`)."""
    if not answers.persistence.enabled:
        return []
    if answers.workload == "statefulset":
        return [f"data-{answers.name}-{ordinal}" for ordinal in range(answers.replicas)]
    return [answers.name]


def _stop(answers: Answers) -> str:
    kind = answers.workload
    if kind == "cronjob":
        return f"kubectl -n NAMESPACE patch cronjob {answers.name} -p '{{\"spec\":{{\"suspend\":true}}}}'"
    if kind == "job":
        return f"kubectl -n NAMESPACE delete job {answers.name}"
    return f"kubectl -n NAMESPACE scale {kind} {answers.name} --replicas=0"


def switch_warnings(old: Answers, new: Answers) -> list[str]:
    """The warning for a switch of workload, with the steps to migrate; none without one."""
    if old.workload == new.workload:
        return []
    lines = [t("r.switch", chart=new.name, old=old.workload, new=new.workload, old_kind=_KINDS[old.workload],
               new_kind=_KINDS[new.workload])]
    if old.workload in _SERVICES and new.workload not in _SERVICES:
        lines.append(t("r.switch.no_service", name=new.name))
    before, after = claims(old), claims(new)
    if before and before != after[:len(before)]:
        steps = [t("r.switch.stop", command=_stop(old))]
        if after:
            steps.append(t("r.switch.copy", old=before[0], new=after[0], size=new.persistence.size,
                           storage=new.persistence.storageClass or t("r.switch.default_class")))
        steps.append(t("r.switch.upgrade", name=new.name))
        steps.append(t("r.switch.keep", claims=", ".join(before)))
        lines.append(t("r.switch.data", claims=", ".join(before)))
        lines += [f"  {number}. {step}" for number, step in enumerate(steps, start=1)]
    else:
        lines.append(t("r.switch.no_data", name=new.name))
    return ["\n".join(lines)]
