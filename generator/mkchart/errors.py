"""Every failure mkchart reports to a user, one class each, with its exit code.

A user mistake is a `MkchartError`: the CLI prints its message (one or two lines naming
the field, the rule and the way out) and exits with its `exit_code`. Anything else that
escapes is a bug and is allowed to crash loudly.
"""

from __future__ import annotations

from mkchart.i18n import t

# Exit codes, the same for every command (docs/answers.md and docs/ci-jenkins.md list them);
# success is 0.
EXIT_DRIFT = 1  # `regen --check` found drift, or a regeneration left conflicts
EXIT_BAD_INPUT = 2  # the user's input was refused; nothing was written
EXIT_INTERRUPTED = 130  # Ctrl-C or end of input during a session; nothing was written


class MkchartError(Exception):
    """Base class: a problem the user can fix. Never raised for a bug."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  {self.hint}"


class InvalidAnswer(MkchartError):
    """Raised when one answer breaks a rule: the message names the key and the rule."""

    def __init__(self, key: str, rule: str, hint: str | None = None) -> None:
        super().__init__(f"{key}: {rule}", hint)
        self.key = key
        self.rule = rule


class InvalidAnswers(MkchartError):
    """Raised when several answers are wrong at once; each problem is listed."""

    def __init__(self, problems: list[InvalidAnswer], source: str | None = None) -> None:
        self.problems = problems
        head = f"{source}: " if source else ""
        if len(problems) == 1:
            message = head + str(problems[0])
        else:
            lines = [head + t("e.invalid_count", count=len(problems))]
            lines += [f"  - {p}".replace("\n", "\n    ") for p in problems]
            message = "\n".join(lines)
        super().__init__(message)


class MissingAnswers(MkchartError):
    """Raised without a terminal when required answers have no value and no default."""

    def __init__(self, keys: list[str], notes: list[str] | None = None) -> None:
        self.keys = keys
        listed = ", ".join(keys)
        example = " ".join(t("e.missing.name") if key == "name" else f"--set {key}=..." for key in keys)
        hint = t("e.missing.hint", example=example)
        if notes:
            hint = "\n  ".join([*notes, hint])
        super().__init__(t("e.missing", keys=listed), hint)


class AnswersFileError(MkchartError):
    """Raised when an answers file cannot be read: missing, unreadable or not YAML."""


class TargetExists(MkchartError):
    """Raised when the output directory exists and --force was not given."""


class UsageError(MkchartError):
    """Raised for a malformed option, such as a --set without '='."""


class WriteFailed(MkchartError):
    """Raised when the operating system refuses a write (a file where a folder must be, no
    space, no permission); everything the call had written is put back first."""


class NotAChart(MkchartError):
    """Raised when a directory given to regen/package holds no mkchart answers file."""


class Interrupted(MkchartError):
    """Raised when the user presses Ctrl-C or closes input in an interactive session."""

    exit_code = EXIT_INTERRUPTED


