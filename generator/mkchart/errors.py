"""Every failure mkchart reports to a user, one class each, and the exit codes.

A user mistake is a `MkchartError`: the CLI prints its message (one or two lines naming
the field, the rule and the way out) and exits with its `exit_code`. Anything else that
escapes is a bug and is allowed to crash loudly. Every class ends in `Error` and says in
its docstring when it is raised.
"""

from __future__ import annotations

import reprlib
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from mkchart.i18n import t

if TYPE_CHECKING:
    from mkchart.outcomes import ChartOutcome


# The most characters of a value a message shows (`brief`).
BRIEF_LIMIT = 60


class _BoundedRepr(reprlib.Repr):
    """repr() that looks at a bounded part of a value: a few items of each collection, a
    few levels deep, the head of a long string or number."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.maxlevel = 3
        self.maxtuple = self.maxlist = self.maxdict = self.maxset = self.maxfrozenset = 6
        self.maxother = limit

    def repr_str(self, x: str, level: int) -> str:
        return repr(x[: self.limit + 1])

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() <= 4 * self.limit:  # at most ~1.2 * limit digits: cheap and allowed
            return repr(x)
        # Python refuses to print an integer of more than 4,300 digits: show its head.
        digits = int(x.bit_length() * 0.30102999566398) - 1  # fewer than it has
        head = abs(x) // 10 ** (digits - self.limit)
        return ("-" if x < 0 else "") + str(head)


def brief(value: object, limit: int = BRIEF_LIMIT) -> str:
    """`repr(value)` in at most `limit` characters, cut with '…': for messages that show a
    value someone gave, which can be huge (a 5,000-digit number, a megabyte of text, the
    shared lists of a YAML alias bomb). Only a bounded part of the value is looked at."""
    text = _BoundedRepr(limit).repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clipped(text: str, limit: int = BRIEF_LIMIT) -> str:
    """`text` itself (no quotes) in at most `limit` characters, cut with '…': for a key
    someone wrote, shown where messages name keys."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ExitCode(IntEnum):
    """The exit codes, the same for every command; docs/answers.md lists them (a test
    keeps that table equal to this one)."""

    OK = 0
    """Done: written, current, or nothing to do."""
    DRIFT = 1
    """`regen --check` found drift, or a regeneration left conflict markers to resolve."""
    BAD_INPUT = 2
    """Input refused (answers, files, folders, options), the OS refused a write, or `lint`
    and `package` found a problem (or no Helm engine); nothing of the refused chart was
    written. `batch --keep-going` and a `regen` of several folders still write the charts
    that were fine."""
    INTERRUPTED = 130
    """Ctrl-C, end of input or "no" at the confirmation of a session; the chart being
    written is rolled back (charts a `batch` or `regen` finished before stay)."""


class MkchartError(Exception):
    """Base class: a problem the user can fix. Never raised for a bug."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  {self.hint}"


class AnswerError(MkchartError):
    """Raised when one answer breaks a rule: the message names the key and the rule."""

    def __init__(self, key: str, rule: str, hint: str | None = None) -> None:
        super().__init__(f"{key}: {rule}", hint)
        self.key = key
        self.rule = rule


class AnswersError(MkchartError):
    """Raised when answers are wrong; each problem is listed, all at once."""

    def __init__(self, problems: list[AnswerError], source: str | None = None) -> None:
        self.problems = problems
        head = f"{source}: " if source else ""
        if len(problems) == 1:
            message = head + str(problems[0])
        else:
            lines = [head + t("e.invalid_count", count=len(problems))]
            lines += [f"  - {p}".replace("\n", "\n    ") for p in problems]
            message = "\n".join(lines)
        super().__init__(message)


class MissingAnswersError(MkchartError):
    """Raised without a terminal when required answers have no value and no default."""

    def __init__(self, keys: list[str], notes: list[str] | None = None) -> None:
        self.keys = keys
        listed = ", ".join(keys)
        example = " ".join(t("e.missing.name") if key == "name" else f"--set {key}=..." for key in keys)
        hint = t("e.missing.hint", example=example)
        if notes:
            hint = "\n  ".join([*notes, hint])
        super().__init__(t("e.missing", keys=listed), hint)


class ProfileError(MkchartError):
    """Raised when a server-type profile (built in, or from a team's --profiles folder)
    breaks a rule: the message names the file, the key and the rule."""

    def __init__(self, origin: str, key: str, rule: str) -> None:
        super().__init__(t("p.error", origin=origin, key=key, rule=rule), t("p.hint"))
        self.origin = origin
        self.key = key


class AnswersFileError(MkchartError):
    """Raised when a file of answers (--answers, a services file, a chart's .mkchart.yaml)
    cannot be read: missing, unreadable, not YAML, or not shaped as mkchart writes it."""


class TargetExistsError(MkchartError):
    """Raised when the chart's folder exists (or is not a folder) and --force was not given."""


class UsageError(MkchartError):
    """Raised for a malformed option, such as a --set without '=', or an output folder
    that cannot be made or written."""


class WriteError(MkchartError):
    """Raised when the operating system refuses a write (a file where a folder must be, no
    space, no permission); everything the call had written is put back first."""


class UnsafeFileError(MkchartError):
    """Raised when a file mkchart reads or writes is not what it may touch: a symbolic
    link inside a chart (anywhere on the path), a FIFO, device or folder where a file
    should be, a path leading out of the chart, or a file too large to be an input."""


class ChartBusyError(MkchartError):
    """Raised when another mkchart run holds a chart's lock for longer than the wait."""


class ChartChangedError(MkchartError):
    """Raised when a file of the chart changed between planning and writing (an editor
    saved it meanwhile); nothing was written, so the save is kept. Run regen again."""

    exit_code = ExitCode.DRIFT


class NotAChartError(MkchartError):
    """Raised when a folder given to regen, lint or package holds no chart mkchart knows."""


class ChartVersionError(MkchartError):
    """Raised when a chart's version is not one mkchart can bump or package with: Chart.yaml's
    `version` on disk, or `mkchart package --version`, is no semantic version."""


class InterruptError(MkchartError):
    """Raised when the user presses Ctrl-C, closes input or says no in a session, or when
    a run over many charts is interrupted: `outcomes` then says what was written."""

    exit_code = ExitCode.INTERRUPTED

    def __init__(self, message: str, hint: str | None = None, outcomes: list[ChartOutcome] | None = None) -> None:
        super().__init__(message, hint)
        self.outcomes = outcomes or []


class BatchError(MkchartError):
    """Raised when entries of a services file are invalid and --keep-going was not given;
    `outcomes` lists every refused entry for the JSON document."""

    def __init__(self, message: str, hint: str, outcomes: list[ChartOutcome]) -> None:
        super().__init__(message, hint)
        self.outcomes = outcomes


class NamespacesError(MkchartError):
    """Raised by `mkchart namespaces` for a bad --headroom or --name, an output folder that
    is not a namespaces chart mkchart wrote, or a service's values that hold no figure it
    can add up (a resource that is no quantity); nothing is written."""


class HelmMissingError(MkchartError):
    """Raised when lint or package needs the Helm engine and helm-python-sdk is not installed."""


class LintError(MkchartError):
    """Raised by package when `helm lint --strict` reports errors or warnings, or when Helm
    refuses to package the chart; nothing is written."""


def outcomes_of(error: BaseException) -> list[Any]:
    """The per-chart outcomes an error carries for the JSON document (batch), else none."""
    return list(error.outcomes) if isinstance(error, BatchError | InterruptError) else []
