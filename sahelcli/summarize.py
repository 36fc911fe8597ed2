"""Extractive summaries: pick the few sentences that best say what an article says.

Three small linear models, learnt on the OrangeSum dev half (French news with
their lead paragraph; see ``benchmarks/train_summarize.py``) and shipped as
JSON in ``data/summarize-model.json``:

1. a *word* model: how likely each content lemma of the article is to appear
   in a lead paragraph (frequency, spread, first position, capitalisation);
2. a *sentence* model: how much of a lead paragraph one sentence is likely to
   share (position, length, centrality, keyword overlap, quotes, ...);
3. a *set* model per summary size: which combination of the best candidate
   sentences makes the best summary. It weighs the covered words (each counted
   once, so repeating the same fact earns nothing), the total length, and the
   redundancy between the chosen sentences.

Every feature is language-neutral (lemmas and stop words come from the
tokenizer), so English articles work the same way. Headings, captions, photo
credits and three-word fragments are never picked when real sentences exist.
Results are deterministic: ties go to the earlier sentence.

Public API: ``summarize_stage`` and ``summarize_record``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any

from sahelcli.errors import ArticleError
from sahelcli.pipeline import Stage, Warn, ensure_tokens
from sahelcli.records import Record

__all__ = ["MODEL_FILE", "Analysis", "analyse", "summarize_record", "summarize_stage"]

MODEL_FILE = Path(__file__).parent / "data" / "summarize-model.json"

#: Sentence features, in the order the model file lists them.
SENTENCE_FEATURES = (
    "inv", "first", "loglen", "short", "quote", "fp",
    "cosrest", "kw", "sumbasic", "bigr", "deg", "ne",
)  # fmt: skip
WORD_FEATURES = ("logtf", "spread", "invfirst", "relfirst", "infirst", "cap", "len", "once", "logn")
SET_BASE = ("sumh", "sump", "maxp", "len", "len2", "loglen", "red", "cov", "covrate", "ncov")

#: Candidates kept for the exhaustive search over combinations.
CANDIDATES = 9
#: Sentences with fewer words are fragments ("Consternant... mais vrai."), not summaries.
MIN_WORDS = 4
#: A sentence without final punctuation and at most this many words is a heading or caption.
HEADING_WORDS = 15
#: Word budget per requested sentence when the text has no sentence punctuation at all.
UNPUNCTUATED_WORDS = 30

_FINAL = ".!?…"
_CLOSERS = "\"'»”’)]*"
_QUOTES = frozenset('"«»“”')
_FIRST_PERSON = frozenset("je j' nous me m' moi mon ma mes notre nos i we me my our us".split())
_CAPTION = re.compile(
    r"""(?ix)
    ^\W*(?:photo|photos|crédit|credit|crédits|credits|illustration|image|images|vidéo|video
        |capture\s+d['’]écran|légende|caption|source|sources)\b
    | ©
    | \b(?:afp|reuters|getty(?:\s+images)?|ap|istock|shutterstock|epa|maxppp|abaca|sipa)
      \s*(?:photo|images)?\W*$
    """
)


# --------------------------------------------------------------------------- model


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> dict[str, Any]:
    """The shipped weights (or a file written by the training script)."""
    with open(path or MODEL_FILE, encoding="utf-8") as handle:
        model: dict[str, Any] = json.load(handle)
    return model


def _linear(values: list[float], part: dict[str, Any]) -> float:
    """Standardise then weigh: ``bias + sum(w * (x - mean) / scale)``."""
    total = float(part["bias"])
    for x, mean, scale, weight in zip(
        values, part["mean"], part["scale"], part["weights"], strict=True
    ):
        total += weight * (x - mean) / scale
    return total


# --------------------------------------------------------------------------- analysis


@dataclass
class Analysis:
    """What the selection needs to know about one article's sentences."""

    n: int
    words: list[int]  # whitespace words (for --words budgets)
    length: list[int]  # word tokens (the length the models learnt)
    content: list[list[str]]  # content lemmas per sentence
    eligible: list[int]  # sentences that may be picked
    features: dict[int, list[float]] = field(default_factory=dict)  # eligible -> raw features
    sims: list[list[float]] = field(default_factory=list)
    word_rows: dict[str, list[float]] = field(default_factory=dict)
    word_prob: dict[str, float] = field(default_factory=dict)
    punctuated: bool = True


def _sentence_tokens(record: Record) -> list[list[dict[str, Any]]]:
    """The tokens of each sentence (one pass: both lists are in text order)."""
    tokens = record.get("tokens") or []
    out: list[list[dict[str, Any]]] = []
    j = 0
    for span in record.get("sentences") or []:
        start, end = span["start"], span["end"]
        while j < len(tokens) and tokens[j]["start"] < start:
            j += 1
        k = j
        while k < len(tokens) and tokens[k]["start"] < end:
            k += 1
        out.append(tokens[j:k])
        j = k
    return out


def _is_heading(text: str, n_words: int) -> bool:
    """Short lines without final punctuation (headings, captions) and photo credits."""
    stripped = text.rstrip().rstrip(_CLOSERS).rstrip()
    if not stripped:
        return True
    if n_words <= HEADING_WORDS and stripped[-1] not in _FINAL:
        return True
    return n_words <= 20 and _CAPTION.search(text) is not None


def analyse(record: Record, with_model: bool = True) -> Analysis:
    """Features of every sentence of a tokenised record (see the module docstring)."""
    text = record.get("text") or ""
    spans = record.get("sentences") or []
    per_sentence = _sentence_tokens(record)
    n = len(spans)
    sentence_texts = [text[s["start"] : s["end"]] for s in spans]
    wordtoks = [[t for t in toks if _is_word(t["norm"])] for toks in per_sentence]
    content = [
        [t["lemma"].lower() for t in toks if not t["stop"] and len(t["norm"]) > 1
         and any(c.isalpha() for c in t["norm"])]
        for toks in wordtoks
    ]  # fmt: skip
    words = [len(s.split()) for s in sentence_texts]
    length = [len(w) for w in wordtoks]
    flags = [_is_heading(sentence_texts[i], words[i]) for i in range(n)]
    punctuated = not all(flags)
    eligible = [i for i in range(n) if not flags[i] and length[i] >= MIN_WORDS]
    if not eligible:
        eligible = [i for i in range(n) if not flags[i] and length[i] > 0]
    if not eligible:  # a list or a transcript: every line is a candidate
        eligible = [i for i in range(n) if length[i] > 0]
    analysis = Analysis(n, words, length, content, eligible, punctuated=punctuated)
    _centrality(analysis, text, per_sentence, wordtoks)
    analysis.word_rows = _word_rows(content, text, wordtoks)
    if with_model:
        analysis.word_prob = word_probabilities(analysis.word_rows)
    return analysis


def _is_word(norm: str) -> bool:
    return any(c.isalnum() for c in norm)


def _centrality(
    a: Analysis,
    text: str,
    per_sentence: list[list[dict[str, Any]]],
    wordtoks: list[list[dict[str, Any]]],
) -> None:
    """Sentence features: position, length, and how central each sentence is."""
    n = a.n
    tf: Counter[str] = Counter()
    sf: Counter[str] = Counter()
    counts = [Counter(c) for c in a.content]
    for cnt in counts:
        tf.update(cnt)
        sf.update(cnt.keys())
    total = sum(tf.values()) or 1
    doc_norm2 = sum(v * v for v in tf.values())
    top = {w for w, k in sorted(tf.items(), key=lambda x: (-x[1], x[0]))[:10] if k > 1}
    # ISF-weighted vectors for sentence-to-sentence similarity
    isf = {w: math.log(1 + n / k) for w, k in sf.items()}
    vecs = [{w: k * isf[w] for w, k in cnt.items()} for cnt in counts]
    norms = [math.sqrt(sum(v * v for v in vec.values())) or 1.0 for vec in vecs]
    sims = [[0.0] * n for _ in range(n)]
    for i in range(n):
        vi = vecs[i]
        if not vi:
            continue
        for j in range(i + 1, n):
            vj = vecs[j]
            if not vj:
                continue
            small, big = (vi, vj) if len(vi) <= len(vj) else (vj, vi)
            dot = sum(x * big[w] for w, x in small.items() if w in big)
            if dot:
                sims[i][j] = sims[j][i] = dot / (norms[i] * norms[j])
    a.sims = sims
    # word bigrams repeated across sentences (not stop + stop)
    bigram_sets = []
    bigram_sf: Counter[tuple[str, str]] = Counter()
    for toks in wordtoks:
        pairs = {
            (x["norm"], y["norm"])
            for x, y in zip(toks, toks[1:], strict=False)
            if not (x["stop"] and y["stop"])
        }
        bigram_sets.append(pairs)
        bigram_sf.update(pairs)
    for rank, i in enumerate(a.eligible):
        cnt = counts[i]
        m = a.length[i]
        # cosine with the rest of the document (raw term frequencies)
        num = sum(k * (tf[w] - k) for w, k in cnt.items())
        rest2 = doc_norm2 - sum(tf[w] ** 2 - (tf[w] - k) ** 2 for w, k in cnt.items())
        own = math.sqrt(sum(k * k for k in cnt.values())) or 1.0
        cosrest = num / (own * (math.sqrt(rest2) or 1.0)) if rest2 > 0 else 0.0
        lemmas = a.content[i]
        pairs = bigram_sets[i]
        toks = wordtoks[i]
        a.features[i] = [
            1.0 / (rank + 1),
            float(rank == 0),
            math.log(1 + m),
            float(m < 8),
            float(any(t["norm"] in _QUOTES for t in per_sentence[i])),
            float(any(t["norm"] in _FIRST_PERSON for t in toks)),
            cosrest,
            len(set(lemmas) & top) / (len(top) or 1),
            sum(tf[w] for w in lemmas) / total / max(len(lemmas), 1),
            sum(1 for p in pairs if bigram_sf[p] > 1) / math.sqrt(len(pairs) + 1),
            sum(sims[i]) / max(n - 1, 1),
            sum(1 for t in toks[1:] if text[t["start"]].isupper()) / max(m, 1),
        ]


def _word_rows(
    content: list[list[str]], text: str, wordtoks: list[list[dict[str, Any]]]
) -> dict[str, list[float]]:
    """Word-model features of each content lemma: frequency, spread, first position, capitals."""
    n = len(content)
    tf: Counter[str] = Counter()
    first: dict[str, int] = {}
    sf: Counter[str] = Counter()
    for i, lemmas in enumerate(content):
        tf.update(lemmas)
        for w in set(lemmas):
            sf[w] += 1
            first.setdefault(w, i)
    capital = {
        t["lemma"].lower() for toks in wordtoks for t in toks[1:] if text[t["start"]].isupper()
    }
    logn = math.log(max(n, 1))
    rows = {}
    for w in sorted(tf):
        k, f = tf[w], first[w]
        rows[w] = [math.log(k), sf[w] / n, 1.0 / (f + 1), f / max(n - 1, 1), float(f == 0),
                   float(w in capital), min(len(w), 15) / 15, float(k == 1), logn]  # fmt: skip
    return rows


def word_probabilities(rows: dict[str, list[float]]) -> dict[str, float]:
    """Word model: P(lemma appears in a lead paragraph)."""
    part = load_model()["words"]
    return {w: 1.0 / (1.0 + math.exp(-_linear(x, part))) for w, x in rows.items()}


# --------------------------------------------------------------------------- selection


def sentence_scores(a: Analysis) -> dict[int, float]:
    """Sentence model: expected share of a lead paragraph, per eligible sentence."""
    part = load_model()["sentence"]
    return {i: _linear(a.features[i], part) for i in a.eligible}


def set_features(a: Analysis, chosen: tuple[int, ...], scores: dict[int, float]) -> list[float]:
    """Features of a candidate summary (a combination of sentences)."""
    total = sum(a.length[i] for i in chosen)
    covered = {w for i in chosen for w in a.content[i]}
    cov = sum(a.word_prob.get(w, 0.0) for w in covered)
    red = sum(a.sims[x][y] for x, y in combinations(chosen, 2))
    base = [
        sum(scores[i] * a.length[i] for i in chosen),
        sum(scores[i] for i in chosen),
        max(scores[i] for i in chosen),
        total / 30,
        (total / 30) ** 2,
        math.log(total + 1),
        red,
        cov,
        cov / (total + 34),
        float(len(covered)),
    ]
    summed = [0.0] * len(SENTENCE_FEATURES)
    for i in chosen:
        for k, x in enumerate(a.features[i]):
            summed[k] += x
    return base + summed


def _best_set(
    a: Analysis, candidates: list[int], size: int, scores: dict[int, float],
    budget: int | None = None,
) -> tuple[int, ...] | None:
    """The combination of ``size`` candidates the set model prefers (within ``budget`` words)."""
    part = load_model()["sets"][str(min(size, 3))]
    best: tuple[int, ...] | None = None
    best_score = -math.inf
    for chosen in combinations(sorted(candidates), size):
        if budget is not None and sum(a.words[i] for i in chosen) > budget:
            continue
        value = _linear(set_features(a, chosen, scores), part)
        if value > best_score:
            best, best_score = chosen, value
    return best


def select(a: Analysis, sentences: int | None = 3, words: int | None = None) -> list[int]:
    """Indices of the summary sentences, in document order."""
    limit = len(a.eligible) if sentences is None else min(sentences, len(a.eligible))
    if words is None and not a.punctuated:
        words = UNPUNCTUATED_WORDS * (sentences or 3)
    if limit <= 0:
        return []
    scores = sentence_scores(a)
    ranked = sorted(a.eligible, key=lambda i: (-scores[i], i))
    if words is None and limit >= len(a.eligible):
        return sorted(a.eligible)
    candidates = ranked[:CANDIDATES]
    chosen: tuple[int, ...] | None = None
    for size in range(min(limit, 3, len(candidates)), 0, -1):
        chosen = _best_set(a, candidates, size, scores, words)
        if chosen is not None:
            break
    if chosen is None:  # no sentence fits the budget: the caller cuts the best one
        return [ranked[0]]
    picked = list(chosen)
    used = sum(a.words[i] for i in picked)
    for i in ranked:  # beyond three sentences: the next best ones, budget allowing
        if len(picked) >= limit:
            break
        if i in picked or words is not None and used + a.words[i] > words:
            continue
        picked.append(i)
        used += a.words[i]
    return sorted(picked)


# --------------------------------------------------------------------------- public API


def _clean(text: str) -> str:
    return " ".join(text.split())


def _cut(text: str, budget: int) -> str:
    """The first ``budget`` words, with an ellipsis when something was cut."""
    parts = text.split()
    if len(parts) <= budget:
        return " ".join(parts)
    return " ".join(parts[: max(budget, 1)]) + "…"


def summarize_record(
    record: Record, sentences: int | None = 3, words: int | None = None
) -> list[dict[str, Any]]:
    """The summary of one record: ``[{"sentence", "text", "score"}]`` in document order.

    Raises ArticleError when the text is empty (or holds no word at all).
    """
    rid = str(record.get("id", "?"))
    if not (record.get("text") or "").strip():
        raise ArticleError(rid, "empty text: nothing to summarise")
    if sentences is not None and sentences < 1 or words is not None and words < 1:
        raise ArticleError(rid, "the summary needs at least one sentence and one word")
    ensure_tokens(record)
    a = analyse(record)
    if not a.eligible:
        raise ArticleError(rid, "no words in the text: nothing to summarise")
    picked = select(a, sentences, words)
    scores = sentence_scores(a)
    text = record["text"]
    budget = words if words is not None else (None if a.punctuated else
                                              UNPUNCTUATED_WORDS * (sentences or 3))
    out = []
    for i in picked:
        span = record["sentences"][i]
        body = _clean(text[span["start"] : span["end"]])
        if budget is not None and len(picked) == 1:
            body = _cut(body, budget)
        out.append({"sentence": i, "text": body, "score": round(max(scores[i], 0.0), 4)})
    return out


def summarize_stage(
    sentences: int | None = 3, words: int | None = None, force: bool = False
) -> Stage:
    """The ``summarize`` stage: adds ``summary`` (skipped when present unless ``force``)."""

    def stage(record: Record, warn: Warn) -> None:
        if "summary" in record and not force:
            return
        record["summary"] = summarize_record(record, sentences, words)

    return stage
