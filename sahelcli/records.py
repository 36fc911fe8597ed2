"""The article record: one JSON object per article, enriched stage by stage.

Records are plain dicts so that fields the tool does not know (a scraper's
``url``, ``category``...) pass through untouched. The fields and their types
are documented in README.md, "The record format"; ``RECORD_VERSION`` is bumped on
any incompatible change and written by the reader as ``record_version``.
"""

from __future__ import annotations

import json
from typing import Any

try:  # orjson writes and reads JSON ~10x faster; tokens make records large
    import orjson
except ImportError:  # pragma: no cover - platforms without an orjson wheel
    orjson = None  # type: ignore[assignment]

Record = dict[str, Any]

RECORD_VERSION = 1

def new_record(
    id: str,
    source: str,
    text: str,
    *,
    date: str | None = None,
    title: str | None = None,
    lang: str | None = None,
    extra: Record | None = None,
) -> Record:
    """Build a record with the reader's fields first, then any extra fields."""
    record: Record = {
        "id": id,
        "source": source,
        "date": date,
        "lang": lang,
        "title": title,
        "text": text,
    }
    if extra:
        for key, value in extra.items():
            if key not in record:
                record[key] = value
    record.setdefault("record_version", RECORD_VERSION)
    return record


def dump_line(record: Record) -> bytes:
    """One JSON Lines line as UTF-8 bytes, newline included: compact, not ASCII-escaped.

    Bytes all the way from orjson to stdout: a record with its tokens is ~70 KB, and
    decoding it, sending it between processes as text and encoding it again cost as much
    as a small stage.
    """
    if orjson is not None:
        try:
            return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
        except TypeError:  # e.g. integers beyond 64 bits: the standard library copes
            pass
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def dumps(record: Record) -> str:
    """One JSON Lines line (no newline): compact, UTF-8 text, not ASCII-escaped.

    orjson and the standard library give the same bytes for records.
    """
    return dump_line(record)[:-1].decode("utf-8")


def loads(line: str | bytes) -> Any:
    """Parse one JSON value; raises json.JSONDecodeError (orjson's is a subclass)."""
    if orjson is not None:
        return orjson.loads(line)
    return json.loads(line)
