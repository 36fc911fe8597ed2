"""View of the ``stance`` stage: one row per (article, target)."""

from __future__ import annotations

from typing import Any

from sahelcli.records import Record
from sahelcli.render.common import base_row, shorten

COLOURS = {"favor": "green", "against": "red", "neutral": "yellow"}


def _items(record: Record) -> list[dict[str, Any]]:
    items = record.get("stance")
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def csv_row(record: Record) -> dict[str, Any]:
    """One row per article: targets as 'Name:label:score' joined by '; ', and the list as JSON."""
    row = base_row(record)
    items = _items(record)
    row["targets"] = "; ".join(
        f"{i.get('target')}:{i.get('label')}:{i.get('score')}" for i in items
    )
    row["stance"] = items
    return row


TEXT_HEADED = True


def text(record: Record) -> str:
    """One line per target (tab-separated), its evidence indented below."""
    lines = []
    for i in _items(record):
        lines.append(f"{i.get('target')}\t{i.get('label')}\t{i.get('score')}\t{i.get('mentions')}")
        for sentence in i.get("evidence") or []:
            lines.append(f"    {sentence}")
    return "\n".join(lines)


def table(records: list[Record]) -> Any:
    from rich.table import Table
    from rich.text import Text

    grid = Table(title="sahelcli stance", show_lines=True)
    grid.add_column("id", overflow="fold", ratio=1)
    grid.add_column("target", overflow="fold", ratio=1)
    grid.add_column("label", no_wrap=True)
    grid.add_column("score", no_wrap=True, justify="right")
    grid.add_column("mentions", no_wrap=True, justify="right")
    grid.add_column("first evidence", overflow="fold", ratio=3)
    for record in records:
        items = _items(record)
        if not items:
            grid.add_row(Text(str(record.get("id"))), Text("(no target mentioned)"), "", "", "", "")
        for n, i in enumerate(items):
            label = str(i.get("label"))
            evidence = i.get("evidence") or [""]
            grid.add_row(
                Text(str(record.get("id")) if n == 0 else ""),
                Text(str(i.get("target"))),
                Text(label, style=COLOURS.get(label, "")),
                f"{float(i.get('score') or 0.0):+.2f}",
                str(i.get("mentions", "")),
                Text(shorten(str(evidence[0]))),
            )
    return grid
