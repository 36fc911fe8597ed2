"""The summariser's fast paths give exactly what the plain computations give.

``analyse`` computes its features over flat lists, matches caption tails on the reversed
text, counts words only when needed and builds unit vectors on demand; ``word_probabilities``
reuses terms per statistic value. Each is checked here, with ``==`` (not approx), against a
plain version written the straightforward way (the code before these shortcuts).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from heapq import nsmallest
from itertools import chain
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahelcli import summarize as S
from sahelcli.tokenize import tokenize_record
from tests.conftest import FIXTURES, SEED, SHARED
from tests.conftest import read_record as _record

ORANGESUM = SHARED / "datasets" / "orangesum-fr-summaries" / "dev.jsonl"
TEXTS = [*sorted(p for p in FIXTURES.glob("*.txt") if p.stat().st_size > 1), SEED]


def _plain_caption(text: str) -> bool:
    if S._CAPTION_HEAD.match(text) or "©" in text:
        return True
    cut = text.rfind(" ", 0, max(len(text) - S._TAIL_CHARS, 0)) if len(text) > S._TAIL_CHARS else 0
    return S._CAPTION_TAIL.search(text, max(cut, 0)) is not None


def _plain_heading(text: str) -> bool:
    n_words = len(text.split())
    if not text.strip():
        return True
    if n_words <= S.HEADING_WORDS and not S._ends_sentence(text):
        return True
    return n_words <= 20 and _plain_caption(text)


def _plain_features(a: S.Analysis, record: dict) -> dict[str, object]:
    """tf, sf, first, unit vectors and sentence features, one sentence dict at a time."""
    text, tokens = record["text"], record["tokens"]
    quoted, person, capitals = [], [], []
    capital: set[str] = set()
    bigrams: list[set[tuple[str, str]]] = []
    for span in record["sentences"]:
        inside = [t for t in tokens if span["start"] <= t["start"] < span["end"]]
        words = [t for t in inside if any(c.isalnum() for c in t["norm"])]
        quoted.append(any(t["norm"] in S._QUOTES for t in inside))
        person.append(any(t["norm"] in S._FIRST_PERSON for t in words))
        capitals.append(sum(text[t["start"]].isupper() for t in words[1:]))
        capital.update(t["lemma"].lower() for t in words[1:] if text[t["start"]].isupper())
        bigrams.append({(x["norm"], y["norm"]) for x, y in zip(words, words[1:], strict=False)
                        if not (x["stop"] and y["stop"])})  # fmt: skip
    n = a.n
    counts = [Counter(c) for c in a.content]
    tf = Counter(chain.from_iterable(a.content))
    sf = Counter(chain.from_iterable(counts))
    first: dict[str, int] = {}
    for i, c in enumerate(counts):
        for w in c:
            first.setdefault(w, i)
    total = sum(tf.values()) or 1
    doc_norm2 = sum(k * k for k in tf.values())
    top = {w for _, w in nsmallest(10, [(-k, w) for w, k in tf.items() if k > 1])}
    isf = {w: math.log(1 + n / k) for w, k in sf.items()}
    units = []
    centroid = dict.fromkeys(sf, 0.0)
    for cnt in counts:
        vec = [k * isf[w] for w, k in cnt.items()]
        norm = math.sqrt(sum(x * x for x in vec)) or 1.0
        unit = {w: x / norm for w, x in zip(cnt, vec, strict=True)}
        units.append(unit)
        for w, v in unit.items():
            centroid[w] += v
    repeated = {p for i, b in enumerate(bigrams) for p in b
                if any(p in other for j, other in enumerate(bigrams) if j != i)}  # fmt: skip
    features = {}
    for rank, i in enumerate(a.eligible):
        cnt, m = counts[i], a.length[i]
        mass = sum(k * tf[w] for w, k in cnt.items())
        own = sum(k * k for k in cnt.values())
        rest2 = doc_norm2 - (2 * mass - own)
        cosrest = (mass - own) / ((math.sqrt(own) or 1.0) * math.sqrt(rest2)) if rest2 > 0 else 0.0
        degree = sum(x * centroid[w] for w, x in units[i].items())
        degree = degree - 1.0 if units[i] else 0.0
        features[i] = [
            1.0 / (rank + 1), float(rank == 0), math.log(1 + m), float(m < 8), float(quoted[i]),
            float(person[i]), cosrest, len(top.intersection(cnt)) / (len(top) or 1),
            mass / total / max(len(a.content[i]), 1),
            len(bigrams[i] & repeated) / math.sqrt(len(bigrams[i]) + 1),
            max(degree, 0.0) / max(n - 1, 1), capitals[i] / max(m, 1),
        ]  # fmt: skip
    # which of the article's most frequent word forms (ties: first occurrence) each sentence holds
    form_counts = Counter(t["norm"] for t in record["tokens"])
    ranked = sorted(form_counts, key=form_counts.__getitem__, reverse=True)
    forms = [w for w in ranked if any(c.isalnum() for c in w)][: S.TOP_FORMS]
    forms += [""] * (S.TOP_FORMS - len(forms))
    for i in a.eligible:
        span = record["sentences"][i]
        held = {t["norm"] for t in record["tokens"] if span["start"] <= t["start"] < span["end"]}
        features[i] += [float(w in held) for w in forms]
        # the lexical prior: mean log-odds of the sentence's distinct word forms
        lexical = S.load_lexicon()["forms"]
        words = [t["norm"] for t in record["tokens"] if span["start"] <= t["start"] < span["end"]
                 and any(c.isalnum() for c in t["norm"])]  # fmt: skip
        distinct = set(words)
        features[i].append(math.fsum(lexical.get(w, 0.0) for w in distinct) / len(distinct)
                           if distinct else 0.0)  # fmt: skip
    return {"tf": dict(tf), "sf": dict(sf), "first": first, "units": units,
            "features": features, "capital": capital}  # fmt: skip


def _check(record: dict) -> None:
    tokenize_record(record)
    a = S.analyse(record)
    spans = record["sentences"]
    texts = [record["text"][s["start"] : s["end"]] for s in spans]
    assert a.texts == texts
    assert a.words == [len(t.split()) for t in texts]
    assert [i for i in range(a.n) if _plain_heading(texts[i])] == [
        i for i in range(a.n) if S._is_heading(texts[i], S._ends_sentence(texts[i]))
    ]
    plain = _plain_features(a, record)
    assert dict(a.tf) == plain["tf"] and dict(a.sf) == plain["sf"]
    assert a.first == plain["first"]
    assert a.capital == plain["capital"]
    assert a.units == plain["units"]
    assert a.features == plain["features"]  # exactly the same floats
    units = plain["units"]
    assert isinstance(units, list)
    for i in range(a.n):
        for j in range(i + 1, a.n):
            small, large = units[i], units[j]
            if len(small) > len(large):
                small, large = large, small
            assert a.sim(i, j) == sum(x * large[w] for w, x in small.items() if w in large)
            assert a.sim(j, i) == a.sim(i, j)


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_fast_features_equal_the_plain_ones_on_fixtures(path: Path) -> None:
    record = _record(path)
    if (record.get("text") or "").strip():
        _check(record)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(["Le", "le", "Mali", "mali", "armée", "a", "dit", "je", "nous",
                                 "AFP", "Photo", ":", ".", "!", "\n", "«", "»", '"', ",", "l'",
                                 "État", "1", "000", "-", "le Niger", "Reuters", "©", "Nous"]),
                max_size=120))  # fmt: skip
def test_fast_features_equal_the_plain_ones_on_any_text(parts: list[str]) -> None:
    text = " ".join(parts)
    if text.strip():
        _check({"id": "h", "text": text, "lang": "fr"})


@pytest.mark.skipif(not ORANGESUM.exists(), reason="needs ../shared (OrangeSum dev half)")
def test_fast_features_equal_the_plain_ones_on_orangesum_sample() -> None:
    rows = [json.loads(line) for line in ORANGESUM.open(encoding="utf-8")][::40]
    for row in rows:
        _check({"id": row["id"], "text": row["text"], "lang": "fr"})


_CAPTION_PARTS = ["AFP", "afp", "Reuters", "Getty Images", "getty  images", "AP", "iStock", "EPA",
                  "MAXPPP", "maxppp", "Abaca", "SIPA", "Shutterstock", "photo", "Photo", "images",
                  " ", "  ", "\n", ".", ",", "©", "-", "/", "(", ")", "»", "a", "Mali", "é", "_",
                  "1", "ſ", "K", "İ", "ı", "Photo : ", "Crédit", "source", "x" * 30]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_CAPTION_PARTS), max_size=16))
def test_reversed_caption_tail_matches_like_the_forward_pattern(parts: list[str]) -> None:
    text = "".join(parts)
    assert S._is_caption(text) == _plain_caption(text)
    assert S._is_heading(text, S._ends_sentence(text)) == _plain_heading(text)


def test_word_model_terms_are_the_plain_sum() -> None:
    """word_probabilities reuses its terms per value: the same floats as the plain formula."""
    record = _record(FIXTURES / "sum_sahel_fr.txt")
    tokenize_record(record)
    a = S.analyse(record)
    weights, bias = S._folded("words")
    w_logtf, w_spread, w_inv, w_rel, w_in, w_cap, w_len, w_once, w_logn, w_prior = weights
    n, span = a.n, max(a.n - 1, 1)
    probs = S.word_probabilities(a, chain.from_iterable(a.content))
    assert list(probs) == list(dict.fromkeys(chain.from_iterable(a.content)))
    for w, p in probs.items():
        k, f = a.tf[w], a.first[w]
        z = bias + (w_logtf * math.log(k) + w_spread * (a.sf[w] / n) + w_inv * (1.0 / (f + 1))
                    + w_rel * (f / span) + w_in * float(f == 0) + w_cap * float(w in a.capital)
                    + w_len * (min(len(w), 15) / 15) + w_once * float(k == 1)
                    + w_logn * math.log(max(n, 1)) + w_prior * a.prior.get(w, 0.0))  # fmt: skip
        assert p == 1.0 / (1.0 + math.exp(-z))
