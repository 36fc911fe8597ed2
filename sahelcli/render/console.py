"""Rich consoles on our own streams; the only place a Console is made."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from sahelcli.env import Environment


def stdout_console(env: Environment) -> Console:
    # The caller decided a table is wanted (stdout is a terminal or --format table);
    # markup and highlighting stay off so article text is printed as it is.
    return Console(file=env.stdout, markup=False, highlight=False, soft_wrap=False)


def print_renderable(renderable: Any, env: Environment) -> None:
    stdout_console(env).print(renderable)
