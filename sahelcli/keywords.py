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

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, repeat
from operator import sub
from pathlib import Path
from typing import Any, NamedTuple

from unidecode import unidecode

from sahelcli.idf import (
    DEFAULT_MIN_DF,
    DfCounter,
    IdfModel,
    flat_model,
    load_idf_model,
    load_shipped_model,
    save_idf_model,
)
from sahelcli.pipeline import Stage, Warn, ensure_tokens
from sahelcli.records import Record
from sahelcli.tokenize import stop_words, token_forms, tokenize_text

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


# --------------------------------------------------------------------------- models


@lru_cache(maxsize=8)
def shipped_model(lang: str | None) -> IdfModel | None:
    """The background model shipped for ``lang`` (None when there is none)."""
    if not lang or not (lang.isascii() and lang.isalpha() and len(lang) <= 3):
        return None  # "lang" comes from input records: never a path
    path = DATA / f"idf-{lang.lower()}.json.gz"
    if not path.exists():
        return None
    model = load_shipped_model(path)  # ours: test_shipped_model_is_valid checks it
    model.source = f"shipped:{lang}"
    return model


_FOLD: dict[str, str] = {}


def _fold(text: str) -> str:
    """``unidecode(text).lower()``, remembered (bounded) when unidecode has work to do."""
    if text.isascii():
        return text.lower()  # cheaper than looking it up
    folded = _FOLD.get(text)
    if folded is None:
        folded = _unidecode(text).lower()
        if len(_FOLD) < 500_000:
            _FOLD[text] = folded
    return folded


#: unidecode of each Latin-1 Supplement and Latin Extended-A/B character: French
#: words need only these, and ``str.translate`` is ~10x faster than unidecode
#: (which is per character too, so the result is the same)
_LATIN: dict[int, str] = {}


def _unidecode(text: str) -> str:
    """``unidecode(text)``: a translation table for Latin letters, unidecode for the rest."""
    if text.isascii():
        return text
    if not _LATIN:
        _LATIN.update((c, unidecode(chr(c))) for c in range(0x80, 0x250))
    ascii_text = text.translate(_LATIN)
    return ascii_text if ascii_text.isascii() else unidecode(text)


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


class _Seq(NamedTuple):
    """One analysed text (title or body): its words, cut into phrase runs.

    Flat lists (no list per run): ``pos[w]`` is the token index of word ``w``,
    ``keys[w]`` its key, and run ``r`` holds words ``ends[r-1]`` to ``ends[r]``;
    connectors lie in the token gaps between words of a run.
    """

    text: str
    tokens: list[dict[str, Any]]
    pos: list[int]
    keys: list[str]
    ends: list[int]
    size: int  # number of tokens
    plurals: list[int]  # words whose key may be a plural (-s, -x)
    forms: list[str]  # the surface form of every token


#: Titles before a name ("Dr Nair", "M. Traoré") are not part of a keyphrase.
_HONORIFICS = frozenset("m mm mme mmes mlle dr pr mgr mr mrs ms".split())

# word classes, fixed for a (surface form, lemma) pair (context decides the rest);
# ``_analyse`` tests them as literals: 0 cut, 1 connector, 2 article, 3 capitalised
# stop word, 4 word
_C_NONWORD, _C_LINK, _C_ARTICLE, _C_STOPWORD, _C_WORD = 0, 1, 2, 3, 4
#: Class info of a token form: (class, key, capitalised, lemma, maybe a plural),
#: or 0 for a form that is never a word whatever its lemma (punctuation, numbers,
#: stop words).
_Info = tuple[int, str, bool, str, bool] | int
#: per language, surface form -> info of its last lemma: one dict lookup per
#: token in the hot loop (the lemma is checked, as context may change it)
_FORM_CACHE: dict[str, dict[str, _Info]] = {}
#: (surface, lemma, language) -> info, for forms whose lemma changes with context
_PAIR_CACHE: dict[tuple[str, str, str], _Info] = {}
_CACHE_LIMIT = 300_000


def _word_class(surface: str, lemma: str, lang: str) -> _Info:
    """Class info of a token form (see ``_Info``), remembered for the next tokens."""
    pair = (surface, lemma, lang)
    found = _PAIR_CACHE.get(pair)
    if found is None:
        found = _classify(surface, lemma, lang)
        if len(_PAIR_CACHE) < _CACHE_LIMIT:
            _PAIR_CACHE[pair] = found
    cache = _FORM_CACHE.get(lang)
    if cache is None:
        cache = _FORM_CACHE[lang] = {}
    if len(cache) < _CACHE_LIMIT:
        cache[surface] = found
    return found


#: per language: (connectors, articles after a connector, stop words)
_LANG_WORDS: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}


def _lang_words(lang: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The word sets ``_classify`` asks about, per language (one lookup per new form)."""
    words = _LANG_WORDS.get(lang)
    if words is None:
        words = _LANG_WORDS[lang] = (
            _CONNECTORS.get(lang, _CONNECTORS["fr"]),
            _AFTER_CONNECTOR.get(lang, _AFTER_CONNECTOR["fr"]),
            stop_words(lang if lang in _CONNECTORS else "fr"),
        )
    return words


def _classify(surface: str, lemma: str, lang: str) -> _Info:
    """The class info of a (surface form, lemma) pair: the work each new pair costs."""
    norm = _fold(surface)
    if not norm[:1].isalpha():
        return 0
    upper = surface[:1].isupper()
    links, articles, stops = _lang_words(lang)
    if norm in links:
        cls = _C_LINK
    elif norm in articles:
        cls = _C_ARTICLE
    elif norm in stops:
        if not (upper and len(norm) > 2):
            return 0
        cls = _C_STOPWORD
    elif len(norm) < 2 and not upper or norm.rstrip(".") in _HONORIFICS:
        return 0
    else:
        cls = _C_WORD
    key = norm if lemma == surface else _fold(lemma)
    if cls == _C_WORD and lang == "fr" and not upper:
        if _finite_verb(surface.lower(), norm, lemma, key):
            cls = _C_NONWORD
    return (cls, key, upper, lemma, len(key) > 3 and key[-1] in "sx")


#: The info of a form not classified yet, and of one that cuts runs.
_UNSEEN = (0, "", False, "\0", False)
_CUT = (0, "", False, "", False)


def _analyse(
    text: str, sentences: list[dict[str, int]], tokens: list[dict[str, Any]], lang: str
) -> _Seq:
    """Classify tokens in context and cut the runs phrases are taken from.

    A run is a maximal sequence of words with connectors between them; it is
    cut at stop words, punctuation, numbers, sentence starts, line breaks and
    where a lowercase word meets a capitalised one ("commentateur | Thierry").
    This is the stage's hot loop: every token's form is looked up at once,
    and only tokens that may join a run (about half) are visited one by one.
    """
    # sentence start -> next sentence start: where a line break may cut a run
    starts = sorted(s["start"] for s in sentences)
    sentence_ends = dict(zip(starts, [*starts[1:], len(text)], strict=False))
    surfaces = token_forms(text, tokens)
    cache = _FORM_CACHE.get(lang) or _FORM_CACHE.setdefault(lang, {})
    # forms not met yet get _UNSEEN, whose lemma matches none: classified below
    infos = list(map(cache.get, surfaces, repeat(_UNSEEN)))
    pos: list[int] = []
    keys: list[str] = []
    ends: list[int] = []
    plurals: list[int] = []
    n_words = 0
    run_start = 0  # the current run holds words run_start..n_words
    last_cap = False  # capitalisation of the run's last word
    prev_idx = -2  # index of the previous token that may join a run
    prev_end = 0  # its end
    prev_cls = 0  # its class in context (0: it cut the run)
    count = text.count
    # does the sentence of the current token hold a line break (hard-wrapped text)?
    # Known per sentence, whichever of its tokens are visited (skipped forms depend on
    # what the cache has seen, the answer must not); in a text without one, never.
    breaks = "\n" in text
    wrapped = False
    if breaks:
        sentence_wrapped = [count("\n", a, sentence_ends[a]) > 0 for a in starts]
        next_start = starts[1] if len(starts) > 1 else len(text) + 1
        sentence_index = 0
        wrapped = bool(sentence_wrapped) and sentence_wrapped[0]
    # 0 (falsy) infos never join a run: a gap in the indices is a cut
    for idx, found in zip(compress(range(len(infos)), infos), compress(infos, infos), strict=True):
        tok = tokens[idx]
        # another lemma than the cached one ("des": "un" or "de+le"): classify again,
        # unless the form is a connector or an article, which the form alone makes
        if found[3] != tok["lemma"] and not 0 < found[0] < 3:  # type: ignore[index]
            found = _word_class(surfaces[idx], tok["lemma"], lang) or _CUT
        cls, key, upper, _, plural = found  # type: ignore[misc]
        if idx != prev_idx + 1:
            prev_cls = 0
        prev_idx = idx
        start = tok["start"]
        initial = start in sentence_ends
        if breaks and start >= next_start:  # a later sentence
            sentence_index = bisect_right(starts, start) - 1
            wrapped = sentence_wrapped[sentence_index]
            next_start = (
                starts[sentence_index + 1] if sentence_index + 1 < len(starts) else len(text) + 1
            )
        # 4 word, 1 connector, 2 article (inside a phrase after a connector only),
        # 3 a capitalised stop-listed word: inside a name ("coup d'État", "la Mine"),
        # 0 a conjugated verb
        if cls != 4 and cls != 1:
            if cls == 2:
                if prev_cls != 1:
                    cls = 0
            elif cls != 3 or initial or not prev_cls:
                cls = 0
        if n_words > run_start and (
            not prev_cls or not cls or initial or wrapped and count("\n", prev_end, start)
        ):
            ends.append(n_words)
            run_start = n_words
        prev_cls = cls
        if not cls:
            continue
        if wrapped:  # only read when the sentence holds a line break
            prev_end = tok["end"]
        if cls == 4 or cls == 3:  # a word
            cap = upper and not initial
            if cap and not last_cap and n_words > run_start:
                ends.append(n_words)
                run_start = n_words
            last_cap = cap
            if plural:
                plurals.append(n_words)
            keys.append(key)
            pos.append(idx)
            n_words += 1
    if n_words > run_start:
        ends.append(n_words)
    return _Seq(text, tokens, pos, keys, ends, len(tokens), plurals, surfaces)


_VERB_LEMMA_ENDS = ("er", "ir", "re", "oir")
_PARTICIPLE_ENDS = ("é", "ée", "és", "ées", "i", "ie", "is", "ies", "u", "ue", "us", "ues")


def _finite_verb(lower: str, norm: str, lemma: str, base: str) -> bool:
    """A French conjugated verb or -ant form ("exige", "augmentera", "visant").

    Such words end noun phrases ("Frères musulmans | exige"); the lemmatiser
    prefers the noun for ambiguous forms ("attaque", "hausse"), and past
    participles stay ("papillons mutés"). ``base`` is the folded lemma.
    """
    if not lemma.endswith(_VERB_LEMMA_ENDS):
        return False
    if norm == base or norm[len(base) :] in ("s", "x", "e", "es") and norm.startswith(base):
        return False  # "ministres", "pouvoirs", "étrangère", "premiers": nouns, adjectives
    return not lower.endswith(_PARTICIPLE_ENDS)


def _runs(seq: _Seq) -> Iterator[tuple[int, int]]:
    """(first word, end word) of each run of ``seq``."""
    a = 0
    for e in seq.ends:
        yield a, e
        a = e


def _phrase(seq: _Seq, a: int, b: int) -> str:
    """The key of the phrase of words ``a`` to ``b`` (inclusive) of one run."""
    keys, pos = seq.keys, seq.pos
    key = keys[a]
    for w in range(a + 1, b + 1):
        key = f"{key} de {keys[w]}" if pos[w] - pos[w - 1] > 1 else f"{key} {keys[w]}"
    return key


def _occurrences(seq: _Seq) -> Iterator[tuple[str, int, int, int]]:
    """(key, words, first token, last token) of every sub-phrase of every run."""
    pos = seq.pos
    for start, end in _runs(seq):
        for a in range(start, end):
            for b in range(a, min(a + MAX_WORDS, end)):
                yield _phrase(seq, a, b), b - a + 1, pos[a], pos[b]


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
    if not any(seq.plurals for seq in seqs):
        return
    words = set(seqs[0].keys)
    for seq in seqs[1:]:
        words.update(seq.keys)
    for seq in seqs:
        keys = seq.keys
        for w in seq.plurals:
            bare = keys[w][:-1]
            if bare in words:
                keys[w] = bare


# per key: [words, body count, title count, first, last, first word's key (or, from
# _collect_rich, the word indices of the occurrences)]
_Stats = dict[str, list[Any]]


def _collect(seqs: list[tuple[_Seq, bool]]) -> _Stats:
    """Merge every occurrence by key; positions count tokens, title first."""
    found: _Stats = {}
    get = found.get
    offset = 0
    for seq, is_title in seqs:
        slot, body, title = (2, 0, 1) if is_title else (1, 1, 0)
        keys = seq.keys
        pos = seq.pos
        a0 = 0
        for end in seq.ends:  # _occurrences, inlined: the hot path
            if end - a0 == 1:  # most runs: one word
                i = offset + pos[a0]
                key = keys[a0]
                st = get(key)
                if st is None:
                    found[key] = [1, body, title, i, i, key]
                else:
                    st[slot] += 1
                    st[4] = i
                a0 = end
                continue
            for a in range(a0, end):
                i = offset + pos[a]
                word = key = keys[a]
                st = get(key)
                if st is None:
                    found[key] = [1, body, title, i, i, key]
                else:
                    st[slot] += 1
                    st[4] = i
                for b in range(a + 1, a + MAX_WORDS if a + MAX_WORDS < end else end):
                    j = pos[b]
                    key = f"{key} de {keys[b]}" if j - pos[b - 1] > 1 else f"{key} {keys[b]}"
                    j += offset
                    st = get(key)
                    if st is None:
                        found[key] = [b - a + 1, body, title, i, j, word]
                    else:
                        st[slot] += 1
                        st[4] = j
            a0 = end
        offset += seq.size
    return found


def _collect_rich(seqs: list[tuple[_Seq, bool]]) -> tuple[_Stats, int, int]:
    """``_collect`` for the candidates that may rank: those seen twice or in the title.

    A word seen once in the article, in the body, is a candidate seen once,
    and so is every phrase holding it: these (most candidates) are left out,
    and with them their key building and scoring. Returns the statistics (in
    ``_collect`` order, but with the word index, counted over all texts, of
    each occurrence in place of the first word: that spares ``_forms`` a
    search), the position of the earliest candidate left out (-1: none) and a
    bound on the token span of the phrases left out, for ``_left_out_bound``.
    """
    counts: Counter[str] = Counter()
    for seq, _ in seqs:
        counts.update(seq.keys)
    found: _Stats = {}
    get = found.get
    offset = 0
    w0 = 0  # words of the texts before
    left_first = -1
    span = 0
    for seq, is_title in seqs:
        slot, body, title = (2, 0, 1) if is_title else (1, 1, 0)
        keys = seq.keys
        pos = seq.pos
        # times each word is seen in the article (title words count as seen twice:
        # in the title, nothing is left out)
        seen = [2] * len(keys) if is_title else list(map(counts.__getitem__, keys))
        a0 = 0
        for end in seq.ends:  # the loop of _collect, with words seen once skipped
            if end - a0 == 1:
                i = offset + pos[a0]
                if seen[a0] == 1:
                    if left_first < 0:
                        left_first = i
                    a0 = end
                    continue
                key = keys[a0]
                st = get(key)
                if st is None:
                    found[key] = [1, body, title, i, i, [w0 + a0]]
                else:
                    st[slot] += 1
                    st[4] = i
                    st[5].append(w0 + a0)
                a0 = end
                continue
            for a in range(a0, end):
                i = offset + pos[a]
                if seen[a] == 1:  # this word and every phrase it starts: seen once
                    if left_first < 0:
                        left_first = i
                    if pos[end - 1] - pos[a0] > span:  # max() without a call
                        span = pos[end - 1] - pos[a0]
                    continue
                key = keys[a]
                st = get(key)
                if st is None:
                    found[key] = [1, body, title, i, i, [w0 + a]]
                else:
                    st[slot] += 1
                    st[4] = i
                    st[5].append(w0 + a)
                for b in range(a + 1, a + MAX_WORDS if a + MAX_WORDS < end else end):
                    if seen[b] == 1:  # this phrase and the longer ones: seen once
                        if left_first < 0:
                            left_first = i
                        if pos[end - 1] - pos[a0] > span:
                            span = pos[end - 1] - pos[a0]
                        break
                    j = pos[b]
                    key = f"{key} de {keys[b]}" if j - pos[b - 1] > 1 else f"{key} {keys[b]}"
                    j += offset
                    st = get(key)
                    if st is None:
                        found[key] = [b - a + 1, body, title, i, j, [w0 + a]]
                    else:
                        st[slot] += 1
                        st[4] = j
                        st[5].append(w0 + a)
            a0 = end
        offset += seq.size
        w0 += len(keys)
    return found, left_first, span


def _forms(key: str, st: list[Any], seqs: list[tuple[_Seq, bool]]) -> Counter[str]:
    """The original forms of the occurrences of ``key``, in order.

    Only read for candidates that are shown: occurrences are found among
    those of the phrase's first word between its first and last occurrence
    (a C-speed ``list.index`` scan).
    """
    words, first, last, first_word = st[0], st[3], st[4], st[5]
    forms: dict[str, int] = {}
    if isinstance(first_word, list):  # from _collect_rich: the occurrences are known
        return _known_forms(words, first_word, seqs)
    offset = 0
    for seq, is_title in seqs:
        keys, pos, ends, tokens, text = seq.keys, seq.pos, seq.ends, seq.tokens, seq.text
        todo = st[2] if is_title else st[1]  # occurrences in this text
        a = bisect_left(pos, first - offset) - 1
        hi = bisect_right(pos, last - offset)
        offset += seq.size
        while todo:
            a = keys.index(first_word, a + 1, hi)
            if words > 1:
                b = a + words - 1
                if b >= ends[bisect_right(ends, a)] or _phrase(seq, a, b) != key:
                    continue
                form = " ".join(text[tokens[pos[a]]["start"] : tokens[pos[b]]["end"]].split())
            else:
                tok = tokens[pos[a]]
                form = text[tok["start"] : tok["end"]]
            forms[form] = forms.get(form, 0) + 1
            todo -= 1
    return Counter(forms)


def _known_forms(words: int, where: list[int], seqs: list[tuple[_Seq, bool]]) -> Counter[str]:
    """``_forms`` of the occurrences starting at word indices ``where`` (over all texts).

    A word's form is its token's surface, which ``_analyse`` kept: counted at C
    level (``Counter.update`` over a map), in order, as the loop counts phrases.
    """
    counter: Counter[str] = Counter()
    w0 = 0
    for seq, _ in seqs:
        pos = seq.pos
        w1 = w0 + len(pos)
        here = where[bisect_left(where, w0) : bisect_left(where, w1)]  # in this text
        if words == 1:
            if w0:
                here = list(map(sub, here, repeat(w0)))
            counter.update(map(seq.forms.__getitem__, map(pos.__getitem__, here)))
        else:
            tokens, text = seq.tokens, seq.text
            found = []
            for w in here:
                start = tokens[pos[w - w0]]["start"]
                end = tokens[pos[w - w0 + words - 1]]["end"]
                found.append(" ".join(text[start:end].split()))
            counter.update(found)
        w0 = w1
    return counter


def _candidate(key: str, st: list[Any], seqs: list[tuple[_Seq, bool]]) -> Candidate:
    return Candidate(key, st[0], st[1], st[2], st[3], st[4], _forms(key, st, seqs))


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
        keys.update(seq.keys)
        keys.update(key for key, words, _, _ in _occurrences(seq) if words > 1)
    return keys


# --------------------------------------------------------------------------- scoring


def _phrase_idf(key: str, words: int, model: IdfModel) -> float:
    """IDF of a key; a phrase missing from the model is as rare as its rarest word,
    at most ``min_df - 1`` documents (it was pruned).

    Memoised on the model, negated when the key is not in the model: one
    lookup answers both questions the scorer asks (IDF is always >= 1).
    """
    memo = model.memo
    idf = memo.get(key)
    if idf is None:
        df = model.df.get(key)
        if df is None and words > 1 and model.documents:
            word_dfs = [model.df.get(w, 0) for w in key.split() if w != "de"]
            df = min([max(model.min_df - 1, 0), *word_dfs])
            idf = -model.idf_of_df(df)
        else:
            idf = model.idf_of_df(df or 0) if df is not None else -model.idf_of_df(0)
        if len(memo) < 1_000_000:
            memo[key] = idf
    return idf


#: Stand-in score of a candidate left unscored (real scores are all >= 1).
_UNSCORED = -1.0


def _scores(
    stats: _Stats, model: IdfModel, n_tokens: int, lazy: bool, phrases: bool = False
) -> list[float]:
    """The score of every candidate, in ``stats`` order: TF x IDF x early-position
    prior x length x spread (one loop, no call per candidate: the memo answers).

    ``lazy`` leaves words seen once in the body (most candidates) at
    ``_UNSCORED``: none scores above ``_lone_word_bound``; with ``phrases``,
    phrases seen once in the body too (see ``_left_out_bound``).
    """
    memo_get = model.memo.get
    scale = max(POSITION_SCALE * n_tokens, 1.0)
    out: list[float] = []
    append = out.append
    unscored_words = (MAX_WORDS if phrases else 1) if lazy else 0  # left unscored up to
    for key, st in stats.items():
        words, count, title_count, first, last, _ = st
        if count == 1 and words <= unscored_words and not title_count:
            append(_UNSCORED)
            continue
        idf = memo_get(key)
        if idf is None:
            idf = _phrase_idf(key, words, model)
        unseen = idf < 0.0  # the key is not in the model (see _phrase_idf)
        if unseen:
            idf = -idf
        score = (
            (count + TITLE_WEIGHT * title_count)
            * idf
            * (1.0 + POSITION_WEIGHT / (1.0 + first / scale))
        )
        if words > 1:
            length = 1.0 + LENGTH_BONUS * (words - 1)
            if unseen and count + title_count < 2:
                length *= UNSEEN_PHRASE_WEIGHT
            score *= length
        if last != first:
            score *= 1.0 + SPREAD_BONUS * (last - first) / n_tokens
        append(score)
    return out


def _lone_word_bound(model: IdfModel) -> float:
    """The highest score a word seen once in the body can get: TF 1, the IDF of
    a term never seen, the first token's position prior, no length or spread."""
    return 1.0 * model.idf_of_df(0) * (1.0 + POSITION_WEIGHT / 1.0)


def _contains(longer: str, shorter: str) -> bool:
    return f" {shorter} " in f" {longer} "


#: Texts (title and body) of fewer tokens are ranked in one step: most of their
#: candidates are seen once, so the staged ranking nearly always falls back and
#: pays for its first steps in vain (MasakhaNEWS-fr: 160 of the 188 articles under
#: 300 tokens fell back, ranked in ~1.6x the time of one step; no gain from ~350 on)
_SHORT_TEXT = 300


def _rank(
    seqs: list[tuple[_Seq, bool]], model: IdfModel, top: int
) -> list[tuple[Candidate, float]]:
    """Best ``top`` candidates with their scores, near-duplicates removed.

    ``_rank_all`` for short texts, else ``_rank_staged``: the same result, each
    where it is the cheaper.
    """
    n_tokens = max(sum(seq.size for seq, _ in seqs), 1)
    if n_tokens < _SHORT_TEXT:
        return _rank_all(seqs, model, top, n_tokens)
    return _rank_staged(seqs, model, top, n_tokens)


def _rank_all(
    seqs: list[tuple[_Seq, bool]], model: IdfModel, top: int, n_tokens: int
) -> list[tuple[Candidate, float]]:
    """``_rank`` plainly: every candidate collected and scored, then the choice."""
    stats = _collect(seqs)
    scores = _scores(stats, model, n_tokens, lazy=False)
    chosen, _ = _choose(list(stats), stats, scores, top)
    return [(_candidate(key, st, seqs), score) for key, st, score in chosen]


def _rank_staged(
    seqs: list[tuple[_Seq, bool]], model: IdfModel, top: int, n_tokens: int
) -> list[tuple[Candidate, float]]:
    """``_rank``, in steps that leave out what cannot rank.

    Candidates seen once in the body (most of them) are first left out or left
    unscored: the choice among the others stands when it never reaches down to
    the highest score those could have (see ``_left_out_bound``; ~95% of long
    news articles). Else all candidates are collected, words seen once in the
    body scored only when the choice reaches down to the highest score they
    could have, and at last the rest is scored.
    """
    stats, left_first, span = _collect_rich(seqs)
    keys = list(stats)
    scores = _scores(stats, model, n_tokens, lazy=True, phrases=True)
    if _UNSCORED in scores:  # phrases seen once (of words seen more): left out too
        once = [st for st, score in zip(stats.values(), scores, strict=True) if score == _UNSCORED]
        first = min(st[3] for st in once)
        left_first = first if left_first < 0 else min(left_first, first)
        span = max(span, max(st[4] - st[3] for st in once))
    chosen, lowest = _choose(keys, stats, scores, top)
    if left_first >= 0 and (
        lowest == _UNSCORED or lowest <= _left_out_bound(model, n_tokens, left_first, span)
    ):
        stats = _collect(seqs)
        keys = list(stats)
        scores = _scores(stats, model, n_tokens, lazy=True)
        chosen, lowest = _choose(keys, stats, scores, top)
        if lowest <= _lone_word_bound(model) and _UNSCORED in scores:
            scores = _score_rest(stats, scores, model, n_tokens)
            chosen, lowest = _choose(keys, stats, scores, top)
    return [(_candidate(key, st, seqs), score) for key, st, score in chosen]


def _score_rest(
    stats: _Stats, scores: list[float], model: IdfModel, n_tokens: int
) -> list[float]:
    """``scores`` with the candidates left unscored scored (the others keep theirs)."""
    rest = {key: st for (key, st), score in zip(stats.items(), scores, strict=True)
            if score == _UNSCORED}
    fresh = iter(_scores(rest, model, n_tokens, lazy=False))
    return [next(fresh) if score == _UNSCORED else score for score in scores]


def _left_out_bound(model: IdfModel, n_tokens: int, first: int, span: int) -> float:
    """The highest score a candidate seen once in the body, at token ``first`` or
    later and spanning at most ``span`` tokens, can get: TF 1, the IDF of a term
    never seen, its position prior, the longest length and spread (a hair more,
    against rounding)."""
    scale = max(POSITION_SCALE * n_tokens, 1.0)
    return (
        model.idf_of_df(0)
        * (1.0 + POSITION_WEIGHT / (1.0 + first / scale))
        * (1.0 + LENGTH_BONUS * (MAX_WORDS - 1))
        * (1.0 + SPREAD_BONUS * span / n_tokens)
        * (1.0 + 1e-9)
    )


def _choose(
    keys: list[str], stats: _Stats, scores: list[float], top: int
) -> tuple[list[tuple[str, list[Any], float]], float]:
    """The best ``top`` candidates, near-duplicates removed, and the lowest score
    looked at (``_UNSCORED`` when the choice ran into unscored candidates).

    Ties are broken by first occurrence, then by key: that is the order in
    which ``_collect`` meets keys (keys first seen at the same word extend
    one another), so a stable sort on the score alone keeps it.
    """
    chosen: list[tuple[str, list[Any], float]] = []
    longest = 0  # most words in a chosen phrase: only longer phrases hold a candidate
    lowest = _UNSCORED
    for n in sorted(range(len(scores)), key=scores.__getitem__, reverse=True):
        if len(chosen) >= top:
            return chosen, lowest
        lowest = scores[n]
        if lowest == _UNSCORED:
            return chosen, lowest
        key = keys[n]
        st = stats[key]
        words = st[0]
        if words < longest and _redundant(key, st, chosen):
            continue
        if words > 1 and any(c[1][0] < words for c in chosen):
            # a better-ranked part of this phrase ("Gilles" of "Gilles Jacquier") goes
            chosen = [c for c in chosen if not _redundant(c[0], c[1], [(key, st, 0.0)])]
        chosen.append((key, st, lowest))
        longest = max(longest, words)
    return chosen, _UNSCORED


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
            warn(
                f"{record['id']}: no background IDF model for language {lang or 'unknown'}; "
                "ranking by frequency and position only (use --idf FILE or --idf corpus)"
            )

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
