"""The rules answers must keep: one function per rule of a single answer (None when the
value is fine, else the rule broken), and `across` for rules between answers.

The same functions serve every input path (flags, answers files, batch entries, the
interactive session), so a rule is written exactly once.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from fractions import Fraction
from typing import TYPE_CHECKING

from mkchart import data
from mkchart.answers.names import name_problem
from mkchart.errors import AnswerError, brief, clipped
from mkchart.i18n import t

if TYPE_CHECKING:
    from mkchart.answers.model import Answers

Check = Callable[[object], "str | None"]

_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
# [host[:port]/]path, lowercase path components separated by / (Docker's reference grammar)
_REPOSITORY = re.compile(
    r"(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::[0-9]+)?/)?"
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
)
_QUANTITY = re.compile(r"[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_HOST = re.compile(r"(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_TIMEZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9][A-Za-z0-9_+-]*)*")
_CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]+")

ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
PULL_POLICIES = ("IfNotPresent", "Always", "Never")


def one_of(options: tuple[str, ...]) -> str:
    return t("v.one_of", options=", ".join(options))


def chart_name(value: object) -> str | None:
    return name_problem(str(value))


def dns_label_or_empty(value: object) -> str | None:
    return None if value == "" else name_problem(str(value))


def dns_label(value: object) -> str | None:
    return t("v.non_empty") if value == "" else name_problem(str(value))


def namespace_names(value: object) -> str | None:
    """Namespaces a policy names: DNS labels (the API server's rule for a namespace), each once."""
    seen: set[str] = set()
    for item in _items(value):
        problem = name_problem(str(item))
        if problem:
            return t("v.namespace_name", name=brief(item), problem=problem)
        if str(item) in seen:
            return t("v.twice", item=clipped(str(item)))
        seen.add(str(item))
    return None


def egress_targets(value: object) -> str | None:
    """Where pods may connect to: a CIDR block as the API server takes it (an address
    with its prefix length and no host bits: 10.20.0.0/16), or a namespace name."""
    seen: set[str] = set()
    for item in _items(value):
        text = str(item)
        if "/" in text:
            try:
                network = ipaddress.ip_network(text, strict=True)
            except ValueError:
                return t("v.egress_cidr", item=brief(item))
            if str(network) != text:  # 10.020.0.0/16, or an IPv6 block not in its short form
                return t("v.egress_cidr", item=brief(item))
        elif name_problem(text):
            return t("v.egress_target", item=brief(item))
        if text in seen:
            return t("v.twice", item=clipped(text))
        seen.add(text)
    return None


# An average use in percent of the request: above 100 is a real target where the limit
# is above the request; a thousand is far past any limit mkchart sets.
UTILIZATION_MAX = 1000


def utilization(value: object) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= UTILIZATION_MAX
    return None if ok else t("v.utilization", most=UTILIZATION_MAX)


def utilization_or_zero(value: object) -> str | None:
    return None if value == 0 else utilization(value)


# Rules added after charts were written with answers they now refuse (a tag without a
# version, a secret-looking config.env name). A chart's record is read with them off, so that
# regen can still render its old answers and take the --set that fixes them; the new answers
# are checked with every rule.
LENIENT: ContextVar[bool] = ContextVar("lenient", default=False)


def image_tag(value: object) -> str | None:
    tag = str(value)
    if tag == "":
        return t("v.tag.empty")
    if tag.lower() == "latest":
        return t("v.tag.latest")
    if not _TAG.fullmatch(tag):
        return t("v.tag.format")
    if not any(c.isdigit() for c in tag) and not LENIENT.get():
        # stable, mainline, lts, alpine: names that move to a new image (the seed: myimage:v1).
        return t("v.tag.no_version", tag=tag)
    return None


_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def image_digest(value: object) -> str | None:
    text = str(value)
    return None if text == "" or _DIGEST.fullmatch(text) else t("v.digest")


def image_repository(value: object) -> str | None:
    repo = str(value)
    if repo == "":
        return t("v.repo.empty")
    if "@" in repo or ":" in repo.rsplit("/", 1)[-1]:
        return t("v.repo.tag")
    if not _REPOSITORY.fullmatch(repo):
        return t("v.repo.format")
    return None


def port(value: object) -> str | None:
    return None if isinstance(value, int) and 1 <= value <= 65535 else t("v.port")


# Kubernetes keeps counts, ports and seconds in 32-bit integers.
INT32_MAX = 2**31 - 1


def positive(value: object) -> str | None:
    if isinstance(value, int) and value > INT32_MAX:
        return t("v.int32", most=INT32_MAX)
    return None if isinstance(value, int) and value >= 1 else t("v.positive")


def not_negative(value: object) -> str | None:
    if isinstance(value, int) and value > INT32_MAX:
        return t("v.int32", most=INT32_MAX)
    return None if isinstance(value, int) and value >= 0 else t("v.not_negative")


# Exact, so that sums of many quantities (a namespace's quota) round the way the API server does.
_SUFFIXES = {"": Fraction(1), "m": Fraction(1, 1000), "k": Fraction(10**3), "M": Fraction(10**6),
             "G": Fraction(10**9), "T": Fraction(10**12), "P": Fraction(10**15), "E": Fraction(10**18),
             "Ki": Fraction(2**10), "Mi": Fraction(2**20), "Gi": Fraction(2**30), "Ti": Fraction(2**40),
             "Pi": Fraction(2**50), "Ei": Fraction(2**60)}


def quantity_amount(text: str) -> Fraction | None:
    """A Kubernetes quantity as an exact number (`500m` -> 1/2, `1Gi` -> 2**30); None when
    the text is no quantity."""
    match = _QUANTITY.fullmatch(text)
    if not match:
        return None
    return Fraction(text[: len(text) - len(match.group(2) or "")]) * _SUFFIXES[match.group(2) or ""]


def quantity_value(text: str) -> float:
    """The number a valid Kubernetes quantity stands for (`500m` -> 0.5, `1Gi` -> 2**30)."""
    found = quantity_amount(text)
    assert found is not None, text  # only called on quantities that passed `quantity`
    return float(found)


def quantity(value: object) -> str | None:
    if _QUANTITY.fullmatch(str(value)):
        return None
    return t("v.quantity")


def quantity_or_empty(value: object) -> str | None:
    return None if value == "" else quantity(value)


def http_path(value: object) -> str | None:
    text = str(value)
    if not text.startswith("/"):
        return t("v.http_path")
    if " " in text:
        return t("v.http_path.space", char="U+0020")
    return None


def _items(value: object) -> Iterable[object]:
    # Called only after the codec made the value a tuple or a mapping of strings.
    assert isinstance(value, tuple | dict), value
    return value


def env_names(value: object) -> str | None:
    for key in _items(value):
        if not _ENV_NAME.fullmatch(str(key)):
            return t("v.env_name", key=brief(key))
    return None


# A variable with one of these words holds a secret: in config.env it would sit in plain text
# in the ConfigMap, values.yaml and .mkchart.yaml. Words, not substrings: MONKEY, KEYCLOAK_URL
# and MAX_TOKENS are no secrets.
_SECRET_WORDS = frozenset({"PASSWORD", "PASSWD", "PASS", "PWD", "PASSPHRASE", "SECRET", "TOKEN", "CREDENTIAL",
                           "CREDENTIALS", "AUTH", "APIKEY", "KEY"})
# A last word that makes the variable about a secret, not the secret itself: where it is
# (MYSQL_ROOT_PASSWORD_FILE, GOOGLE_APPLICATION_CREDENTIALS_PATH), what it is called, how
# long it lives (TOKEN_TTL) or whether it is on.
_ABOUT_A_SECRET = frozenset({"FILE", "PATH", "DIR", "URL", "URI", "TTL", "ENABLED", "NAME", "TIMEOUT", "SECONDS",
                             "TYPE", "MODE", "LENGTH", "HEADER", "ID", "ALGORITHM", "ISSUER"})
# Variables that name files by convention, with no suffix saying so.
_FILE_VARIABLES = frozenset({"GOOGLE_APPLICATION_CREDENTIALS"})


def looks_secret(name: str) -> bool:
    upper = name.upper()
    words = [w for w in re.split(r"_|(?<=[a-z0-9])(?=[A-Z])", name) if w]
    words = [w.upper() for w in words]
    if not words or upper in _FILE_VARIABLES or words[-1] in _ABOUT_A_SECRET:
        return False
    return any(w in _SECRET_WORDS for w in words) or upper in ("APIKEY", "API_KEY")


def env_list(value: object) -> str | None:
    seen: set[str] = set()
    for key in _items(value):
        if not _ENV_NAME.fullmatch(str(key)):
            return t("v.env_name", key=brief(key))
        if str(key) in seen:
            return t("v.twice", item=clipped(str(key)))
        seen.add(str(key))
    return None


def _pairs(value: object) -> Iterable[tuple[object, object]]:
    # Called only after the codec made the value a mapping of strings.
    assert isinstance(value, dict), value
    return value.items()


def secret_env(value: object) -> str | None:
    for name, ref in _pairs(value):
        if not _ENV_NAME.fullmatch(str(name)):
            return t("v.env_name", key=brief(name))
        secret, slash, key = str(ref).partition("/")
        if not slash or subdomain_or_empty(secret) or not secret or not _CONFIG_KEY.fullmatch(key):
            return t("v.secret_ref", name=clipped(str(name)), ref=brief(ref))
    return None


def secret_files(value: object) -> str | None:
    for secret, folder in _pairs(value):
        if subdomain_or_empty(str(secret)) or not secret:
            return t("v.secret_name", item=brief(secret))
        if not str(folder).startswith("/"):
            return t("v.secret_folder", secret=clipped(str(secret)))
    folders = [str(f).rstrip("/") for _, f in _pairs(value)]
    twice = next((f for f in folders if folders.count(f) > 1), None)
    return t("v.twice", item=clipped(twice)) if twice else None


def config_file_names(value: object) -> str | None:
    seen: set[str] = set()
    for path in _items(value):
        base = str(path).replace("\\", "/").rsplit("/", 1)[-1]
        if not base or not _CONFIG_KEY.fullmatch(base):
            return t("v.config_file.chars", path=brief(path))
        if base in seen:
            return t("v.config_file.twice", base=brief(base))
        ignored = next((p for p in data.helmignore_patterns() if fnmatch.fnmatchcase(base, p)), None)
        if ignored:
            return t("v.config_file.ignored", base=brief(base), pattern=ignored)
        seen.add(base)
    return None


def non_empty_list(value: object) -> str | None:
    return None if value else t("v.non_empty")


def absolute_path(value: object) -> str | None:
    text = str(value)
    return None if text.startswith("/") else t("v.absolute_path")


def sub_path(value: object) -> str | None:
    text = str(value)
    parts = text.split("/")
    if text and (text.startswith("/") or text.endswith("/") or any(p in ("", ".", "..") for p in parts)):
        return t("v.sub_path")
    return None


def percent(value: object) -> str | None:
    return None if isinstance(value, int) and 10 <= value <= 95 else t("v.percent")


def access_mode(value: object) -> str | None:
    return None if value in ACCESS_MODES else one_of(ACCESS_MODES)


def pull_policy(value: object) -> str | None:
    return None if value in PULL_POLICIES else one_of(PULL_POLICIES)


def pull_policy_or_empty(value: object) -> str | None:
    return None if value == "" else pull_policy(value)


_VALUES_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_][A-Za-z0-9_.-]*)*")


# values.yaml keys an environment answer of its own sets, and checks (replicas of a
# one-server type, a request within its limit, a host of its own).
TYPED_VALUES = {"replicaCount": "replicas", "image.pullPolicy": "pullPolicy", "ingress.host": "ingressHost",
                **{f"resources.{b}.{k}": f"resources.{b}.{k}" for b in ("requests", "limits")
                   for k in ("cpu", "memory")}}


# values.yaml keys a free value must not change: the pods' security (the restricted Pod
# Security Standard the namespace enforces), switches a fleet check reads from the answers
# (an Ingress per environment would pass the host check by), and mappings a scalar would
# replace whole.
_GUARDED = ("podSecurityContext", "securityContext", "serviceAccount.automount", "timezone.fromHost",
            "ingress.enabled", "persistence.enabled", "autoscaling.enabled")
_MAPPINGS = ("image", "resources", "resources.requests", "resources.limits", "config", "config.env", "persistence",
             "ingress", "service", "podLabels", "podAnnotations", "livenessProbe", "readinessProbe", "startupProbe",
             "job", "statefulset", "ensemble", "memoryBudget", "password", "timezone", "serviceAccount", "test",
             "networkPolicy", "networkPolicy.dns", "autoscaling", "generatedSecretFiles")


def values_paths(value: object) -> str | None:
    """environments.ENV.values: dotted paths into values.yaml (config.env.LOG_LEVEL), each
    to a YAML scalar; not a value an environment answer of its own sets and checks, nor
    one that would take the pods' security or a mapping of values.yaml away."""
    assert isinstance(value, dict), value
    for key, text in value.items():
        if not _VALUES_PATH.fullmatch(str(key)) or ".." in str(key) or str(key).endswith("."):
            return t("v.values_path", key=brief(key))
        if str(key) in TYPED_VALUES:
            return t("v.values_typed", key=str(key), answer=TYPED_VALUES[str(key)])
        if any(str(key) == guarded or str(key).startswith(guarded + ".") for guarded in _GUARDED):
            return t("v.values_guarded", key=str(key))
        if str(key) in _MAPPINGS:
            return t("v.values_mapping", key=str(key))
        try:
            scalar_value(str(text))
        except ValueError as problem:
            return t("v.values_value", key=brief(key), problem=str(problem))
    return None


def scalar_value(text: str) -> object:
    """A free value as Helm should get it: true/false, a whole number or null as such,
    anything else as the text itself (1.10 stays "1.10", not the number 1.1)."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "~"):
        return None
    if re.fullmatch(r"-?[0-9]+", text.strip()):
        return int(text)
    if text[:1] in "[{&*!|>'\"%@`" and text:
        raise ValueError("a free value is one scalar: text, a number, true or false (no list, mapping or YAML syntax)")
    return text


def environment_names(value: object) -> str | None:
    """The environments' names: namespaces, so DNS labels; at least one."""
    names = list(_items(value))
    if not names:
        return t("v.environments_empty")
    for name in names:
        problem = name_problem(str(name))
        if problem:
            return t("v.environment_name", name=brief(name), problem=problem)
        if str(name) == "default" or str(name).startswith("kube-"):
            # The cluster's own: a quota or a default-deny policy there stops the cluster.
            return t("v.environment_reserved", name=str(name))
    return None


def subdomain_or_empty(value: object) -> str | None:
    text = str(value)
    if text == "" or (len(text) <= 253 and _SUBDOMAIN.fullmatch(text)):
        return None
    return t("v.subdomain")


def host_or_empty(value: object) -> str | None:
    text = str(value)
    if text == "" or (len(text) <= 253 and _HOST.fullmatch(text)):
        return None
    return t("v.host")


def timezone(value: object) -> str | None:
    if _TIMEZONE.fullmatch(str(value)):
        return None
    return t("v.timezone")


def int32(value: object) -> str | None:
    if isinstance(value, int) and -INT32_MAX - 1 <= value <= INT32_MAX:
        return None
    return t("v.int32", most=INT32_MAX)


# The CronJob controller reads a schedule with robfig/cron's standard parser: these macros
# and five fields, each with its bounds and, for months and weekdays, English names.
CRON_MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_CRON_FIELDS = (("minute", 0, 59, ()), ("hour", 0, 23, ()), ("day-of-month", 1, 31, ()),
                ("month", 1, 12, ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
                                  "DEC")),
                ("day-of-week", 0, 6, ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")))
_CRON_ITEM = re.compile(r"(?P<range>\*|\?|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:/(?P<step>[0-9]+))?")


def _cron_number(text: str, low: int, high: int, names: tuple[str, ...]) -> int | None:
    if text.upper() in names:
        return names.index(text.upper()) + low
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def _cron_field(text: str, name: str, low: int, high: int, names: tuple[str, ...]) -> str | None:
    bounds = f"{low}-{high}" + (f" or {names[0]}-{names[-1]}" if names else "")
    for item in text.split(","):
        found = _CRON_ITEM.fullmatch(item)
        if not found:
            return t("v.cron_field", field=name, value=brief(item), bounds=bounds)
        if found["step"] is not None and int(found["step"]) == 0:
            return t("v.cron_step", field=name, value=brief(item))
        if found["range"] in ("*", "?"):
            continue
        ends = [_cron_number(end, low, high, names) for end in found["range"].split("-")]
        if None in ends:
            return t("v.cron_field", field=name, value=brief(item), bounds=bounds)
        if ends[0] > ends[-1]:  # type: ignore[operator]
            return t("v.cron_range", field=name, value=brief(item))
    return None


def cron_schedule(value: object) -> str | None:
    """A CronJob schedule the API server and its controller take: a macro, or five fields."""
    text = str(value).strip()
    if text == "":
        return None
    if "TZ=" in text.upper():
        return t("v.cron_tz")
    if text.startswith("@"):
        # robfig/cron matches the macros as written: @DAILY is refused by the API server.
        return None if text in CRON_MACROS else t("v.cron_macro", value=brief(text),
                                                           macros=", ".join(CRON_MACROS))
    parts = text.split()
    if len(parts) != len(_CRON_FIELDS):
        return t("v.cron_fields", count=len(parts))
    for part, (name, low, high, names) in zip(parts, _CRON_FIELDS, strict=True):
        problem = _cron_field(part, name, low, high, names)
        if problem:
            return problem
    return None


HOOK_EVENTS = ("pre-install", "post-install", "pre-upgrade", "post-upgrade", "pre-rollback", "post-rollback",
               "pre-delete", "post-delete")
HOOK_DELETE_POLICIES = ("before-hook-creation", "hook-succeeded", "hook-failed")


def _each_one_of(value: object, options: tuple[str, ...]) -> str | None:
    seen: set[str] = set()
    for item in _items(value):
        if str(item) not in options:
            return t("v.each_one_of", item=brief(item), options=", ".join(options))
        if str(item) in seen:
            return t("v.twice", item=clipped(str(item)))
        seen.add(str(item))
    return None


def hook_events(value: object) -> str | None:
    return _each_one_of(value, HOOK_EVENTS)


def hook_delete_policies(value: object) -> str | None:
    return _each_one_of(value, HOOK_DELETE_POLICIES)


def secret_names(value: object) -> str | None:
    for item in _items(value):
        if subdomain_or_empty(item) or item == "":
            return t("v.secret_name", item=brief(item))
    return None


# Environment names the chart sets itself: a config.env entry of the same name would be
# a duplicate in the container's env list, where the last one silently wins.
RESERVED_ENV = ("TZ",)
RESERVED_ENV_PREFIX = "MKCHART_"


def _one_source_each(answers: Answers) -> list[AnswerError]:
    """One variable, one source: a second entry of the same name in the container's env
    list would silently win over the first."""
    problems = []
    sources = [("config.env", tuple(answers.config.env)), ("secrets.env", tuple(answers.secrets.env)),
               ("secrets.generate", answers.secrets.generate)]
    seen: dict[str, str] = {}
    for key, names in sources:
        for name in names:
            if name in seen and seen[name] != key:
                problems.append(AnswerError(f"{key}", t("v.env_twice", name=clipped(name), other=seen[name])))
            elif key != "config.env" and (name in RESERVED_ENV or name.startswith(RESERVED_ENV_PREFIX)):
                problems.append(AnswerError(key, t("v.env_reserved", name=clipped(name))))
            seen.setdefault(name, key)
    return problems


def across(answers: Answers) -> list[AnswerError]:
    """Rules that involve more than one answer; each names the key to change."""
    problems = []
    for kind in ("cpu", "memory"):
        request = getattr(answers.resources.requests, kind)
        limit = getattr(answers.resources.limits, kind)
        if quantity_value(request) > quantity_value(limit):
            problems.append(AnswerError(f"resources.requests.{kind}",
                                        t("v.request_over_limit", request=request, limit=limit, kind=kind)))
    if answers.probe.timeoutSeconds >= answers.probe.periodSeconds:
        problems.append(AnswerError("probe.timeoutSeconds", t("v.timeout_period", period=answers.probe.periodSeconds)))
    if answers.ingress.enabled and not answers.ingress.host:
        host = f"{answers.name}.{answers.ingress.domain}"
        if not answers.ingress.domain or host_or_empty(host):
            problems.append(AnswerError("ingress.host", t("v.ingress_host", host=host)))
    for name in answers.config.env:
        if name in RESERVED_ENV or name.startswith(RESERVED_ENV_PREFIX):
            problems.append(AnswerError(f"config.env.{clipped(name)}", t("v.env_reserved", name=clipped(name))))
        elif looks_secret(name) and not LENIENT.get():
            problems.append(AnswerError(f"config.env.{clipped(name)}", t("v.env_secret", name=clipped(name)),
                                        t("v.env_secret.hint", name=clipped(name))))
    problems += _one_source_each(answers)
    return problems + _workload_problems(answers)


# Names the controllers extend: a CronJob's Jobs are NAME-<11 characters of schedule time>,
# a StatefulSet's pods carry the label controller-revision-hash=NAME-<hash of up to 10>,
# both at most 63 characters.
NAME_LIMITS = {"cronjob": 52, "statefulset": 52}
TASK_WORKLOADS = ("cronjob", "job")
_ONE_WRITER_MODES = ("ReadWriteOnce", "ReadWriteOncePod")


def _workload_problems(answers: Answers) -> list[AnswerError]:
    """Answers that do not fit the workload, whatever the server type."""
    workload = answers.workload
    problems = []
    if workload == "cronjob" and not answers.schedule.strip():
        problems.append(AnswerError("schedule", t("v.schedule_needed"),
                                    t("v.schedule_needed.hint", timezone=answers.timezone)))
    if workload != "cronjob" and answers.schedule.strip():
        problems.append(AnswerError("schedule", t("v.schedule_unused", workload=workload),
                                    t("v.schedule_unused.hint")))
    if answers.job.hook and workload != "job":
        problems.append(AnswerError("job.hook", t("v.hook_workload", workload=workload), t("v.hook_workload.hint")))
    most = NAME_LIMITS.get(workload)
    if most is not None and len(answers.name) > most:
        problems.append(AnswerError("name", t("v.name_limit", workload=workload, most=most, name=answers.name,
                                               length=len(answers.name), why=t(f"v.name_limit.{workload}")),
                                    t("v.name_limit.hint")))
    if workload in TASK_WORKLOADS:
        if answers.replicas > 1:
            problems.append(AnswerError("replicas", t("v.replicas_task", workload=workload), t("v.replicas_task.hint")))
        if answers.ingress.enabled:
            problems.append(AnswerError("ingress.enabled", t("v.ingress_task", workload=workload),
                                        t("v.ingress_task.hint")))
        # Replace starts the new run while the old pod still stops: both mount the claim.
        if (workload == "cronjob" and answers.job.concurrencyPolicy != "Forbid" and answers.persistence.enabled
                and answers.persistence.accessMode in _ONE_WRITER_MODES):
            problems.append(AnswerError("job.concurrencyPolicy", t("v.concurrency_claim",
                                                                   policy=answers.job.concurrencyPolicy,
                                                                   mode=answers.persistence.accessMode),
                                        t("v.concurrency_claim.hint")))
        if answers.networkPolicy.fromNamespaces:
            problems.append(AnswerError("networkPolicy.fromNamespaces", t("v.from_namespaces_task", workload=workload),
                                        t("v.from_namespaces_task.hint")))
    elif (workload == "deployment" and answers.replicas > 1 and answers.persistence.enabled
          and answers.persistence.accessMode in _ONE_WRITER_MODES):
        problems.append(AnswerError("replicas", t("v.replicas_claim", count=answers.replicas,
                                                  mode=answers.persistence.accessMode), t("v.replicas_claim.hint")))
    return problems + autoscaling_problems(answers)


def autoscaling_problems(answers: Answers) -> list[AnswerError]:
    """A HorizontalPodAutoscaler only for a Deployment (a StatefulSet's pods each own a
    claim and a name; a task runs one pod per run), with a range it can keep, and never
    more pods than the claim lets start."""
    scaling = answers.autoscaling
    problems = []
    if scaling.minReplicas > scaling.maxReplicas:
        problems.append(AnswerError("autoscaling.minReplicas", t("v.autoscaling_range", low=scaling.minReplicas,
                                                                  high=scaling.maxReplicas)))
    if not scaling.enabled:
        return problems
    if answers.workload != "deployment":
        problems.append(AnswerError("autoscaling.enabled", t("v.autoscaling_workload", workload=answers.workload),
                                    t("v.autoscaling_workload.hint")))
    elif (scaling.maxReplicas > 1 and answers.persistence.enabled
          and answers.persistence.accessMode in _ONE_WRITER_MODES):
        problems.append(AnswerError("autoscaling.maxReplicas", t("v.autoscaling_claim", count=scaling.maxReplicas,
                                                                  mode=answers.persistence.accessMode),
                                    t("v.autoscaling_claim.hint")))
    return problems


# --- the chart's metadata (Chart.yaml) ------------------------------------------------------

# "Name <email>" or a name alone: Chart.yaml's maintainers[].name and .email.
_MAINTAINER = re.compile(r"(?P<name>[^<>]*?)\s*(?:<(?P<email>[^<>]*)>)?")
# What Helm's lint takes as an email (govalidator.IsEmail), narrowed to the common form.
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+")
# http(s)://host[:port][/path][?query][#fragment], no space: Helm's lint (govalidator.IsRequestURL)
# takes any URL with a scheme; a chart repository's page only links http and https ones.
_URL = re.compile(r"https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?([/?#][!-~]*)?")


def parse_maintainer(text: str) -> tuple[str, str] | None:
    """("book team", "book@example.com") from "book team <book@example.com>", (name, "")
    from a name alone; None when it is neither."""
    found = _MAINTAINER.fullmatch(text.strip())
    if not found or not found["name"].strip() or (found["email"] is not None and not _EMAIL.fullmatch(found["email"])):
        return None
    return found["name"].strip(), found["email"] or ""


def maintainers(value: object) -> str | None:
    seen: set[str] = set()
    for item in _items(value):
        parsed = parse_maintainer(str(item))
        if parsed is None:
            return t("v.maintainer", item=brief(item))
        if parsed[0] in seen:
            return t("v.twice", item=clipped(parsed[0]))
        seen.add(parsed[0])
    return None


def url_or_empty(value: object) -> str | None:
    text = str(value)
    return None if text == "" or (len(text) <= 2048 and _URL.fullmatch(text)) else t("v.url", value=brief(text))


def urls(value: object) -> str | None:
    for item in _items(value):
        if item == "" or url_or_empty(item):
            return t("v.url", value=brief(item))
    return None


def keywords(value: object) -> str | None:
    seen: set[str] = set()
    for item in _items(value):
        if not str(item).strip():
            return t("v.keyword_empty")
        if str(item) in seen:
            return t("v.twice", item=clipped(str(item)))
        seen.add(str(item))
    return None


# A constraint as Helm reads kubeVersion (Masterminds/semver v3's NewConstraint): groups
# joined by ||, each one or more comparisons joined by a comma or spaces, or a hyphen range;
# a version may leave out its minor and patch, or write them x, X or *.
_SEMVER_OPS = r"(?:!=|>=|=>|<=|=<|~>|\^|=|>|<|~)?"
_CONSTRAINT_VERSION = (r"v?(?:[0-9]+|[xX*])(?:\.(?:[0-9]+|[xX*]))?(?:\.(?:[0-9]+|[xX*]))?"
                       r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?")
_COMPARISON = rf"{_SEMVER_OPS}\s*{_CONSTRAINT_VERSION}"
_CONSTRAINT_GROUP = re.compile(
    rf"\s*(?:{_CONSTRAINT_VERSION}\s+-\s+{_CONSTRAINT_VERSION}|{_COMPARISON}(?:(?:\s*,\s*|\s+){_COMPARISON})*)\s*")


def semver_constraint_or_empty(value: object) -> str | None:
    text = str(value)
    if text == "":
        return None
    # One line: spaces separate constraints, a line break would only spread Chart.yaml's scalar.
    one_line = "\n" not in text and "\r" not in text and "\t" not in text
    if one_line and len(text) <= 256 and all(_CONSTRAINT_GROUP.fullmatch(group) for group in text.split("||")):
        return None
    return t("v.semver_constraint", value=brief(text))


# A chart's own version: SemVer 2.0 (Helm refuses a chart whose version is no semver;
# mkchart asks for the strict MAJOR.MINOR.PATCH form, which every tool reads alike).
SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
                    r"(?:-((?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?"
                    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?")
