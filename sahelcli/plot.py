"""Charts of the trends with matplotlib, an optional extra.

Imported only when ``--plot`` is given; matplotlib itself is imported inside
the functions, on the non-interactive Agg canvas (no display needed), through
``matplotlib.figure.Figure`` (no pyplot global state).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sahelcli.errors import UsageError
from sahelcli.records import Record

FORMATS = (".png", ".svg", ".pdf")
INSTALL_HINT = "pip install 'sahelcli[plot]'"


def check_plot_path(path: Path) -> None:
    """Usage errors (exit 2) before any work: wrong suffix, missing folder, no matplotlib."""
    if path.suffix.lower() not in FORMATS:
        raise UsageError(
            f"--plot {path}: the chart file must end in {', '.join(FORMATS)}"
        )
    if not path.parent.exists():
        raise UsageError(f"--plot {path}: folder {path.parent} does not exist")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(
            f"--plot needs matplotlib, which is not installed: {INSTALL_HINT}"
        ) from None


def draw(records: list[Record], path: Path, by: str) -> Path:
    """Draw the followed terms (share of articles) and the stance per target (mean
    score, point size = articles) over time; the article count when neither is there."""
    from matplotlib.figure import Figure

    panels = []
    if any(r.get("terms") for r in records):
        panels.append(_draw_terms)
    if any(s["articles"] for r in records for s in r.get("stance") or []):
        panels.append(_draw_stance)
    if not panels:
        panels.append(_draw_articles)
    fig = Figure(figsize=(10, 3.6 * len(panels) + 0.6), layout="constrained")
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for panel, ax in zip(panels, axes, strict=True):
        panel(ax, records, by)
        ax.grid(True, alpha=0.3)
    _date_axis(axes[-1], records, by)
    first, last = records[0]["period"], records[-1]["period"]
    fig.suptitle(f"sahelcli trends by {by}, {first} to {last}")
    fig.savefig(path, dpi=120)
    return path


def _midpoints(records: list[Record]) -> list[dt.date]:
    """Each period drawn at its middle, so a quarter sits between its months."""
    out = []
    for record in records:
        start = dt.date.fromisoformat(record["start"])
        end = dt.date.fromisoformat(record["end"])
        out.append(start + (end - start) / 2)
    return out


def _series(
    records: list[Record], field: str, key: str, name: str, value: str
) -> tuple[list[dt.date], list[float], list[int]]:
    """(x, y, articles) for one term or target; a period where it has no value (or a
    period with no article at all) is NaN, so the line breaks instead of bridging it."""
    xs: list[dt.date] = []
    ys: list[float] = []
    ns: list[int] = []
    previous_end: dt.date | None = None
    for x, record in zip(_midpoints(records), records, strict=True):
        start = dt.date.fromisoformat(record["start"])
        if previous_end is not None and (start - previous_end).days > 1:  # empty periods
            xs.append(previous_end)
            ys.append(float("nan"))
            ns.append(0)
        previous_end = dt.date.fromisoformat(record["end"])
        item = next((i for i in record.get(field) or [] if i[key] == name), None)
        missing = item is None or item.get(value) is None
        xs.append(x)
        ys.append(float("nan") if missing else item[value])  # type: ignore[index]
        ns.append(0 if missing else item["articles"])  # type: ignore[index]
    return xs, ys, ns


def _draw_terms(ax: Any, records: list[Record], by: str) -> None:
    for item in records[0]["terms"]:
        xs, ys, _ = _series(records, "terms", "term", item["term"], "share")
        ax.plot(xs, [100 * y for y in ys], marker="o", markersize=3, label=item["term"])
    ax.set_ylabel("articles mentioning the term (%)")
    ax.set_title(f"Followed terms: share of each {by}'s articles")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize="small")


def _draw_stance(ax: Any, records: list[Record], by: str) -> None:
    targets = [s["target"] for s in records[0]["stance"]]
    totals = {t: sum(next(s for s in r["stance"] if s["target"] == t)["articles"] for r in records)
              for t in targets}
    shown = sorted(targets, key=lambda t: -totals[t])[:8]  # a readable number of lines
    highest = 0.0
    for target in shown:
        xs, ys, ns = _series(records, "stance", "target", target, "mean_score")
        if all(y != y for y in ys):  # all NaN: nothing to draw
            continue
        highest = max([highest] + [abs(y) for y in ys if y == y])
        (line,) = ax.plot(xs, ys, linewidth=1.5, label=f"{target} ({totals[target]} articles)")
        ax.scatter(xs, ys, s=[12 + 6 * n for n in ns], color=line.get_color(), alpha=0.6)
    ax.axhline(0, color="grey", linewidth=0.8)
    limit = min(1.05, max(0.5, 1.2 * highest))  # symmetric: 0 stays in the middle
    ax.set_ylim(-limit, limit)
    ax.set_ylabel("mean stance score\n(-1 against, +1 favor)")
    ax.set_title(f"Stance per {by} (point size: articles naming the target)")
    ax.legend(loc="upper left", fontsize="small")


def _draw_articles(ax: Any, records: list[Record], by: str) -> None:
    xs = _midpoints(records)
    ax.plot(xs, [r["articles"] for r in records], marker="o", markersize=3)
    ax.set_ylabel("articles")
    ax.set_ylim(bottom=0)
    ax.set_title(f"Articles per {by}")


#: Up to this many periods, each is a tick labelled with its name (2024-Q2).
LABELLED_PERIODS = 16


def _date_axis(ax: Any, records: list[Record], by: str) -> None:
    """Period names as ticks when there are few periods; else dates placed by
    matplotlib's date locator, written concisely (2020, Feb, Mar...)."""
    import matplotlib.dates as mdates

    first = dt.date.fromisoformat(records[0]["start"])
    last = dt.date.fromisoformat(records[-1]["end"])
    ax.set_xlim(first, last)
    if len(records) <= LABELLED_PERIODS:
        ax.set_xticks(_midpoints(records), [r["period"] for r in records])
        if len(records) > 8:
            ax.tick_params(axis="x", labelrotation=45)
        ax.set_xlabel(by)
        return
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel(f"date (one point per {by}, at its middle)")
