"""A progress line on stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sahelcli.env import Environment


class Progress:
    """Counts articles as they are written; a no-op unless stderr is a terminal."""

    def __init__(self, env: Environment, enabled: bool = True, label: str = "articles") -> None:
        self.enabled = enabled and env.stderr_isatty
        self.env = env
        self.label = label
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as RichProgress

            console = Console(file=self.env.stderr, markup=False, highlight=False)
            self._progress = RichProgress(
                SpinnerColumn(),
                TextColumn(self.label),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=None)
        return self

    def print_line(self, line: str) -> bool:
        """Print a warning/error line above the bar; False when no bar is shown."""
        if self._progress is None:
            return False
        from rich.text import Text

        self._progress.console.print(Text(line))
        return True

    def advance(self, n: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, n)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
