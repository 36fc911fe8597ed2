"""Exceptions the library raises; the CLI turns each into one line on stderr."""

from __future__ import annotations


class SahelError(Exception):
    """Base class: a problem a user can act on (never a bug)."""


class InputError(SahelError):
    """An input (file, line, stream) could not be read as articles."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # picklable for worker processes
        return (type(self), (self.source, self.problem))


class ArticleError(SahelError):
    """One article could not be processed by a stage (e.g. empty text)."""

    def __init__(self, record_id: str, problem: str) -> None:
        super().__init__(f"{record_id}: {problem}")
        self.record_id = record_id
        self.problem = problem

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.record_id, self.problem))


class UsageError(SahelError):
    """Bad options or model files: the whole command cannot run (exit status 2)."""
