"""View of ``sahelcli analyze``: one row per article, and an overview of a folder.

The CSV has one row per article and one column per known target (the shipped
actors, then any other target met), so it opens cleanly in a spreadsheet.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Any

from sahelcli.records import Record
from sahelcli.render.common import base_row, shorten

COLOURS = {"favor": "green", "against": "red", "neutral": "yellow"}
KEYWORDS_IN_ROW = 10


@lru_cache(maxsize=1)
def known_targets() -> tuple[str, ...]:
    """The shipped actors' names: the stable target columns of the CSV."""
    from sahelcli.stance import load_gazetteer

    return tuple(load_gazetteer().actors)


def _list(record: Record, field: str) -> list[dict[str, Any]]:
    value = record.get(field)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def keyword_terms(record: Record, limit: int = KEYWORDS_IN_ROW) -> list[str]:
    return [str(k.get("term")) for k in _list(record, "keywords")[:limit]]


def summary_text(record: Record) -> str:
    return " ".join(str(s.get("text", "")).strip() for s in _list(record, "summary"))


def stance_labels(record: Record) -> dict[str, str]:
    return {str(s.get("target")): str(s.get("label")) for s in _list(record, "stance")}


def csv_row(record: Record) -> dict[str, Any]:
    row = base_row(record)
    row["keywords"] = "; ".join(keyword_terms(record))
    row["summary"] = summary_text(record)
    labels = stance_labels(record)
    for target in known_targets():
        row[target] = labels.pop(target, "")
    # targets outside the shipped list (a record's own `target`, --target NAME)
    row["other_targets"] = "; ".join(f"{t}:{label}" for t, label in labels.items())
    return row


TEXT_HEADED = True


def text(record: Record) -> str:
    lines = [f"title: {record['title']}"] if record.get("title") else []
    if record.get("keywords") is not None:
        lines.append("keywords: " + ", ".join(keyword_terms(record)))
    labels = stance_labels(record)
    if labels:
        lines.append("stance: " + ", ".join(f"{t} {label}" for t, label in labels.items()))
    if record.get("summary") is not None:
        lines.append("summary: " + summary_text(record))
    return "\n".join(lines)


def table(records: list[Record]) -> Any:
    from rich.table import Table
    from rich.text import Text

    grid = Table(title="sahelcli analyze", show_lines=True)
    for name in ("article", "keywords", "stance", "summary"):
        grid.add_column(name, overflow="fold")
    for record in records:
        head = Text(str(record.get("id")), style="bold")
        meta = " ".join(str(x) for x in (record.get("date"), record.get("lang")) if x)
        if meta:
            head.append("\n" + meta)
        if record.get("title"):
            head.append("\n" + shorten(str(record["title"]), 80))
        stance = Text()
        for n, item in enumerate(_list(record, "stance")):
            label = str(item.get("label"))
            if n:
                stance.append("\n")
            stance.append(f"{item.get('target')}: ")
            stance.append(label, style=COLOURS.get(label, ""))
        grid.add_row(
            head,
            Text(", ".join(keyword_terms(record, 6))),
            stance,
            Text(shorten(summary_text(record), 400)),
        )
    return grid


class Overview:
    """What a folder holds: articles per language and month, stance per target,
    top keywords over all articles. Counts only; never keeps the records."""

    def __init__(self) -> None:
        self.articles = 0
        self.by_lang_month: Counter[tuple[str, str]] = Counter()
        self.stance: dict[str, Counter[str]] = {}
        self.keyword_docs: Counter[str] = Counter()
        self.keyword_forms: dict[str, Counter[str]] = {}

    def add(self, record: Record) -> None:
        self.articles += 1
        date = record.get("date")
        month = date[:7] if isinstance(date, str) and len(date) >= 7 else "undated"
        self.by_lang_month[(str(record.get("lang") or "unknown"), month)] += 1
        for target, label in stance_labels(record).items():
            self.stance.setdefault(target, Counter())[label] += 1
        for term in {t for t in keyword_terms(record)}:
            key = term.lower()
            self.keyword_docs[key] += 1
            self.keyword_forms.setdefault(key, Counter())[term] += 1

    def table(self) -> Any:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        months = Table(title=f"Overview: {self.articles} articles by language and month")
        for name in ("language", "month", "articles"):
            months.add_column(name)
        for (lang, month), n in sorted(self.by_lang_month.items()):
            months.add_row(lang, month, str(n))
        stance = Table(title="Stance per target (articles)")
        for name in ("target", "favor", "against", "neutral"):
            stance.add_column(name)
        for target, counts in sorted(self.stance.items(), key=lambda kv: -sum(kv[1].values())):
            stance.add_row(
                Text(target),
                Text(str(counts["favor"]), style="green"),
                Text(str(counts["against"]), style="red"),
                Text(str(counts["neutral"]), style="yellow"),
            )
        words = Table(title="Top keywords overall")
        for name in ("keyword", "articles"):
            words.add_column(name)
        for key, n in sorted(self.keyword_docs.items(), key=lambda kv: (-kv[1], kv[0]))[:15]:
            words.add_row(Text(self.keyword_forms[key].most_common(1)[0][0]), str(n))
        return Group(months, stance, words)
