"""Tests of ``sahelcli trends``: periods, dates, the statistic, shapes, plot."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import sys
from pathlib import Path

import pytest

from sahelcli.cli import main
from sahelcli.cli.trends_cmd import TrendOptions, run_trends
from sahelcli.env import ExitStatus
from sahelcli.trends import (
    FightinWords,
    Plan,
    Tally,
    TermMatcher,
    check_date,
    content_terms,
    count_chunk,
    period_bounds,
    period_of,
    tally_stream,
    target_filter,
)
from tests.conftest import fake_env

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
FOLDER = FIXTURES / "trends_folder"
STANCE = FIXTURES / "trends_stance.jsonl"
TODAY = dt.date(2026, 1, 1)
D = dt.date


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("day", "by", "label"),
    [
        (D(2024, 3, 31), "month", "2024-03"),
        (D(2024, 4, 1), "month", "2024-04"),
        (D(2024, 12, 31), "month", "2024-12"),
        (D(2024, 3, 31), "quarter", "2024-Q1"),
        (D(2024, 4, 1), "quarter", "2024-Q2"),
        (D(2024, 9, 30), "quarter", "2024-Q3"),
        (D(2024, 10, 1), "quarter", "2024-Q4"),
        (D(2024, 12, 31), "year", "2024"),
        # ISO weeks: the year of the week, not of the day
        (D(2020, 12, 31), "week", "2020-W53"),
        (D(2021, 1, 3), "week", "2020-W53"),
        (D(2021, 1, 4), "week", "2021-W01"),
        (D(2018, 12, 31), "week", "2019-W01"),
        (D(2024, 4, 7), "week", "2024-W14"),  # Sunday ends the week
        (D(2024, 4, 8), "week", "2024-W15"),  # Monday starts the next
    ],
)
def test_period_of_at_boundaries(day: dt.date, by: str, label: str) -> None:
    assert period_of(day, by) == label


@pytest.mark.parametrize(
    ("label", "by", "start", "end"),
    [
        ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),
        ("2023-12", "month", D(2023, 12, 1), D(2023, 12, 31)),
        ("2023-Q4", "quarter", D(2023, 10, 1), D(2023, 12, 31)),
        ("2024-Q1", "quarter", D(2024, 1, 1), D(2024, 3, 31)),
        ("2020-W53", "week", D(2020, 12, 28), D(2021, 1, 3)),
        ("2019-W01", "week", D(2018, 12, 31), D(2019, 1, 6)),
        ("2020", "year", D(2020, 1, 1), D(2020, 12, 31)),
    ],
)
def test_period_bounds(label: str, by: str, start: dt.date, end: dt.date) -> None:
    assert period_bounds(label, by) == (start, end)
    assert period_of(start, by) == label and period_of(end, by) == label
    assert period_of(start - dt.timedelta(days=1), by) != label
    assert period_of(end + dt.timedelta(days=1), by) != label


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "by", "status", "period"),
    [
        (None, "month", "undated", None),
        ("  ", "month", "undated", None),
        ("2025-13-40", "month", "impossible", None),
        ("2025-02-30", "month", "impossible", None),
        ("2999-01-01", "month", "future", None),
        ("2026-02", "month", "future", None),
        ("hier", "month", "unrecognised", None),
        ("2024-04", "week", "coarse", None),
        ("2024-04", "quarter", "ok", "2024-Q2"),
        ("3 avril 2025", "month", "ok", "2025-04"),
        ("April 2025", "year", "ok", "2025"),
        ("2025-12-31T23:00:00Z", "month", "ok", "2025-12"),
    ],
)
def test_check_date(value: object, by: str, status: str, period: str | None) -> None:
    check = check_date(value, by, TODAY)
    assert (check.status, check.period) == (status, period)


# --------------------------------------------------------------------------- statistic


def test_fightin_words_by_hand() -> None:
    # Two periods, two terms: A uses x 3 times and y once, B the reverse.
    # totals x=4, y=4, n=8; prior 0.5 -> alpha_0 = 4, alpha_x = alpha_y = 2.
    # delta_x(A) = log(5 / (4+4-3-2)) - log(3 / (4+4-1-2)) = 2 log(5/3)
    # var = 1/5 + 1/3 = 8/15; z = 2 log(5/3) / sqrt(8/15)
    model = FightinWords({"x": 4, "y": 4}, prior=0.5)
    top = model.top({"x": 3, "y": 1}, top=5, min_count=1, min_z=0)
    assert [d.term for d in top] == ["x"]  # y is under-represented: z < 0, left out
    assert top[0].log_odds == pytest.approx(2 * math.log(5 / 3), abs=1e-4)
    assert top[0].z == pytest.approx(2 * math.log(5 / 3) / math.sqrt(8 / 15), abs=1e-3)
    assert top[0].z == pytest.approx(1.399, abs=1e-3)
    assert top[0].articles == 3
    # symmetric: B's distinctive term is y with the same z
    other = model.top({"x": 1, "y": 3}, top=5, min_count=1, min_z=0)
    assert [d.term for d in other] == ["y"] and other[0].z == top[0].z
    # z = 1.40 is below the default 1.96 threshold: not called distinctive
    assert model.top({"x": 3, "y": 1}, min_count=1) == []


def test_fightin_words_ranks_frequent_specific_terms_first() -> None:
    totals = {"virus": 40, "match": 40, "rare": 2, "commun": 200}
    period = {"virus": 36, "match": 4, "rare": 2, "commun": 50}
    terms = [d.term for d in FightinWords(totals).top(period, top=3)]
    assert terms[0] == "virus"
    assert "match" not in terms and "commun" not in terms


def test_min_count_filters_terms() -> None:
    model = FightinWords({"a": 2, "b": 40}, prior=0.5)
    assert [d.term for d in model.top({"a": 1, "b": 30}, min_count=2, min_z=0)] == ["b"]


# --------------------------------------------------------------------------- per article


def test_content_terms_keep_lemmas_and_drop_stop_words_and_calendar() -> None:
    record = {
        "id": "x", "lang": "fr", "title": "Le confinement",
        "text": "Le Covid-19 a touché Paris en avril 2020, le lundi 3.",
    }
    terms = content_terms(record)
    assert {"covid-19", "confinement", "paris", "toucher"} <= terms
    assert not terms & {"le", "avril", "lundi", "2020", "3", "a"}


def test_term_matcher_folds_accents_phrases_and_prefixes() -> None:
    matcher = TermMatcher(["Wagner", "groupe wagner", "Cédéao", "djihad*", "armée"])
    record = {
        "title": "Le Groupe-Wagner au Mali",
        "text": "La CEDEAO menace; des djihadistes attaquent. Une armee wagnerienne?",
    }
    assert matcher.found(record) == ["Wagner", "groupe wagner", "Cédéao", "djihad*", "armée"]
    assert matcher.found({"title": None, "text": "Un opéra wagnérien."}) == []


def test_target_filter() -> None:
    keep = target_filter(["jihad", "France"])
    assert keep("Groupes jihadistes") and keep("France") and not keep("Russie")
    assert target_filter([])("Russie")


def test_tallies_merge_like_one_pass() -> None:
    lines = STANCE.read_text(encoding="utf-8").splitlines()
    items = [
        (period_of(dt.date.fromisoformat(r["date"]), "quarter"), r)
        for r in map(json.loads, lines)
        if r["date"]
    ]
    plan = Plan(matcher=TermMatcher(["wagner"]))
    whole = count_chunk([(p, dict(r)) for p, r in items], plan)
    merged = Tally()
    for part in tally_stream([(p, dict(r)) for p, r in items], plan, jobs=2, chunk_size=2):
        merged.merge(part)
    assert merged.articles == whole.articles
    assert merged.terms == whole.terms
    assert merged.mentions == whole.mentions
    assert merged.stance == whole.stance


# --------------------------------------------------------------------------- command


def run(inputs: list[str], fmt: str | None = None, **kwargs: object) -> tuple[int, str, str]:
    env = fake_env()
    options = TrendOptions(today=TODAY, **kwargs)  # type: ignore[arg-type]
    status = run_trends(inputs, options, fmt, env)
    return int(status), env.stdout.getvalue(), env.stderr.getvalue()  # type: ignore[attr-defined]


def test_jsonl_one_record_per_period_and_undated_reported() -> None:
    status, out, err = run([str(FOLDER)], by="month", terms=["wagner"], stance=False)
    assert status == ExitStatus.OK
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["period"] for r in records] == ["2024-01", "2024-03", "2024-04"]
    assert [r["articles"] for r in records] == [1, 1, 2]
    april = records[-1]
    assert april["start"] == "2024-04-01" and april["end"] == "2024-04-30"
    assert april["terms"] == [{"term": "wagner", "articles": 2, "share": 1.0}]
    assert "keywords" in april and "stance" not in april
    assert "1 of 5 articles have no date" in err and "undated" in err


def test_named_month_header_is_bucketed() -> None:
    # a4.txt says "date 12 avril 2024"
    _, out, _ = run([str(FOLDER / "a4.txt")], by="week", stance=False)
    assert [json.loads(line)["period"] for line in out.splitlines()] == ["2024-W15"]


def test_quarter_boundary_in_folder() -> None:
    _, out, _ = run([str(FOLDER)], by="quarter", stance=False)
    records = [json.loads(line) for line in out.splitlines()]
    periods = {r["period"]: r["articles"] for r in records}
    assert periods == {"2024-Q1": 2, "2024-Q2": 2}  # 03-31 in Q1, 04-01 in Q2


def test_csv_shape_has_same_columns_on_every_row() -> None:
    status, out, _ = run([str(STANCE)], "csv", by="quarter", terms=["wagner"], keywords=False)
    assert status == ExitStatus.OK
    rows = list(csv.reader(io.StringIO(out)))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["period", "start", "end", "articles"]
    assert "term:wagner:share" in header and "stance:France:mean_score" in header
    assert all(len(row) == len(header) for row in body)
    q1 = dict(zip(header, body[0], strict=True))
    assert q1["period"] == "2023-Q1" and q1["articles"] == "3"
    assert (q1["stance:France:favor"], q1["stance:France:against"]) == ("1", "1")
    assert q1["stance:Russie:articles"] == "0" and q1["stance:Russie:mean_score"] == ""


def test_stance_aggregation_and_target_filter() -> None:
    _, out, err = run([str(STANCE)], by="quarter", keywords=False, targets=["France"])
    records = [json.loads(line) for line in out.splitlines()]
    assert [s["target"] for r in records for s in r["stance"]] == ["France", "France"]
    q1, q2 = (r["stance"][0] for r in records)
    assert (q1["favor"], q1["against"], q1["neutral"], q1["articles"]) == (1, 1, 1, 3)
    assert q1["mean_score"] == pytest.approx((0.6 - 0.4 + 0.0) / 3, abs=1e-4)
    assert (q2["against"], q2["neutral"], q2["mean_score"]) == (1, 1, -0.25)


def test_folder_without_dated_article_exits_1(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Un article sans date.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Un autre article, sans date non plus.\n", encoding="utf-8")
    status, out, err = run([str(tmp_path)], stance=False)
    assert status == ExitStatus.FAILED
    assert out == ""
    assert "no dated article (2 read)" in err and str(tmp_path) in err


def test_impossible_and_future_dates_are_named(tmp_path: Path) -> None:
    status, out, err = run(
        [str(FIXTURES / "trends_bad_date.txt"), str(FIXTURES / "trends_future.txt"),
         str(FOLDER / "a1.txt")],
        stance=False,
    )
    assert status == ExitStatus.FAILED  # some inputs could not be placed in time
    assert "trends_bad_date.txt" in err and "2024-13-40" in err
    assert "trends_future.txt" in err and "after today" in err
    assert [json.loads(line)["period"] for line in out.splitlines()] == ["2024-01"]
    assert "1 of 3 articles" in err  # each bad article counted once


def test_impossible_date_in_a_json_record(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        json.dumps({"id": "bad", "date": "2025-13-40", "text": "Texte."}) + "\n"
        + json.dumps({"id": "ok", "date": "2025-01-02", "text": "Texte."}) + "\n",
        encoding="utf-8",
    )
    status, _, err = run([str(path)], stance=False)
    assert status == ExitStatus.FAILED
    assert err.count("2025-13-40") == 1


def test_text_view() -> None:
    _, out, _ = run([str(FOLDER)], "text", terms=["wagner"], stance=False)
    assert out.splitlines()[-1].startswith("2024-04\t2 articles")


def test_table_view_draws_bars() -> None:
    _, out, _ = run([str(STANCE)], "table", by="quarter", terms=["wagner"])
    assert "distinctive terms" in out and "█" in out and "Stance by target" in out


def test_cli_exit_status_and_bad_plot_suffix(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["trends", str(FOLDER), "--plot", "chart.gif", "--no-stance"])
    assert exc.value.code == ExitStatus.USAGE
    assert "must end in .png" in capsys.readouterr().err


def test_plot_without_matplotlib_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import now fails
    with pytest.raises(SystemExit) as exc:
        main(["trends", str(FOLDER), "--plot", str(tmp_path / "c.png"), "--no-stance"])
    assert exc.value.code == ExitStatus.USAGE
    assert "pip install 'sahelcli[plot]'" in capsys.readouterr().err
    assert not (tmp_path / "c.png").exists()


def test_plot_writes_a_valid_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "stance.png"
    status, _, err = run(
        [str(STANCE)], by="quarter", terms=["wagner"], keywords=False, plot=png
    )
    assert status == ExitStatus.OK
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 5000
    assert "chart written" in err


def test_plot_svg(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    svg = tmp_path / "articles.svg"
    run([str(FOLDER)], stance=False, plot=svg)
    assert "<svg" in svg.read_text(encoding="utf-8")[:1000]


def test_stance_is_computed_only_when_asked() -> None:
    pytest.importorskip("sahelcli.stance")
    _, out, _ = run([str(FOLDER)], by="quarter", keywords=False)
    assert all("stance" not in json.loads(line) for line in out.splitlines())
    _, out, err = run([str(FOLDER)], by="quarter", keywords=False, targets=["France", "Wagner"])
    records = [json.loads(line) for line in out.splitlines()]
    targets = {s["target"] for r in records for s in r["stance"]}
    assert targets == {"France", "Russie"}  # Wagner is an alias of Russie in the gazetteer
    q1 = next(s for s in records[0]["stance"] if s["target"] == "France")
    assert q1["articles"] == 2  # a1 (diplomates français) and a2 (retrait français)
    assert q1["favor"] + q1["against"] + q1["neutral"] == 2


def test_tokens_already_present_are_reused() -> None:
    record = {
        "id": "r", "lang": "fr", "title": None, "text": "Texte quelconque.",
        "sentences": [{"start": 0, "end": 17}],
        "tokens": [
            {"start": 0, "end": 5, "norm": "texte", "lemma": "marqueur", "stop": False},
            {"start": 6, "end": 16, "norm": "quelconque", "lemma": "quelconque", "stop": True},
        ],
    }
    assert content_terms(record) == {"marqueur"}  # from the given tokens, not re-tokenized


def test_one_period_warns_that_no_term_is_distinctive() -> None:
    status, out, err = run([str(FOLDER / "a3.txt"), str(FOLDER / "a4.txt")], stance=False)
    assert status == ExitStatus.OK
    assert json.loads(out)["keywords"] == []
    assert "one month: no distinctive terms" in err


def test_month_only_dates_are_summed_up_by_week(tmp_path: Path) -> None:
    (tmp_path / "m.txt").write_text("date 2024-04\nTexte daté du mois.\n", encoding="utf-8")
    (tmp_path / "d.txt").write_text("date 2024-04-02\nTexte daté du jour.\n", encoding="utf-8")
    status, out, err = run([str(tmp_path)], by="week", stance=False)
    assert status == ExitStatus.OK
    assert [json.loads(line)["period"] for line in out.splitlines()] == ["2024-W14"]
    assert "1 articles dated by month only" in err and "(e.g. m)" in err
