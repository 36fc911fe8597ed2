"""View of the ``summarize`` stage: the summary sentences, their position and score."""

from __future__ import annotations

from typing import Any

from sahelcli.records import Record
from sahelcli.render.common import base_row


def _summary(record: Record) -> list[dict[str, Any]]:
    return [s for s in record.get("summary") or [] if isinstance(s, dict)]


def csv_row(record: Record) -> dict[str, Any]:
    row = base_row(record)
    summary = _summary(record)
    row["summary"] = " ".join(str(s.get("text", "")) for s in summary)
    row["sentences"] = "; ".join(str(s.get("sentence")) for s in summary)
    row["scores"] = "; ".join(f"{s.get('score', 0):.4g}" for s in summary)
    return row


#: The writer prints one article's summary alone, and ``# id`` before each of several.
TEXT_HEADED = True


def text(record: Record) -> str:
    """The summary sentences as one paragraph."""
    return " ".join(str(s.get("text", "")) for s in _summary(record))


def table(records: list[Record]) -> Any:
    from rich.table import Table
    from rich.text import Text

    grid = Table(title="sahelcli summarize", show_lines=True)
    grid.add_column("id", overflow="fold")
    grid.add_column("title", overflow="fold", max_width=30)
    grid.add_column("#", justify="right")
    grid.add_column("score", justify="right")
    grid.add_column("summary sentence", overflow="fold")
    for record in records:
        summary = _summary(record)
        if not summary:
            grid.add_row(Text(str(record.get("id"))), Text(str(record.get("title") or "")),
                         "", "", Text("(empty)", style="dim"))  # fmt: skip
            continue
        for k, item in enumerate(summary):
            grid.add_row(
                Text(str(record.get("id"))) if k == 0 else Text(""),
                Text(str(record.get("title") or "")) if k == 0 else Text(""),
                str(item.get("sentence")),
                f"{item.get('score', 0):.3f}",
                Text(str(item.get("text", ""))),
            )
    return grid
