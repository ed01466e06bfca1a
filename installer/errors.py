"""Errors that reach the user. Each kind maps to one exit code of the command-line contract."""

from __future__ import annotations

from pathlib import Path

from installer.redaction import redact_text


class TorchSetupError(Exception):
    """Something went wrong that the user can act on. Exit code 1.

    The message and the hint are kept with the credentials in any URL hidden (installer.redaction):
    an error often quotes a value back (a mistyped mirror URL from the answers file, a server's
    reply), and whatever shows it (the command line, the wizard, a log) must not print a password.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        message = redact_text(message)
        hint = redact_text(hint) if hint else hint
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        return self.message + (f"\n  -> {self.hint}" if self.hint else "")


class InputError(TorchSetupError):
    """Bad input from the user: a file, a flag, a value. Exit code 2, and nothing was changed.

    The message names the file, the line and the key, so a person can go straight to the mistake.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.file = str(file) if file is not None else None
        self.line = line
        self.key = key
        # the other mistakes found in the same file, each with its own line: fixing them one run at a
        # time, on the promise of "(and 2 more problems)", wasted a run per mistake
        self.also: tuple[InputError, ...] = ()

    def headline(self) -> str:
        """`file:line: key: message`, as much of it as is known."""
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        key = f"{self.key}: " if self.key else ""
        return f"{where}{key}{self.message}"

    def render(self) -> str:
        return (self.headline() + (f"\n  -> {self.hint}" if self.hint else "")
                + "".join("\n" + other.render() for other in self.also))

    def __str__(self) -> str:
        return self.render()


class StepFailed(TorchSetupError):
    """A step of a plan, or a check, failed. Exit code 1."""


class Interrupted(TorchSetupError):
    """The user pressed Ctrl-C. Exit code 130."""

    exit_code = 130
