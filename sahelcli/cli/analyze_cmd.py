"""``sahelcli analyze``: tokenize, keywords, stance and summarize in one process."""

from __future__ import annotations

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
from sahelcli.cli.keywords_cmd import IdfOpt
from sahelcli.cli.stance_cmd import ModelOpt, TargetOpt, TargetsFileOpt
from sahelcli.cli.summarize_cmd import WordsOpt, sentences_option
from sahelcli.errors import UsageError
from sahelcli.pipeline import Pipeline

# keywords and summarize both call their count -n; here each gets its own short name, so
# "-n 3" is refused instead of silently meaning one of them.
TopOpt = Annotated[int, typer.Option("--top", "-k", min=1, help="Keyphrases per article.")]
SentencesOpt = Annotated[Optional[int], sentences_option("-s")]  # noqa: UP045 - Typer, 3.10
ExcelOpt = Annotated[
    bool, typer.Option("--excel", help="With --format csv: start with a UTF-8 BOM for Excel.")
]


@app.command()
def analyze(
    inputs: Inputs = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    top: TopOpt = 10,
    idf: IdfOpt = None,
    sentences: SentencesOpt = None,
    words: WordsOpt = None,
    target: TargetOpt = None,
    targets: TargetsFileOpt = None,
    model: ModelOpt = None,
    jobs: JobsOpt = None,
    excel: ExcelOpt = False,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Everything at once: tokens, keywords, stance and a summary for each article.

    Gives exactly the fields of: tokenize | keywords | stance | summarize.
    """
    from sahelcli.analyze import analyze_stages
    from sahelcli.summarize import sentence_count

    if idf == "corpus":
        raise UsageError("analyze takes --idf FILE; build one first with 'sahelcli build-idf'")
    count = sentence_count(sentences, words)
    stages = analyze_stages(
        lang=lang,
        top=top,
        sentences=count,
        words=words,
        targets=target or None,
        targets_file=targets,
        stance_model=model,
        idf_file=idf,
        force=force,
    )
    pipeline = Pipeline(stages, keep_tokens=True, lang=lang)
    status = run_records(inputs, pipeline, "analyze", fmt, quiet=quiet, excel=excel, jobs=jobs)
    raise typer.Exit(status)
