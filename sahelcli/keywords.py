"""Keyphrases: candidate phrases, TF-IDF scoring, the background DF model.

Candidates follow the phrase shape of news keyphrases: runs of content words
(no stop word, number or punctuation) of 1-4 words, which in French may hold
de/du/des/d'/de la/de l' inside ("Alliance des États du Sahel"); a run is cut
where a lowercase word meets a capitalised one ("commentateur | Thierry
Roland"). Occurrences are merged on a key made of folded lemmas, so
"Russie"/"russie" and "jihadiste"/"jihadistes" are one candidate, shown in the
article's most frequent original form.

Score = TF (title occurrences weigh more) x smoothed IDF from a background
DF model x a prior for early first occurrence x a bonus for multiword phrases
and for spread; a word is dropped when nearly all its occurrences sit inside
a better-ranked phrase. Ties are broken by first occurrence, then by key.

Public API: ``keywords_stage``, ``extract_keywords``, ``candidate_phrases``
(also used by the trends command), ``build_idf_model``, ``load_idf_model``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from unidecode import unidecode

from sahelcli.idf import (
    DEFAULT_MIN_DF,
    DfCounter,
    IdfModel,
    flat_model,
    load_idf_model,
    save_idf_model,
)
from sahelcli.pipeline import Stage, Warn, ensure_tokens
from sahelcli.records import Record
from sahelcli.tokenize import stop_words, tokenize_text

__all__ = [
    "Candidate",
    "IdfModel",
    "build_idf_model",
    "candidate_phrases",
    "document_keys",
    "extract_keywords",
    "keywords_stage",
    "load_idf_model",
    "save_idf_model",
    "shipped_model",
]

DATA = Path(__file__).parent / "data"
MAX_WORDS = 4
#: Connectors allowed inside a phrase (never at its ends), per language.
_CONNECTORS = {"fr": frozenset({"de", "du", "des", "d'"}), "en": frozenset({"of"})}
#: Articles allowed right after a connector: "de la", "de l'".
_AFTER_CONNECTOR = {"fr": frozenset({"la", "l'"}), "en": frozenset({"the"})}
#: A stop-listed word is a real function word only when at least this share of
#: background documents holds it; rarer ones ("mine", "parole") are content.
STOP_MIN_DF_RATIO = 0.05

# Scoring weights (tuned on news keyphrases, kept round on purpose).
TITLE_WEIGHT = 3.0
POSITION_WEIGHT = 1.0
POSITION_SCALE = 0.1
LENGTH_BONUS = 0.0
#: A phrase seen once and never in the background is seldom a set phrase.
UNSEEN_PHRASE_WEIGHT = 0.5
SPREAD_BONUS = 0.5
SUBSUMED_SHARE = 0.67

# token kinds
_WORD, _LINK, _ARTICLE, _STOP = 1, 2, 3, 0


# --------------------------------------------------------------------------- models


@lru_cache(maxsize=8)
def shipped_model(lang: str | None) -> IdfModel | None:
    """The background model shipped for ``lang`` (None when there is none)."""
    if not lang:
        return None
    path = DATA / f"idf-{lang}.json.gz"
    if not path.exists():
        return None
    model = load_idf_model(path)
    model.source = f"shipped:{lang}"
    return model


@lru_cache(maxsize=8)
def function_words(lang: str) -> frozenset[str]:
    """Stop-listed words frequent enough in the background to be function words.

    stopwords-iso is aggressive (it lists "mine", "parole", "état"); the shipped
    background DF keeps only the words that really occur everywhere. Without a
    shipped model the full list is used.
    """
    words = stop_words(lang)
    model = shipped_model(lang)
    if model is None or model.documents == 0:
        return words
    floor = STOP_MIN_DF_RATIO * model.documents
    return frozenset(w for w in words if model.df.get(w, 0) >= floor or len(w) <= 2)


_FOLD: dict[str, str] = {}


def _fold(text: str) -> str:
    folded = _FOLD.get(text)
    if folded is None:
        folded = unidecode(text).lower()
        if len(_FOLD) < 500_000:
            _FOLD[text] = folded
    return folded


# --------------------------------------------------------------------------- candidates


@dataclass
class Candidate:
    """One candidate phrase of an article, all its occurrences merged by key."""

    key: str
    words: int
    count: int = 0  # occurrences in the body
    title_count: int = 0  # occurrences in the title
    first: int = 0  # index (in words, title first) of the first occurrence
    last: int = 0
    forms: Counter[str] = field(default_factory=Counter)

    @property
    def term(self) -> str:
        """The most frequent original form (ties: the earliest seen)."""
        best = max(self.forms.values())
        return next(f for f, n in self.forms.items() if n == best)


@dataclass
class _Seq:
    """The analysed tokens of one text (title or body)."""

    text: str
    starts: list[int]
    ends: list[int]
    keys: list[str]
    kinds: list[int]
    caps: list[bool]
    breaks: list[bool]  # a phrase cannot run from the previous token into this one


def _analyse(text: str, sentences: list[dict[str, int]], tokens: list[dict[str, Any]],
             lang: str) -> _Seq:
    stops = function_words(lang) if lang in _CONNECTORS else stop_words("fr")
    links = _CONNECTORS.get(lang, _CONNECTORS["fr"])
    articles = _AFTER_CONNECTOR.get(lang, _AFTER_CONNECTOR["fr"])
    sentence_starts = {s["start"] for s in sentences}
    seq = _Seq(text, [], [], [], [], [], [])
    prev_end = -1
    prev_kind = _STOP
    for tok in tokens:
        start, end, norm = tok["start"], tok["end"], tok["norm"]
        first_char = text[start]
        initial = start in sentence_starts
        if not norm[:1].isalpha() or not any(c.isalpha() for c in norm):
            kind = _STOP
        elif norm in links:
            kind = _LINK
        elif prev_kind == _LINK and norm in articles:
            kind = _ARTICLE
        elif norm in stops and not (first_char.isupper() and not initial and len(norm) > 2
                                    and prev_kind != _STOP):
            kind = _STOP
        elif len(norm) < 2 and not first_char.isupper():
            kind = _STOP
        elif lang == "fr" and not first_char.isupper() and _finite_verb(
            text[start:end].lower(), norm, tok["lemma"]
        ):
            kind = _STOP
        else:
            kind = _WORD
        gap = text[prev_end:start] if prev_end >= 0 else ""
        seq.starts.append(start)
        seq.ends.append(end)
        seq.keys.append(_fold(tok["lemma"]) if kind == _WORD else "de")
        seq.kinds.append(kind)
        seq.caps.append(first_char.isupper() and not initial)
        seq.breaks.append(initial or "\n" in gap)
        prev_end = end
        prev_kind = kind
    return seq


_VERB_LEMMA_ENDS = ("er", "ir", "re", "oir")
_PARTICIPLE_ENDS = ("é", "ée", "és", "ées", "i", "ie", "is", "ies", "u", "ue", "us", "ues")


def _finite_verb(lower: str, norm: str, lemma: str) -> bool:
    """A French conjugated verb or -ant form ("exige", "augmentera", "visant").

    Such words end noun phrases ("Frères musulmans | exige"); the lemmatiser
    prefers the noun for ambiguous forms ("attaque", "hausse"), and past
    participles stay ("papillons mutés").
    """
    if not lemma.endswith(_VERB_LEMMA_ENDS) or _fold(lemma) == norm:
        return False
    return not lower.endswith(_PARTICIPLE_ENDS)


def _chunks(seq: _Seq) -> Iterator[list[int]]:
    """Maximal runs of words (connectors inside), cut at lower -> Capital changes."""
    run: list[int] = []
    last_word_cap: bool | None = None
    kinds = seq.kinds
    for i, kind in enumerate(kinds):
        if kind == _STOP or seq.breaks[i] and run:
            if run:
                yield _trim(run, kinds)
            run = []
            last_word_cap = None
            if kind == _STOP:
                continue
        if kind == _WORD:
            cap = seq.caps[i]
            if last_word_cap is False and cap and run:
                yield _trim(run, kinds)
                run = []
            last_word_cap = cap
            run.append(i)
        elif run:
            run.append(i)
    if run:
        yield _trim(run, kinds)


def _trim(run: list[int], kinds: list[int]) -> list[int]:
    while run and kinds[run[-1]] != _WORD:
        run = run[:-1]
    return run


def _occurrences(seq: _Seq) -> Iterator[tuple[str, int, int, int]]:
    """(key, words, first token, last token) of every sub-phrase of every chunk."""
    kinds, keys = seq.kinds, seq.keys
    for run in _chunks(seq):
        words = [i for i in run if kinds[i] == _WORD]
        if len(words) == 1:
            i = words[0]
            yield keys[i], 1, i, i
            continue
        for a, i in enumerate(words):
            parts = [keys[i]]
            last_link = i
            for b in range(a, min(a + MAX_WORDS, len(words))):
                j = words[b]
                if b > a:
                    if j - last_link > 1:
                        parts.append("de")
                    parts.append(keys[j])
                last_link = j
                yield " ".join(parts), b - a + 1, i, j


def _texts(record: Record) -> list[tuple[_Seq, bool]]:
    """The analysed title (when there is one) and body of a record."""
    ensure_tokens(record)
    lang = record.get("lang") or "fr"
    out = []
    title = record.get("title")
    if isinstance(title, str) and title.strip():
        _, t_sent, t_tok = tokenize_text(title, lang)
        out.append((_analyse(title, t_sent, t_tok, lang), True))
    body = record.get("text") or ""
    out.append((_analyse(body, record["sentences"], record["tokens"], lang), False))
    return out


def candidate_phrases(record: Record) -> list[Candidate]:
    """Every candidate phrase of ``record`` (title and body), in first-seen order.

    Public for other stages (trends): each ``Candidate`` has its merge ``key``,
    its display ``term``, counts in body and title and word positions.
    """
    found: dict[str, Candidate] = {}
    offset = 0
    for seq, is_title in _texts(record):
        for key, words, i, j in _occurrences(seq):
            cand = found.get(key)
            if cand is None:
                cand = found[key] = Candidate(key, words, first=offset + i)
            if is_title:
                cand.title_count += 1
            else:
                cand.count += 1
            cand.last = offset + j
            cand.forms[" ".join(seq.text[seq.starts[i] : seq.ends[j]].split())] += 1
        offset += len(seq.kinds)
    return list(found.values())


def document_keys(record: Record) -> set[str]:
    """The keys a DF model counts for one document: every word and candidate phrase."""
    keys: set[str] = set()
    for seq, _ in _texts(record):
        keys.update(k for k, kind in zip(seq.keys, seq.kinds, strict=True) if kind == _WORD)
        keys.update(key for key, words, _, _ in _occurrences(seq) if words > 1)
    tokens = record.get("tokens") or []
    keys.update(t["norm"] for t in tokens if t["stop"])
    return keys


# --------------------------------------------------------------------------- scoring


def _phrase_idf(cand: Candidate, model: IdfModel) -> float:
    df = model.df.get(cand.key)
    if df is None and cand.words > 1 and model.documents:
        # a phrase too rare to be kept: no more frequent than its rarest word
        word_dfs = [model.df.get(w, 0) for w in cand.key.split() if w != "de"]
        df = min([max(model.min_df - 1, 0), *word_dfs])
    return model.idf_of_df(df or 0)


def _score(cand: Candidate, model: IdfModel, n_words: int) -> float:
    tf = cand.count + TITLE_WEIGHT * cand.title_count
    position = 1.0 + POSITION_WEIGHT / (1.0 + cand.first / max(POSITION_SCALE * n_words, 1.0))
    length = 1.0 + LENGTH_BONUS * (cand.words - 1)
    if cand.words > 1 and cand.count + cand.title_count < 2 and cand.key not in model.df:
        length *= UNSEEN_PHRASE_WEIGHT
    spread = 1.0 + SPREAD_BONUS * (cand.last - cand.first) / max(n_words, 1)
    return tf * _phrase_idf(cand, model) * position * length * spread


def _contains(longer: str, shorter: str) -> bool:
    return f" {shorter} " in f" {longer} "


def rank_candidates(
    cands: list[Candidate], model: IdfModel, n_words: int, top: int
) -> list[tuple[Candidate, float]]:
    """Best ``top`` candidates with their scores, near-duplicates removed."""
    scored = sorted(
        ((c, _score(c, model, n_words)) for c in cands),
        key=lambda cs: (-cs[1], cs[0].first, cs[0].key),
    )
    chosen: list[tuple[Candidate, float]] = []
    for cand, score in scored:
        if len(chosen) >= top:
            break
        if _redundant(cand, chosen):
            continue
        chosen.append((cand, score))
    return chosen


def _redundant(cand: Candidate, chosen: list[tuple[Candidate, float]]) -> bool:
    total = cand.count + cand.title_count
    for other, _ in chosen:
        if other.words > cand.words and _contains(other.key, cand.key):
            if other.count + other.title_count >= SUBSUMED_SHARE * total:
                return True
        elif other.words < cand.words and _contains(cand.key, other.key):
            if total >= SUBSUMED_SHARE * (other.count + other.title_count):
                return False
    return False


def _model_for(record: Record, model: IdfModel | None) -> IdfModel:
    if model is not None:
        return model
    return shipped_model(record.get("lang")) or flat_model(record.get("lang"))


def ranked_candidates(
    record: Record, top: int = 10, model: IdfModel | None = None
) -> list[tuple[Candidate, float]]:
    """The best ``top`` candidates of one record with their scores, best first."""
    cands = candidate_phrases(record)
    if not cands:
        return []
    n_words = sum(1 for t in record.get("tokens") or [] if t["norm"][:1].isalnum()) + 10
    return rank_candidates(cands, _model_for(record, model), n_words, top)


def extract_keywords(
    record: Record, top: int = 10, model: IdfModel | None = None
) -> list[dict[str, Any]]:
    """Ranked keyphrases ``[{"term", "score"}]`` of one record, best first."""
    ranked = ranked_candidates(record, top, model)
    return [{"term": c.term, "score": round(s, 4)} for c, s in ranked]


def keywords_stage(
    top: int = 10,
    idf: IdfModel | None = None,
    force: bool = False,
    *,
    on_ranked: Callable[[Record, list[tuple[Candidate, float]]], None] | None = None,
) -> Stage:
    """The ``keywords`` stage: adds ``record["keywords"]`` (skipped when present).

    ``idf`` None means the background model shipped for each record's language.
    ``on_ranked`` sees each record's ranked candidates (keys included): the
    ``--overall`` view sums them across articles.
    """
    warned: set[str] = set()

    def stage(record: Record, warn: Warn) -> None:
        if "keywords" in record and not force:
            return
        ensure_tokens(record)
        lang = record.get("lang")
        if idf is None and shipped_model(lang) is None and lang not in warned:
            warned.add(lang or "")
            warn(f"{record['id']}: no background IDF model for language {lang or 'unknown'}; "
                 "ranking by frequency and position only (use --idf FILE or --idf corpus)")
        ranked = ranked_candidates(record, top, idf)
        record["keywords"] = [{"term": c.term, "score": round(s, 4)} for c, s in ranked]
        if on_ranked is not None:
            on_ranked(record, ranked)
        if not record["keywords"]:
            warn(f"{record['id']}: no keyword candidate (empty text, only numbers or stop words)")

    return stage


# --------------------------------------------------------------------------- building models


def build_idf_model(
    records: Iterable[Record],
    min_df: int = DEFAULT_MIN_DF,
    on_record: Callable[[Record], None] | None = None,
) -> IdfModel:
    """Count document frequencies over ``records``, one at a time (streaming)."""
    counter = DfCounter()
    for record in records:
        counter.add(document_keys(record), record.get("lang"))
        if on_record is not None:
            on_record(record)
        # tokens made only for counting are not kept: memory stays flat
        record.pop("tokens", None)
        record.pop("sentences", None)
    return counter.model(min_df, meta={"keys": "folded lemmas; phrases of 2-4 words"})


def document_frequency_ratio(model: IdfModel, key: str) -> float:
    """Share of the model's documents holding ``key`` (0 for a flat model)."""
    return model.df.get(key, 0) / model.documents if model.documents else 0.0


def idf_weight(model: IdfModel, key: str) -> float:
    """Exposed for reports: the IDF of a key under ``model``."""
    return model.idf(key) if model.documents else 1.0
