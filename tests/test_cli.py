"""The command line as a user meets it: formats, exit statuses, pipes, errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahelcli import __version__
from sahelcli.cli.app import app
from tests.conftest import FIXTURES, ROOT, SEED, json_lines

BAD = FIXTURES / "bad"


def sahelcli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the installed entry point as a real process (pipes, exit statuses)."""
    return subprocess.run(
        [sys.executable, "-m", "sahelcli", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )


def test_version() -> None:
    result = sahelcli("--version")
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"sahelcli {__version__}"


def test_every_command_is_documented(runner: CliRunner) -> None:
    import typer

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"command {name} has no help text"
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name


def test_piped_output_is_json_lines_only(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tokenize", str(SEED), str(FIXTURES / "english.txt")])
    assert result.exit_code == 0, result.output
    records = json_lines(result.stdout)
    assert [r["lang"] for r in records] == ["fr", "en"]
    assert all(r["tokens"] and r["sentences"] for r in records)


def test_json_csv_text_and_table_formats(runner: CliRunner) -> None:
    args = ["tokenize", str(SEED), str(FIXTURES / "headings.txt")]
    as_json = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert [r["id"] for r in as_json] == [SEED.stem, "headings"]
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "-f", "csv"]).stdout)))
    assert rows[1]["title"] == "Le Niger suspend ses exportations de pétrole vers le Bénin"
    assert int(rows[0]["tokens"]) > 300
    text = runner.invoke(app, [*args, "-f", "text"]).stdout
    assert "Une frontière toujours fermée" in text.splitlines()
    table = runner.invoke(app, [*args, "-f", "table"]).stdout
    assert "sahelcli tokenize" in table and "2025-04" in table


def test_table_does_not_interpret_markup_in_article_text(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "markup.txt"
    path.write_text("Le [bold]Mali[/bold] et [red]le Niger[/red].", encoding="utf-8")
    out = runner.invoke(app, ["tokenize", str(path), "-f", "table"]).stdout
    assert "[bold]Mali[/bold]" in out


def test_bad_inputs_are_named_the_rest_is_written() -> None:
    result = sahelcli("tokenize", str(SEED), "fixtures/bad", "missing.txt", "-f", "jsonl")
    assert result.returncode == 1
    records = json_lines(result.stdout.decode())
    assert [r["id"] for r in records] == [SEED.stem, "ok-1", "ok-2"]
    errors = result.stderr.decode().splitlines()
    assert any("binary.txt" in e and "binary" in e for e in errors)
    assert any("broken_line.jsonl:2" in e for e in errors)
    assert any("empty.txt" in e and "empty" in e for e in errors)
    assert any("missing.txt" in e and "no such file" in e for e in errors)
    assert "Traceback" not in result.stderr.decode()


def test_usage_errors_exit_2() -> None:
    assert sahelcli("tokenize", "--no-such-option").returncode == 2
    assert sahelcli("tokenize", "-f", "xml", str(SEED)).returncode == 2
    assert sahelcli("no-such-command").returncode == 2


def test_piped_stdin_without_argument() -> None:
    result = sahelcli("tokenize", stdin=SEED.read_bytes())
    assert result.returncode == 0
    (record,) = json_lines(result.stdout.decode())
    assert (record["id"], record["source"], record["date"]) == ("stdin", "-", "2025-04")


def test_closed_pipe_ends_quietly() -> None:
    cmd = f"{sys.executable} -m sahelcli tokenize fixtures seeds -f jsonl | head -1"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", cmd], capture_output=True, cwd=ROOT, timeout=120
    )
    assert len(result.stdout.splitlines()) == 1
    assert b"Traceback" not in result.stderr and b"BrokenPipe" not in result.stderr


def test_jobs_1_and_2_give_identical_output() -> None:
    one = sahelcli("tokenize", "fixtures", "seeds", "--jobs", "1", "-f", "jsonl")
    two = sahelcli("tokenize", "fixtures", "seeds", "--jobs", "2", "-f", "jsonl")
    assert one.stdout == two.stdout and one.stdout
    assert one.returncode == two.returncode == 1  # fixtures/bad holds bad inputs


def test_stage_twice_changes_nothing(runner: CliRunner) -> None:
    first = runner.invoke(app, ["tokenize", str(SEED)]).stdout
    second = runner.invoke(app, ["tokenize"], input=first).stdout
    assert json_lines(first) == json_lines(second)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Le Mali.", encoding="utf-8")
    path.chmod(0)
    result = sahelcli("tokenize", str(path))
    assert result.returncode == 1 and b"cannot read" in result.stderr
