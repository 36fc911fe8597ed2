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
from sahelcli.langid import SUPPORTED, detect_language
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
    encoded: bytes | None = None  # the record already written as a JSON line (worker side)


@dataclass
class Pipeline:
    """Stages applied in order.

    ``keep_tokens`` keeps tokens the stages created; ``lang`` is the language of
    records that do not say theirs (``--lang``), else it is detected, so every
    command writes ``lang``.
    """

    stages: list[Stage]
    keep_tokens: bool = False
    lang: str | None = None

    def run(self, record: Record) -> Outcome:
        outcome = Outcome()
        had_tokens = "tokens" in record
        try:
            set_language(record, self.lang, outcome.warnings.append)
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


def set_language(record: Record, lang: str | None, warn: Warn) -> None:
    """Give ``record`` a ``lang``: its own, else ``lang``, else detected (None if unclear)."""
    if record.get("lang"):
        return
    text = record.get("text") or ""
    record["lang"] = lang or detect_language(text)
    if record["lang"] not in SUPPORTED and text.strip():
        found = f"'{record['lang']}'" if record["lang"] else "not recognised"
        warn(
            f"{record.get('id')}: language {found} (sahelcli knows French and English); "
            "analysed without language-specific rules"
        )


def tokenize_stage(lang: str | None = None, force: bool = False) -> Stage:
    """The ``tokenize`` stage: sentences and tokens (``lang`` when the record has none)."""

    def stage(record: Record, warn: Warn) -> None:
        if lang and not record.get("lang"):
            record["lang"] = lang
        if force:
            tokenize_record(record, lang=record.get("lang"), force=True)
        else:
            ensure_tokens(record)

    return stage
