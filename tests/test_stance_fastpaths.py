"""Stance fast paths agree with the plain regex scans; their memos are context-free and capped."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahelcli.stance import lexicon as lexicon_module
from sahelcli.stance import load_gazetteer, stance_record
from sahelcli.stance.gazetteer import (
    _NON_LATIN1,
    WORD_MARKS,
    Gazetteer,
    _fold_lower_table,
    _latin1_table,
    fold_lower,
    person_actor,
    word_spaced,
)
from sahelcli.stance.lexicon import get_lexicon
from sahelcli.stance.tagger import (
    _NOT_FINAL,
    SENT_BREAK_PLAIN,
    _layout,
    _layout_plain,
    _role,
    one_line,
    quick_sentences,
    word_view,
)
from tests.conftest import FIXTURES, SEEDS

_W = re.compile(r"\w")

#: Text pieces that exercise aliases, acronyms, separators, cues and odd characters.
PIECES = [
    "La Russie",
    "les États-Unis",
    "Etats  Unis",
    "l'ONU",
    "UN",
    "un",
    "the UN",
    "Le Pen",
    "le  pen",
    "Marine Le-Pen",
    "Al-Qaïda",
    "al qaida",
    "AES",
    "A.E.S.",
    "U.S.",
    "USA",
    "Assimi Goïta",
    "colonel Goïta",
    "Cédéao",
    "CEDEAO",
    "l’armée américaine",
    "russes",
    "Kremlin",
    "accusé",
    "accusée de",
    "a condamné",
    "n'a pas salué",
    "très",
    "mise en cause",
    "mis  en cause",
    "invasion",
    "soutient que",
    "partenaire",
    "bienvenue",
    "aide humanitaire",
    "hostile à",
    "de",
    "l'",
    "d'",
    "par",
    "selon",
    "İstanbul",
    "Łódź",
    "ǅ",
    "Ⅻ",
    "٣",
    "_",
    "…",
    "«",
    "»",
    ".",
    ",",
    "-",
    "'",
    "\n\n",
    " ",
    "  ",
    "2024",
]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in FIXTURES.glob("*.txt")]
    texts += [p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")]
    return texts


def _key(mentions: list) -> list[tuple]:
    return [(m.start, m.end, m.target, m.demonym) for m in mentions]


def _plain_find(gaz: Gazetteer, text: str, only: set[str] | None = None) -> list[tuple]:
    gaz.regex  # noqa: B018  (builds the regexes)
    return _key(gaz._scan(text, only, fold_lower(text), None, None))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    gaz = load_gazetteer()
    gaz.add(person_actor("Marine Le Pen"))
    return gaz


def test_folding_never_makes_a_word_character() -> None:
    """Acronym candidates come from the folded text: a non-word character must stay one."""
    table = _fold_lower_table()
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        if _W.match(ch):
            continue
        assert not _W.match(fold_lower(ch)), hex(code)
        assert not _W.match(ch.translate(table)), hex(code)


def _fold_lower_plain(text: str) -> str:
    """``fold_lower`` without its Latin-1 shortcut (the code before it)."""
    low = text.lower()
    if len(low) != len(text):
        return text.translate(_fold_lower_table())
    if low.isascii():
        return low
    for old, new in _NON_LATIN1:
        if old in low:
            low = low.replace(old, new)
    return low.encode("latin-1", "replace").translate(_latin1_table()).decode("latin-1")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=40))
def test_fold_lower_latin1_shortcut(text: str) -> None:
    assert fold_lower(text) == _fold_lower_plain(text)


def test_fold_lower_latin1_shortcut_every_character() -> None:
    every = "".join(chr(code) for code in range(256))
    assert fold_lower(every) == _fold_lower_plain(every)
    assert fold_lower(every + "’") == _fold_lower_plain(every + "’")


def test_only_printable_whitespace_is_the_space() -> None:
    for code in range(0x110000):
        ch = chr(code)
        if ch.isspace() and ch != " ":
            assert not ch.isprintable(), hex(code)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "é", " ", "  ", "\n", "\xa0", "\u2009", "\x1c", "’"])))
def test_one_line(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert one_line(text) == " ".join(text.split())


def test_word_tables() -> None:
    for code in range(256):
        is_word = bool(_W.match(chr(code)))
        assert (WORD_MARKS[code] == ord("w")) == is_word
        spaced = word_spaced(chr(code))
        assert spaced == (chr(code).encode("latin-1") if is_word else b" ")
    assert word_spaced("ŀ") is None


def test_find_agrees_with_plain_scan_on_files(gaz: Gazetteer) -> None:
    for text in _texts():
        assert _key(gaz.find(text)) == _plain_find(gaz, text)
        assert _key(gaz.find(text, {"Russie"})) == _plain_find(gaz, text, {"Russie"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=25))
def test_find_agrees_with_plain_scan(gaz: Gazetteer, pieces: list[str]) -> None:
    for sep in ("", " "):
        text = sep.join(pieces)
        assert _key(gaz.find(text)) == _plain_find(gaz, text)


def _layouts_agree(text: str, lang: str, gaz: Gazetteer) -> None:
    lex = get_lexicon(lang)
    low = fold_lower(text)
    view = word_view(low)
    spans = [(s["start"], s["end"]) for s in quick_sentences(text)] + [(0, len(text))]
    spans += [(lo, hi) for lo in range(0, len(text), 7) for hi in (lo + 5, lo + 23)]  # mid-word
    for lo, hi in spans:
        folded = low[lo:hi]
        found = gaz.find(text[lo:hi], None, folded)
        mentions = [(m.start, m.end, m.target, m.demonym) for m in found]
        plain = _layout_plain(folded, mentions, lex)
        assert _layout(folded, mentions, lex) == plain
        assert _layout(folded, mentions, lex, view, lo) == plain


def test_layout_agrees_with_plain_scan_on_files(gaz: Gazetteer) -> None:
    for text in _texts():
        for lang in ("fr", "en"):
            _layouts_agree(text, lang, gaz)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=25))
def test_layout_agrees_with_plain_scan(gaz: Gazetteer, pieces: list[str]) -> None:
    for lang in ("fr", "en"):
        _layouts_agree(" ".join(pieces), lang, gaz)


def test_results_do_not_depend_on_what_came_before() -> None:
    records = [
        {"id": p.name, "text": p.read_text(encoding="utf-8"), "lang": "fr"}
        for p in sorted(FIXTURES.glob("stance_*.txt"))
    ]
    gaz = load_gazetteer()
    forward = [stance_record(dict(r), gaz) for r in records]
    fresh = load_gazetteer()
    backward = [stance_record(dict(r), fresh) for r in reversed(records)]
    assert forward == list(reversed(backward))


def test_memos_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexicon_module, "LOOKUP_CAP", 3)
    monkeypatch.setattr(lexicon_module, "STARTS_CAP", 3)
    lex = get_lexicon("fr")
    words = [f"mot{i}" for i in range(10)] + ["accuse", "invasion"]
    for word in words:
        lex.lookup(word)
        lex.may_start([word])
        assert len(lex.memo) <= 3 and len(lex._starts) <= 3
    indices, _ = lex.may_start(words)
    assert [words[i] for i in indices] == ["accuse", "invasion"]
    assert lex.lookup("invasion") is not None


def _quick_sentences_plain(text: str) -> list[dict[str, int]]:
    """``quick_sentences`` before its shortcuts (character loops)."""
    spans = []
    start = 0

    def trim(start: int, end: int) -> dict[str, int]:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return {"start": start, "end": end}

    for m in re.finditer(SENT_BREAK_PLAIN, text):
        end = m.end()
        if text[end - 1] == ".":
            word_start = end - 1
            while word_start > start and text[word_start - 1].isalpha():
                word_start -= 1
            word = text[word_start : end - 1]
            if (len(word) == 1 and word.isupper()) or word.lower() in _NOT_FINAL:
                continue
        if text[start:end].strip():
            spans.append(trim(start, end))
        start = end
    if text[start:].strip():
        spans.append(trim(start, len(text)))
    return spans


def test_quick_sentences_shortcuts() -> None:
    assert max(map(len, _NOT_FINAL)) <= 4
    for text in _texts():
        assert quick_sentences(text) == _quick_sentences_plain(text)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "M.",
                "Mme.",
                "Prof.",
                "J.",
                "Macron.",
                "abcde.",
                "abcdef.",
                " ",
                "\n\n",
                "\xa0",
                "A",
                "é",
                "1.",
                "!",
                "? ",
                "« ",
                "» ",
                "Le",
                "x.",
                "ab.",
            ]
        ),
        max_size=30,
    )
)
def test_quick_sentences_shortcuts_random(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert quick_sentences(text) == _quick_sentences_plain(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "la",
                "russie",
                "par",
                "a",
                "dit",
                "accusee",
                "de",
                "invasion",
                "selon",
                "ete",
                "les",
                "condamne",
                "x",
            ]
        ),
        min_size=2,
        max_size=14,
    ),
    st.data(),
)
def test_role_with_presence_flags(words: list[str], data: st.DataObject) -> None:
    lex = get_lexicon("fr")
    present = (
        not lex.speech.isdisjoint(words),
        not lex.passive.isdisjoint(words),
        not lex.agent_markers.isdisjoint(words),
    )
    n = len(words)
    m_lo = data.draw(st.integers(0, n - 1))
    m_hi = data.draw(st.integers(m_lo + 1, n))
    c_lo = data.draw(st.integers(0, n - 1))
    c_hi = data.draw(st.integers(c_lo + 1, n))
    for demonym in (False, True):
        for kind in ("harm", "blame", "praise"):
            args = (words, lex, m_lo, m_hi, c_lo, c_hi, demonym, kind)
            assert _role(*args, present) == _role(*args)
