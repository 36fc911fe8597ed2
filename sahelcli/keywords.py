"""Keyphrases: candidate phrases, TF-IDF scoring, the background DF model.

Candidates follow the phrase shape of news keyphrases: runs of content words
(no stop word, number, punctuation or, in French, conjugated verb) of 1-4
words, which in French may hold de/du/des/d'/de la/de l' inside ("Alliance
des États du Sahel"); a run is cut where a lowercase word meets a capitalised
one ("commentateur | Thierry Roland"). A capitalised stop-listed word inside
a name counts as a word ("coup d'État"). Occurrences are merged on a key of
folded lemmas, so "Russie"/"russie" and "jihadiste"/"jihadistes" are one
candidate, shown in the article's most frequent original form.

Score = TF (title occurrences weigh more) x smoothed IDF from a background
DF model (phrases have their own DF) x a prior for early first occurrence x
a bonus for spread (first to last occurrence); a phrase seen once and never
in the background weighs less, and of a phrase and a part of it, the part
goes when two thirds of its occurrences sit inside the phrase. Ties are broken by
first occurrence, then by key.

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

# Scoring weights (tuned on news keyphrases, kept round on purpose).
TITLE_WEIGHT = 3.0
POSITION_WEIGHT = 1.0
POSITION_SCALE = 0.1
#: Extra weight per word beyond the first. Zero: a phrase already gets its own,
#: higher IDF from the background, and any bonus on top let long phrases crowd
#: out the single words most news keyphrases are.
LENGTH_BONUS = 0.0
#: A phrase seen once and never in the background is seldom a set phrase.
UNSEEN_PHRASE_WEIGHT = 0.5
SPREAD_BONUS = 0.5
#: A phrase is dropped when this share of it sits inside a better longer phrase.
SUBSUMED_SHARE = (2, 3)

# token kinds
_WORD, _LINK, _ARTICLE, _STOP = 1, 2, 3, 0


# --------------------------------------------------------------------------- models


@lru_cache(maxsize=8)
def shipped_model(lang: str | None) -> IdfModel | None:
    """The background model shipped for ``lang`` (None when there is none)."""
    if not lang or not (lang.isascii() and lang.isalpha() and len(lang) <= 3):
        return None  # "lang" comes from input records: never a path
    path = DATA / f"idf-{lang.lower()}.json.gz"
    if not path.exists():
        return None
    model = load_idf_model(path)
    model.source = f"shipped:{lang}"
    return model


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
    first: int = 0  # token index (title tokens first) of the first occurrence
    last: int = 0
    forms: Counter[str] = field(default_factory=Counter)

    @property
    def term(self) -> str:
        """The most frequent original form (ties: the earliest seen)."""
        best = max(self.forms.values())
        return next(f for f, n in self.forms.items() if n == best)


@dataclass
class _Seq:
    """One analysed text (title or body): its phrase runs and word keys."""

    text: str
    tokens: list[dict[str, Any]]
    keys: dict[int, str]  # token index -> key, for words
    runs: list[list[int]]  # word token indices of each run; connectors lie in the gaps
    size: int  # number of tokens


#: Titles before a name ("Dr Nair", "M. Traoré") are not part of a keyphrase.
_HONORIFICS = frozenset("m mm mme mmes mlle dr pr mgr mr mrs ms".split())

# word classes, fixed for a surface form (context decides the rest)
_C_NONWORD, _C_LINK, _C_ARTICLE, _C_STOPWORD, _C_WORD = 0, 1, 2, 3, 4
_CLASS_CACHE: dict[tuple[str, str, str], tuple[int, str, bool]] = {}


def _word_class(surface: str, lemma: str, lang: str) -> tuple[int, str, bool]:
    """(class, key, capitalised) of a token form; cached, news repeats its words."""
    cache_key = (surface, lemma, lang)
    found = _CLASS_CACHE.get(cache_key)
    if found is not None:
        return found
    norm = _fold(surface)
    upper = surface[:1].isupper()
    if not norm[:1].isalpha():
        cls = _C_NONWORD
    elif norm in _CONNECTORS.get(lang, _CONNECTORS["fr"]):
        cls = _C_LINK
    elif norm in _AFTER_CONNECTOR.get(lang, _AFTER_CONNECTOR["fr"]):
        cls = _C_ARTICLE
    elif norm in stop_words(lang if lang in _CONNECTORS else "fr"):
        cls = _C_STOPWORD if upper and len(norm) > 2 else _C_NONWORD
    elif len(norm) < 2 and not upper or norm.rstrip(".") in _HONORIFICS:
        cls = _C_NONWORD
    elif lang == "fr" and not upper and _finite_verb(surface.lower(), norm, lemma):
        cls = _C_NONWORD
    else:
        cls = _C_WORD
    found = (cls, _fold(lemma), upper)
    if len(_CLASS_CACHE) < 300_000:
        _CLASS_CACHE[cache_key] = found
    return found


def _analyse(text: str, sentences: list[dict[str, int]], tokens: list[dict[str, Any]],
             lang: str) -> _Seq:
    """Classify tokens in context and cut the runs phrases are taken from.

    A run is a maximal sequence of words with connectors between them; it is
    cut at stop words, punctuation, numbers, sentence starts, line breaks and
    where a lowercase word meets a capitalised one ("commentateur | Thierry").
    """
    sentence_starts = {s["start"] for s in sentences}
    keys: dict[int, str] = {}
    runs: list[list[int]] = []
    run: list[int] = []
    last_cap: bool | None = None  # capitalisation of the run's last word
    prev_end = 0
    prev_kind = _STOP
    count = text.count
    cache = _CLASS_CACHE
    for idx, tok in enumerate(tokens):
        start = tok["start"]
        end = tok["end"]
        surface = text[start:end]
        lemma = tok["lemma"]
        found = cache.get((surface, lemma, lang))
        cls, key, upper = found if found else _word_class(surface, lemma, lang)
        initial = start in sentence_starts
        if cls == _C_WORD:
            kind = _WORD
        elif cls == _C_LINK:
            kind = _LINK
        elif cls == _C_ARTICLE:
            kind = _ARTICLE if prev_kind == _LINK else _STOP
        elif cls == _C_STOPWORD:
            # a capitalised stop-listed word inside a name: "coup d'État", "la Mine"
            kind = _WORD if not initial and prev_kind != _STOP else _STOP
        else:
            kind = _STOP
        if run and (kind == _STOP or initial or count("\n", prev_end, start)):
            runs.append(run)
            run = []
        prev_end = end
        prev_kind = kind
        if kind == _WORD:
            cap = upper and not initial
            if cap and last_cap is False and run:
                runs.append(run)
                run = []
            last_cap = cap
            keys[idx] = key
            run.append(idx)
    if run:
        runs.append(run)
    return _Seq(text, tokens, keys, runs, len(tokens))


_VERB_LEMMA_ENDS = ("er", "ir", "re", "oir")
_PARTICIPLE_ENDS = ("é", "ée", "és", "ées", "i", "ie", "is", "ies", "u", "ue", "us", "ues")


def _finite_verb(lower: str, norm: str, lemma: str) -> bool:
    """A French conjugated verb or -ant form ("exige", "augmentera", "visant").

    Such words end noun phrases ("Frères musulmans | exige"); the lemmatiser
    prefers the noun for ambiguous forms ("attaque", "hausse"), and past
    participles stay ("papillons mutés").
    """
    if not lemma.endswith(_VERB_LEMMA_ENDS):
        return False
    base = _fold(lemma)
    if norm == base or norm[len(base):] in ("s", "x", "e", "es") and norm.startswith(base):
        return False  # "ministres", "pouvoirs", "étrangère", "premiers": nouns, adjectives
    return not lower.endswith(_PARTICIPLE_ENDS)


def _occurrences(seq: _Seq) -> Iterator[tuple[str, int, int, int]]:
    """(key, words, first token, last token) of every sub-phrase of every run."""
    keys = seq.keys
    for run in seq.runs:
        n = len(run)
        for a in range(n):
            i = prev = run[a]
            key = keys[i]
            yield key, 1, i, i
            for b in range(a + 1, min(a + MAX_WORDS, n)):
                j = run[b]
                key = f"{key} de {keys[j]}" if j - prev > 1 else f"{key} {keys[j]}"
                prev = j
                yield key, b - a + 1, i, j


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
    _merge_plurals([seq for seq, _ in out])
    return out


def _merge_plurals(seqs: list[_Seq]) -> None:
    """Map "jihadistes" to "jihadiste" when the article has both forms.

    The lemmatiser leaves words it does not know as they are; a final -s/-x
    with the bare form present in the same article is a plural.
    """
    words = {key for seq in seqs for key in seq.keys.values()}
    remap = {w: w[:-1] for w in words if len(w) > 3 and w[-1] in "sx" and w[:-1] in words}
    if remap:
        for seq in seqs:
            keys = seq.keys
            for idx, key in keys.items():
                if key in remap:
                    keys[idx] = remap[key]


# per key: [words, body count, title count, first, last, occurrences]
_Stats = dict[str, list[Any]]


def _collect(seqs: list[tuple[_Seq, bool]]) -> _Stats:
    """Merge every occurrence by key; positions count tokens, title first."""
    found: _Stats = {}
    offset = 0
    for n, (seq, is_title) in enumerate(seqs):
        slot = 2 if is_title else 1
        keys = seq.keys
        for run in seq.runs:  # _occurrences, inlined: this loop is the hot path
            size = len(run)
            for a in range(size):
                i = prev = run[a]
                key = keys[i]
                for b in range(a, min(a + MAX_WORDS, size)):
                    if b > a:
                        j = run[b]
                        key = f"{key} de {keys[j]}" if j - prev > 1 else f"{key} {keys[j]}"
                        prev = j
                    st = found.get(key)
                    if st is None:
                        st = found[key] = [b - a + 1, 0, 0, offset + i, 0, []]
                    st[slot] += 1
                    st[4] = offset + prev
                    st[5].append((n, i, prev))
        offset += seq.size
    return found


def _candidate(key: str, st: list[Any], seqs: list[tuple[_Seq, bool]]) -> Candidate:
    forms: Counter[str] = Counter()
    for n, i, j in st[5]:
        seq = seqs[n][0]
        forms[" ".join(seq.text[seq.tokens[i]["start"] : seq.tokens[j]["end"]].split())] += 1
    return Candidate(key, st[0], st[1], st[2], st[3], st[4], forms)


def candidate_phrases(record: Record) -> list[Candidate]:
    """Every candidate phrase of ``record`` (title and body), in first-seen order.

    Public for other stages (trends): each ``Candidate`` has its merge ``key``
    (folded lemmas, connectors as "de"), its display ``term`` (most frequent
    original form), its counts in body and title, and the token positions of
    its first and last occurrence (title tokens first).
    """
    seqs = _texts(record)
    return [_candidate(key, st, seqs) for key, st in _collect(seqs).items()]


def document_keys(record: Record) -> set[str]:
    """The keys a DF model counts for one document: every word and candidate phrase."""
    keys: set[str] = set()
    for seq, _ in _texts(record):
        keys.update(seq.keys.values())
        keys.update(key for key, words, _, _ in _occurrences(seq) if words > 1)
    return keys


# --------------------------------------------------------------------------- scoring


def _phrase_idf(key: str, words: int, model: IdfModel) -> float:
    """IDF of a key; a phrase missing from the model is as rare as its rarest word,
    at most ``min_df - 1`` documents (it was pruned). Memoised on the model."""
    memo = model.memo
    idf = memo.get(key)
    if idf is None:
        df = model.df.get(key)
        if df is None and words > 1 and model.documents:
            word_dfs = [model.df.get(w, 0) for w in key.split() if w != "de"]
            df = min([max(model.min_df - 1, 0), *word_dfs])
        idf = model.idf_of_df(df or 0)
        if len(memo) < 1_000_000:
            memo[key] = idf
    return idf


def _score(key: str, st: list[Any], model: IdfModel, n_tokens: int) -> float:
    """TF x IDF x early-position prior x length x spread."""
    words, count, title_count, first, last = st[0], st[1], st[2], st[3], st[4]
    tf = count + TITLE_WEIGHT * title_count
    position = 1.0 + POSITION_WEIGHT / (1.0 + first / max(POSITION_SCALE * n_tokens, 1.0))
    length = 1.0 + LENGTH_BONUS * (words - 1)
    if words > 1 and count + title_count < 2 and key not in model.df:
        length *= UNSEEN_PHRASE_WEIGHT
    spread = 1.0 + SPREAD_BONUS * (last - first) / n_tokens
    return tf * _phrase_idf(key, words, model) * position * length * spread


def _contains(longer: str, shorter: str) -> bool:
    return f" {shorter} " in f" {longer} "


def _rank(
    seqs: list[tuple[_Seq, bool]], model: IdfModel, top: int
) -> list[tuple[Candidate, float]]:
    """Best ``top`` candidates with their scores, near-duplicates removed."""
    stats = _collect(seqs)
    n_tokens = max(sum(seq.size for seq, _ in seqs), 1)
    # negated scores: one ascending sort gives best first, then first seen, then key
    scored = sorted([(-_score(key, st, model, n_tokens), st[3], key) for key, st in stats.items()])
    chosen: list[tuple[str, list[Any], float]] = []
    for neg_score, _, key in scored:
        if len(chosen) >= top:
            break
        st = stats[key]
        if _redundant(key, st, chosen):
            continue
        # a better-ranked part of this phrase ("Gilles" of "Gilles Jacquier") goes
        chosen = [c for c in chosen if not _redundant(c[0], c[1], [(key, st, 0.0)])]
        chosen.append((key, st, -neg_score))
    return [(_candidate(key, st, seqs), score) for key, st, score in chosen]


def _redundant(key: str, st: list[Any], chosen: list[tuple[str, list[Any], float]]) -> bool:
    """A phrase mostly seen inside a better-ranked longer phrase adds nothing."""
    total = st[1] + st[2]
    share = SUBSUMED_SHARE
    for other, ost, _ in chosen:
        inside = ost[1] + ost[2]
        if ost[0] > st[0] and inside * share[1] >= total * share[0] and _contains(other, key):
            return True
    return False


def _model_for(record: Record, model: IdfModel | None) -> IdfModel:
    if model is not None:
        return model
    return shipped_model(record.get("lang")) or flat_model(record.get("lang"))


def ranked_candidates(
    record: Record, top: int = 10, model: IdfModel | None = None
) -> list[tuple[Candidate, float]]:
    """The best ``top`` candidates of one record with their scores, best first."""
    return _rank(_texts(record), _model_for(record, model), top)


def extract_keywords(
    record: Record, top: int = 10, model: IdfModel | None = None
) -> list[dict[str, Any]]:
    """Ranked keyphrases ``[{"term", "score"}]`` of one record, best first.

    ``model`` None means the background model shipped for the record's
    language (a flat IDF when there is none). Like every stage, this adds
    ``lang``, ``sentences`` and ``tokens`` to the record when they are missing.
    Scores are relative: comparable within an article, not across models.
    """
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
        ranked = ranked_candidates(record, top, idf)
        record["keywords"] = [{"term": c.term, "score": round(s, 4)} for c, s in ranked]
        if on_ranked is not None:
            on_ranked(record, ranked)
        lang = record.get("lang")
        if not ranked:
            warn(f"{record['id']}: no keyword candidate (empty text, only numbers or stop words)")
        elif idf is None and shipped_model(lang) is None and (lang or "") not in warned:
            warned.add(lang or "")
            warn(f"{record['id']}: no background IDF model for language {lang or 'unknown'}; "
                 "ranking by frequency and position only (use --idf FILE or --idf corpus)")

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
