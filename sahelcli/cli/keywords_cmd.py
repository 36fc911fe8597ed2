"""``sahelcli keywords`` and ``sahelcli build-idf``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer

from sahelcli.cli.app import (
    ForceOpt,
    FormatOpt,
    Inputs,
    JobsOpt,
    LangOpt,
    OutputFormat,
    QuietOpt,
    app,
    reported,
    resolve_inputs,
    run_records,
)
from sahelcli.env import Environment, ExitStatus, Reporter
from sahelcli.errors import InputError, UsageError
from sahelcli.idf import DEFAULT_MIN_DF, IdfModel, save_idf_model
from sahelcli.io import read_inputs
from sahelcli.keywords import Candidate, build_idf_model, keywords_stage, load_idf_model
from sahelcli.pipeline import Pipeline, tokenize_stage
from sahelcli.records import Record
from sahelcli.render import Writer, choose_format

TopOpt = Annotated[int, typer.Option("--top", "-n", min=1, help="Keyphrases per article.")]
IdfOpt = Annotated[
    Optional[str],  # noqa: UP045 - Typer needs Optional on 3.10
    typer.Option(
        "--idf",
        help="Background model: a file from 'sahelcli build-idf', or 'corpus' to fit IDF on "
        "the inputs themselves (two passes). Default: the model shipped for the language.",
    ),
]
OverallOpt = Annotated[
    bool,
    typer.Option("--overall", help="One ranked list for all inputs (summed score, documents)."),
]
def _ignore(message: str) -> None:
    """Warnings of a silent first pass."""


#: Per-article depth used to build the --overall list.
OVERALL_DEPTH = 20


@app.command()
def keywords(
    inputs: Inputs = None,
    top: TopOpt = 10,
    idf: IdfOpt = None,
    overall: OverallOpt = False,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    force: ForceOpt = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Ranked keyphrases (1-4 words) of each article, or of all of them with --overall."""
    env = Environment.from_sys()
    model = _resolve_model(idf, inputs, env, lang)
    if not overall:
        pipeline = Pipeline(
            [tokenize_stage(lang, force), keywords_stage(top, model, force)], lang=lang
        )
        status = run_records(inputs, pipeline, "keywords", fmt, quiet=quiet, jobs=jobs, env=env)
        raise typer.Exit(status)
    raise typer.Exit(_run_overall(inputs, model, top, fmt, lang, quiet, env))


def _resolve_model(
    idf: str | None, inputs: list[str] | None, env: Environment, lang: str | None
) -> IdfModel | None:
    """None (shipped models), a model file, or a model fitted on the inputs (first pass)."""
    if idf is None:
        return None
    if idf != "corpus":
        return load_idf_model(idf)
    paths = resolve_inputs(inputs, env)
    if "-" in paths:
        raise UsageError("--idf corpus reads the inputs twice: give files or folders, not stdin")
    # the second pass (scoring) reports bad inputs; the first stays silent
    return build_idf_model(_records(paths, env, lang))


def _records(
    paths: list[str], env: Environment, lang: str | None, reporter: Reporter | None = None
) -> Iterator[Record]:
    """Readable records of ``paths``, language set when ``--lang`` was given."""
    warn = reporter.warn if reporter else _ignore
    for item in read_inputs(paths, env.stdin, warn):
        if isinstance(item, InputError):
            if reporter:
                reporter.error(str(item))
            continue
        if lang and not item.get("lang"):
            item["lang"] = lang
        yield item


def _run_overall(
    inputs: list[str] | None,
    model: IdfModel | None,
    top: int,
    fmt: OutputFormat | None,
    lang: str | None,
    quiet: bool,
    env: Environment,
) -> ExitStatus:
    """Sum each term's relative score over all articles; rank; one row per term."""
    reporter = Reporter(env, quiet=quiet)
    paths = resolve_inputs(inputs, env)
    scores: dict[str, float] = {}
    docs: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}

    def collect(record: Record, ranked: list[tuple[Candidate, float]]) -> None:
        # scores relative to the article's best term: long articles do not drown short ones
        best = ranked[0][1] if ranked and ranked[0][1] > 0 else 1.0
        for cand, score in ranked:
            scores[cand.key] = scores.get(cand.key, 0.0) + score / best
            docs[cand.key] += 1
            forms.setdefault(cand.key, Counter())[cand.term] += 1

    stage = keywords_stage(max(top, OVERALL_DEPTH), model, force=True, on_ranked=collect)
    pipeline = Pipeline([tokenize_stage(lang), stage], lang=lang)
    n_docs = 0
    for _ in reported(pipeline.process(read_inputs(paths, env.stdin, reporter.warn)), reporter):
        n_docs += 1
    writer = Writer(choose_format(fmt.value if fmt else None, env), "keywords_overall", env)
    ranked = sorted(scores, key=lambda k: (-round(scores[k], 6), -docs[k], k))[:top]
    for rank, key in enumerate(ranked, 1):
        term = max(forms[key].items(), key=lambda fn: (fn[1], fn[0]))[0]
        writer.write({"rank": rank, "term": term, "score": round(scores[key], 4),
                      "documents": docs[key], "of": n_docs})
    writer.close()
    return reporter.status


@app.command("build-idf")
def build_idf(
    inputs: Inputs = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--out", "-o", help="Model file to write (.json or .json.gz). Required."),
    ] = None,
    min_df: Annotated[
        int, typer.Option("--min-df", min=1, help="Drop terms found in fewer documents.")
    ] = DEFAULT_MIN_DF,
    lang: LangOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Build a background document-frequency model from your corpus (streaming)."""
    env = Environment.from_sys()
    if out is None:
        raise UsageError("build-idf needs --out FILE (for example --out idf.json.gz)")
    reporter = Reporter(env, quiet=quiet)
    paths = resolve_inputs(inputs, env)
    model = build_idf_model(_records(paths, env, lang, reporter), min_df=min_df)
    if model.documents == 0:
        raise UsageError("build-idf: no readable article in the inputs; no model written")
    try:
        save_idf_model(model, out)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write model ({exc.strerror or exc})") from None
    if not quiet:
        print(f"sahelcli: wrote {out}: {model.documents} documents, {len(model.df)} terms "
              f"(language {model.lang or 'unknown'})", file=env.stderr)
    raise typer.Exit(reporter.status)
