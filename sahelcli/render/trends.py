"""View of ``sahelcli trends``: one record per period.

CSV is wide (one row per period) so a spreadsheet can chart any column: the
followed terms and stance targets become columns; every period record lists
them all, so every row has the same columns.
"""

from __future__ import annotations

from typing import Any

from sahelcli.records import Record

BAR_WIDTH = 20


def csv_row(record: Record) -> dict[str, Any]:
    row: dict[str, Any] = {
        "period": record.get("period"),
        "start": record.get("start"),
        "end": record.get("end"),
        "articles": record.get("articles"),
    }
    if "keywords" in record:
        row["keywords"] = "; ".join(k["term"] for k in record["keywords"])
    for item in record.get("terms") or []:
        row[f"term:{item['term']}:articles"] = item["articles"]
        row[f"term:{item['term']}:share"] = item["share"]
    for item in record.get("stance") or []:
        for key in ("articles", "favor", "against", "neutral", "mean_score"):
            row[f"stance:{item['target']}:{key}"] = item[key]
    return row


def text(record: Record) -> str:
    """One line per period: period, articles, distinctive terms, followed terms."""
    parts = [f"{record.get('period')}\t{record.get('articles')} articles"]
    if record.get("keywords"):
        parts.append(", ".join(k["term"] for k in record["keywords"]))
    for item in record.get("terms") or []:
        parts.append(f"{item['term']} {item['share']:.0%}")
    for item in record.get("stance") or []:
        if item["articles"]:
            parts.append(
                f"{item['target']} +{item['favor']}/-{item['against']}/={item['neutral']}"
            )
    return "\t".join(parts)


def bar(value: float, maximum: float, width: int = BAR_WIDTH) -> str:
    """A bar of eighth-blocks, ``value`` out of ``maximum``."""
    if maximum <= 0 or value <= 0:
        return ""
    eighths = round(width * 8 * min(value, maximum) / maximum)
    full, rest = divmod(eighths, 8)
    return "█" * full + ("▏▎▍▌▋▊▉"[rest - 1] if rest else "")


def table(records: list[Record]) -> Any:
    from rich.console import Group

    parts: list[Any] = [_overview(records)]
    if any(r.get("terms") for r in records):
        parts.append(_terms_table(records))
    if any(s["articles"] for r in records for s in r.get("stance") or []):
        parts.append(_stance_table(records))
    return Group(*parts)


def _overview(records: list[Record]) -> Any:
    from rich.table import Table
    from rich.text import Text

    by = records[0].get("by", "period") if records else "period"
    grid = Table(title=f"Articles and distinctive terms by {by}")
    grid.add_column(by)
    grid.add_column("articles", justify="right")
    grid.add_column("")
    has_keywords = any("keywords" in r for r in records)
    if has_keywords:
        grid.add_column("most distinctive terms (log-odds z-score)", overflow="fold")
    most = max((r.get("articles") or 0 for r in records), default=0)
    for record in records:
        cells: list[Any] = [
            Text(str(record.get("period"))),
            str(record.get("articles")),
            Text(bar(record.get("articles") or 0, most), style="cyan"),
        ]
        if has_keywords:
            cells.append(Text(", ".join(k["term"] for k in record.get("keywords") or [])))
        grid.add_row(*cells)
    return grid


def _terms_table(records: list[Record]) -> Any:
    from rich.table import Table
    from rich.text import Text

    terms = [t["term"] for t in records[0].get("terms") or []]
    grid = Table(title="Share of articles mentioning each term")
    grid.add_column(records[0].get("by", "period"))
    for term in terms:
        grid.add_column(Text(term), no_wrap=True)
    peak = {
        t: max(i["share"] for r in records for i in r["terms"] if i["term"] == t) for t in terms
    }
    for record in records:
        cells: list[Any] = [Text(str(record.get("period")))]
        for item in record["terms"]:
            small = bar(item["share"], peak[item["term"]], width=8)
            cells.append(Text(f"{item['share']:>4.0%} ").append(small, style="green"))
        grid.add_row(*cells)
    return grid


def _stance_table(records: list[Record]) -> Any:
    """One row per target and period: counts, mean score and a stacked bar
    (green █ favor, grey ░ neutral, red ▓ against: readable without colour too)."""
    from rich.table import Table
    from rich.text import Text

    by = records[0].get("by", "period")
    grid = Table(title=f"Stance by target and {by}")
    grid.add_column("target", max_width=22)
    grid.add_column(by, no_wrap=True)
    for name in ("n", "favor", "against", "neutral", "mean"):
        grid.add_column(name, justify="right")
    grid.add_column("", no_wrap=True)
    targets = [s["target"] for s in records[0].get("stance") or []]
    for target in targets:
        first = True
        for record in records:
            item = next(s for s in record["stance"] if s["target"] == target)
            if not item["articles"]:
                continue
            mean = "" if item["mean_score"] is None else f"{item['mean_score']:+.2f}"
            grid.add_row(
                Text(target if first else ""),
                Text(str(record.get("period"))),
                str(item["articles"]),
                str(item["favor"]),
                str(item["against"]),
                str(item["neutral"]),
                mean,
                _stacked(item),
            )
            first = False
    return grid


def _stacked(item: dict[str, Any], width: int = 12) -> Any:
    from rich.text import Text

    total = item["articles"] or 1
    bar_text = Text()
    used = 0
    for key, glyph, style in (("favor", "█", "green"), ("neutral", "░", "grey50"),
                              ("against", "▓", "red")):
        cells = round(width * item[key] / total)
        cells = min(cells, width - used)
        bar_text.append(glyph * cells, style=style)
        used += cells
    return bar_text
