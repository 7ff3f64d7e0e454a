"""values-ENV.yaml, one per environment: only what differs from values.yaml there, each
value commented like values.yaml's, for `helm upgrade -f values-ENV.yaml`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mkchart.answers import profiles
from mkchart.answers.environments import Effective, effective, serves
from mkchart.answers.fit import release_name
from mkchart.answers.model import Answers
from mkchart.answers.rules import scalar_value
from mkchart.chart import valuesschema
from mkchart.errors import AnswerError
from mkchart.i18n import t

Dumps = Callable[[Any], str]  # a value as a YAML scalar (the skeleton's tojson)
_Leaf = tuple[Any, str]  # a value and its comment
Typed = Callable[[str, str], object]  # a free value's path and text -> the value written


def file_name(environment: str) -> str:
    return f"values-{environment}.yaml"


def _put(tree: dict[str, Any], path: str, leaf: Any) -> None:
    *parents, last = path.split(".")
    node = tree
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[last] = leaf


def _emit(tree: dict[str, Any], dumps: Dumps, indent: str = "") -> list[str]:
    lines = []
    for key, node in tree.items():
        if isinstance(node, dict):
            lines += [f"{indent}{key}:", *_emit(node, dumps, indent + "  ")]
        else:
            value, comment = node
            lines += [f"{indent}# {comment}", f"{indent}{key}: {dumps(value)}"]
    return lines


def _differences(answers: Answers, env: Effective, typed: Typed | None) -> dict[str, Any]:
    """The values of `env` that differ from values.yaml's, as a tree of commented leaves."""
    tree: dict[str, Any] = {}
    where = f"in {env.name}"
    # Always there: logs and dashboards tell the environments apart by it, and the file is
    # a mapping from the start, so regen merges a key added to it by structure.
    _put(tree, "podLabels.environment", (env.name, f"podLabels.environment labels every pod {where}."))
    # While the autoscaler sets the pods, a replicaCount would only mislead (fit refuses one above 1).
    if serves(answers) and env.replicas != answers.replicas and not answers.autoscaling.enabled:
        _put(tree, "replicaCount", (env.replicas, f"replicaCount is the number of pods {where}."))
    if env.pull_policy != answers.image.pullPolicy:
        _put(tree, "image.pullPolicy", (env.pull_policy, f"image.pullPolicy is when the image is pulled {where}."))
    for bound in ("requests", "limits"):
        for kind in ("cpu", "memory"):
            value = getattr(env, bound)[kind]
            if value != getattr(getattr(answers.resources, bound), kind):
                _put(tree, f"resources.{bound}.{kind}", (value, f"resources.{bound}.{kind} {where}."))
    http = profiles.get(answers.serverType).contract.protocol == "http"
    if serves(answers) and http:  # written in each, so that the four hosts are read side by side
        _put(tree, "ingress.host", (env.host, f"ingress.host is the host {env.name}'s Ingress answers for "
                                              "(no two environments share one)."))
    for path, text in answers.environments[env.name].values.items():
        value = typed(path, text) if typed else scalar_value(text)
        _put(tree, path, (value, f"{path} {where} (environments.{env.name}.values)."))
    return tree


def free_value_problems(answers: Answers, schema: dict[str, Any], values: dict[str, Any]) -> list[AnswerError]:
    """Each environment's free values held against the chart's values.schema.json, as
    Helm holds values-ENV.yaml merged over `values` (values.yaml) at install time: a key
    the chart does not have, or a value of the wrong type or form, is refused now rather
    than written into a file Helm refuses."""
    typed = typed_values(schema)
    problems = []
    for name, environment in answers.environments.items():
        for path, text in environment.values.items():
            key = f"environments.{name}.values.{path}"
            tree: dict[str, Any] = {}
            _put(tree, path, typed(path, text))
            problem = valuesschema.problem(schema, valuesschema.merged(values, tree))
            if problem and " additional properties " in f" {problem} ":
                problems.append(AnswerError(key, t("v.values_unknown", path=path)))
            elif problem:
                problems.append(AnswerError(key, t("v.values_schema", problem=problem)))
    return problems


def typed_values(schema: dict[str, Any]) -> Typed:
    """Free values as their keys take them (a label `1` as the string "1")."""
    def typed(path: str, text: str) -> object:
        found = valuesschema.node_at(schema, path)
        return valuesschema.as_typed(found[0] if found else {}, scalar_value(text), text)
    return typed


def environment_files(answers: Answers, dumps: Dumps, typed: Typed | None = None) -> dict[str, str]:
    """Each environment's values-ENV.yaml, by file name."""
    files = {}
    for env in effective(answers):
        header = [
            f"# Values for the {env.name} environment (namespace {env.name}): only what differs from values.yaml.",
            f"#   helm upgrade --install {release_name(answers.name)} ./{answers.name} --namespace {env.name} \\",
            f"#     --create-namespace -f ./{answers.name}/{file_name(env.name)}",
            f"# mkchart writes it from the environments.{env.name} answers (change them in .mkchart.yaml or",
            "# with --set, then run `mkchart regen`); edits made here by hand are kept.",
        ]
        body = _emit(_differences(answers, env, typed), dumps)
        files[file_name(env.name)] = "\n".join([*header, "", *body]) + "\n"
    return files
