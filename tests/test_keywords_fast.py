"""Keywords fast paths agree with the plain computations they replace.

* ``_rank_staged`` first ranks only the candidates seen twice or in the title
  and falls back when the choice reaches down to what the others could score
  (then scores only what it left unscored): compared with collecting, scoring
  and choosing everything, as is ``_rank`` (which takes it for long texts);
* ``_known_forms`` (occurrences recorded while collecting) against the
  searching ``_forms``;
* ``_unidecode`` (a translation table for Latin letters) against unidecode;
* ``_classify`` (per-language word sets, ASCII folded without a lookup)
  against a plain copy;
* ``_analyse`` (line breaks looked for only in texts that hold one) against
  a copy of the token loop before that change.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from itertools import compress, repeat
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unidecode import unidecode

from sahelcli import keywords as kw
from sahelcli.idf import IdfModel, flat_model
from sahelcli.pipeline import ensure_tokens
from sahelcli.tokenize import token_forms
from tests.conftest import FIXTURES, SEED
from tests.conftest import read_record as _record

# words of every kind the candidate rules tell apart: names, nouns, plurals,
# connectors, articles, stop words (capitalised or not), verbs, numbers, marks
_VOCAB = (
    "Alliance des États du Sahel Niger Mali Burkina Faso Russie Moscou coup d'État "
    "de la l' du d' groupes jihadistes jihadiste armée armées sécurité ministre "
    "ministres Affaires étrangères coopération visite exige augmentera visant Le Les "
    "Dans Pour Nous Entre le les et ou mais M. Dr Traoré 2024 12 , . ; : « » - ( ) \n"
).split(" ")


def _text(rng: random.Random, words: int) -> str:
    out = []
    for _ in range(words):
        word = rng.choice(_VOCAB)
        out.append(word if word != "\\n" else "\n")
        if rng.random() < 0.03:
            out.append("\n" if rng.random() < 0.5 else ".\n\n")
    return " ".join(out)


def _models() -> list[IdfModel]:
    shipped = kw.shipped_model("fr")
    small = IdfModel(documents=50, min_df=2, lang="fr",
                     df={"niger": 30, "mali": 12, "sahel": 3, "armee": 40, "jihadiste": 5,
                         "groupe jihadiste": 4, "alliance de etat de sahel": 2})
    return [m for m in (shipped, small, flat_model("fr")) if m is not None]


def _plain_rank(seqs: list[Any], model: IdfModel, top: int) -> list[tuple[Any, float]]:
    """Every candidate collected and scored, then the choice: the reference."""
    stats = kw._collect(seqs)
    n_tokens = max(sum(seq.size for seq, _ in seqs), 1)
    scores = kw._scores(stats, model, n_tokens, lazy=False)
    chosen, _ = kw._choose(list(stats), stats, scores, top)
    return [(kw._candidate(key, st_, seqs), score) for key, st_, score in chosen]


def _staged(seqs: list[Any], model: IdfModel, top: int) -> list[tuple[Any, float]]:
    """The staged ranking, which ``_rank`` skips for short texts."""
    return kw._rank_staged(seqs, model, top, max(sum(seq.size for seq, _ in seqs), 1))


def _same(fast: list[tuple[Any, float]], plain: list[tuple[Any, float]]) -> None:
    assert [(c.key, c.term, c.count, c.title_count, c.first, c.last, dict(c.forms), s)
            for c, s in fast] == [
        (c.key, c.term, c.count, c.title_count, c.first, c.last, dict(c.forms), s)
        for c, s in plain]


def _records() -> list[dict[str, Any]]:
    paths = [SEED, FIXTURES / "kw_sahel_fr.txt", FIXTURES / "kw_english.txt",
             FIXTURES / "sum_sahel_fr.txt", FIXTURES / "headings.txt", FIXTURES / "crlf.txt",
             *sorted((FIXTURES / "kw_corpus").glob("*.txt"))]
    return [_record(p) for p in paths if p.exists()]


@pytest.mark.parametrize("top", [1, 3, 10, 40])
def test_rank_agrees_with_scoring_everything_on_fixtures(top: int) -> None:
    for record in _records():
        seqs = kw._texts(record)
        for model in _models():
            plain = _plain_rank(seqs, model, top)
            _same(kw._rank(seqs, model, top), plain)
            _same(_staged(seqs, model, top), plain)  # whatever the length of the text


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**9), words=st.integers(0, 400), top=st.sampled_from([1, 2, 5, 10]),
       titled=st.booleans())
def test_rank_agrees_with_scoring_everything_on_random_texts(
        seed: int, words: int, top: int, titled: bool) -> None:
    rng = random.Random(seed)
    record: dict[str, Any] = {"id": "r", "lang": "fr", "text": _text(rng, words)}
    if titled:
        record["title"] = _text(rng, 8)
    seqs = kw._texts(record)
    for model in _models():
        plain = _plain_rank(seqs, model, top)
        _same(kw._rank(seqs, model, top), plain)
        _same(_staged(seqs, model, top), plain)


def test_known_forms_agree_with_the_search() -> None:
    for record in _records():
        seqs = kw._texts(record)
        rich, _, _ = kw._collect_rich(seqs)
        plain = kw._collect(seqs)
        assert rich, record["id"]
        for key, st_ in rich.items():
            assert kw._forms(key, st_, seqs) == kw._forms(key, plain[key], seqs)
            assert list(kw._forms(key, st_, seqs)) == list(kw._forms(key, plain[key], seqs))
            assert st_[:5] == plain[key][:5]


def test_unidecode_table_agrees_with_unidecode() -> None:
    rng = random.Random(7)
    pool = [chr(c) for c in [*range(32, 127), *range(0x80, 0x300), 0x2019, 0x4E2D, 0x1F600,
                             0x0301, 0xFB01, 0x1E9E, 0x0416]]
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert kw._unidecode(text) == unidecode(text)
    for c in range(0x80, 0x250):
        assert kw._unidecode(f"a{chr(c)}b") == unidecode(f"a{chr(c)}b")


def _reference_analyse(text: str, sentences: list[dict[str, int]],
                       tokens: list[dict[str, Any]], lang: str) -> tuple[Any, ...]:
    """The token loop, plainly: every token asks whether its own sentence holds a line break."""
    starts = sorted(s["start"] for s in sentences)
    sentence_ends = dict(zip(starts, [*starts[1:], len(text)], strict=False))
    surfaces = token_forms(text, tokens)
    cache = kw._FORM_CACHE.get(lang) or kw._FORM_CACHE.setdefault(lang, {})
    infos = list(map(cache.get, surfaces, repeat(kw._UNSEEN)))
    pos: list[int] = []
    keys: list[str] = []
    ends: list[int] = []
    plurals: list[int] = []
    n_words = run_start = 0
    last_cap = False
    prev_idx, prev_end, prev_cls = -2, 0, 0
    count = text.count
    for idx, found in zip(compress(range(len(infos)), infos), compress(infos, infos),
                          strict=True):
        tok = tokens[idx]
        if found[3] != tok["lemma"]:  # type: ignore[index]
            found = kw._word_class(surfaces[idx], tok["lemma"], lang) or kw._CUT
        cls, key, upper, _, plural = found  # type: ignore[misc]
        if idx != prev_idx + 1:
            prev_cls = 0
        prev_idx = idx
        start = tok["start"]
        sentence_end = sentence_ends.get(start)
        initial = sentence_end is not None
        first = starts[bisect_right(starts, start) - 1]
        wrapped = count("\n", first, sentence_ends[first]) > 0
        if cls == 4:
            word = True
        elif cls == 1:
            word = False
        elif cls == 2:
            if prev_cls != 1:
                cls = 0
            word = False
        else:
            word = cls == 3 and not initial and prev_cls != 0
            if not word:
                cls = 0
        if n_words > run_start and (not prev_cls or not cls or initial
                                    or wrapped and count("\n", prev_end, start)):
            ends.append(n_words)
            run_start = n_words
        prev_cls = cls
        if not cls:
            continue
        if wrapped:
            prev_end = tok["end"]
        if word:
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
    return pos, keys, ends, plurals


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 10**9), words=st.integers(0, 300))
def test_analyse_agrees_with_the_reference_loop(seed: int, words: int) -> None:
    record: dict[str, Any] = {"id": "r", "lang": "fr", "text": _text(random.Random(seed), words)}
    ensure_tokens(record)
    args = (record["text"], record["sentences"], record["tokens"], "fr")
    for _ in ("cold", "warm"):  # forms never met, then forms met (both paths see the same)
        if _ == "cold":
            kw._FORM_CACHE.pop("fr", None)
            kw._PAIR_CACHE.clear()
        want = _reference_analyse(*args)
        if _ == "cold":
            kw._FORM_CACHE.pop("fr", None)
            kw._PAIR_CACHE.clear()
        seq = kw._analyse(*args)
        assert (seq.pos, seq.keys, seq.ends, seq.plurals) == want


def test_keywords_do_not_depend_on_what_came_before() -> None:
    """A sentence start the cache already knows as "never a word" ("Le") is skipped by the
    token loop; whether its sentence holds a line break must still be known."""
    text = "Macron parle. Le ministre Traoré annonce la réforme\nsanitaire nationale aujourdhui."

    def terms() -> list[str]:
        record: dict[str, Any] = {"id": "r", "lang": "fr", "text": text}
        kw.keywords_stage(10)(record, lambda message: None)
        return [k["term"] for k in record["keywords"]]

    kw._FORM_CACHE.pop("fr", None)
    cold = terms()
    assert terms() == cold  # warm: "Le" is now cached
    assert "sanitaire nationale aujourdhui" in cold  # the line break cuts the run


def _reference_classify(surface: str, lemma: str, lang: str) -> Any:
    """``_classify`` before the per-language word sets and the ASCII fold shortcut."""
    norm = unidecode(surface).lower()
    upper = surface[:1].isupper()
    if not norm[:1].isalpha():
        return 0
    if norm in kw._CONNECTORS.get(lang, kw._CONNECTORS["fr"]):
        cls = kw._C_LINK
    elif norm in kw._AFTER_CONNECTOR.get(lang, kw._AFTER_CONNECTOR["fr"]):
        cls = kw._C_ARTICLE
    elif norm in kw.stop_words(lang if lang in kw._CONNECTORS else "fr"):
        if not (upper and len(norm) > 2):
            return 0
        cls = kw._C_STOPWORD
    elif len(norm) < 2 and not upper or norm.rstrip(".") in kw._HONORIFICS:
        return 0
    elif lang == "fr" and not upper and lemma.endswith(kw._VERB_LEMMA_ENDS) and not (
            norm == (base := unidecode(lemma).lower())
            or norm[len(base):] in ("s", "x", "e", "es") and norm.startswith(base)
    ) and not surface.lower().endswith(kw._PARTICIPLE_ENDS):
        cls = kw._C_NONWORD
    else:
        cls = kw._C_WORD
    key = unidecode(lemma).lower()
    return (cls, key, upper, lemma, len(key) > 3 and key[-1] in "sx")


def test_classify_agrees_with_the_reference() -> None:
    rng = random.Random(11)
    pool = [*"aeiouérstnlxÉÈçàâêîôûœæ'-.EARS", "er", "ir", "re", "oir", "é", "ée", "ré", "RE"]
    pairs = [(w, w) for w in _VOCAB] + [(w, w.lower()) for w in _VOCAB]
    for _ in range(20_000):
        a = "".join(rng.choice(pool) for _ in range(rng.randint(1, 6)))
        b = a if rng.random() < 0.3 else "".join(rng.choice(pool) for _ in range(rng.randint(1, 6)))
        pairs += [(a, b), (a.capitalize(), b), (a, a.lower()), (a.upper(), a)]
    for lang in ("fr", "en", "xx"):
        for surface, lemma in pairs:
            assert kw._classify(surface, lemma, lang) == _reference_classify(surface, lemma, lang)
