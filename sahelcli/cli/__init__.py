"""Command-line interface: a thin Typer layer over the library.

``main`` turns every outcome into an exit status: 0 all inputs processed,
1 some failed (each named on stderr), 2 usage error, 130 interrupted. A closed
pipe (``| head``) ends quietly.
"""

from __future__ import annotations

import os
import sys

import typer

try:  # recent Typer carries its own copy of click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older Typer uses click itself
    from click.exceptions import ClickException  # type: ignore[assignment,no-redef]

# Each command registers itself on `app` when its module is imported.
from sahelcli.cli import (
    analyze_cmd,  # noqa: F401
    keywords_cmd,  # noqa: F401
    stance_cmd,  # noqa: F401
    summarize_cmd,  # noqa: F401
    tokenize_cmd,  # noqa: F401
    trends_cmd,  # noqa: F401
)
from sahelcli.cli.app import app
from sahelcli.env import ExitStatus
from sahelcli.errors import SahelError, UsageError

__all__ = ["app", "main"]


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the final flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> None:
    command = typer.main.get_command(app)
    interrupted = False
    try:
        status = command.main(args=argv, prog_name="sahelcli", standalone_mode=False)
    except typer.Exit as exc:
        status = exc.exit_code
    except ClickException as exc:  # usage errors from click itself
        exc.show()
        status = ExitStatus.USAGE
    except UsageError as exc:
        print(f"sahelcli: error: {exc}", file=sys.stderr)
        status = ExitStatus.USAGE
    except SahelError as exc:
        print(f"sahelcli: error: {exc}", file=sys.stderr)
        status = ExitStatus.FAILED
    except (KeyboardInterrupt, typer.Abort):
        print("sahelcli: interrupted", file=sys.stderr)
        status = ExitStatus.INTERRUPTED
        interrupted = True
    except BrokenPipeError:
        _silence_stdout()
        status = ExitStatus.OK
    if status == ExitStatus.INTERRUPTED and not interrupted:  # Typer turned Ctrl-C into 130
        print("sahelcli: interrupted", file=sys.stderr)
    sys.exit(int(status or 0))
