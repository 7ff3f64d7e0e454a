"""values.schema.json: the rules of the answers, kept by Helm at lint, template and install
time, for values.yaml and every -f values-ENV.yaml merged over it.

The schema follows the rendered values.yaml key by key: each key's type is its value's,
its description its helm-docs comment, and every mapping mkchart writes whole is closed
(`additionalProperties: false`, every key required), so a misspelled `ingres:` or a
dropped `image.tag` fails with Helm naming the key. On top come the answers' own rules
(`_RULES`: enums, ranges, patterns). Mappings that are Kubernetes objects passed to the
pods as they are (probes, security contexts, resources, affinity) or free by nature
(labels, annotations, config.env) stay open: their known keys are typed, other keys are
the user's. A key the templates do not know would fail no rule there; Kubernetes checks
those objects itself at install time.

Patterns are written for both RE2 (Helm's Go engine) and Python's re: no look-arounds.
"""

from __future__ import annotations

import json
from typing import Any

from mkchart import yamlio
from mkchart.answers import profiles
from mkchart.answers.model import Answers
from mkchart.answers.rules import ACCESS_MODES, CRON_MACROS, HOOK_DELETE_POLICIES, HOOK_EVENTS, PULL_POLICIES
from mkchart.chart.valuesdoc import descriptions

DRAFT = "http://json-schema.org/draft-07/schema#"

_DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
_DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
_OR_EMPTY = {"": ""}
_QUANTITY = r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$"
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
_LABEL_KEY = (r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
              r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
_LABEL_VALUE = r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"
_REPOSITORY = (r"^((([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(:[0-9]+)?/)?"
               r"[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*)$")
_TAG = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"
_HOST = r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
_ABSOLUTE = r"^/"
_CRON = (r"^(" + "|".join(CRON_MACROS) + r"|\S+\s+\S+\s+\S+\s+\S+\s+\S+)$")


def _string(pattern: str, what: str, empty: bool = False) -> dict[str, Any]:
    """A string matching `pattern` (or "", with `empty`); `what` tells the rule in the
    description Helm's error does not carry."""
    rule = {"type": "string", "pattern": pattern}
    return {"anyOf": [rule, {"const": ""}], "$comment": what} if empty else {**rule, "$comment": what}


_PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
_COUNT = {"type": "integer", "minimum": 0, "maximum": 2147483647}
_QUANTITY_VALUE = {"type": ["string", "number"], "pattern": _QUANTITY}
_SCALAR = {"type": ["string", "number", "boolean"]}

# Rules by dotted path ("*" is any one key of a free mapping); merged over the inferred type.
_RULES: dict[str, dict[str, Any]] = {
    "nameOverride": {**_string(_DNS_LABEL, "a DNS label", empty=True), "maxLength": 63},
    "fullnameOverride": {**_string(_DNS_LABEL, "a DNS label", empty=True), "maxLength": 63},
    "replicaCount": _COUNT,
    "revisionHistoryLimit": _COUNT,
    "podAntiAffinity": {"enum": ["soft", "hard", ""]},
    "statefulset.podManagementPolicy": {"enum": ["OrderedReady", "Parallel"]},
    "ensemble.ports.*.name": {"type": "string", "pattern": _DNS_LABEL, "maxLength": 15},
    "ensemble.ports.*.port": _PORT,
    "schedule": {"type": "string", "pattern": _CRON,
                 "$comment": "five fields (minute hour day-of-month month day-of-week) or a macro"},
    "job.concurrencyPolicy": {"enum": ["Allow", "Forbid", "Replace"]},
    "job.startingDeadlineSeconds": _COUNT,
    "job.successfulJobsHistoryLimit": _COUNT,
    "job.failedJobsHistoryLimit": _COUNT,
    "job.backoffLimit": _COUNT,
    "job.activeDeadlineSeconds": {**_COUNT, "minimum": 1},
    "job.ttlSecondsAfterFinished": _COUNT,
    "job.hook": {"type": "array", "items": {"enum": list(HOOK_EVENTS)}, "uniqueItems": True},
    "job.hookDeletePolicy": {"type": "array", "items": {"enum": list(HOOK_DELETE_POLICIES)}, "uniqueItems": True},
    "image.repository": _string(_REPOSITORY, "an image without its tag, [host[:port]/]path"),
    "image.digest": _string(r"^sha256:[0-9a-f]{64}$", "sha256:<64 hex digits>", empty=True),
    "image.pullPolicy": {"enum": list(PULL_POLICIES)},
    "imagePullSecrets": {"type": "array", "items": {"type": "string", "pattern": _DNS_SUBDOMAIN}},
    "serviceAccount.name": {**_string(_DNS_SUBDOMAIN, "a DNS subdomain", empty=True), "maxLength": 253},
    "podLabels": {"type": "object", "propertyNames": {"pattern": _LABEL_KEY},
                  "additionalProperties": {"type": "string", "pattern": _LABEL_VALUE, "maxLength": 63}},
    "podSecurityContext.runAsUser": _COUNT,
    "podSecurityContext.runAsGroup": _COUNT,
    "podSecurityContext.fsGroup": _COUNT,
    "podSecurityContext.seccompProfile.type": {"enum": ["RuntimeDefault", "Localhost", "Unconfined"]},
    "writableDirs.*.path": {"type": "string", "pattern": _ABSOLUTE},
    "writableDirs.*.sizeLimit": _QUANTITY_VALUE,
    "containerPort": _PORT,
    "service.type": {"enum": ["ClusterIP", "NodePort", "LoadBalancer"]},
    "service.port": _PORT,
    "service.portName": {"type": "string", "pattern": _DNS_LABEL, "maxLength": 15},
    "config.env": {"type": "object", "propertyNames": {"pattern": r"^[-._a-zA-Z0-9]+$"},
                   "additionalProperties": _SCALAR},
    "config.args": {"type": "array", "items": _SCALAR},
    "config.mountPath": {"type": "string", "pattern": _ABSOLUTE},
    "envFromSecret": {**_string(_DNS_SUBDOMAIN, "the name of a Secret", empty=True)},
    "envFromSecrets": {"type": "array", "items": {"type": "string", "pattern": _DNS_SUBDOMAIN}},
    "secretEnv": {"type": "object", "propertyNames": {"pattern": _ENV_NAME},
                  "additionalProperties": {
                      "type": "object", "additionalProperties": False, "required": ["secret", "key"],
                      "properties": {"secret": {"type": "string", "pattern": _DNS_SUBDOMAIN},
                                     "key": {"type": "string", "pattern": r"^[-._a-zA-Z0-9]+$"}}}},
    "secretFiles": {"type": "object", "propertyNames": {"pattern": _DNS_SUBDOMAIN},
                    "additionalProperties": {"type": "string", "pattern": _ABSOLUTE}},
    "generatedSecret.keys": {"type": "array", "items": {"type": "string", "pattern": _ENV_NAME}},
    "timezone.name": {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9][A-Za-z0-9_+-]*)*$"},
    "persistence.size": _QUANTITY_VALUE,
    "persistence.storageClass": {**_string(_DNS_SUBDOMAIN, "a StorageClass name", empty=True)},
    "persistence.accessMode": {"enum": list(ACCESS_MODES)},
    "persistence.mountPath": {"type": "string", "pattern": _ABSOLUTE},
    "persistence.existingClaim": {**_string(_DNS_SUBDOMAIN, "a claim's name", empty=True)},
    "persistence.extraPaths.*.mountPath": {"type": "string", "pattern": _ABSOLUTE},
    "persistence.retentionPolicy.whenDeleted": {"enum": ["Retain", "Delete"]},
    "persistence.retentionPolicy.whenScaled": {"enum": ["Retain", "Delete"]},
    "memoryBudget.percent": {"type": "integer", "minimum": 1, "maximum": 100},
    "ingress.className": {**_string(_DNS_SUBDOMAIN, "an IngressClass name", empty=True)},
    "ingress.host": _string(_HOST, "a host name, lowercase"),
    "ingress.path": {"type": "string", "pattern": r"^/"},
    "ingress.pathType": {"enum": ["Prefix", "Exact", "ImplementationSpecific"]},
    "ingress.tlsSecret": {**_string(_DNS_SUBDOMAIN, "the name of a Secret", empty=True)},
    "resources.requests.*": _QUANTITY_VALUE,
    "resources.limits.*": _QUANTITY_VALUE,
    "test.resources.requests.*": _QUANTITY_VALUE,
    "test.resources.limits.*": _QUANTITY_VALUE,
    "networkPolicy.ingressNamespace": {"type": "string", "pattern": _DNS_LABEL, "maxLength": 63},
    "networkPolicy.fromNamespaces": {"type": "array", "items": {"type": "string", "pattern": _DNS_LABEL,
                                                                 "maxLength": 63}},
    "networkPolicy.egress": {"type": "array", "items": {"type": "string", "$comment": "a CIDR block or a namespace"}},
    "networkPolicy.dns.namespace": {"type": "string", "pattern": _DNS_LABEL, "maxLength": 63},
    "networkPolicy.dns.podLabels": {"type": "object", "propertyNames": {"pattern": _LABEL_KEY},
                                    "additionalProperties": {"type": "string", "pattern": _LABEL_VALUE,
                                                             "maxLength": 63}},
    "autoscaling.minReplicas": {**_COUNT, "minimum": 1},
    "autoscaling.maxReplicas": {**_COUNT, "minimum": 1},
    "autoscaling.targetCPU": {"type": "integer", "minimum": 0, "maximum": 1000},
    "autoscaling.targetMemory": {"type": "integer", "minimum": 0, "maximum": 1000},
    "generatedSecretFiles.keys": {"type": "array", "items": {"type": "string", "pattern": _ENV_NAME}},
    "generatedSecretFiles.path": {"type": "string", "pattern": _ABSOLUTE},
    "test.image.repository": _string(_REPOSITORY, "an image without its tag"),
    "test.image.tag": {"type": "string", "pattern": _TAG},
}
# Probes: Kubernetes Probe objects, the timings typed.
for _probe in ("startupProbe", "livenessProbe", "readinessProbe"):
    for _timing, _least in (("initialDelaySeconds", 0), ("timeoutSeconds", 1), ("periodSeconds", 1),
                            ("failureThreshold", 1)):
        _RULES[f"{_probe}.{_timing}"] = {**_COUNT, "minimum": _least}

# Mappings whose keys are the user's own: labels, annotations, variables, Secrets' names.
FREE = frozenset({"global", "podAnnotations", "podLabels", "networkPolicy.dns.podLabels",
                  "serviceAccount.annotations", "service.annotations",
                  "ingress.annotations", "nodeSelector", "affinity", "config.env", "secretEnv", "secretFiles"})
# Mappings the user may add keys to, with every mapping in them: the free ones, and
# Kubernetes objects given to the pods whole (a probe's httpGet.httpHeaders, a security
# context's supplementalGroups).
OPEN = FREE | {"podSecurityContext", "securityContext", "startupProbe", "livenessProbe", "readinessProbe",
               "resources", "test.resources"}


def is_open(path: str) -> bool:
    """Whether the mapping at `path` takes keys mkchart did not write."""
    parts = path.split(".")
    return any(".".join(parts[:end]) in OPEN for end in range(1, len(parts) + 1))
# Keys inside open mappings that must still be there: every container has both a request
# and a limit of each (the seed's rule), and the memory budget is computed from the limit.
_REQUIRED_IN_OPEN = {"resources": ["requests", "limits"], "resources.requests": ["cpu", "memory"],
                     "resources.limits": ["cpu", "memory"]}


def _tag_rule(answers: Answers) -> dict[str, Any]:
    """image.tag: a pinned version, never latest. The rule that a tag names a version (has
    a digit) is left out for a chart whose own tag predates that rule (regen reads such
    records leniently), so that its values.yaml still passes."""
    if any(c.isdigit() for c in answers.image.tag):
        # Helm's message names the digit pattern a floating tag (latest, stable) misses.
        return {"type": "string", "allOf": [{"pattern": _TAG}, {"pattern": "[0-9]"}],
                "$comment": "a pinned version such as 9.0.85-jre17: never latest, stable or mainline"}
    return {"type": "string", "pattern": _TAG, "not": {"pattern": "^[Ll][Aa][Tt][Ee][Ss][Tt]$"},
            "$comment": "a pinned version, never latest"}


def _replicas_rule(answers: Answers) -> dict[str, Any]:
    settings = profiles.get(answers.serverType).chart
    if settings.oneReplica is not None:
        return {**_COUNT, "maximum": 1, "$comment": f"{answers.serverType} runs as one server"}
    if settings.ensemble is not None:
        return {**_COUNT, "minimum": 1, "not": {"multipleOf": 2},
                "$comment": "1, or an odd number of servers from 3 (a quorum)"}
    return _COUNT


def _infer(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        return {"type": "array"}
    if isinstance(value, dict):
        return {"type": "object"}
    return {}


def _node(value: Any, path: str, text: dict[str, str], rules: dict[str, dict[str, Any]]) -> dict[str, Any]:
    schema = _infer(value)
    if path in text:
        schema["description"] = text[path]
    if isinstance(value, dict):
        properties = {key: _node(child, f"{path}.{key}" if path else key, text, rules)
                      for key, child in value.items()}
        # Rules for "*" apply to every key of the mapping, written or added.
        wildcard = rules.get(f"{path}.*")
        if wildcard is not None:
            for schema_of in properties.values():
                schema_of.update(wildcard)
        if properties and path not in FREE:  # a free mapping's written keys are examples, typed by its rule
            schema["properties"] = properties
        if is_open(path):
            if wildcard is not None:
                schema["additionalProperties"] = wildcard
            required = _REQUIRED_IN_OPEN.get(path)
            if required:
                schema["required"] = required
        else:
            schema["additionalProperties"] = False
            schema["required"] = list(value)
    elif isinstance(value, list):
        item_rules = {key[len(path) + 3:]: rule for key, rule in rules.items() if key.startswith(f"{path}.*.")}
        first = value[0] if value else None
        if isinstance(first, dict):
            schema["items"] = _item(first, item_rules)
    schema.update(rules.get(path, {}))
    return schema


def _item(sample: dict[str, Any], rules: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A list's items, shaped like its first one (writableDirs: path and sizeLimit)."""
    properties = {key: {**_infer(value), **rules.get(key, {})} for key, value in sample.items()}
    return {"type": "object", "properties": properties, "additionalProperties": False, "required": list(sample)}


def values_schema(answers: Answers, values_text: str) -> dict[str, Any]:
    """The schema of the chart rendered from `answers`, whose values.yaml is `values_text`."""
    values = yamlio.parse(values_text, "values.yaml")
    rules = {**_RULES, "image.tag": _tag_rule(answers), "replicaCount": _replicas_rule(answers)}
    root = _node(values, "", descriptions(values_text), rules)
    root["properties"]["global"] = {"type": "object", "description": "Helm's values shared with subcharts."}
    return {"$schema": DRAFT, "title": f"Values of the {answers.name} chart", **root}


def dumps(schema: dict[str, Any]) -> str:
    """The file's text: two-space JSON, one key a line, so regen merges a hand edit to it
    line by line like any other file."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _yours(schema: dict[str, Any], values: Any, path: str, found: list[str]) -> None:
    if not isinstance(values, dict) or schema.get("additionalProperties") is not False:
        return  # an open mapping takes any key already
    properties = schema.setdefault("properties", {})
    for key, value in values.items():
        where = f"{path}.{key}" if path else str(key)
        if key in properties:
            _yours(properties[key], value, where, found)
        else:
            properties[key] = {"description": "Yours: added to the values by hand, so the schema allows it."}
            found.append(where)


def allow_values(schema_text: str, values: list[Any]) -> tuple[str, list[str]]:
    """`schema_text` allowing each key of `values` (trees of values files) that it refuses
    as unknown: a key a user added to values.yaml by hand before the chart had a schema
    (or since) must not make the chart fail. Returns the new text and the keys allowed."""
    try:
        schema = json.loads(schema_text)
    except ValueError:
        return schema_text, []  # the user's own text, beyond mkchart's reading: left alone
    found: list[str] = []
    for tree in values:
        _yours(schema, tree, "", found)
    return (dumps(schema), found) if found else (schema_text, [])
