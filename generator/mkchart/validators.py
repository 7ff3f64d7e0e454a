"""Rules for single answers. Each returns None when the value is fine, else the rule broken.

The same functions serve every input path (flags, answers files, batch entries, the
interactive session), so a rule is written exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mkchart.naming import name_problem

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


def chart_name(value: object) -> str | None:
    return name_problem(str(value))


def dns_label_or_empty(value: object) -> str | None:
    return None if value == "" else name_problem(str(value))


def image_tag(value: object) -> str | None:
    tag = str(value)
    if tag == "":
        return "an image tag is required: pin a version such as 9.0.85 (the seed forbids untagged images)"
    if tag.lower() == "latest":
        return "'latest' is not allowed: pin a version such as v1 or 9.0.85, so rollbacks and updates are traceable"
    if not _TAG.fullmatch(tag):
        return "must be a Docker tag: letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-'"
    return None


def image_repository(value: object) -> str | None:
    repo = str(value)
    if repo == "":
        return "must not be empty; give the image without its tag, e.g. harbor.example.com/book/tomcat"
    if "@" in repo or ":" in repo.rsplit("/", 1)[-1]:
        return "must not contain a tag or digest; give the tag as image.tag"
    if not _REPOSITORY.fullmatch(repo):
        return "must be an image name like harbor.example.com/book/tomcat (lowercase path parts)"
    return None


def port(value: object) -> str | None:
    return None if isinstance(value, int) and 1 <= value <= 65535 else "must be a port number from 1 to 65535"


def positive(value: object) -> str | None:
    return None if isinstance(value, int) and value >= 1 else "must be a whole number of at least 1"


def not_negative(value: object) -> str | None:
    return None if isinstance(value, int) and value >= 0 else "must be a whole number of at least 0"


def quantity(value: object) -> str | None:
    if _QUANTITY.fullmatch(str(value)):
        return None
    return "must be a Kubernetes quantity such as 500m, 1, 512Mi or 2Gi"


def http_path(value: object) -> str | None:
    text = str(value)
    if text.startswith("/") and " " not in text:
        return None
    return "must be a URL path starting with '/', such as /healthz"


def env_names(value: object) -> str | None:
    for key in value:  # type: ignore[attr-defined]
        if not _ENV_NAME.fullmatch(key):
            return f"'{key}' is not an environment variable name (letters, digits, '_', not starting with a digit)"
    return None


def config_file_names(value: object) -> str | None:
    seen: set[str] = set()
    for path in value:  # type: ignore[attr-defined]
        base = str(path).replace("\\", "/").rsplit("/", 1)[-1]
        if not base or not _CONFIG_KEY.fullmatch(base):
            return f"'{path}': a config file name may hold only letters, digits, '-', '_' and '.'"
        if base in seen:
            return f"two config files are both named '{base}'; each file name must be unique"
        seen.add(base)
    return None


def non_empty_list(value: object) -> str | None:
    return None if value else "must hold at least one item"


def absolute_path(value: object) -> str | None:
    text = str(value)
    return None if text.startswith("/") else "must be an absolute path inside the container, such as /data"


def access_mode(value: object) -> str | None:
    return None if value in ACCESS_MODES else "must be one of " + ", ".join(ACCESS_MODES)


def pull_policy(value: object) -> str | None:
    return None if value in PULL_POLICIES else "must be one of " + ", ".join(PULL_POLICIES)


def subdomain_or_empty(value: object) -> str | None:
    text = str(value)
    if text == "" or (len(text) <= 253 and _SUBDOMAIN.fullmatch(text)):
        return None
    return "must be a lowercase DNS name such as book-tls (letters, digits, '-', '.')"


def host_or_empty(value: object) -> str | None:
    text = str(value)
    if text == "" or (len(text) <= 253 and _HOST.fullmatch(text)):
        return None
    return "must be a lowercase host name such as book.example.com"


def timezone(value: object) -> str | None:
    if _TIMEZONE.fullmatch(str(value)):
        return None
    return "must be an IANA time zone name such as Asia/Shanghai or UTC"


def secret_names(value: object) -> str | None:
    for item in value:  # type: ignore[attr-defined]
        if subdomain_or_empty(item) or item == "":
            return f"'{item}' is not a Secret name (lowercase letters, digits, '-', '.')"
    return None
