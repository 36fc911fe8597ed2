"""The streams a command talks to, and whether each is a terminal.

Kept in one object (as httpie does) so tests can fake a terminal and so the
decision "table or JSON Lines" never rests on Rich's own guess.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import BinaryIO, TextIO


class ExitStatus(IntEnum):
    OK = 0
    FAILED = 1  # some inputs failed; the rest were processed and written
    USAGE = 2
    INTERRUPTED = 130


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


@dataclass
class Environment:
    stdin: BinaryIO | None
    stdout: TextIO
    stderr: TextIO
    stdin_isatty: bool
    stdout_isatty: bool
    stderr_isatty: bool

    @classmethod
    def from_sys(cls) -> Environment:
        stdin = getattr(sys.stdin, "buffer", None)
        return cls(
            stdin=stdin,
            stdout=sys.stdout,
            stderr=sys.stderr,
            stdin_isatty=_isatty(sys.stdin),
            stdout_isatty=_isatty(sys.stdout),
            stderr_isatty=_isatty(sys.stderr),
        )


class Reporter:
    """One line per warning or error on stderr; counts failures for the exit status."""

    def __init__(self, env: Environment, quiet: bool = False) -> None:
        self.env = env
        self.quiet = quiet
        self.failures = 0
        self.warnings = 0
        # A progress bar may take the lines over, to print them above itself.
        self.sink: Callable[[str], bool] | None = None

    def warn(self, message: str) -> None:
        self.warnings += 1
        if not self.quiet:
            self._line(f"sahelcli: warning: {message}")

    def error(self, message: str) -> None:
        self.failures += 1
        self._line(f"sahelcli: error: {message}")

    def _line(self, text: str) -> None:
        one_line = " ".join(text.split())
        if self.sink is not None and self.sink(one_line):
            return
        try:
            print(one_line, file=self.env.stderr, flush=True)
        except (BrokenPipeError, ValueError):
            pass

    @property
    def status(self) -> ExitStatus:
        return ExitStatus.FAILED if self.failures else ExitStatus.OK
