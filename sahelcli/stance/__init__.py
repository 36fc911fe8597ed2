"""Stance: how an article portrays each actor (favor / against / neutral), with evidence.

``stance_stage`` is the pipeline stage; ``stance_record`` the one-record call.
Without a model, the default cue tagger (``tagger.py``) needs no training;
with ``model_path`` a model trained by ``sahelcli train-stance`` decides the
labels and the tagger's sentences still serve as evidence.
"""

from __future__ import annotations

from typing import Any

from sahelcli.errors import ArticleError
from sahelcli.langid import detect_language
from sahelcli.pipeline import Stage, Warn
from sahelcli.records import Record
from sahelcli.stance.classifier import StanceModel, load_model, masked_context
from sahelcli.stance.gazetteer import Gazetteer, fold, load_gazetteer
from sahelcli.stance.tagger import TargetEvidence, quick_sentences, tag_article

__all__ = [
    "Gazetteer",
    "StanceModel",
    "fold",
    "load_gazetteer",
    "load_model",
    "stance_record",
    "stance_stage",
]


def stance_record(
    record: Record,
    gazetteer: Gazetteer | None = None,
    model: StanceModel | None = None,
    targets: list[str] | None = None,
    targets_file: str | None = None,
    lang: str | None = None,
) -> list[dict[str, Any]]:
    """Stance toward every actor the record mentions, or exactly its ``target`` field.

    ``lang`` is used when the record has none (default: detected; French if unclear)."""
    gaz = gazetteer or load_gazetteer(targets_file, tuple(targets or ()))
    text = record.get("text")
    if not isinstance(text, str):
        raise ArticleError(str(record.get("id")), "no text to analyse")
    wanted = None
    target = record.get("target")
    if target is not None:
        if not isinstance(target, str) or not target.strip():
            raise ArticleError(str(record.get("id")), "field 'target' must be a non-empty string")
        wanted = {gaz.resolve(target)}
    # Sentences from the tokenizer when the record has them (same spans as other stages);
    # otherwise a punctuation split: only sentences that mention a target are read, so a
    # full tokenization would cost more than the whole analysis.
    sentences = record.get("sentences") or quick_sentences(text)
    lang = record.get("lang") or lang or detect_language(text, sample_chars=2000) or "fr"
    title = record.get("title") if isinstance(record.get("title"), str) else None
    found = tag_article(text, sentences, title, lang, gaz, wanted)
    results = [ev.as_dict() for ev in found]
    if model is not None and found:
        _apply_model(model, found, results, text, title, gaz)
    return results


def _apply_model(
    model: StanceModel,
    found: list[TargetEvidence],
    results: list[dict[str, Any]],
    text: str,
    title: str | None,
    gaz: Gazetteer,
) -> None:
    """Replace labels and scores by the model's; keep mentions, pick evidence to match."""
    contexts = [masked_context(text, title, ev.target, gaz) for ev in found]
    proba = model.predict_proba(contexts)
    index = {c: i for i, c in enumerate(model.classes)}
    for ev, row, p in zip(found, results, proba, strict=True):
        label = model.classes[int(p.argmax())]
        score = float(p[index["favor"]] if "favor" in index else 0.0) - float(
            p[index["against"]] if "against" in index else 0.0
        )
        row["label"] = label
        row["score"] = round(score, 3)
        sign = {"favor": 1.0, "against": -1.0}.get(label, 0.0)
        ranked = sorted(ev.sentences, key=lambda item: -sign * item[0]) if sign else ev.sentences
        row["evidence"] = [s for _, s in ranked[:2]]


def stance_stage(
    targets: list[str] | None = None,
    targets_file: str | None = None,
    model_path: str | None = None,
    force: bool = False,
    lang: str | None = None,
) -> Stage:
    """The ``stance`` stage: adds ``record["stance"]``. Bad targets/model files fail here,
    before any article is read (UsageError)."""
    gaz = load_gazetteer(targets_file, tuple(targets or ()))
    model = load_model(model_path) if model_path else None

    def stage(record: Record, warn: Warn) -> None:
        if "stance" in record and not force:
            return
        record["stance"] = stance_record(record, gaz, model, lang=lang)

    return stage
