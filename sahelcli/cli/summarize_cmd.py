"""``sahelcli summarize``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

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

SentencesOpt = Annotated[
    Optional[int],  # noqa: UP045 - Typer needs Optional on 3.10
    typer.Option(
        "--sentences", "-n", min=1,
        help="Sentences per summary (default 3; with --words only: as many as fit).",
    ),
]  # fmt: skip
WordsOpt = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option("--words", "-w", min=1, help="Word budget per summary."),
]


RECORD_FILES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")


def several_articles(inputs: list[str] | None) -> bool:
    """Whether the inputs may hold several articles (then --format text heads each by its id).

    One plain-text file, or stdin, is one article; folders, record files and several
    inputs are not. (Stdin holding JSON Lines of several records is written unheaded.)
    """
    paths = inputs or ["-"]
    if len(paths) != 1:
        return True
    path = paths[0]
    return path != "-" and (Path(path).is_dir() or path.lower().endswith(RECORD_FILES))


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
    from sahelcli.render import summarize as view
    from sahelcli.summarize import summarize_stage

    view.HEADED = several_articles(inputs)
    count = sentences if sentences is not None else (None if words is not None else 3)
    pipeline = Pipeline([tokenize_stage(lang, force), summarize_stage(count, words, force)])
    raise typer.Exit(run_records(inputs, pipeline, "summarize", fmt, quiet=quiet, jobs=jobs))
