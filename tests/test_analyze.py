"""`analyze` equals the chain of stages; CSV for spreadsheets; the folder overview."""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from sahelcli import analyze_record, read_text_article
from sahelcli.cli.app import app
from tests.conftest import FIXTURES, SEED, json_lines


def run(runner: CliRunner, args: list[str], stdin: str | None = None) -> str:
    result = runner.invoke(app, args, input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_chain_gives_exactly_the_fields_of_analyze(runner: CliRunner) -> None:
    inputs = [str(SEED), str(FIXTURES / "english.txt"), str(FIXTURES / "records.jsonl")]
    analyzed = json_lines(run(runner, ["analyze", *inputs, "-f", "jsonl", "-q"]))
    chained = run(runner, ["tokenize", *inputs, "-f", "jsonl", "-q"])
    for stage in ("keywords", "stance", "summarize"):
        chained = run(runner, [stage, "-f", "jsonl", "-q"], stdin=chained)
    assert json_lines(chained) == analyzed
    for record in analyzed:
        assert {"tokens", "sentences", "keywords", "stance", "summary"} <= set(record)


def test_analyze_twice_changes_nothing(runner: CliRunner) -> None:
    once = run(runner, ["analyze", str(SEED), "-f", "jsonl"])
    twice = run(runner, ["analyze", "-f", "jsonl"], stdin=once)
    assert json_lines(once) == json_lines(twice)


def test_sample_article_end_to_end() -> None:
    record = analyze_record(read_text_article(SEED.read_text(encoding="utf-8")))
    terms = {k["term"].lower() for k in record["keywords"]}
    assert terms & {"aes", "alliance des états du sahel"} and terms & {"russie", "moscou"}
    stance = {s["target"]: s["label"] for s in record["stance"]}
    assert stance["Russie"] == "favor"
    assert 1 <= len(record["summary"]) <= 3
    assert record["date"] == "2025-04"


def test_csv_one_row_per_article_with_target_columns(runner: CliRunner) -> None:
    out = run(runner, ["analyze", str(SEED), str(FIXTURES / "headings.txt"), "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == [SEED.stem, "headings"]
    assert rows[0]["Russie"] == "favor" and "Moscou" in rows[0]["keywords"]
    assert rows[0]["summary"].startswith("Les ministres")
    excel = run(runner, ["analyze", str(SEED), "-f", "csv", "--excel"])
    assert excel.startswith("\ufeffid,")


def test_table_with_overview_for_several_articles(runner: CliRunner) -> None:
    out = run(runner, ["analyze", str(SEED), str(FIXTURES / "headings.txt"), "-f", "table"])
    assert "sahelcli analyze" in out
    assert "Overview: 2 articles" in out and "Stance per target" in out
    assert "Top keywords overall" in out and "2025-04" in out


def test_counts_have_their_own_short_options(runner: CliRunner) -> None:
    out = json_lines(run(runner, ["analyze", str(SEED), "-f", "jsonl", "-k", "2", "-s", "1"]))
    assert len(out[0]["keywords"]) == 2 and len(out[0]["summary"]) == 1
    # keywords and summarize both say -n; analyze refuses it rather than guess which count
    result = runner.invoke(app, ["analyze", str(SEED), "-n", "1"])
    assert result.exit_code == 2
