"""The one error type users see: a one-line message saying what, where, and what to do."""

from __future__ import annotations


class BilingualError(Exception):
    """A problem with the user's input or environment, reported without a traceback.

    `where` is usually a file path; `hint` says what to do about it.
    """

    def __init__(self, problem: str, where: str | None = None, hint: str | None = None) -> None:
        self.problem = problem
        self.where = where
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.where}: {self.problem}" if self.where else self.problem
        return f"{text} ({self.hint})" if self.hint else text
