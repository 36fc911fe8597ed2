"""View of the ``keywords`` stage: each article's top terms with their scores."""

from __future__ import annotations

from typing import Any

from sahelcli.records import Record
from sahelcli.render.common import base_row


def _keywords(record: Record) -> list[dict[str, Any]]:
    return [k for k in record.get("keywords") or [] if isinstance(k, dict)]


def csv_row(record: Record) -> dict[str, Any]:
    row = base_row(record)
    row["keywords"] = "; ".join(str(k.get("term")) for k in _keywords(record))
    row["scores"] = "; ".join(f"{k.get('score', 0):.4g}" for k in _keywords(record))
    return row


def text(record: Record) -> str:
    """``id: term, term, ...`` on one line."""
    terms = ", ".join(str(k.get("term")) for k in _keywords(record))
    return f"{record.get('id')}: {terms}"


def table(records: list[Record]) -> Any:
    from rich.table import Table
    from rich.text import Text

    grid = Table(title="sahelcli keywords", show_lines=True)
    grid.add_column("id", overflow="fold")
    grid.add_column("title", overflow="fold", max_width=40)
    grid.add_column("keywords (score)", overflow="fold")
    for record in records:
        terms = Text()
        for i, kw in enumerate(_keywords(record)):
            if i:
                terms.append(" · ")
            terms.append(str(kw.get("term")), style="bold")
            terms.append(f" {kw.get('score', 0):.2f}", style="dim")
        grid.add_row(
            Text(str(record.get("id"))),
            Text(str(record.get("title") or "")),
            terms if len(terms) else Text("(none)", style="dim"),
        )
    return grid
