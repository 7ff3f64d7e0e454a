"""The language of everything mkchart says to a person, and the lookup `t(id, **params)`.

Texts live in one catalogue per language (`mkchart.messages.en`, `.zh`), keyed by a
message id. The CLI picks the language once per process (`--lang`, `MKCHART_LANG`, or the
locale); library code just calls `t()`, so the same rule text serves every language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGUAGES = ("en", "zh")
DEFAULT = "en"
# POSIX order of strength for the language of messages.
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")



class _State:
    """The language of this process: chosen once by the CLI, read by every `t()`."""

    language = DEFAULT


def detect(flag: str | None, env: Mapping[str, str]) -> str:
    """The language to use: an explicit choice first, then the locale, else English."""
    if flag:
        return flag
    for var in LOCALE_VARS:
        value = env.get(var, "")
        if value:
            # The first locale variable that is set decides, as in POSIX: LC_ALL=C means English.
            return "zh" if value.lower().startswith("zh") else DEFAULT
    return DEFAULT


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _State.language = lang


def language() -> str:
    return _State.language


def _catalogue(lang: str) -> Mapping[str, str]:
    if lang == "zh":
        from mkchart.messages.zh import MESSAGES
    else:
        from mkchart.messages.en import MESSAGES
    return MESSAGES


def has(message_id: str) -> bool:
    return message_id in _catalogue(DEFAULT)


def t(message_id: str, **params: Any) -> str:
    """The text of `message_id` in the active language, with `{params}` filled in.

    A text missing from a translation falls back to English rather than failing a user's run.
    """
    text = _catalogue(_State.language).get(message_id)
    if text is None:
        text = _catalogue(DEFAULT)[message_id]
    return text.format(**params) if params else text
