"""Fast paths of the tokenizer agree with the plain ones they stand for."""

from __future__ import annotations

import random

import pytest

from sahelcli import lemmas
from tests.conftest import FIXTURES


def _words() -> list[str]:
    paths = sorted(FIXTURES.glob("*.txt"))
    text = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in paths)
    words = {w.strip(".,;:!?«»()\"'’") for w in text.split()}
    return sorted(w for w in words if w)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_direct_lemma_lookup_agrees_with_simplemma(lang: str) -> None:
    keys = sorted(lemmas.dictionary(lang))
    sample = random.Random(7).sample(keys, 3000)
    odd = ["12", "١٢", "Ⅻ", "e\u0301t\u00e9", "ÉTATS", "Bamako", "l'armée", "-t-il", "a\ud800"]
    odd += ["lʼarmée", "Zqʼ", "peut_être", "ſtate", "ǅemal", "İstanbul", "Straße", "ΑΘΗΝΑ", "مالي"]
    # words no lookup finds (French ones come back unchanged without simplemma's chain)
    rnd = random.Random(11)
    letters = "abcdefghijklmnopqrstuvwxyzéèêàçôûïœæÉÀßʼ'’-_"
    unknown = ["Zq" + k for k in sample[:300]] + [k + "zq" for k in sample[300:600]]
    unknown += ["".join(rnd.choices(letters, k=rnd.randint(1, 12))) for _ in range(2000)]
    for form in sample + [k.capitalize() for k in sample[:500]] + _words() + odd + unknown:
        try:
            fast = lemmas.lemmatize(form, lang)
        except ValueError as exc:
            fast = type(exc).__name__
        try:
            plain = lemmas.lemmatize_plain(form, lang)
        except ValueError as exc:
            plain = type(exc).__name__
        assert fast == plain, form


def test_lookup_is_dictionary_get() -> None:
    find = lemmas.lookup("fr")
    dic = lemmas.dictionary("fr")
    for form in ["armée", "Paris", "zzzq", "été", "États", "de"]:
        assert find(form) == dic.get(form)


def test_fold_is_unidecode() -> None:
    from unidecode import unidecode

    from sahelcli.tokenize import _fold

    rnd = random.Random(3)
    chars = [chr(c) for c in range(0x20, 0x600)] + list("’«»…–—€™œŒ😀中文\u202f\u00a0")
    samples = ["", "abc", "Élysée", "l’armée", "Œuvre", "naïve", "Straße", "😀", "中文", "x\u0301"]
    samples += ["".join(rnd.choice(chars) for _ in range(rnd.randint(1, 12))) for _ in range(5000)]
    for form in samples:
        assert _fold(form) == unidecode(form), form


def _mixed_texts() -> list[str]:
    rnd = random.Random(5)
    words = _words() + ["l'armée", "d’un", "the", "les", "der", "los", "il", "è", "½", "x_y", "3e"]
    glue = [" ", " ", " ", "\n", ", ", "'", "’", "-", "\u00a0", "_", "2"]
    return [
        "".join(rnd.choice(words) + rnd.choice(glue) for _ in range(rnd.randint(0, 80)))
        for _ in range(1500)
    ]


def test_langid_words_are_the_regex_matches() -> None:
    from sahelcli import langid

    for text in _mixed_texts():
        low = text.lower()
        assert sorted(langid._word_list(low)) == sorted(langid._WORD.findall(low))


def test_langid_decisions_do_not_depend_on_word_order(monkeypatch: pytest.MonkeyPatch) -> None:
    from sahelcli import langid

    texts = _mixed_texts()
    fast = [langid.detect_language(t) for t in texts]
    monkeypatch.setattr(langid, "_word_list", langid._WORD.findall)
    assert [langid.detect_language(t) for t in texts] == fast


def test_neighbour_bits_match_the_tests_they_replace() -> None:
    """Each N_* bit of a form is exactly the test _context_lemmas used to make on it."""
    import sahelcli.tokenize as tok

    forms = _words() + ["le", "la", "en", "y", "pas", "déjà", "sommes", "suis", "est", "a",
                        "nombreux", "jamais", "composé", "arrivée", "garder", "Paris", "2023",
                        "l'", "mer", "dit", "été", "leur", "ont", "ÉTAT", "ª", ",", "aVait",
                        "De", "à", "cet", "Nord", "ils", "Il", "s'", "me"]
    for form in forms:
        info = tok._analyse(form, "fr")
        lemma, low, bits = info[1], info[5], info[6]
        verbish = lemma != form and lemma.endswith(tok._VERB_ENDINGS)
        le_next = form in tok._LE_NEXT or form.endswith(tok._VERB_ENDINGS) or verbish
        assert bool(bits & tok.N_VERBISH) == verbish, form
        assert bool(bits & tok.N_LE_NEXT) == le_next, form
        assert bool(bits & tok.N_LE_PREV) == (low in tok._SUBJECT or low in tok._REFLEXIVE)
        assert bool(bits & (tok.N_LE_PREV | tok.N_DE_A)) == (low in tok._LE_PREV), form
        assert bool(bits & tok.N_ODD_CASE) == (form[:1].islower() and not form.islower())
        assert bool(bits & tok.N_EST_PREV) == (low in tok._NOUN_BEFORE_EST), form
        assert bool(bits & tok.N_IL) == (low in ("il", "ils")), form
        de_prev = low in tok._NEGATION or low.endswith(tok._PARTICIPLE_ENDINGS)
        assert bool(bits & tok.N_DE_PREV) == de_prev, form
        assert bool(bits & tok.N_DE_NEXT) == (lemma in tok._PRENOMINAL or form in tok._DE_IDIOMS)
        assert bool(bits & tok.N_SKIP_ADV) == (form in tok._SKIP_ADV), form
        no_fix = (not form.isalpha() or not form.islower() or verbish or (
            (form in tok._AUX_ALL or form in tok._FR_CLOSED) and form not in ("sommes", "suis")))
        assert bool(bits & tok.N_NO_VERB_FIX) == no_fix, form
        if bits & tok.N_NO_VERB_FIX:
            assert tok._verb_fix(form, lemma, "fr", True) == "", form
            assert tok._verb_fix(form, lemma, "fr", False) == "", form


def test_chunk_fast_path_agrees_with_chunk_spans() -> None:
    import sahelcli.tokenize as tok

    heads = ["a", "A", "M", "etc", "Bamako", "armée", "cf", "Mme", "vol", "é", "É", "中", "x"]
    for head in heads:
        for mark in sorted(tok._TRAILING_ALL) + ["-", "'"]:
            chunk = head + mark
            for lang in ("fr", "en", "und"):
                pieces = tok._chunk_pieces(chunk, lang)
                assert [(a, b) for a, b, _, _ in pieces] == tok._chunk_spans(chunk, lang), chunk


def _old_context_lemmas(tokens, forms, flagged, infos, initial, lang):  # type: ignore[no-untyped-def]
    """_context_lemmas as it was before the finer dismissals (le/la after de/à, est, s',
    par): every role the old neighbour tests let through goes to _closed_in_context."""
    import sahelcli.tokenize as tok

    def verbish(form: str) -> bool:
        lemma = tok._context_free_lemma(form, lang)
        return lemma != form and lemma.endswith(tok._VERB_ENDINGS)

    def le_next(form: str) -> bool:
        return (form in tok._LE_NEXT or form.endswith(tok._VERB_ENDINGS) or verbish(form)
                or not form[:1].islower())

    def low(form: str) -> str:
        return form.lower().replace("’", "'")

    cache = tok._cache(lang)
    last = len(forms) - 1
    for i, info in zip(flagged, infos, strict=True):
        if info[3] & tok.F_CAP:
            if i in initial:
                tokens[i]["lemma"] = tok._initial_lemma(forms[i], lang)
            elif i and forms[i - 1] in tok._NAME_DETS:
                common = tok._named_common(forms[i], lang)
                if common:
                    tokens[i]["lemma"] = common
        role = info[4]
        if not role or i == last:
            continue
        if role == tok.R_LE:
            if (i and low(forms[i - 1]) in tok._LE_PREV) or le_next(forms[i + 1]):
                tok._closed_in_context(tokens, forms, i, info, role, lang)
        elif role == tok.R_DET:
            if i and info[5] == "des":
                tok._des_after_noun(tokens, forms, i, lang)
            if cache[forms[i + 1]][6] & tok.N_VERBISH:
                tok._noun_after(tokens, forms, i + 1, lang, info[3] & tok.F_PLURAL)
        elif role == tok.R_DE:
            if (i and cache[forms[i - 1]][6] & tok.N_DE_PREV) or (
                cache[forms[i + 1]][6] & tok.N_DE_NEXT
            ):
                tok._closed_in_context(tokens, forms, i, info, role, lang)
        elif role == tok.R_TRIG or role == tok.R_AUX:
            bits = cache[forms[i + 1]][6]
            if bits & tok.N_SKIP_ADV or not bits & tok.N_NO_VERB_FIX:
                tok._verb_after(tokens, forms, i, lang, role == tok.R_TRIG)
        else:
            tok._closed_in_context(tokens, forms, i, info, role, lang)


def test_context_dismissals_agree_with_the_old_dispatch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bits that now also dismiss le/la after de/à, est/été, s' and par change no lemma."""
    import sahelcli.tokenize as tok

    rnd = random.Random(11)
    words = _words() + (
        "de à De À le la les Les l' L' leur Leur est été Est s' S' par il ils Il il'y y en pas "
        "déjà aVait eST eN faire Faire garder mise fait cet l'est ce nord Sud je se me il a "
        "ont blessés tuée composé un une des bien soit Russie BBC 2023 , . « » -t-il"
    ).split()
    texts = [" ".join(rnd.choice(words) for _ in range(rnd.randint(2, 60))) for _ in range(3000)]
    texts += ["de le faire", "à les voir", "de la aVait", "de l'eN", "pour la aVait",
              "l'est du pays", "cet été", "s'il pleut", "s'agit", "blessés par balle",
              "c'est pas", "De la Russie"]

    def run() -> list[object]:
        return [tok.tokenize_text(t, "fr") for t in texts]

    fast = run()
    monkeypatch.setattr(tok, "_context_lemmas", _old_context_lemmas)
    assert run() == fast


def test_chunk_bounds_are_where_find_puts_the_chunks() -> None:
    from sahelcli.tokenize import _chunk_bounds

    rnd = random.Random(13)
    spaces = [" ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\x1c", " \n", "\r\n", "\n \n"]
    texts = ["", " ", "a", " a", "a ", "a  b", "a b c", "\u3000x\u3000", "x\x1fy"]
    for _ in range(3000):
        pool = ["a", "bc", "l'armée", "«", "1", "é"]
        words = [rnd.choice(pool) for _ in range(rnd.randint(0, 9))]
        glue = [rnd.choice(spaces) if rnd.random() < 0.3 else " " for _ in words]
        lead = rnd.choice(["", "", " ", "\n"])
        texts.append(lead + "".join(w + g for w, g in zip(words, glue, strict=True)).rstrip(
            rnd.choice(["", " "])))
    for text in texts:
        chunks = text.split()
        starts, ends = [], []
        pos = 0
        for chunk in chunks:
            pos = text.find(chunk, pos)
            starts.append(pos)
            pos += len(chunk)
            ends.append(pos)
        assert _chunk_bounds(text, chunks) == (starts, ends), repr(text)


def test_plain_elision_fast_path_agrees_with_chunk_spans() -> None:
    import sahelcli.tokenize as tok

    heads = ["l'", "L'", "d’", "D'", "n'", "N'", "m'", "M’", "j'", "s'", "c'", "t'", "qu'", "x'",
             "l", "'", "l-"]
    words = ["armée", "Djamena", "on", "On", "un", "İstanbul", "a", "A", "hui", "é", "ab1", "x'y",
             "a-t-il", "", "ª", "中文"]
    for head in heads:
        for word in words:
            chunk = head + word
            if not chunk or any(c.isspace() for c in chunk):
                continue
            for lang in ("fr", "en", "und"):
                pieces = tok._chunk_pieces(chunk, lang)
                assert [(a, b) for a, b, _, _ in pieces] == tok._chunk_spans(chunk, lang), chunk
    for chunk in ["l'on", "L'on", "aujourd'hui", "quelqu'un", "l'eau"]:
        pieces = tok._chunk_pieces(chunk, "fr")
        assert [(a, b) for a, b, _, _ in pieces] == tok._chunk_spans(chunk, "fr"), chunk


def test_long_chunks_never_depend_on_the_next_word() -> None:
    """_scan asks _period_depends_on_next only of chunks up to _SHORT_PERIOD long."""
    import sahelcli.tokenize as tok

    heads = [*tok._AMBIGUOUS_ABBREV, "X", "É", "İ", "armée", "Sept", "SEPT", "Vol", "\u212aol"]
    heads += [h.upper() for h in tok._AMBIGUOUS_ABBREV] + [h + "s" for h in tok._AMBIGUOUS_ABBREV]
    heads += ["".join(chr(c) for c in range(0x130, 0x134)), "ǅ", "ẞ", "ﬀ"]
    for head in heads:
        chunk = head + "."
        if tok._period_depends_on_next(chunk):
            assert len(chunk) <= tok._SHORT_PERIOD, chunk


@pytest.mark.parametrize("lang", ["fr", "en", "FR", "und", "xx"])
def test_stopwords_read_directly_are_the_package_lists(lang: str) -> None:
    import stopwordsiso

    from sahelcli.tokenize import _stopwords_iso

    expected = stopwordsiso.stopwords(lang) if stopwordsiso.has_lang(lang) else set()
    assert _stopwords_iso(lang) == expected
