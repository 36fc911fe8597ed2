"""View of ``keywords --overall``: one row per term, ranked over all articles."""

from __future__ import annotations

from typing import Any

from sahelcli.records import Record


def csv_row(record: Record) -> dict[str, Any]:
    return {k: record.get(k) for k in ("rank", "term", "score", "documents", "of")}


def text(record: Record) -> str:
    return (f"{record.get('rank')}. {record.get('term')}  {record.get('score')}  "
            f"({record.get('documents')}/{record.get('of')} articles)")


def table(records: list[Record]) -> Any:
    from rich.table import Table
    from rich.text import Text

    total = records[0].get("of") if records else 0
    grid = Table(title=f"sahelcli keywords --overall ({total} articles)")
    grid.add_column("#", justify="right")
    grid.add_column("term", overflow="fold")
    grid.add_column("score", justify="right")
    grid.add_column("articles", justify="right")
    for record in records:
        grid.add_row(
            str(record.get("rank")),
            Text(str(record.get("term"))),
            f"{record.get('score', 0):.2f}",
            str(record.get("documents")),
        )
    return grid
