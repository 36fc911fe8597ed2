"""Small helpers shared by the views (no Rich at import time)."""

from __future__ import annotations

from typing import Any

from sahelcli.records import Record


def base_row(record: Record) -> dict[str, Any]:
    """The reader's fields, as every CSV row starts."""
    return {
        "id": record.get("id"),
        "source": record.get("source"),
        "date": record.get("date"),
        "lang": record.get("lang"),
        "title": record.get("title"),
    }


def sentence_texts(record: Record, limit: int | None = None) -> list[str]:
    text = record.get("text") or ""
    spans = record.get("sentences") or []
    if limit is not None:
        spans = spans[:limit]
    return [" ".join(text[s["start"] : s["end"]].split()) for s in spans]


def shorten(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
