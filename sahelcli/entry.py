"""The ``sahelcli`` console script: answers ``--version`` before importing anything heavy.

Everything else goes to the Typer CLI in ``sahelcli.cli``.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from sahelcli import __version__

        print(f"sahelcli {__version__}")
        return
    from sahelcli.cli import main as cli_main

    cli_main()
