"""Shared test helpers: paths and a CliRunner that imports every command."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sahelcli.cli  # noqa: F401  (registers the commands on the app)
from sahelcli.env import Environment

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEEDS = ROOT / "seeds"
#: ../shared next to the repository, or $SAHELCLI_SHARED (e.g. from a git worktree).
SHARED = Path(os.environ.get("SAHELCLI_SHARED") or ROOT.parent / "shared")
SEED = next(SEEDS.glob("*.txt"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def json_lines(output: str) -> list[dict]:
    """Parse stdout that must hold only JSON Lines (fails on any other line)."""
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def read_record(path: Path) -> dict:
    """The first record read from ``path`` (the reader, not the CLI)."""
    from sahelcli.io import read_inputs

    items = list(read_inputs([str(path)], None, lambda message: None))
    assert isinstance(items[0], dict)
    return items[0]


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI's ``main`` in-process: (exit status, stdout, stderr)."""
    from sahelcli.cli import main

    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def fake_env(stdout: io.TextIOBase | None = None, stdout_isatty: bool = False) -> Environment:
    """An environment writing to ``stdout`` (a fresh StringIO by default) and a StringIO stderr."""
    return Environment(
        stdin=None, stdout=stdout if stdout is not None else io.StringIO(),  # type: ignore[arg-type]
        stderr=io.StringIO(), stdin_isatty=False, stdout_isatty=stdout_isatty, stderr_isatty=False,
    )  # fmt: skip
