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

Each summary item is ``{"sentence": index into record["sentences"], "text",
"score"}``, in document order; ``score`` is the sentence model's estimate (the
share of a lead paragraph the sentence is expected to match, about 0.1-0.3).
With a word budget, sentences are chosen to fit it; when not even one sentence
fits, the best one is cut at the budget and ends with "…". A text with no
sentence punctuation at all (a list, a transcript) gets a budget of
``UNPUNCTUATED_WORDS`` words per requested sentence.

Public API: ``summarize_stage`` and ``summarize_record``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any

from sahelcli.errors import ArticleError, UsageError
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


# --------------------------------------------------------------------------- analysis


@dataclass
class Analysis:
    """What the selection needs to know about one article's sentences."""

    n: int
    words: list[int]  # whitespace words (for --words budgets)
    length: list[int]  # word tokens (the length the models learnt)
    content: list[list[str]]  # content lemmas per sentence
    eligible: list[int]  # sentences that may be picked
    punctuated: bool = True
    features: dict[int, list[float]] = field(default_factory=dict)  # eligible -> raw features
    units: list[dict[str, float]] = field(default_factory=list)  # unit ISF vectors
    word_prob: dict[str, float] = field(default_factory=dict)
    # word statistics for the word model
    tf: Counter[str] = field(default_factory=Counter)
    sf: Counter[str] = field(default_factory=Counter)
    first: dict[str, int] = field(default_factory=dict)
    capital: set[str] = field(default_factory=set)
    _sims: dict[tuple[int, int], float] = field(default_factory=dict)

    def sim(self, i: int, j: int) -> float:
        """Cosine of two sentences' ISF vectors (cached)."""
        key = (i, j) if i < j else (j, i)
        value = self._sims.get(key)
        if value is None:
            ui, uj = self.units[i], self.units[j]
            if len(ui) > len(uj):
                ui, uj = uj, ui
            value = sum(x * uj[w] for w, x in ui.items() if w in uj)
            self._sims[key] = value
        return value

    def word_row(self, w: str) -> list[float]:
        """Word-model features of a content lemma: frequency, spread, first position, capitals."""
        k, f, n = self.tf[w], self.first[w], self.n
        return [math.log(k), self.sf[w] / n, 1.0 / (f + 1), f / max(n - 1, 1), float(f == 0),
                float(w in self.capital), min(len(w), 15) / 15, float(k == 1),
                math.log(max(n, 1))]  # fmt: skip

    def word_rows(self) -> dict[str, list[float]]:
        return {w: self.word_row(w) for w in sorted(self.tf)}


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(_CLOSERS).rstrip()
    return bool(stripped) and stripped[-1] in _FINAL


def _is_heading(text: str, n_words: int) -> bool:
    """Short lines without final punctuation (headings, captions) and photo credits."""
    if not text.strip():
        return True
    if n_words <= HEADING_WORDS and not _ends_sentence(text):
        return True
    return n_words <= 20 and _CAPTION.search(text) is not None


def analyse(record: Record) -> Analysis:
    """Features of every sentence of a tokenised record (see the module docstring)."""
    text = record.get("text") or ""
    spans = record.get("sentences") or []
    tokens = record.get("tokens") or []
    n = len(spans)
    content: list[list[str]] = []
    length: list[int] = []
    quoted: list[bool] = []
    first_person: list[bool] = []
    capitals: list[int] = []
    bigrams: list[set[tuple[str, str]]] = []
    capital: set[str] = set()
    j = 0
    n_tokens = len(tokens)
    for span in spans:  # one pass over the tokens, sentence by sentence
        start, end = span["start"], span["end"]
        while j < n_tokens and tokens[j]["start"] < start:
            j += 1
        lemmas: list[str] = []
        pairs: set[tuple[str, str]] = set()
        count = caps = 0
        quote = person = False
        prev: dict[str, Any] | None = None
        while j < n_tokens and tokens[j]["start"] < end:
            tok = tokens[j]
            j += 1
            norm = tok["norm"]
            if not (norm[:1].isalnum() or any(c.isalnum() for c in norm)):
                quote = quote or norm in _QUOTES
                continue
            if count and text[tok["start"]].isupper():
                caps += 1
                capital.add(tok["lemma"].lower())
            count += 1
            stop = tok["stop"]
            if not stop and len(norm) > 1 and (norm[0].isalpha() or any(c.isalpha() for c in norm)):
                lemmas.append(tok["lemma"].lower())
            person = person or norm in _FIRST_PERSON
            if prev is not None and not (stop and prev["stop"]):
                pairs.add((prev["norm"], norm))
            prev = tok
        content.append(lemmas)
        length.append(count)
        quoted.append(quote)
        first_person.append(person)
        capitals.append(caps)
        bigrams.append(pairs)
    sentence_texts = [text[s["start"] : s["end"]] for s in spans]
    words = [len(s.split()) for s in sentence_texts]
    flags = [_is_heading(sentence_texts[i], words[i]) for i in range(n)]
    eligible = [i for i in range(n) if not flags[i] and length[i] >= MIN_WORDS]
    if not eligible:
        eligible = [i for i in range(n) if not flags[i] and length[i] > 0]
    if not eligible:  # a list or a transcript: every line is a candidate
        eligible = [i for i in range(n) if length[i] > 0]
    punctuated = any(_ends_sentence(t) for t in sentence_texts)
    a = Analysis(n, words, length, content, eligible, punctuated=punctuated)
    a.capital = capital
    _sentence_features(a, quoted, first_person, capitals, bigrams)
    return a


def _sentence_features(
    a: Analysis,
    quoted: list[bool],
    first_person: list[bool],
    capitals: list[int],
    bigrams: list[set[tuple[str, str]]],
) -> None:
    """Sentence features: position, length, and how central each sentence is."""
    n = a.n
    tf, sf, first = a.tf, a.sf, a.first
    counts = [Counter(c) for c in a.content]
    for i, cnt in enumerate(counts):
        tf.update(cnt)
        sf.update(cnt.keys())
        for w in cnt:
            first.setdefault(w, i)
    total = sum(tf.values()) or 1
    doc_norm2 = sum(v * v for v in tf.values())
    top = {w for w, k in sorted(tf.items(), key=lambda x: (-x[1], x[0]))[:10] if k > 1}
    # unit ISF vectors: degree centrality = u_i . (sum of all u) - 1
    isf = {w: math.log(1 + n / k) for w, k in sf.items()}
    centroid: dict[str, float] = {}
    for cnt in counts:
        vec = {w: k * isf[w] for w, k in cnt.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        unit = {w: v / norm for w, v in vec.items()}
        a.units.append(unit)
        for w, v in unit.items():
            centroid[w] = centroid.get(w, 0.0) + v
    bigram_sf: Counter[tuple[str, str]] = Counter()
    for pairs in bigrams:
        bigram_sf.update(pairs)
    for rank, i in enumerate(a.eligible):
        cnt = counts[i]
        m = a.length[i]
        # cosine with the rest of the document (raw term frequencies)
        num = sum(k * (tf[w] - k) for w, k in cnt.items())
        rest2 = doc_norm2 - sum(tf[w] ** 2 - (tf[w] - k) ** 2 for w, k in cnt.items())
        own = math.sqrt(sum(k * k for k in cnt.values())) or 1.0
        cosrest = num / (own * math.sqrt(rest2)) if rest2 > 0 else 0.0
        lemmas = a.content[i]
        pairs = bigrams[i]
        unit = a.units[i]
        degree = sum(v * centroid[w] for w, v in unit.items()) - 1.0 if unit else 0.0
        a.features[i] = [
            1.0 / (rank + 1),
            float(rank == 0),
            math.log(1 + m),
            float(m < 8),
            float(quoted[i]),
            float(first_person[i]),
            cosrest,
            len(set(lemmas) & top) / (len(top) or 1),
            sum(tf[w] for w in lemmas) / total / max(len(lemmas), 1),
            sum(1 for p in pairs if bigram_sf[p] > 1) / math.sqrt(len(pairs) + 1),
            max(degree, 0.0) / max(n - 1, 1),
            capitals[i] / max(m, 1),
        ]


def word_probabilities(a: Analysis, lemmas: Iterable[str]) -> dict[str, float]:
    """Word model: P(lemma appears in a lead paragraph), for the lemmas asked."""
    weights, bias = _folded("words")
    out = {}
    for w in lemmas:
        if w not in out:
            z = bias + sum(k * x for k, x in zip(weights, a.word_row(w), strict=True))
            out[w] = 1.0 / (1.0 + math.exp(-z))
    return out


# --------------------------------------------------------------------------- selection


@lru_cache(maxsize=16)
def _folded(name: str, size: str = "") -> tuple[list[float], float]:
    """A linear part of the model with its standardisation folded into the weights."""
    model = load_model()
    part = model[name][size] if size else model[name]
    weights = [w / s for w, s in zip(part["weights"], part["scale"], strict=True)]
    bias = part["bias"] - sum(w * m for w, m in zip(weights, part["mean"], strict=True))
    return weights, bias


def sentence_scores(a: Analysis) -> dict[int, float]:
    """Sentence model: expected share of a lead paragraph, per eligible sentence."""
    weights, bias = _folded("sentence")
    return {
        i: bias + sum(w * x for w, x in zip(weights, a.features[i], strict=True))
        for i in a.eligible
    }


def set_features(a: Analysis, chosen: tuple[int, ...], scores: dict[int, float]) -> list[float]:
    """Features of a candidate summary (a combination of sentences), as the set model sees them."""
    total = sum(a.length[i] for i in chosen)
    covered = {w for i in chosen for w in a.content[i]}
    cov = sum(a.word_prob.get(w, 0.0) for w in covered)
    red = sum(a.sim(x, y) for x, y in combinations(chosen, 2))
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
    a: Analysis,
    candidates: list[int],
    size: int,
    scores: dict[int, float],
    budget: int | None = None,
) -> tuple[int, ...] | None:
    """The combination of ``size`` candidates the set model prefers (within ``budget`` words).

    Same value as the linear set model on ``set_features``, computed faster: the
    parts that add up over sentences are summed once per sentence.
    """
    weights, bias = _folded("sets", str(min(size, 3)))
    w_sumh, w_sump, w_maxp, w_len, w_len2, w_log, w_red, w_cov, w_rate, w_ncov = weights[:10]
    summed = weights[10:]
    additive = {
        i: w_sumh * scores[i] * a.length[i] + w_sump * scores[i] + w_len * a.length[i] / 30
        + sum(w * x for w, x in zip(summed, a.features[i], strict=True))
        for i in candidates
    }  # fmt: skip
    lemma_sets = {i: set(a.content[i]) for i in candidates}
    prob = a.word_prob
    best: tuple[int, ...] | None = None
    best_value = -math.inf
    for chosen in combinations(sorted(candidates), size):
        if budget is not None and sum(a.words[i] for i in chosen) > budget:
            continue
        total = sum(a.length[i] for i in chosen)
        covered = set().union(*(lemma_sets[i] for i in chosen))
        cov = sum(prob[w] for w in covered)
        red = sum(a.sim(x, y) for x, y in combinations(chosen, 2)) if size > 1 else 0.0
        value = (
            bias + sum(additive[i] for i in chosen) + w_maxp * max(scores[i] for i in chosen)
            + w_len2 * (total / 30) ** 2 + w_log * math.log(total + 1) + w_red * red
            + w_cov * cov + w_rate * cov / (total + 34) + w_ncov * len(covered)
        )  # fmt: skip
        if value > best_value:
            best, best_value = chosen, value
    return best


def select(
    a: Analysis, scores: dict[int, float], sentences: int | None = 3, words: int | None = None
) -> list[int]:
    """Indices of the summary sentences, in document order."""
    limit = len(a.eligible) if sentences is None else min(sentences, len(a.eligible))
    if limit <= 0:
        return []
    if words is None and limit >= len(a.eligible):
        return sorted(a.eligible)
    ranked = sorted(a.eligible, key=lambda i: (-scores[i], i))
    candidates = ranked[:CANDIDATES]
    a.word_prob = word_probabilities(a, (w for i in candidates for w in a.content[i]))
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


def _check_options(sentences: int | None, words: int | None) -> None:
    if sentences is not None and sentences < 1 or words is not None and words < 1:
        raise UsageError("summarize: --sentences and --words must be at least 1")


def summarize_record(
    record: Record, sentences: int | None = 3, words: int | None = None
) -> list[dict[str, Any]]:
    """The summary of one record: ``[{"sentence", "text", "score"}]`` in document order.

    Raises ArticleError when the text is empty (or holds no word at all).
    """
    rid = str(record.get("id", "?"))
    if not (record.get("text") or "").strip():
        raise ArticleError(rid, "empty text: nothing to summarise")
    _check_options(sentences, words)
    ensure_tokens(record)
    a = analyse(record)
    if not a.eligible:
        raise ArticleError(rid, "no words in the text: nothing to summarise")
    budget = words
    if budget is None and not a.punctuated:  # a list or a transcript: keep it short
        budget = UNPUNCTUATED_WORDS * (sentences or 3)
    scores = sentence_scores(a)
    picked = select(a, scores, sentences, budget)
    text = record["text"]
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

    _check_options(sentences, words)

    def stage(record: Record, warn: Warn) -> None:
        if "summary" in record and not force:
            return
        record["summary"] = summarize_record(record, sentences, words)

    return stage
