"""``sahelcli trends``: keywords, followed terms and stance by period.

Unlike the per-article commands, trends writes one record per period, so it has
its own loop: read and date every article here, count it (in workers when
asked), then write the periods once every article is in.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from sahelcli.cli.app import FormatOpt, Inputs, QuietOpt, app, resolve_inputs
from sahelcli.env import Environment, ExitStatus, Reporter
from sahelcli.errors import InputError
from sahelcli.io import DateWarning, read_inputs
from sahelcli.pipeline import Stage
from sahelcli.records import Record
from sahelcli.render import Writer, choose_format, load_view
from sahelcli.render.progress import Progress
from sahelcli.trends import (
    DEFAULT_MIN_ARTICLES,
    DEFAULT_PRIOR,
    Plan,
    Tally,
    TermMatcher,
    check_date,
    first_words,
    fold,
    period_records,
    tally_stream,
    target_filter,
)

#: Small inputs are counted in this process: a pool costs more than it saves.
POOL_THRESHOLD = 200


class By(str, Enum):
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


@app.command()
def trends(
    inputs: Inputs = None,
    by: Annotated[
        By, typer.Option("--by", help="Period: week (ISO weeks), month, quarter or year.")
    ] = By.month,
    term: Annotated[
        Optional[list[str]],  # noqa: UP045 - Typer needs Optional on 3.10
        typer.Option(
            "--term",
            "-t",
            help="Follow a term or phrase (repeatable): share of articles mentioning it per "
            "period. Accent- and case-insensitive, whole words; a final * matches any ending.",
        ),
    ] = None,
    target: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--target", help="Stance toward these targets only (repeatable): part of an "
            "actor's name ('jihad' keeps 'Groupes jihadistes'), an alias ('Wagner' is "
            "Russie) or any other name (looked for as a target of its own)."
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", "-n", min=0, help="Distinctive terms per period.")
    ] = 10,
    keywords: Annotated[
        bool, typer.Option("--keywords/--no-keywords", help="Distinctive terms per period.")
    ] = True,
    stance: Annotated[
        Optional[bool],  # noqa: UP045
        typer.Option(
            "--stance/--no-stance",
            help="Stance per target and period. Stance fields already in the records are "
            "always used; --stance (or --target) computes it for articles without one "
            "(about doubles the run time); --no-stance ignores stance.",
            show_default=False,
        ),
    ] = None,
    prior: Annotated[
        float,
        typer.Option(
            "--prior", min=1e-6, help="Weight of the corpus prior of the log-odds statistic "
            "(Monroe et al. 2008), as a share of the corpus counts: larger values shrink "
            "each period more toward the whole corpus."
        ),
    ] = DEFAULT_PRIOR,
    min_articles: Annotated[
        int,
        typer.Option("--min-articles", min=1, help="Ignore terms used in fewer articles overall."),
    ] = DEFAULT_MIN_ARTICLES,
    stance_model: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--stance-model", help="Stance model trained by 'sahelcli train-stance' "
            "(default: the built-in cue tagger)."
        ),
    ] = None,
    plot: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--plot", help="Also draw term and stance lines to FILE.png or FILE.svg "
            "(needs matplotlib: pip install 'sahelcli[plot]').", dir_okay=False
        ),
    ] = None,
    jobs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--jobs", "-j", min=1,
            help=f"Worker processes (default: all cores beyond {POOL_THRESHOLD} articles).",
        ),
    ] = None,
    fmt: FormatOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Keywords, followed terms and stance by period (one record per period).

    Articles are grouped by their date (the record's date field or the text's
    date header); undated ones are counted and reported on stderr.
    """
    env = Environment.from_sys()
    options = TrendOptions(
        by=by.value, terms=term or [], targets=target or [], top=top, keywords=keywords,
        stance=stance, stance_model=stance_model, prior=prior, min_articles=min_articles,
        plot=plot, jobs=jobs,
    )
    status = run_trends(inputs, options, fmt.value if fmt else None, env, quiet=quiet)
    raise typer.Exit(int(status))


class TrendOptions:
    """The command's options, gathered so tests can call ``run_trends`` directly."""

    def __init__(
        self,
        by: str = "month",
        terms: list[str] | None = None,
        targets: list[str] | None = None,
        top: int = 10,
        keywords: bool = True,
        stance: bool | None = None,
        stance_model: str | None = None,
        prior: float = DEFAULT_PRIOR,
        min_articles: int = DEFAULT_MIN_ARTICLES,
        plot: Path | None = None,
        jobs: int | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.by = by
        self.terms = terms or []
        self.targets = targets or []
        self.top = top
        self.keywords = keywords
        self.stance = stance
        self.stance_model = stance_model
        self.prior = prior
        self.min_articles = min_articles
        self.plot = plot
        self.jobs = jobs
        self.today = today or dt.date.today()


class DateLedger:
    """Counts what happened to each article's date, for the summary on stderr."""

    def __init__(self) -> None:
        self.read = 0
        self.dated = 0
        self.by_status: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = {}  # a few ids per status, for the summary
        self.header_dropped = False  # the reader just dropped an impossible header date


def run_trends(
    inputs: list[str] | None,
    options: TrendOptions,
    fmt: str | None,
    env: Environment,
    quiet: bool = False,
) -> ExitStatus:
    """Read, date and count every article, then write one record per period."""
    reporter = Reporter(env, quiet=quiet)
    paths = resolve_inputs(inputs, env)
    if options.plot is not None:
        from sahelcli.plot import check_plot_path

        check_plot_path(options.plot)  # usage errors before any work
    plan = _make_plan(options, reporter)
    ledger = DateLedger()
    items = read_inputs(paths, env.stdin, _reader_warn(reporter, ledger))
    dated = _dated(items, options, reporter, ledger)
    tally = Tally()
    first = list(_take(dated, POOL_THRESHOLD))
    jobs = options.jobs or (os.cpu_count() or 1 if len(first) >= POOL_THRESHOLD else 1)
    with Progress(env, enabled=not quiet, label="articles counted") as progress:
        reporter.sink = progress.print_line
        for part in tally_stream(_chain(first, dated), plan, jobs=jobs):
            for warning in part.warnings:
                reporter.warn(warning)
            for error in part.errors:
                reporter.error(error)
            part.warnings, part.errors = [], []
            tally.merge(part)
            progress.advance(sum(part.articles.values()))
        reporter.sink = None
    _summarise(ledger, tally, options, reporter, paths)
    if tally.unscored:
        reporter.warn(
            f"stance: {tally.unscored} articles have no stance field and the stance module "
            "is not available; they are left out of the stance trends"
        )
    if not tally.articles:
        return ExitStatus.FAILED
    records = period_records(
        tally, options.by, plan, top=options.top, prior=options.prior,
        min_articles=options.min_articles,
    )
    _write(records, choose_format(fmt, env), env)
    if options.plot is not None:
        from sahelcli.plot import draw

        draw(records, options.plot, options.by)
        _info(reporter, f"chart written to {options.plot}")
    return reporter.status


def _make_plan(options: TrendOptions, reporter: Reporter) -> Plan:
    plan = Plan(
        keywords=options.keywords,
        stance=options.stance is not False,
        matcher=TermMatcher(options.terms),
        keep_target=target_filter(options.targets),
    )
    if options.stance or (options.stance is None and (options.targets or options.stance_model)):
        plan.stance_stage, keys = _stance_stage(options)
        plan.compute_stance = True
        plan.keep_target = target_filter(keys)
    return plan


def _stance_stage(options: TrendOptions) -> tuple[Stage | None, list[str]]:
    """The stance stage (None when sahelcli.stance is not there: then only records
    that already carry a stance field count, and the summary says so), and the
    target filter keys.

    A ``--target`` that is part of a known actor's name ("jihad", "France") filters
    on it; an alias ("Wagner", "Bamako") on the actor it stands for; any other name
    ("Assimi Goïta") becomes an extra target the stage looks for.
    """
    try:
        from sahelcli.stance import load_gazetteer, stance_stage
    except ImportError:
        return None, options.targets
    gazetteer = load_gazetteer()
    known = list(gazetteer.actors)
    keys: list[str] = []
    extra: list[str] = []
    for wanted in options.targets:
        if any(fold(wanted).strip() in fold(name) for name in known):
            keys.append(wanted)
            continue
        name = gazetteer.resolve(wanted)
        keys.append(name)
        if name not in known:
            extra.append(name)
    stage = stance_stage(targets=extra or None, model_path=options.stance_model)
    return stage, keys


def _reader_warn(reporter: Reporter, ledger: DateLedger):  # type: ignore[no-untyped-def]
    """The reader's warnings; an impossible header date is an error for trends
    (the article cannot be placed in time), named and counted."""

    def warn(message: str) -> None:
        if not isinstance(message, DateWarning):
            reporter.warn(message)
        elif message.dropped:  # a header date: the record comes undated
            ledger.by_status["impossible"] += 1
            ledger.header_dropped = True
            reporter.error(message.problem)
        # a JSON record keeps its impossible date: check_date names it below

    return warn


def _dated(
    items: Iterator[Record | InputError],
    options: TrendOptions,
    reporter: Reporter,
    ledger: DateLedger,
) -> Iterator[tuple[str, Record]]:
    """(period, record) for every article with a usable date; the rest are counted
    (undated) or named on stderr (impossible, unrecognised, future, too coarse)."""
    for item in items:
        if isinstance(item, InputError):
            reporter.error(str(item))
            continue
        ledger.read += 1
        record_id = str(item.get("id"))
        date = item.get("date")
        if ledger.header_dropped:
            ledger.header_dropped = False
            if date is None:  # already named and counted by the reader's warning
                continue
        check = check_date(date, options.by, options.today)
        if check.period is None:
            ledger.by_status[check.status] += 1
            if check.status in ("impossible", "future", "unrecognised"):
                reporter.error(f"{item.get('source') or record_id}: {check.detail}")
            else:  # undated, or coarse (a month-only date asked for by week): summed up
                examples = ledger.examples.setdefault(check.status, [])
                if len(examples) < 5:
                    examples.append(record_id)
            continue
        ledger.dated += 1
        yield check.period, item


def _take(items: Iterator[tuple[str, Record]], n: int) -> Iterator[tuple[str, Record]]:
    for _ in range(n):
        try:
            yield next(items)
        except StopIteration:
            return


def _chain(
    first: list[tuple[str, Record]], rest: Iterator[tuple[str, Record]]
) -> Iterator[tuple[str, Record]]:
    yield from first
    first.clear()  # let the counted articles go
    yield from rest


def _summarise(
    ledger: DateLedger, tally: Tally, options: TrendOptions, reporter: Reporter, paths: list[str]
) -> None:
    undated = ledger.by_status["undated"]
    if undated:
        reporter.warn(
            f"{undated} of {ledger.read} articles have no date and are not in the trends "
            f"(e.g. {first_words(ledger.examples['undated'])}); add a 'date YYYY-MM-DD' header "
            "or a date field"
        )
    coarse = ledger.by_status["coarse"]
    if coarse:
        reporter.warn(
            f"{coarse} articles dated by month only are left out of the weekly trends "
            f"(e.g. {first_words(ledger.examples['coarse'])}); use --by month or full dates"
        )
    if not tally.articles:
        where = ", ".join(paths)
        reporter.error(
            f"{where}: no dated article ({ledger.read} read); trends need a 'date YYYY-MM[-DD]' "
            "header or a date field"
        )
        return
    placed = sum(tally.articles.values())
    periods = len(tally.articles)
    if periods == 1 and options.keywords:
        reporter.warn(
            f"all dated articles fall in one {options.by}: no distinctive terms (a period's "
            "terms are measured against the other periods); try a shorter --by"
        )
    summary = (
        f"trends: {placed} of {ledger.read} articles in {periods} "
        f"{options.by}{'s' if periods != 1 else ''}"
    )
    bad = sum(n for s, n in ledger.by_status.items() if s not in ("undated", "coarse"))
    left_out = [
        f"{n} {label}"
        for n, label in ((undated, "undated"), (coarse, "dated by month only"),
                         (bad, "with an impossible, unrecognised or future date"))
        if n
    ]
    if left_out:
        summary += f"; left out: {', '.join(left_out)}"
    _info(reporter, summary)


def _info(reporter: Reporter, message: str) -> None:
    """A summary line on stderr (not a warning; hidden by --quiet)."""
    if not reporter.quiet:
        print(f"sahelcli: {message}", file=reporter.env.stderr, flush=True)


def _write(records: list[Record], fmt: str, env: Environment) -> None:
    if fmt == "table":
        from sahelcli.render.console import print_renderable

        print_renderable(load_view("trends").table(records), env)
        return
    writer = Writer(fmt, "trends", env)
    for record in records:
        writer.write(record)
    writer.close()

