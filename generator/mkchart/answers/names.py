"""The seed's naming rules: DNS-1123 labels and business-servertype-identifier names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkchart.i18n import t

# The seed's regex, anchored; Kubernetes' DNS-1123 label.
NAME_PATTERN = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
NAME_MAX = 63


def name_problem(name: str) -> str | None:
    """Say what is wrong with a chart/service name, or None when it is valid."""
    if not name:
        return t("v.name.empty")
    if len(name) > NAME_MAX:
        return t("v.name.too_long", max=NAME_MAX, length=len(name))
    if NAME_PATTERN.fullmatch(name):
        return None
    if name[0].isdigit() or name[0] == "-":
        return t("v.name.start")
    if name.endswith("-"):
        return t("v.name.end")
    return t("v.name.chars", pattern=NAME_PATTERN.pattern)


@dataclass(frozen=True)
class NameParts:
    """What a `business-servertype-identifier` name says about the service."""

    business: str
    server_type: str | None  # None when no part names a known server type
    instance: str
    unknown_type: str | None = None  # the middle part when it named no known type


def split_name(name: str, known_types: dict[str, str]) -> NameParts:
    """Split a name such as `book-tomcat-n1` into its parts.

    `known_types` maps every accepted spelling (including aliases such as `zk`) to its
    server type. The first part naming a known type splits business from instance, so
    `shop-cart-redis-n2` is business `shop-cart`, type `redis`, instance `n2`.
    """
    parts = name.split("-")
    for index, part in enumerate(parts[1:], start=1):
        if part in known_types:
            return NameParts(
                business="-".join(parts[:index]),
                server_type=known_types[part],
                instance="-".join(parts[index + 1 :]),
            )
    if len(parts) >= 3:
        return NameParts(parts[0], None, "-".join(parts[2:]), unknown_type=parts[1])
    return NameParts(parts[0], None, "-".join(parts[1:]))
