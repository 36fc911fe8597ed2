"""Language identification: French vs English (others reported as unknown).

A function-word vote: short, frequent, language-specific words decide. It is
instant, needs no model, and is reliable on news-length text.
"""

from __future__ import annotations

import re

_MARKERS: dict[str, frozenset[str]] = {
    "fr": frozenset(
        "le la les des du un une et est dans pour que qui pas sur au aux avec ce cette "
        "il elle ils sont ont été par plus ne se sa son ses leur mais ou où nous vous "
        "selon entre après depuis été être avait".split()
    ),
    "en": frozenset(
        "the of and to in is was for that with on as are by this from at have has had "
        "be it its not but which were their they been will would said an".split()
    ),
    "es": frozenset("el los las del que por con una para es en su al lo como pero más".split()),
    "de": frozenset("der die das und ist nicht mit den von zu ein eine auf für sich dem auch".split()),
    "it": frozenset("il di che è per una non gli della del sono con anche alla nel".split()),
    "pt": frozenset("o os da do das dos que não uma com para em por mais foi ao são".split()),
}
_WORD = re.compile(r"[^\W\d_]+")
SUPPORTED = ("fr", "en")


def detect_language(text: str, sample_chars: int = 5000) -> str | None:
    """Return ``"fr"``, ``"en"``, another ISO 639-1 code, or None when unclear."""
    words = _WORD.findall(text[:sample_chars].lower())
    if not words:
        return None
    counts = {lang: sum(1 for w in words if w in markers) for lang, markers in _MARKERS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    if counts[best] == 0 or counts[best] < 0.08 * len(words) and len(words) > 12:
        return None
    return best
