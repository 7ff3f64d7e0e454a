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

Patterns are written for RE2 (Helm's Go engine): no look-arounds. mkchart checks values
with them in Python too (`problem`), where they read the same for the values it writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from mkchart.answers import profiles
from mkchart.answers.model import Answers
from mkchart.answers.rules import ACCESS_MODES, CRON_MACROS, HOOK_DELETE_POLICIES, HOOK_EVENTS, PULL_POLICIES
from mkchart.chart.valuesdoc import Documented

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
    "networkPolicy.egress": {"type": "array", "items": {
        "type": "string", "pattern": r"^([0-9.]+/[0-9]{1,2}|[0-9a-fA-F:]+/[0-9]{1,3}|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$",
        "$comment": "a CIDR block (10.20.0.0/16) or a namespace name"}},
    "networkPolicy.dns.namespace": {"type": "string", "pattern": _DNS_LABEL, "maxLength": 63},
    "networkPolicy.dns.podLabels": {"type": "object", "propertyNames": {"pattern": _LABEL_KEY},
                                    "additionalProperties": {"type": "string", "pattern": _LABEL_VALUE,
                                                             "maxLength": 63}},
    "autoscaling.minReplicas": {**_COUNT, "minimum": 1},
    "autoscaling.maxReplicas": {**_COUNT, "minimum": 1},
    "autoscaling.targetCPU": {"type": "integer", "minimum": 1, "maximum": 1000},
    "autoscaling.targetMemory": {"type": "integer", "minimum": 0, "maximum": 1000},
    "generatedSecretFiles.keys": {"type": "array", "items": {"type": "string", "pattern": _ENV_NAME}},
    "generatedSecretFiles.path": {"type": "string", "pattern": _ABSOLUTE},
    "test.image.repository": _string(_REPOSITORY, "an image without its tag"),
    # Annotations and node labels are strings to the API server (a bare 1 or true is refused there).
    **{path: {"type": "object", "additionalProperties": {"type": "string"}}
       for path in ("podAnnotations", "serviceAccount.annotations", "service.annotations", "ingress.annotations",
                    "nodeSelector")},
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
_REQUIRED_IN_OPEN = {path: required for prefix in ("resources", "test.resources") for path, required in (
    (prefix, ["requests", "limits"]), (f"{prefix}.requests", ["cpu", "memory"]),
    (f"{prefix}.limits", ["cpu", "memory"]))}


def _tag_rule(has_version: bool) -> dict[str, Any]:
    """image.tag: a pinned version, never latest. The rule that a tag names a version (has
    a digit) is left out for a chart whose own tag predates that rule (regen reads such
    records leniently), so that its values.yaml still passes."""
    if has_version:
        # Helm's message names the digit pattern a floating tag (latest, stable) misses.
        return {"type": "string", "allOf": [{"pattern": _TAG}, {"pattern": "[0-9]"}],
                "$comment": "a pinned version such as 9.0.85-jre17: never latest, stable or mainline"}
    return {"type": "string", "pattern": _TAG, "not": {"pattern": "^[Ll][Aa][Tt][Ee][Ss][Tt]$"},
            "$comment": "a pinned version, never latest"}


def _replicas_rule(server_type: str, one_server: bool, ensemble: bool) -> dict[str, Any]:
    if one_server:
        return {**_COUNT, "maximum": 1, "$comment": f"{server_type} runs as one server"}
    if ensemble:
        return {**_COUNT, "minimum": 1, "not": {"multipleOf": 2},
                "$comment": "1, or an odd number of servers from 3 (a quorum)"}
    return _COUNT


def json_type(value: Any) -> str:
    """The JSON Schema type of a value read from YAML ("" for anything else)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else ""


def _infer(value: Any) -> dict[str, Any]:
    found = json_type(value)
    return {"type": found} if found else {}


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


def _shape(value: Any) -> Any:
    """What the schema of `value` depends on: its keys and types, not its strings and
    numbers (and of a list, its first item, which shapes the items)."""
    if isinstance(value, dict):
        return {key: _shape(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value and isinstance(value[0], dict) else []
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return type(value)(0)
    return "" if isinstance(value, str) else value


# json's own string escaper (its C one where built): what json.dumps does for a string,
# without its per-call set-up, a few hundred times a chart.
json_string: Callable[[str], str] = json.encoder.encode_basestring


# A description's place in a cached schema text: its key path between the marks.
_MARK = "@@mkchart-description:"
_MARKED = re.compile('"' + _MARK + '([^"]*)"')


@lru_cache(maxsize=256)
def _schema_text(shape: str, described: tuple[str, ...], tag_has_version: bool, server_type: str,
                 one_server: bool, ensemble: bool) -> str:
    """The schema's text for one shape of values.yaml, each description a mark to fill in:
    charts of one type and workload share it (their descriptions differ by a name at
    most), so a batch builds and writes out each shape once."""
    tag = _tag_rule(tag_has_version)
    rules = {**_RULES, "image.tag": tag, "replicaCount": _replicas_rule(server_type, one_server, ensemble)}
    root = _node(json.loads(shape), "", {path: _MARK + path for path in described}, rules)
    root["properties"]["global"] = {"type": "object", "description": "Helm's values shared with subcharts."}
    return dumps({"$schema": DRAFT, **root})


def schema_text(answers: Answers, documented: Documented) -> str:
    """values.schema.json of the chart rendered from `answers`, whose values.yaml is `documented`."""
    settings = profiles.get(answers.serverType).chart
    text = _schema_text(json.dumps(_shape(documented.values)), tuple(documented.descriptions),
                        any(c.isdigit() for c in answers.image.tag), answers.serverType,
                        settings.oneReplica is not None, settings.ensemble is not None)
    found = documented.descriptions
    return _MARKED.sub(lambda match: json_string(found[match[1]]), text)


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


# --- checking values against the schema (the keywords this module writes) ------------------

_JSON_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,), "object": (dict,),
               "array": (list,), "null": (type(None),)}


# The keywords `problem` knows: the ones this module writes.
_CHECKED = frozenset({"$schema", "$comment", "title", "description", "type", "enum", "const", "pattern", "maxLength",
                      "minimum", "maximum", "multipleOf", "not", "allOf", "anyOf", "properties",
                      "additionalProperties", "required", "items", "uniqueItems", "propertyNames", "default"})


def checkable(schema: Any) -> bool:
    """Whether `problem` reads `schema` whole: it uses no keyword beyond this module's."""
    if isinstance(schema, list):
        return all(checkable(item) for item in schema)
    if not isinstance(schema, dict):
        return True
    if not set(schema) <= _CHECKED:
        return False
    nested = [schema.get(key) for key in ("not", "additionalProperties", "items", "propertyNames")]
    nested += [*schema.get("allOf", []), *schema.get("anyOf", []), *schema.get("properties", {}).values()]
    return all(checkable(child) for child in nested if isinstance(child, dict))


def _type_name(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return "integer"  # 1e0, 2.0: an integer to JSON Schema, as to Helm
    for name, kinds in _JSON_TYPES.items():
        if isinstance(value, kinds) and not (isinstance(value, bool) and name in ("integer", "number")):
            return name
    return type(value).__name__


def _types(node: dict[str, Any]) -> set[str]:
    """The types a node takes, its anyOf branches' included."""
    given = node.get("type", [])
    found = {given} if isinstance(given, str) else set(given)
    for branch in node.get("anyOf", []):
        found |= _types(branch) or ({"string"} if isinstance(branch.get("const"), str) else set())
    return found


def _scalar_problem(node: dict[str, Any], value: Any, at: str) -> str | None:
    types = _types(node) if "type" in node else set()
    if types and _type_name(value) not in types and not (_type_name(value) == "integer" and "number" in types):
        return f"at '{at}': got {_type_name(value)}, want {' or '.join(sorted(types))}"
    if "enum" in node and value not in node["enum"]:
        return f"at '{at}': {json.dumps(value)} is not one of {', '.join(json.dumps(o) for o in node['enum'])}"
    if "const" in node and value != node["const"]:
        return f"at '{at}': must be {json.dumps(node['const'])}"
    if isinstance(value, str):
        if "pattern" in node and not re.search(node["pattern"], value):
            return f"at '{at}': {json.dumps(value)} does not match pattern '{node['pattern']}'"
        if "maxLength" in node and len(value) > node["maxLength"]:
            return f"at '{at}': longer than {node['maxLength']} characters"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "multipleOf" in node and value % node["multipleOf"]:
            return f"at '{at}': not a multiple of {node['multipleOf']}"
        if "minimum" in node and value < node["minimum"]:
            return f"at '{at}': must be at least {node['minimum']}"
        if "maximum" in node and value > node["maximum"]:
            return f"at '{at}': must be at most {node['maximum']}"
    return None


def problem(node: dict[str, Any], value: Any, at: str = "") -> str | None:
    """The first way `value` breaks `node` (a schema this module wrote), in Helm's words
    ("at '/image/tag': ..."), or None. mkchart checks values with it before Helm would."""
    found = _scalar_problem(node, value, at)
    if found:
        return found
    if "not" in node and problem(node["not"], value, at) is None:
        return f"at '{at}': {json.dumps(value)} is refused ({node.get('$comment', 'not allowed')})"
    for branch in node.get("allOf", []):
        found = problem(branch, value, at)
        if found:
            return found
    if "anyOf" in node and all(problem(branch, value, at) for branch in node["anyOf"]):
        return problem(node["anyOf"][0], value, at)
    if isinstance(value, dict):
        return _mapping_problem(node, value, at)
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, item in enumerate(value):
            found = problem(node["items"], item, f"{at}/{index}")
            if found:
                return found
    return None


def _mapping_problem(node: dict[str, Any], value: dict[str, Any], at: str) -> str | None:
    missing = [key for key in node.get("required", []) if key not in value]
    if missing:
        return f"at '{at}': missing property '{missing[0]}'"
    properties, extra = node.get("properties", {}), node.get("additionalProperties", True)
    names = node.get("propertyNames", {}).get("pattern")
    for key, child in value.items():
        if names and not re.search(names, str(key)):
            return f"at '{at}/{key}': the key does not match pattern '{names}'"
        if key in properties:
            found = problem(properties[key], child, f"{at}/{key}")
        elif extra is False:
            return f"at '{at}': additional properties '{key}' not allowed"
        else:
            found = problem(extra, child, f"{at}/{key}") if isinstance(extra, dict) else None
        if found:
            return found
    return None


def node_at(schema: dict[str, Any], path: str) -> tuple[dict[str, Any], bool] | None:
    """The schema of the value at dotted `path`, and whether its key is required; None
    where the schema takes no such key."""
    node, required = schema, True
    for part in path.split("."):
        properties = node.get("properties", {})
        required = part in node.get("required", [])
        if part in properties:
            node = properties[part]
            continue
        extra = node.get("additionalProperties", True)
        if extra is False:
            return None
        node = extra if isinstance(extra, dict) else {}
    return node, required


def as_typed(node: dict[str, Any], value: Any, text: str) -> Any:
    """A free value (read as YAML reads a scalar) as the key takes it: the text itself
    where the key takes only strings (a label `1`, a tag `20240101`)."""
    types = _types(node)
    if value is None or isinstance(value, str) or not types or types - {"string"}:
        return value
    return text


def merged(base: Any, over: Any) -> Any:
    """`over` merged into `base` as Helm merges a -f file over values.yaml: a null deletes
    a key values.yaml has, and stays a null where it has none."""
    if not isinstance(base, dict) or not isinstance(over, dict):
        return over
    out = dict(base)
    for key, value in over.items():
        if value is None and key in base:
            del out[key]
        else:
            out[key] = merged(out.get(key), value)
    return out
