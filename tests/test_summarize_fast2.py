"""Session 3 fast paths of the summariser agree exactly with the plain computations.

``_may_be_caption`` (a two-letter look at each end before the caption patterns), the int
codes of word forms, the degree feature and unit weights, and the similarities the set search
takes without unit dicts are each checked against the straightforward version.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from sahelcli import summarize as S
from sahelcli.tokenize import tokenize_record
from tests.conftest import FIXTURES
from tests.conftest import read_record as _record
from tests.test_summarize_fast import _plain_caption, _plain_heading

_WORDS = ["AFP", "afp", "Reuters", "reuters", "Getty Images", "AP", "ap", "iStock", "EPA", "Sipa",
          "MAXPPP", "Abaca", "Shutterstock", "photo", "Photo", "PHOTOS", "images", "Crédit",
          "credits", "Capture d'écran", "Légende", "caption", "Source", "vidéo", "Video",
          "Illustration", "image", "Le", "la", "Mali", "armée", "es", "ts", "pa", "ca", "to",
          "cap", "sop", "phot", "ille", "imag", "viii", "x", "_", "1", "12", "é", "É", "ſ", "K",
          "İ", "ı", "ß", "ǅ"]  # fmt: skip
_GLUE = [" ", "  ", "\n", "\t", ".", ",", ";", ":", "!", "?", "…", '"', "'", "«", "»", "“", "”",
         "’", ")", "]", "*", "-", "(", "/", "©", ""]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_WORDS + _GLUE), max_size=12))
def test_caption_prefilter_never_changes_the_answer(parts: list[str]) -> None:
    text = "".join(parts)
    assert S._is_caption(text) == _plain_caption(text)
    assert S._is_heading(text, S._ends_sentence(text)) == _plain_heading(text)
    if not S._may_be_caption(text):  # the prefilter only says "no" when both patterns fail
        assert not S._CAPTION_HEAD.match(text) and not S._CAPTION_TAIL.search(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(min_size=0, max_size=30))
def test_caption_prefilter_on_any_characters(text: str) -> None:
    assert S._is_caption(text) == _plain_caption(text)
    if not S._may_be_caption(text):
        assert not S._CAPTION_HEAD.match(text) and not S._CAPTION_TAIL.search(text)


def test_shape_codes_say_what_the_old_flags_said() -> None:
    forms = ["le", "Mali", "je", "j'", "i", "nous", "«", '"', ",", "1", "12", "a", "-nous",
             "x1", "ʼ"]  # fmt: skip
    for w in forms:
        code = S._shape(w)
        word = any(c.isalnum() for c in w)
        alpha = len(w) > 1 and any(c.isalpha() for c in w)
        assert (code >= S._WORD) == word
        assert (code == S._QUOTE) == (w in S._QUOTES)
        if word:
            assert bool(code & 1) == alpha
            assert (code > S._ALPHA) == (w in S._FIRST_PERSON)


def test_degree_feature_and_weights_are_the_plain_ones() -> None:
    """The set search's similarities and the degree feature use the centroid and weights:
    recompute both the plain way on a fixture and compare the floats exactly."""
    record = _record(FIXTURES / "sum_sahel_fr.txt")
    tokenize_record(record)
    a = S.analyse(record)
    centroid = dict.fromkeys(a.sf, 0.0)
    for unit in a.units:
        for w, v in unit.items():
            centroid[w] += v
    span = max(a.n - 1, 1)
    for i in a.eligible:
        unit = a.unit(i)
        degree = sum(x * centroid[w] for w, x in unit.items()) - 1.0 if unit else 0.0
        assert a.features[i][S.SENTENCE_FEATURES.index("deg")] == max(degree, 0.0) / span
    for i in range(a.n):
        for w in a.unit(i):
            assert a.weight(i, w) == a.unit(i)[w]


def test_set_search_similarities_are_a_sim() -> None:
    """_best_set takes 0 or one product for pairs sharing at most one lemma: same as a.sim."""
    record = _record(FIXTURES / "sum_sahel_fr.txt")
    tokenize_record(record)
    a = S.analyse(record)
    for i in range(a.n):
        for j in range(i + 1, a.n):
            common = set(a.content[i]) & set(a.content[j])
            if not common:
                assert a.sim(i, j) == 0 and isinstance(a.sim(i, j), int)
            elif len(common) == 1:
                (w,) = common
                assert a.sim(i, j) == a.weight(i, w) * a.weight(j, w)
    assert not math.isnan(sum(a.sim(0, j) for j in range(a.n)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([0.0, -0.0, 0.1, 0.25, 0.3, -1.0, 1e-17]), max_size=40))
def test_ranking_by_reversed_stable_sort_keeps_ties_in_document_order(values: list[float]) -> None:
    """select ranks with sorted(..., reverse=True): the order of the key (-score, index)."""
    eligible = list(range(0, 2 * len(values), 2))
    scores = dict(zip(eligible, values, strict=True))
    assert sorted(eligible, key=scores.__getitem__, reverse=True) == sorted(
        eligible, key=lambda i: (-scores[i], i)
    )
