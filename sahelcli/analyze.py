"""All stages on one record: what ``sahelcli analyze`` does, for Python users."""

from __future__ import annotations

from sahelcli.pipeline import Pipeline, Stage, tokenize_stage
from sahelcli.records import Record


def analyze_stages(
    lang: str | None = None,
    top: int = 10,
    sentences: int | None = 3,
    words: int | None = None,
    targets: list[str] | None = None,
    targets_file: str | None = None,
    stance_model: str | None = None,
    idf_file: str | None = None,
    force: bool = False,
) -> list[Stage]:
    """The four stages in order, built once (models and gazetteer loaded here)."""
    from sahelcli.keywords import keywords_stage, load_idf_model
    from sahelcli.stance import stance_stage
    from sahelcli.summarize import summarize_stage

    idf = load_idf_model(idf_file) if idf_file else None
    return [
        tokenize_stage(lang, force),
        keywords_stage(top, idf, force),
        stance_stage(targets, targets_file, stance_model, force, lang=lang),
        summarize_stage(sentences, words, force),
    ]


def analyze_record(record: Record, **options: object) -> Record:
    """Tokens, keywords, stance and summary for one record (raises ArticleError)."""
    outcome = Pipeline(analyze_stages(**options), keep_tokens=True).run(record)  # type: ignore[arg-type]
    if outcome.error is not None:
        raise outcome.error
    assert outcome.record is not None
    return outcome.record
