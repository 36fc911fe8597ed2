"""``sahelcli summarize``."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from sahelcli.cli.app import (
    ForceOpt,
    FormatOpt,
    Inputs,
    JobsOpt,
    LangOpt,
    QuietOpt,
    app,
    run_records,
)
from sahelcli.pipeline import Pipeline, tokenize_stage


def sentences_option(short: str) -> Any:
    """--sentences with its short name (-n here; analyze, where -n is taken, says -s)."""
    return typer.Option(
        "--sentences", short, min=1,
        help="Sentences per summary (default 3; with --words only: as many as fit).",
    )  # fmt: skip


SentencesOpt = Annotated[Optional[int], sentences_option("-n")]  # noqa: UP045 - Typer, 3.10
WordsOpt = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option("--words", "-w", min=1, help="Word budget per summary."),
]


@app.command()
def summarize(
    inputs: Inputs = None,
    sentences: SentencesOpt = None,
    words: WordsOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    force: ForceOpt = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """The few sentences that best say what each article says, in its own words.

    Use --format text for the summary alone: sahelcli summarize a.txt -f text > a.summary.txt
    """
    from sahelcli.summarize import sentence_count, summarize_stage

    count = sentence_count(sentences, words)
    pipeline = Pipeline(
        [tokenize_stage(lang, force), summarize_stage(count, words, force)], lang=lang
    )
    raise typer.Exit(run_records(inputs, pipeline, "summarize", fmt, quiet=quiet, jobs=jobs))
