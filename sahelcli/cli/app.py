"""The Typer app, the options every command shares, and the run loop.

Commands live one per module beside this one; they parse their options,
build a ``Pipeline`` from library stages and hand it to ``run_records``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Annotated, Optional

import typer

from sahelcli import __version__
from sahelcli.env import Environment, ExitStatus, Reporter
from sahelcli.errors import UsageError
from sahelcli.io import read_inputs
from sahelcli.parallel import default_jobs, process
from sahelcli.pipeline import Outcome, Pipeline
from sahelcli.records import dump_line
from sahelcli.render import Writer, choose_format
from sahelcli.render.progress import Progress

app = typer.Typer(
    name="sahelcli",
    help="Analyse French-language (and English) news about the Sahel: tokens, keywords, "
    "stance and summaries, one JSON record per article.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    text = "text"


# Shared option declarations (sqlite-utils style: every command the same options).
Inputs = Annotated[
    Optional[list[str]],  # noqa: UP045 - Typer needs Optional on 3.10
    typer.Argument(
        help="Article files, folders (walked recursively: *.txt, *.jsonl) or - for stdin. "
        "None and a pipe: stdin.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    Optional[OutputFormat],  # noqa: UP045
    typer.Option(
        "--format", "-f", help="Output format. Default: table on a terminal, jsonl when piped."
    ),
]
LangOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--lang", help="Language of the articles (fr, en); default: detected."),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Recompute fields already present in input records.")
]
JobsOpt = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: 1; all cores for folders)."
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Hide warnings (errors still show).")]


def version_callback(value: bool) -> None:
    if value:
        print(f"sahelcli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """sahelcli: one JSON record per article, enriched stage by stage."""


def resolve_inputs(inputs: list[str] | None, env: Environment) -> list[str]:
    """No INPUT and a piped stdin means stdin; no INPUT on a terminal is a usage error."""
    if inputs:
        return inputs
    if env.stdin is None or env.stdin_isatty:
        raise UsageError("no input: give files, folders or - (or pipe articles on stdin)")
    return ["-"]


def reported(outcomes: Iterable[Outcome], reporter: Reporter) -> Iterator[Outcome]:
    """Report each outcome's warnings and error on stderr; yield the successful ones."""
    for outcome in outcomes:
        for warning in outcome.warnings:
            reporter.warn(warning)
        if outcome.error is not None:
            reporter.error(str(outcome.error))
        else:
            yield outcome


def run_records(
    inputs: list[str] | None,
    pipeline: Pipeline,
    view: str,
    fmt: OutputFormat | None,
    *,
    quiet: bool = False,
    excel: bool = False,
    jobs: int | None = None,
    env: Environment | None = None,
) -> ExitStatus:
    """Read, process and write every input; report bad ones; return the exit status."""
    env = env or Environment.from_sys()
    reporter = Reporter(env, quiet=quiet)
    paths = resolve_inputs(inputs, env)
    writer = Writer(choose_format(fmt.value if fmt else None, env), view, env, excel=excel)
    encode = dump_line if writer.fmt == "jsonl" else None
    items = read_inputs(paths, env.stdin, reporter.warn)
    workers = jobs if jobs is not None else default_jobs(paths)
    with Progress(env, enabled=not quiet and not env.stdout_isatty) as progress:
        reporter.sink = progress.print_line
        for outcome in reported(process(pipeline, items, workers, encode=encode), reporter):
            if outcome.encoded is not None:
                writer.write_line(outcome.encoded)
            elif outcome.record is not None:
                writer.write(outcome.record)
            progress.advance()
    writer.close()
    return reporter.status
