"""Article dates: the ``date`` header of plain-text articles and record fields.

ISO ``YYYY-MM`` and ``YYYY-MM-DD`` are the contract; French and English month
names (``3 avril 2025``, ``April 2025``) are accepted and normalised to ISO.
"""

from __future__ import annotations

import datetime as dt
import re

from unidecode import unidecode

MONTHS = {
    # French
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11,
    "dec": 12,
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
}  # fmt: skip

_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_NAMED = re.compile(
    r"(?:(\d{1,2})(?:er|st|nd|rd|th)?\s+)?([A-Za-zÀ-ÿ]+)\.?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(\d{4})"
)

#: What a date header may hold, for the reader's header regex.
DATE_VALUE = (
    r"\d{4}-\d{1,2}(?:-\d{1,2})?"
    r"|(?:\d{1,2}(?:er|st|nd|rd|th)?\s+)?[A-Za-zÀ-ÿ]+\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}"
)


class DateProblem(ValueError):
    """A date that looks like a date but cannot be one (2025-13-40)."""


def _iso(year: int, month: int, day: int | None) -> str:
    if not 1 <= month <= 12:
        raise DateProblem(f"month {month} does not exist")
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        raise DateProblem(f"{year:04d}-{month:02d}-{day:02d} does not exist") from exc
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date(value: str) -> str | None:
    """Normalise a date string to ``YYYY-MM`` or ``YYYY-MM-DD``.

    Returns None when ``value`` does not look like a date at all; raises
    DateProblem when it looks like one but is impossible.
    """
    value = value.strip()
    m = _ISO.fullmatch(value)
    if m:
        day = int(m.group(3)) if m.group(3) else None
        return _iso(int(m.group(1)), int(m.group(2)), day)
    m = _NAMED.fullmatch(value)
    if m:
        month = MONTHS.get(unidecode(m.group(2)).lower())
        if month is None:
            return None
        day_text = m.group(1) or m.group(3)
        return _iso(int(m.group(4)), month, int(day_text) if day_text else None)
    # Full timestamps ("2020-01-31T10:00:00Z", "2020-01-31 10:00"): keep the day.
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})[T ]", value)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def to_date(iso: str) -> dt.date:
    """First day covered by an ISO date string (``2025-04`` -> 2025-04-01)."""
    parts = [int(p) for p in iso.split("-")]
    return dt.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
