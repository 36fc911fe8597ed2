"""Run stages over a stream of records, one record at a time.

A stage is a callable ``stage(record, warn) -> None`` that adds its own field
to the record (and skips the work when the field is already there). Stages
that need tokens call ``ensure_tokens``; the pipeline drops tokens it made
only for its own use unless the command asked for them, so ``sahelcli
keywords a.txt`` writes keywords, not every token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sahelcli.errors import ArticleError, InputError, SahelError
from sahelcli.records import Record
from sahelcli.tokenize import tokenize_record

Warn = Callable[[str], None]
Stage = Callable[[Record, Warn], None]


def ensure_tokens(record: Record) -> Record:
    """Make sure ``record`` has ``lang``, ``sentences`` and ``tokens``."""
    if "tokens" not in record or "sentences" not in record:
        tokenize_record(record)
    return record


@dataclass
class Outcome:
    """What processing one input item gave: a record or an error, and warnings."""

    record: Record | None = None
    error: SahelError | None = None
    warnings: list[str] = field(default_factory=list)
    encoded: str | None = None  # the record already written as a JSON line (worker side)


@dataclass
class Pipeline:
    """Stages applied in order; ``keep_tokens`` keeps tokens the stages created."""

    stages: list[Stage]
    keep_tokens: bool = False

    def run(self, record: Record) -> Outcome:
        outcome = Outcome()
        had_tokens = "tokens" in record
        try:
            for stage in self.stages:
                stage(record, outcome.warnings.append)
        except ArticleError as exc:
            outcome.error = exc
            return outcome
        except Exception as exc:  # a bug must not end a batch of thousands of articles
            name = record.get("id", "?")
            outcome.error = ArticleError(
                str(name), f"internal error, please report it: {type(exc).__name__}: {exc}"
            )
            return outcome
        if not self.keep_tokens and not had_tokens:
            record.pop("tokens", None)
            record.pop("sentences", None)
        outcome.record = record
        return outcome

    def process(self, items: Iterable[Record | InputError]) -> Iterator[Outcome]:
        """Records in, outcomes out, in input order."""
        for item in items:
            if isinstance(item, InputError):
                yield Outcome(error=item)
            else:
                yield self.run(item)


def tokenize_stage(lang: str | None = None, force: bool = False) -> Stage:
    """The ``tokenize`` stage: lang, sentences, tokens."""

    def stage(record: Record, warn: Warn) -> None:
        if force:
            tokenize_record(record, lang=lang, force=True)
        else:
            if lang and not record.get("lang"):
                record["lang"] = lang
            ensure_tokens(record)
        if record.get("lang") is None and (record.get("text") or "").strip():
            warn(
                f"{record['id']}: language not recognised (not French or English); "
                "analysed as unknown"
            )

    return stage
