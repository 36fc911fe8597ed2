"""Shared test helpers: paths and a CliRunner that imports every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sahelcli.cli  # noqa: F401  (registers the commands on the app)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
SEED = next(SEEDS.glob("*.txt"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def json_lines(output: str) -> list[dict]:
    """Parse stdout that must hold only JSON Lines (fails on any other line)."""
    return [json.loads(line) for line in output.splitlines() if line.strip()]
