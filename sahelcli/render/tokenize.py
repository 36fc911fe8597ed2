"""View of the ``tokenize`` stage."""

from __future__ import annotations

from typing import Any

from sahelcli.records import Record
from sahelcli.render.common import base_row, sentence_texts, shorten


def csv_row(record: Record) -> dict[str, Any]:
    row = base_row(record)
    row["sentences"] = len(record.get("sentences") or [])
    row["tokens"] = len(record.get("tokens") or [])
    row["first_sentence"] = (sentence_texts(record, 1) or [""])[0]
    return row


TEXT_HEADED = True


def text(record: Record) -> str:
    """One sentence per line, tokens separated by spaces."""
    body = record.get("text") or ""
    tokens = record.get("tokens") or []
    lines = []
    i = 0
    for sentence in record.get("sentences") or []:
        words = []
        while i < len(tokens) and tokens[i]["start"] < sentence["end"]:
            words.append(body[tokens[i]["start"] : tokens[i]["end"]])
            i += 1
        lines.append(" ".join(words))
    return "\n".join(lines)


def table(records: list[Record]) -> Any:
    from rich.table import Table
    from rich.text import Text

    grid = Table(title="sahelcli tokenize", show_lines=True)
    for name in ("id", "date", "lang", "sentences", "tokens", "first sentences"):
        grid.add_column(name, overflow="fold")
    for record in records:
        first = "\n".join(shorten(s) for s in sentence_texts(record, 3))
        grid.add_row(
            Text(str(record.get("id"))),
            Text(str(record.get("date") or "")),
            Text(str(record.get("lang") or "?")),
            str(len(record.get("sentences") or [])),
            str(len(record.get("tokens") or [])),
            Text(first),
        )
    return grid
