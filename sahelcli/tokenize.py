"""Sentence splitting, tokens, normalisation, lemmas and stop words.

French first (UD conventions: elision ``l'`` as its own token, ``-t-il`` split
from the verb, ``1 000`` and ``aujourd'hui`` kept whole), English second.
Offsets always point into the record's ``text``, which is never altered.
Lemmas come from simplemma (fed our tokens), stop words from stopwords-iso.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from unidecode import unidecode

from sahelcli.langid import SUPPORTED, detect_language
from sahelcli.records import Record

Span = dict[str, int]
Token = dict[str, Any]

_APOS = "'’"
_HYPHENS = "-‐‑"

# Words whose apostrophe or hyphen is part of the word.
_WHOLE_WORDS = frozenset(
    """aujourd'hui quelqu'un quelqu'une quelques-uns quelques-unes presqu'île presqu'îles
    prud'homme prud'hommes entr'ouvert c'est-à-dire""".replace("'", "'").split()
)
_ELISIONS = ("jusqu", "lorsqu", "puisqu", "quoiqu", "quelqu", "qu", "l", "d", "j", "n", "s", "c", "m", "t")
_CLITICS = frozenset(
    "je tu il elle on nous vous ils elles ce ci moi toi lui leur le la les en y là".split()
)
_CLITIC_KEEP = frozenset(
    "rendez-vous vis-à-vis peut-être c'est-à-dire celui-ci celui-là celle-ci celle-là ceux-ci "
    "ceux-là celles-ci celles-là là-bas ci-dessus ci-dessous ci-joint ci-après".split()
)
_FR_ABBREV = frozenset(
    """m mm mme mmes mlle mlles dr pr me mgr st ste av apr bd cf etc ex fig no p pp vol chap
    art env tél tel gén gal col cdt lt cne adj sgt prof vs hab jr sr éd ed coll min max
    mr mrs ms inc ltd co corp dept est approx""".split()
)
_NOT_FINAL_ABBREV = frozenset(
    "m mm mme mmes mlle mlles dr pr me mgr st ste cf p pp av ex no mr mrs ms prof gén gal col".split()
)

_TOKEN_RE = re.compile(
    r"""
    (?P<url>(?:https?://|www\.)[^\s<>«»"“”]+)
  | (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
  | (?P<tag>[#@][^\W_][\w-]*)
  | (?P<elision>(?:[Jj]usqu|[Ll]orsqu|[Pp]uisqu|[Qq]uoiqu|[Qq]u|[LlDdJjNnSsCcMmTt])['’](?=[^\W\d_]))
  | (?P<initials>(?:[^\W\d_]\.-?){2,}(?![^\W\d_]))
  | (?P<num>(?<![\d,.])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?!\d)
      | \d+(?:[.,]\d+)*(?:er|re|ère|ème|èmes|eme|e|es|ers|res|nd|nde|st|th|rd|d)?(?![^\W_]))
  | (?P<word>\w+(?:['’\-‐‑]\w+)*['’]?)
  | (?P<ellipsis>\.\.\.+|…)
  | (?P<punct>[^\w\s])
    """,
    re.VERBOSE,
)
_EN_CONTRACTION = re.compile(r"(?i)(n't|'s|'re|'ve|'ll|'d|'m|’s|’re|’ve|’ll|’d|’m|n’t)$")
_TERMINAL = frozenset(".!?…")
_CLOSING = frozenset("»”\"')]’")
_OPENING = frozenset("«“\"([‘-–—")


# --------------------------------------------------------------------------- lexicon lookups


@lru_cache(maxsize=8)
def stop_words(lang: str) -> frozenset[str]:
    """Accent-folded, lowercased stop words of ``lang`` (stopwords-iso, MIT)."""
    import stopwordsiso

    words = stopwordsiso.stopwords(lang) if stopwordsiso.has_lang(lang) else set()
    folded = {unidecode(w).lower() for w in words}
    if lang == "fr":
        folded |= {e + "'" for e in _ELISIONS}
    return frozenset(folded)


@lru_cache(maxsize=200_000)
def _analyse(form: str, lang: str) -> tuple[str, str, bool]:
    """(norm, lemma, stop) for a surface form; cached: news repeats its words."""
    norm = unidecode(form).lower()
    lemma = _lemmatize(form, lang)
    return norm, lemma, norm in stop_words(lang)


def _lemmatize(form: str, lang: str) -> str:
    if not any(ch.isalpha() for ch in form):
        return form
    if lang not in SUPPORTED:
        return form.lower()
    import simplemma

    if lang == "fr" and form[-1] in _APOS:
        return _FR_ELIDED_LEMMA.get(form[:-1].lower(), form.lower())
    try:
        return str(simplemma.lemmatize(form, lang=lang))
    except (ValueError, TypeError):
        return form.lower()


_FR_ELIDED_LEMMA = {
    "l": "le", "d": "de", "j": "je", "n": "ne", "s": "se", "c": "ce", "m": "me", "t": "te",
    "qu": "que", "jusqu": "jusque", "lorsqu": "lorsque", "puisqu": "puisque",
    "quoiqu": "quoique", "quelqu": "quelque",
}  # fmt: skip


# --------------------------------------------------------------------------- tokens


def _split_word(word: str, start: int, lang: str) -> list[tuple[int, int]]:
    """Split a coarse word match into UD-style tokens (elision, clitics, contractions)."""
    lower = word.lower().replace("’", "'")
    if lower in _WHOLE_WORDS or lower in _CLITIC_KEEP:
        return [(start, start + len(word))]
    spans: list[tuple[int, int]] = []
    if lang == "en":
        m = _EN_CONTRACTION.search(word)
        if m and m.start() > 0:
            return [(start, start + m.start()), (start + m.start(), start + len(word))]
        return [(start, start + len(word))]
    # French elision: l'Alliance, qu'il, jusqu'à (repeatable: qu'aujourd'hui)
    offset = 0
    while True:
        rest = lower[offset:]
        apos = _first_apostrophe(rest)
        if apos <= 0 or apos == len(rest) - 1 and offset == 0 and rest[:apos] not in _ELISIONS:
            break
        head = rest[:apos]
        if head not in _ELISIONS or rest in _WHOLE_WORDS or apos == len(rest) - 1 and offset:
            break
        spans.append((start + offset, start + offset + apos + 1))
        offset += apos + 1
        if offset >= len(word):
            return spans
    rest_start = start + offset
    rest = word[offset:]
    spans.extend(_split_clitics(rest, rest_start))
    return spans


def _first_apostrophe(text: str) -> int:
    positions = [p for p in (text.find("'"), text.find("’")) if p >= 0]
    return min(positions) if positions else -1


def _split_clitics(word: str, start: int) -> list[tuple[int, int]]:
    """a-t-il -> a | -t-il ; dit-elle -> dit | -elle ; peut-être stays whole."""
    lower = word.lower()
    if lower in _CLITIC_KEEP or not any(h in word for h in _HYPHENS):
        return [(start, start + len(word))]
    m = re.search(r"[-‐‑]t[-‐‑](il|elle|on|ils|elles)$", lower)
    if m and m.start() > 0:
        return [(start, start + m.start()), (start + m.start(), start + len(word))]
    parts = re.split(r"([-‐‑])", word)
    # strip trailing clitic pronouns: donne-le-moi -> donne -le -moi
    words = parts[0::2]
    cut = len(words)
    while cut > 1 and words[cut - 1].lower() in _CLITICS and words[0][:1].islower():
        cut -= 1
    if cut == len(words):
        return [(start, start + len(word))]
    spans = []
    head_len = len("".join(parts[: 2 * cut - 1]))
    spans.append((start, start + head_len))
    pos = start + head_len
    for i in range(cut, len(words)):
        length = 1 + len(words[i])
        spans.append((pos, pos + length))
        pos += length
    return spans


def _raw_tokens(text: str, lang: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    append = spans.append
    taken = 0  # end of the last abbreviation, whose period the regex also matched
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        start, end = m.span()
        if start < taken:
            continue
        if kind == "word":
            word = m.group()
            # an abbreviation swallows its period: M. Mme. etc. cf.
            if end < len(text) and text[end] == "." and (
                word.lower() in _FR_ABBREV or len(word) == 1 and word.isupper()
            ):
                append((start, end + 1))  # M. Mme. etc. cf. and initials (J. K. Rowling)
                taken = end + 1
                continue
            if word[-1] in _APOS and (lang == "en" or word[:-1].lower() not in _ELISIONS):
                # trailing apostrophe that is a quote mark, not an elision
                spans.extend(_split_word(word[:-1], start, lang))
                append((end - 1, end))
                continue
            if "'" in word or "’" in word or "-" in word or "‐" in word or "‑" in word:
                spans.extend(_split_word(word, start, lang))
            else:
                append((start, end))
        elif kind == "url":
            # trailing punctuation belongs to the sentence, not the URL
            url = m.group()
            trimmed = url.rstrip(".,;:!?)]}'’")
            append((start, start + len(trimmed)))
            for i in range(start + len(trimmed), end):
                append((i, i + 1))
        else:
            append((start, end))
    return spans


# --------------------------------------------------------------------------- sentences


def _sentence_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Group token spans into sentences; returns (first token, last token + 1) index pairs."""
    sentences: list[tuple[int, int]] = []
    first = 0
    n = len(spans)
    i = 0
    while i < n:
        start, end = spans[i]
        tok = text[start:end]
        boundary = False
        j = i + 1
        if j < n:
            gap = text[end : spans[j][0]]
            if "\n" in gap:
                nxt = text[spans[j][0]]
                boundary = "\n\n" in gap.replace(" ", "").replace("\t", "") or not nxt.islower()
            elif tok in _TERMINAL or tok == "..." or tok == "…" or _is_final_abbrev(tok):
                # absorb closing quotes / brackets
                while j < n and text[spans[j][0] : spans[j][1]] in _CLOSING and (
                    text[spans[j][0] : spans[j][1]] not in "'’" or not gap
                ):
                    end = spans[j][1]
                    j += 1
                if j < n:
                    gap = text[end : spans[j][0]]
                    nxt_tok = text[spans[j][0] : spans[j][1]]
                    c = nxt_tok[0]
                    if "\n" in gap:
                        boundary = True
                    elif gap:
                        boundary = c.isupper() or c.isdigit() or c in _OPENING
                    else:  # glued paragraphs: "Sahel.Alors que"
                        boundary = tok == "." and c.isupper() and len(nxt_tok) > 1
                else:
                    boundary = True
        if boundary:
            sentences.append((first, j))
            first = j
            i = j
            continue
        i += 1
    if first < n:
        sentences.append((first, n))
    return sentences


def _is_final_abbrev(tok: str) -> bool:
    """'etc.' can end a sentence; 'M.' and initials cannot."""
    return tok.endswith(".") and len(tok) > 2 and tok[:-1].lower() not in _NOT_FINAL_ABBREV and (
        tok[:-1].lower() in _FR_ABBREV
    )


# --------------------------------------------------------------------------- public API


def resolve_language(text: str, lang: str | None) -> str | None:
    """The language to analyse ``text`` in: the given one, else detected."""
    return lang if lang else detect_language(text)


def tokenize_text(text: str, lang: str | None = None) -> tuple[str | None, list[Span], list[Token]]:
    """Tokenise ``text``: (language, sentences, tokens), offsets into ``text``."""
    lang = resolve_language(text, lang)
    analysis_lang = lang if lang in SUPPORTED else "fr"
    spans = _raw_tokens(text, analysis_lang)
    lexicon_lang = lang if lang in SUPPORTED else "und"
    tokens: list[Token] = []
    for start, end in spans:
        norm, lemma, stop = _analyse(text[start:end], lexicon_lang)
        tokens.append({"start": start, "end": end, "norm": norm, "lemma": lemma, "stop": stop})
    sentences = [
        {"start": spans[a][0], "end": spans[b - 1][1]} for a, b in _sentence_spans(text, spans)
    ]
    return lang, sentences, tokens


def tokenize_record(record: Record, lang: str | None = None, force: bool = False) -> Record:
    """Add ``lang``, ``sentences`` and ``tokens`` to a record (skipped when present)."""
    if not force and "tokens" in record and "sentences" in record:
        return record
    text = record.get("text") or ""
    given = lang or record.get("lang")
    detected, sentences, tokens = tokenize_text(text, given)
    record["lang"] = detected
    record["sentences"] = sentences
    record["tokens"] = tokens
    return record
