"""Extractive summaries: pick the few sentences that best say what an article says.

Three small linear models, learnt on the OrangeSum dev half (French news with
their lead paragraph; see ``benchmarks/train_summarize.py``) and shipped as
JSON in ``data/summarize-model.json``:

1. a *word* model: how likely each content lemma of the article is to appear
   in a lead paragraph (frequency, spread, first position, capitalisation);
2. a *sentence* model: how much of a lead paragraph one sentence is likely to
   share (position, length, centrality, keyword overlap, quotes, which of the
   article's most frequent word forms it holds, how lead-like its word forms are
   in French news in general, ...);
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
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from heapq import nsmallest
from itertools import accumulate, chain, combinations, repeat
from operator import itemgetter, mul, truediv
from pathlib import Path
from typing import Any

from sahelcli.errors import ArticleError, UsageError
from sahelcli.pipeline import Stage, Warn, ensure_tokens
from sahelcli.records import Record

__all__ = ["MODEL_FILE", "Analysis", "analyse", "summarize_record", "summarize_stage"]

MODEL_FILE = Path(__file__).parent / "data" / "summarize-model.json"
#: Lexical priors learnt on the training articles (per word form and per lemma).
LEXICON_FILE = Path(__file__).parent / "data" / "summarize-lexicon.json"

#: Sentence features, in the order the model file lists them.
SENTENCE_FEATURES = (
    "inv", "first", "loglen", "short", "quote", "fp",
    "cosrest", "kw", "sumbasic", "bigr", "deg", "ne",
    "top1", "top2", "top3", "top4", "top5", "top6", "top7", "top8", "top9", "top10",
    "lexform",
)  # fmt: skip
WORD_FEATURES = (
    "logtf", "spread", "invfirst", "relfirst", "infirst", "cap", "len", "once", "logn", "prior",
)  # fmt: skip
SET_BASE = ("sumh", "sump", "maxp", "len", "len2", "loglen", "red", "cov", "covrate", "ncov")

#: The article's most frequent word forms whose presence in a sentence is a feature.
TOP_FORMS = 10
#: Candidates kept for the exhaustive search over combinations.
CANDIDATES = 8
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
_CAPTION_HEAD = re.compile(
    r"""(?ix)
    \W*(?:photo|photos|crédit|credit|crédits|credits|illustration|image|images|vidéo|video
        |capture\s+d['’]écran|légende|caption|source|sources)\b
    """
)
_CAPTION_TAIL = re.compile(
    r"(?i)\b(?:afp|reuters|getty(?:\s+images)?|ap|istock|shutterstock|epa|maxppp|abaca|sipa)"
    r"\s*(?:photo|images)?\W*$"
)
#: ``_CAPTION_TAIL`` read backwards, matched at the start of the reversed text: the same
#: texts match (each part reversed; \b, \s, \W and case folding are symmetric), but a
#: match is tried at one place instead of at every character.
_CAPTION_TAIL_REVERSED = re.compile(
    r"(?i)\W*(?:otohp|segami)?\s*(?:(?:segami\s+)?ytteg|"
    + "|".join(w[::-1] for w in "afp reuters ap istock shutterstock epa maxppp abaca sipa".split())
    + r")\b"
)
#: The tail pattern is searched in the last characters only (from a space, so \b is unchanged).
_TAIL_CHARS = 48


#: The first two letters (lowercased) of the ``_CAPTION_HEAD`` words that begin with two ASCII
#: letters ("photo", "crédit", "illustration", "image", "vidéo", "capture", "source").
_HEAD_STARTS = frozenset("ph cr il im vi ca so".split())
#: The last two letters (lowercased) of the words ``_CAPTION_TAIL`` ends with (an agency,
#: "photo" or "images"), all ASCII.
_TAIL_ENDS = frozenset("fp rs ty es ap ck pa pp ca to".split())
#: Characters that are never word characters (``\W``), stripped off a text's end before its
#: last two letters are looked at.
_NON_WORD_END = " \t\n\r.,;:!?…\"'«»“”’)]*-"


def _may_be_caption(text: str) -> bool:
    """False when neither caption pattern can match, judged from two letters at each end.

    Exact and cheap for the usual sentence: when its first two characters are ASCII and the
    first is a letter or digit, ``_CAPTION_HEAD`` can only match if they start one of its words
    (case folding maps no other ASCII letter to theirs); likewise ``_CAPTION_TAIL`` needs the
    text's last two word characters to end an agency name, "photo" or "images". Anything else
    (accents, other scripts, a one-letter word) is left to the patterns.
    """
    head = text[:2]
    if not (len(head) == 2 and head.isascii() and head[0].isalnum()):
        return True
    if head.lower() in _HEAD_STARTS:
        return True
    tail = text.rstrip(_NON_WORD_END)[-2:]
    return not (len(tail) == 2 and tail.isascii() and tail.isalnum()) or tail.lower() in _TAIL_ENDS


def _is_caption(text: str) -> bool:
    """Photo credits and captions: "Photo : ...", "©", "... AFP"."""
    if "©" in text:
        return True
    if not _may_be_caption(text):
        return False
    if _CAPTION_HEAD.match(text):
        return True
    cut = text.rfind(" ", 0, max(len(text) - _TAIL_CHARS, 0)) if len(text) > _TAIL_CHARS else 0
    return _CAPTION_TAIL_REVERSED.match(text[: cut - 1 : -1] if cut > 0 else text[::-1]) is not None


# --------------------------------------------------------------------------- model


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> dict[str, Any]:
    """The shipped weights (or a file written by the training script)."""
    with open(path or MODEL_FILE, encoding="utf-8") as handle:
        model: dict[str, Any] = json.load(handle)
    return model


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> dict[str, dict[str, float]]:
    """The lexical priors: ``{"forms": {form: log-odds}, "lemmas": {lemma: log-odds}}``.

    ``forms``: how much more often a sentence holding the word form is among an article's
    best-matching sentences than other sentences are ("lundi", "annonce", "revele" vs
    "je", "mais", "raconte"; word forms are accent-folded);
    ``lemmas``: how much more often a content lemma of an article is in its lead paragraph.
    Learnt on French news, so other languages' words are mostly absent and weigh 0.
    """
    with open(path or LEXICON_FILE, encoding="utf-8") as handle:
        lexicon: dict[str, dict[str, float]] = json.load(handle)
    return lexicon


def lexical_score(forms: Iterable[str], table: dict[str, float]) -> float:
    """Mean log-odds of a sentence's distinct word forms (0 for forms the table lacks).

    ``math.fsum`` is exactly rounded, so the float does not depend on the set's order
    (the string hash seed); ``_form_features`` computes the same value inline.
    """
    distinct = set(forms)
    if not distinct:
        return 0.0
    return math.fsum(map(table.get, distinct, repeat(0.0))) / len(distinct)


# --------------------------------------------------------------------------- analysis


@dataclass
class Analysis:
    """What the selection needs to know about one article's sentences."""

    n: int
    texts: list[str]  # the sentences' text
    length: list[int]  # word tokens (the length the models learnt)
    content: list[list[str]]  # content lemmas per sentence
    eligible: list[int]  # sentences that may be picked
    punctuated: bool = True
    features: dict[int, list[float]] = field(default_factory=dict)  # eligible -> raw features
    word_prob: dict[str, float] = field(default_factory=dict)
    prior: dict[str, float] = field(default_factory=dict)  # lemma -> lexical prior (log-odds)
    # word statistics for the word model
    tf: Counter[str] = field(default_factory=Counter)
    sf: Counter[str] = field(default_factory=Counter)
    first: dict[str, int] = field(default_factory=dict)
    capital: set[str] = field(default_factory=set)
    # unit ISF vectors, flat: the distinct lemmas of sentence i and their weights are
    # _lemmas[_at[i]:_at[i + 1]] and _weights[...]; the dict of a sentence is built when asked
    _lemmas: list[str] = field(default_factory=list, repr=False)
    _weights: list[float] = field(default_factory=list, repr=False)
    _at: list[int] = field(default_factory=lambda: [0], repr=False)
    _units: dict[int, dict[str, float]] = field(default_factory=dict, repr=False)
    _words: list[int] | None = field(default=None, repr=False)
    _sims: dict[tuple[int, int], float] = field(default_factory=dict, repr=False)

    @property
    def words(self) -> list[int]:
        """Whitespace words per sentence (for --words budgets), counted the first time asked."""
        if self._words is None:
            self._words = [len(t.split()) for t in self.texts]
        return self._words

    def unit(self, i: int) -> dict[str, float]:
        """Sentence ``i``'s unit ISF vector: lemma -> weight (built once, when first asked)."""
        vector = self._units.get(i)
        if vector is None:
            lo, hi = self._at[i], self._at[i + 1]
            pairs = zip(self._lemmas[lo:hi], self._weights[lo:hi], strict=True)
            vector = self._units[i] = dict(pairs)
        return vector

    def weight(self, i: int, w: str) -> float:
        """``unit(i)[w]`` without building the dict (a scan of sentence i's few lemmas)."""
        return self._weights[self._lemmas.index(w, self._at[i], self._at[i + 1])]

    @property
    def units(self) -> list[dict[str, float]]:
        """Every sentence's unit ISF vector."""
        return [self.unit(i) for i in range(len(self._at) - 1)]

    def sim(self, i: int, j: int) -> float:
        """Cosine of two sentences' ISF vectors (cached)."""
        key = (i, j) if i < j else (j, i)
        value = self._sims.get(key)
        if value is None:
            ui, uj = self.unit(i), self.unit(j)
            if len(ui) > len(uj):
                ui, uj = uj, ui
            common = list(filter(uj.__contains__, ui))  # in ui's order
            value = sum(map(mul, map(ui.__getitem__, common), map(uj.__getitem__, common)))
            self._sims[key] = value
        return value

    def word_row(self, w: str) -> list[float]:
        """Word-model features of a content lemma: frequency, spread, first position, capitals."""
        k, f, n = self.tf[w], self.first[w], self.n
        return [math.log(k), self.sf[w] / n, 1.0 / (f + 1), f / max(n - 1, 1), float(f == 0),
                float(w in self.capital), min(len(w), 15) / 15, float(k == 1),
                math.log(max(n, 1)), self.prior.get(w, 0.0)]  # fmt: skip

    def word_rows(self) -> dict[str, list[float]]:
        return {w: self.word_row(w) for w in sorted(self.tf)}


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(_CLOSERS).rstrip()
    return bool(stripped) and stripped[-1] in _FINAL


def _is_heading(text: str, ends: bool) -> bool:
    """Short lines without final punctuation (headings, captions) and photo credits.

    ``ends``: whether ``text`` ends with final punctuation. Words are counted only when the
    answer depends on their number (most sentences end and are no caption).
    """
    if not text or text.isspace():
        return True
    if not ends:
        n_words = len(text.split())
        return n_words <= HEADING_WORDS or n_words <= 20 and _is_caption(text)
    return _is_caption(text) and len(text.split()) <= 20


#: Per word form, what the features need to know about it (one of the codes below), computed
#: once per distinct form and shared by articles (context-free, capped). An int, so the
#: per-token loop tests it with one comparison: < _WORD is punctuation, odd is a content
#: shape (content unless a stop word), > _ALPHA is a first-person word.
_SHAPES: dict[str, int] = {}
_SHAPES_MAX = 200_000
_PUNCT, _QUOTE, _WORD, _ALPHA, _PERSON, _PERSON_ALPHA = range(6)


def _shape(norm: str) -> int:
    """The code of a token's form (see ``_SHAPES``), computed once per distinct form."""
    info = _SHAPES.get(norm)
    if info is None:
        word = norm[:1].isalnum() or any(c.isalnum() for c in norm)
        alpha = len(norm) > 1 and (norm[0].isalpha() or any(c.isalpha() for c in norm))
        if not word:
            info = _QUOTE if norm in _QUOTES else _PUNCT
        elif norm in _FIRST_PERSON:
            info = _PERSON_ALPHA if alpha else _PERSON
        else:
            info = _ALPHA if alpha else _WORD
        if len(_SHAPES) >= _SHAPES_MAX:
            _SHAPES.clear()
        _SHAPES[norm] = info
    return info


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
    punctuation: set[str] = set()  # the forms of the sentences' tokens that are no words
    ranges: list[tuple[int, int]] = []  # each sentence's tokens: tokens[lo:hi]
    starts = list(map(itemgetter("start"), tokens))
    fields = itemgetter("norm", "stop", "lemma", "start")
    shapes = _SHAPES
    j = 0
    for span in spans:  # one pass over the tokens, sentence by sentence
        lo = bisect_left(starts, span["start"], j)
        j = bisect_left(starts, span["end"], lo)
        ranges.append((lo, j))
        lemmas: list[str] = []
        pairs: set[tuple[str, str]] = set()
        caps = skipped = 0
        quote = person = False
        prev_norm: str | None = None  # no word yet
        prev_stop = False
        for norm, stop, lemma, at in map(fields, tokens[lo:j]):
            info = shapes.get(norm)
            if info is None:
                info = _shape(norm)
            if info < _WORD:  # punctuation
                quote = quote or info == _QUOTE
                punctuation.add(norm)
                skipped += 1
                continue
            if prev_norm is not None:  # not the sentence's first word
                if text[at].isupper():
                    caps += 1
                    capital.add(lemma.lower())
                if not (stop and prev_stop):
                    pairs.add((prev_norm, norm))
            if info & 1 and not stop:  # _ALPHA or _PERSON_ALPHA
                lemmas.append(lemma.lower())
            if info > _ALPHA:
                person = True
            prev_norm, prev_stop = norm, stop
        content.append(lemmas)
        length.append(j - lo - skipped)
        quoted.append(quote)
        first_person.append(person)
        capitals.append(caps)
        bigrams.append(pairs)
    sentence_texts = [text[s["start"] : s["end"]] for s in spans]
    ends = list(map(_ends_sentence, sentence_texts))
    flags = list(map(_is_heading, sentence_texts, ends))
    eligible = [i for i in range(n) if not flags[i] and length[i] >= MIN_WORDS]
    if not eligible:
        eligible = [i for i in range(n) if not flags[i] and length[i] > 0]
    if not eligible:  # a list or a transcript: every line is a candidate
        eligible = [i for i in range(n) if length[i] > 0]
    punctuated = any(ends)
    a = Analysis(n, sentence_texts, length, content, eligible, punctuated=punctuated)
    a.capital = capital
    lexicon = load_lexicon()
    a.prior = lexicon["lemmas"]
    _sentence_features(a, quoted, first_person, capitals, bigrams)
    _form_features(a, tokens, ranges, punctuation, lexicon["forms"])
    return a


def sentence_forms(tokens: list[dict[str, Any]], lo: int, hi: int) -> list[str]:
    """The word forms (not punctuation) of ``tokens[lo:hi]``, as the lexical prior sees them."""
    return [w for w in map(itemgetter("norm"), tokens[lo:hi]) if _shape(w) >= _WORD]


def _form_features(
    a: Analysis,
    tokens: list[dict[str, Any]],
    ranges: list[tuple[int, int]],
    punctuation: set[str],
    lexical: dict[str, float],
) -> None:
    """Append to each eligible sentence's features whether it holds each of the article's
    ``TOP_FORMS`` most frequent word forms (ranked by count, ties by first occurrence).

    Those forms are mostly function words ("de", "la", "le" / "the", "of"), which ROUGE-L's
    longest common subsequence matches in any lead paragraph, so a sentence holding them
    shares more of the lead; learnt per rank, the feature needs no word list per language.
    ``ranges``: each sentence's tokens as ``tokens[lo:hi]``; ``punctuation``: the forms
    among them that are no words.

    Then the lexical prior of the sentence's word forms (``lexical_score`` over the
    ``lexical`` table): days and announcements are lead-like; "je", "mais", "raconte" are not.
    """
    norms = list(map(itemgetter("norm"), tokens))
    tf = Counter(norms)
    top: list[str] = []
    for w in sorted(tf, key=tf.__getitem__, reverse=True):  # stable: ties by first occurrence
        if _shape(w) >= _WORD:  # a word, not punctuation
            top.append(w)
            if len(top) == TOP_FORMS:
                break
    top += [""] * (TOP_FORMS - len(top))  # "" is never a word form
    # lexical_score inlined: the sentence's distinct word forms are its forms less the
    # punctuation (the top forms are words, so their flags are read after the removal)
    get, zeros = lexical.get, repeat(0.0)
    for i in a.eligible:
        lo, hi = ranges[i]
        present = set(norms[lo:hi])
        present -= punctuation
        row = a.features[i]
        row.extend(map(float, map(present.__contains__, top)))
        row.append(math.fsum(map(get, present, zeros)) / len(present) if present else 0.0)


def _count(lemmas: list[str]) -> dict[str, int]:
    """Counter(lemmas) as a plain dict, faster (most sentences repeat no lemma)."""
    once = dict.fromkeys(lemmas, 1)
    if len(once) == len(lemmas):
        return once
    counts = dict.fromkeys(lemmas, 0)
    for w in lemmas:
        counts[w] += 1
    return counts


def _sentence_features(
    a: Analysis,
    quoted: list[bool],
    first_person: list[bool],
    capitals: list[int],
    bigrams: list[set[tuple[str, str]]],
) -> None:
    """Sentence features: position, length, and how central each sentence is.

    The unit ISF vectors are computed over flat lists (every sentence's distinct lemmas one
    after the other, sentence i at ``at[i]:at[i + 1]``); each float is the same operation on
    the same operands, in the same order, as a loop over each sentence's dict.
    """
    n = a.n
    tf, sf, first = a.tf, a.sf, a.first
    content = a.content
    counts = [_count(c) for c in content]
    sf.update(chain.from_iterable(counts))
    # tf is sf plus each sentence's repeats (about one sentence in six repeats a lemma): the
    # same counts, in the same key order, as counting every lemma again
    tf.update(sf)
    for cnt, lemmas_i in zip(counts, content, strict=True):
        if len(cnt) < len(lemmas_i):
            for w, k in cnt.items():
                if k > 1:
                    tf[w] += k - 1
    lemmas = a._lemmas = list(chain.from_iterable(counts))
    sizes = list(map(len, counts))
    at = a._at = list(accumulate(sizes, initial=0))
    # the sentence where each lemma first appears (the earliest sentence is written last)
    where = chain.from_iterable(map(repeat, range(n - 1, -1, -1), reversed(sizes)))
    first.update(zip(reversed(lemmas), where, strict=True))
    total = sum(tf.values()) or 1
    doc_norm2 = sum(map(mul, tf.values(), tf.values()))
    top = {w for _, w in nsmallest(10, [(-k, w) for w, k in tf.items() if k > 1])}
    # unit ISF vectors: degree centrality = u_i . (sum of all u) - 1
    logs = {k: math.log(1 + n / k) for k in set(sf.values())}  # isf by sentence frequency
    isf = map(logs.__getitem__, map(sf.__getitem__, lemmas))
    vec = list(map(mul, chain.from_iterable(map(dict.values, counts)), isf))
    squares = list(map(mul, vec, vec))
    norms = [math.sqrt(sum(squares[lo:hi])) or 1.0 for lo, hi in zip(at[:-1], at[1:], strict=True)]
    unit = a._weights = list(map(truediv, vec, chain.from_iterable(map(repeat, norms, sizes))))
    centroid = dict.fromkeys(sf, 0.0)
    for w, v in zip(lemmas, unit, strict=True):
        centroid[w] += v
    seen: set[tuple[str, str]] = set()
    repeated: set[tuple[str, str]] = set()
    for pairs in bigrams:  # word pairs found in more than one sentence
        repeated |= seen & pairs
        seen |= pairs
    tf_flat = list(map(tf.__getitem__, lemmas))  # t of each sentence's distinct lemmas
    # u_i[w] * centroid[w] for every sentence's lemmas at once; sentence i sums its slice
    products = list(map(mul, unit, map(centroid.__getitem__, lemmas)))
    n_top = len(top) or 1
    span = max(n - 1, 1)
    features = a.features
    # inlined for speed (one row per eligible sentence): each expression keeps the operands
    # and order of the plain one noted beside it, so the floats are the same
    for rank, i in enumerate(a.eligible):
        cnt = counts[i]
        lemmas_i = content[i]
        m = a.length[i]
        lo, hi = at[i], at[i + 1]
        # cosine with the rest of the document (raw term frequencies t, sentence counts k):
        # integer sums of k*t and k*k give k*(t-k), t*t-(t-k)**2, and the sentence norm
        if len(cnt) < len(lemmas_i):  # a lemma repeats: k > 1 somewhere
            mass = sum(map(mul, cnt.values(), tf_flat[lo:hi]))  # sum of k*t
            own = sum(map(mul, cnt.values(), cnt.values()))
        else:  # every k is 1
            mass = sum(tf_flat[lo:hi])
            own = len(cnt)
        rest2 = doc_norm2 - (2 * mass - own)
        cosrest = (mass - own) / ((math.sqrt(own) or 1.0) * math.sqrt(rest2)) if rest2 > 0 else 0.0
        degree = sum(products[lo:hi]) - 1.0 if cnt else 0.0
        pairs = bigrams[i]
        features[i] = [
            1.0 / (rank + 1),
            1.0 if rank == 0 else 0.0,  # float(rank == 0)
            math.log(1 + m),
            1.0 if m < 8 else 0.0,  # float(m < 8)
            1.0 if quoted[i] else 0.0,
            1.0 if first_person[i] else 0.0,
            cosrest,
            len(top.intersection(cnt)) / n_top if top else 0.0,
            mass / total / (len(lemmas_i) or 1),
            len(pairs & repeated) / math.sqrt(len(pairs) + 1) if pairs else 0.0,
            (0.0 if degree < 0.0 else degree) / span,  # max(degree, 0.0)
            capitals[i] / (m or 1),
        ]


def word_probabilities(a: Analysis, lemmas: Iterable[str]) -> dict[str, float]:
    """Word model: P(lemma appears in a lead paragraph), for the lemmas asked.

    The terms of ``word_row`` that depend on one statistic only (its count, sentence count,
    first sentence, length) are computed once per value and summed in the model's order.
    """
    weights, bias = _folded("words")
    w_logtf, w_spread, w_inv, w_rel, w_in, w_cap, w_len, w_once, w_logn, w_prior = weights
    tf, sf, first, capital, n, prior = a.tf, a.sf, a.first, a.capital, a.n, a.prior
    span, logn = max(n - 1, 1), math.log(max(n, 1))
    last = w_logn * logn
    cap_terms = (w_cap * 0.0, w_cap * 1.0)  # w_cap * float(w in capital)
    by_count: dict[int, tuple[float, float]] = {}
    by_spread: dict[int, float] = {}
    by_first: dict[int, tuple[float, float, float]] = {}
    by_len: dict[int, float] = {}
    out: dict[str, float] = {}
    for w in dict.fromkeys(lemmas):
        k, s, f, size = tf[w], sf[w], first[w], len(w)
        t_k = by_count.get(k)
        if t_k is None:
            t_k = by_count[k] = (w_logtf * math.log(k), w_once * float(k == 1))
        t_s = by_spread.get(s)
        if t_s is None:
            t_s = by_spread[s] = w_spread * (s / n)
        t_f = by_first.get(f)
        if t_f is None:
            t_f = by_first[f] = (w_inv * (1.0 / (f + 1)), w_rel * (f / span), w_in * float(f == 0))
        t_len = by_len.get(size)
        if t_len is None:
            t_len = by_len[size] = w_len * (min(size, 15) / 15)
        # the word_row features, summed in the same order as the linear model
        z = bias + (t_k[0] + t_s + t_f[0] + t_f[1] + t_f[2] + cap_terms[w in capital]
                    + t_len + t_k[1] + last + w_prior * prior.get(w, 0.0))  # fmt: skip
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
        i: bias + sum(map(mul, weights, a.features[i])) for i in a.eligible
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
    order = sorted(candidates)
    m = len(order)
    length = [a.length[i] for i in order]
    words = [a.words[i] for i in order] if budget is not None else []
    score = [scores[i] for i in order]
    additive = [
        w_sumh * scores[i] * a.length[i] + w_sump * scores[i] + w_len * a.length[i] / 30
        + sum(map(mul, summed, a.features[i]))
        for i in order
    ]  # fmt: skip
    prob = a.word_prob
    lemma_sets = [set(a.content[i]) for i in order]
    # sums in a fixed order (document order, then sorted), whatever the string hash seed
    mass = [sum(map(prob.__getitem__, dict.fromkeys(a.content[i]))) for i in order]
    # coverage of a union by inclusion-exclusion: pairwise overlaps once, triples on the fly
    overlap: dict[tuple[int, int], tuple[set[str], float]] = {}
    sims: dict[tuple[int, int], float] = {}
    if size > 1:
        for p, q in combinations(range(m), 2):
            common = lemma_sets[p] & lemma_sets[q]
            overlap[p, q] = (common, sum(map(prob.__getitem__, sorted(common))) if common else 0)
            # a.sim inlined where it is a sum of at most one product (same value and type)
            if not common:
                sims[p, q] = 0  # sum() of no product
            elif len(common) == 1:
                (w,) = common
                sims[p, q] = a.weight(order[p], w) * a.weight(order[q], w)
            else:
                sims[p, q] = a.sim(order[p], order[q])
    if size == 3 and budget is None:
        return _best_triple(order, additive, score, length, lemma_sets, mass, overlap, sims,
                            prob, weights[:10], bias)  # fmt: skip
    best: tuple[int, ...] | None = None
    best_value = -math.inf
    for chosen in combinations(range(m), size):
        if budget is not None and sum(words[p] for p in chosen) > budget:
            continue
        total = sum(length[p] for p in chosen)
        cov = sum(mass[p] for p in chosen)
        ncov = sum(len(lemma_sets[p]) for p in chosen)
        red = 0.0
        for pair in combinations(chosen, 2):
            common, shared = overlap[pair]
            cov -= shared
            ncov -= len(common)
            red += sims[pair]
        if size == 3:
            triple = overlap[chosen[0], chosen[1]][0] & lemma_sets[chosen[2]]
            if triple:
                cov += sum(map(prob.__getitem__, sorted(triple)))
                ncov += len(triple)
        value = (
            bias + sum(additive[p] for p in chosen) + w_maxp * max(score[p] for p in chosen)
            + w_len2 * (total / 30) ** 2 + w_log * math.log(total + 1) + w_red * red
            + w_cov * cov + w_rate * cov / (total + 34) + w_ncov * ncov
        )  # fmt: skip
        if value > best_value:
            best, best_value = tuple(order[p] for p in chosen), value
    return best


def _best_triple(
    order: list[int],
    additive: list[float],
    score: list[float],
    length: list[int],
    lemma_sets: list[set[str]],
    mass: list[float],
    overlap: dict[tuple[int, int], tuple[set[str], float]],
    sims: dict[tuple[int, int], float],
    prob: dict[str, float],
    weights: list[float],
    bias: float,
) -> tuple[int, ...] | None:
    """``_best_set`` for three sentences without a budget: the pair parts are summed once.

    The pair values are laid out in rows (``shared[p][r]`` for the pair p < r) so the inner
    loop indexes lists; the value is the same expression, in the same order, as ``_best_set``.
    """
    _, _, w_maxp, _, w_len2, w_log, w_red, w_cov, w_rate, w_ncov = weights
    m = len(order)
    sizes = list(map(len, lemma_sets))
    shared = [[0.0] * m for _ in range(m)]
    n_common = [[0] * m for _ in range(m)]
    sim = [[0.0] * m for _ in range(m)]
    for (p, q), (common, value) in overlap.items():
        shared[p][q] = value
        n_common[p][q] = len(common)
        sim[p][q] = sims[p, q]
    best: tuple[int, ...] | None = None
    best_value = -math.inf
    for p in range(m - 2):
        shared_p, n_common_p, sim_p = shared[p], n_common[p], sim[p]
        for q in range(p + 1, m - 1):
            shared_q, n_common_q, sim_q = shared[q], n_common[q], sim[q]
            common_pq = overlap[p, q][0]
            add_pq = bias + additive[p] + additive[q]
            len_pq = length[p] + length[q]
            cov_pq = mass[p] + mass[q] - shared_p[q]
            ncov_pq = sizes[p] + sizes[q] - n_common_p[q]
            red_pq = sim_p[q]
            max_pq = max(score[p], score[q])
            for r in range(q + 1, m):
                total = len_pq + length[r]
                cov = cov_pq + mass[r] - shared_p[r] - shared_q[r]
                ncov = ncov_pq + sizes[r] - n_common_p[r] - n_common_q[r]
                if common_pq:
                    triple = common_pq & lemma_sets[r]
                    if triple:
                        cov += sum(map(prob.__getitem__, sorted(triple)))
                        ncov += len(triple)
                top = score[r] if score[r] > max_pq else max_pq  # max(max_pq, score[r])
                value = (
                    add_pq + additive[r] + w_maxp * top
                    + w_len2 * (total / 30) ** 2 + w_log * math.log(total + 1)
                    + w_red * (red_pq + sim_p[r] + sim_q[r])
                    + w_cov * cov + w_rate * cov / (total + 34) + w_ncov * ncov
                )  # fmt: skip
                if value > best_value:
                    best, best_value = (order[p], order[q], order[r]), value
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
    # best first, ties in document order: a stable sort keeps equal scores in the eligible
    # list's (ascending) order even with reverse=True, as the key (-score, i) would
    ranked = sorted(a.eligible, key=scores.__getitem__, reverse=True)
    candidates = ranked[:CANDIDATES]
    a.word_prob = word_probabilities(a, chain.from_iterable(map(a.content.__getitem__, candidates)))
    chosen: tuple[int, ...] | None = None
    for size in range(min(limit, 3, len(candidates)), 0, -1):
        chosen = _best_set(a, candidates, size, scores, words)
        if chosen is not None:
            break
    if chosen is None:  # no sentence fits the budget: the caller cuts the best one
        return [ranked[0]]
    picked = list(chosen)
    used = sum(a.words[i] for i in picked) if words is not None else 0
    for i in ranked:  # beyond three sentences: the next best ones, budget allowing
        if len(picked) >= limit:
            break
        if i in picked:
            continue
        if words is not None:
            if used + a.words[i] > words:
                continue
            used += a.words[i]
        picked.append(i)
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


def sentence_count(sentences: int | None, words: int | None) -> int | None:
    """The sentence budget from the options: 3 by default, none with ``--words`` alone."""
    if sentences is not None:
        return sentences
    return None if words is not None else 3


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
