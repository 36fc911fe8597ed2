"""``sahelcli tokenize``."""

from __future__ import annotations

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


@app.command()
def tokenize(
    inputs: Inputs = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    jobs: JobsOpt = None,
) -> None:
    """Split articles into sentences and tokens (with norm, lemma, stop)."""
    pipeline = Pipeline([tokenize_stage(lang, force)], keep_tokens=True, lang=lang)
    raise typer.Exit(run_records(inputs, pipeline, "tokenize", fmt, quiet=quiet, jobs=jobs))
