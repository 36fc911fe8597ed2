"""Language identification: French vs English (others reported, treated as unknown).

Two steps, both without a trained model:

1. a function-word vote: short, frequent words that belong to one language
   (``les``, ``dans`` / ``the``, ``which`` / ``los``, ``und``...) decide news-length
   text in microseconds;
2. when the vote is thin (a title, a tweet: "Mali junta suspends political
   parties"), the words are looked up in simplemma's French and English
   dictionaries, with accents and elisions (``l'``, ``qu'``) as French cues.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import compress
from operator import not_
from typing import Any

SUPPORTED = ("fr", "en")

# Function words specific enough to one language (ambiguous ones left out:
# "de", "la", "a", "in", "e", "o", "en", "un", "die"...).
_MARKERS: dict[str, str] = {
    "fr": """le les des du une et est dans pour que qui pas sur au aux avec ce cette il elle ils
        elles sont ont été par plus ne se sa son ses leur leurs mais où nous vous selon entre
        après depuis être avait était sont aussi ou ces lors comme très contre sous chez même
        dont lui fait cela ceci été donc ainsi alors encore toujours quand déjà aujourd""",
    "en": """the of and to is was for that with on as are by this from at have has had be it its
        not but which were their they been will would said an or who what there than into after
        over also about more these those could should when while where our we you he she his her
        him them against between during because""",
    "es": """el los las del por con una para su al lo como pero más sus le está han sido fue entre
        sobre también desde este esta muy hasta donde cuando ya""",
    "de": """der das und ist nicht mit den von zu ein eine auf für sich dem auch werden wurde
        nach bei aus wie oder aber hat haben sind einer eines zum zur noch""",
    "it": """il di che è per della del sono con anche alla nel degli delle gli questo questa
        essere stato più tra dopo ha hanno""",
    "pt": """os da do das dos não uma com em por mais foi ao são pelo pela sua seu também está
        foram entre sobre quando""",
}
_LANG_OF: dict[str, str] = {}
for _lang, _words in _MARKERS.items():
    for _w in _words.split():
        _LANG_OF.setdefault(_w, _lang)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_FR_CUES = re.compile(r"[éèêàùâîôûçœ]|\b(?:[ldjnsc]|qu)['’][^\W\d_]", re.IGNORECASE)
_EN_CUES = re.compile(r"[^\W\d_](?:['’](?:s|t|re|ve|ll|d|m))\b", re.IGNORECASE)


@lru_cache(maxsize=4)
def _dictionary(lang: str) -> Any:
    try:
        from sahelcli.lemmas import dictionary

        return dictionary(lang)  # simplemma's tables, through the on-disk cache
    except Exception:  # pragma: no cover - other simplemma layouts
        return {}


def _vote(words: list[str]) -> Counter[str]:
    return Counter(filter(None, map(_LANG_OF.get, words)))


def _word_list(sample: str) -> list[str]:
    """The matches of ``_WORD`` in ``sample``, in another order (only counted).

    Words never span whitespace, so the chunks of ``sample.split()`` that are all
    letters are words as they are; only the others are searched, all in one string."""
    chunks = sample.split()
    plain = list(map(str.isalpha, chunks))
    words = list(compress(chunks, plain))
    words += _WORD.findall(" ".join(compress(chunks, map(not_, plain))))
    return words


def _dictionary_vote(words: list[str], sample: str, counts: Counter[str]) -> str | None:
    """French vs English for short text: which dictionary knows more of the words."""
    fr, en = _dictionary("fr"), _dictionary("en")
    cues_fr = len(_FR_CUES.findall(sample))
    cues_en = len(_EN_CUES.findall(sample))
    score_fr = 2 * (cues_fr + counts.get("fr", 0))
    score_en = 2 * (cues_en + counts.get("en", 0))
    known_fr = known_en = total = 0
    for word in words:
        if len(word) < 2:
            continue
        w = word.lower()
        total += word[0].islower()  # names (Bamako, Wagner) are no evidence either way
        in_fr = fr.get(w) is not None
        in_en = en.get(w) is not None
        known_fr += in_fr
        known_en += in_en
        if in_fr and not in_en:
            score_fr += 1
        elif in_en and not in_fr:
            score_en += 1
    if score_fr == score_en:
        return None
    winner, known = ("fr", known_fr) if score_fr > score_en else ("en", known_en)
    if total >= 2 and known < 0.6 * total and not (cues_fr if winner == "fr" else cues_en):
        return None  # most words unknown to both: another language
    return winner


def detect_language(text: str, sample_chars: int = 1500) -> str | None:
    """Return ``"fr"``, ``"en"``, another ISO 639-1 code, or None when unclear."""
    sample = text[:sample_chars]
    # the order of the words does not matter: ties in the vote decide nothing (below)
    words = _word_list(sample.lower())
    if not words:
        return None
    counts = _vote(words)
    ranked = counts.most_common(2)
    best, top = ranked[0] if ranked else (None, 0)
    second = ranked[1][1] if len(ranked) > 1 else 0
    if top >= 4 and top >= 2 * second and top >= 0.06 * len(words):
        return best
    if best not in (None, "fr", "en") and top >= 2 and top > second and (
        counts.get("fr", 0) + counts.get("en", 0) <= 1
    ):
        return best
    if len(words) > 40 and top < 0.03 * len(words):
        return None  # long text and almost no function word we know: another language
    return _dictionary_vote(_WORD.findall(sample), sample, counts)
