"""Summaries: budgets, order, determinism, idempotence, bad input, views and the command."""

from __future__ import annotations

import copy
import json
import math
import sys
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahelcli.errors import ArticleError, UsageError
from sahelcli.pipeline import Pipeline, tokenize_stage
from sahelcli.render import summarize as view
from sahelcli.summarize import (
    CANDIDATES,
    MODEL_FILE,
    SENTENCE_FEATURES,
    SET_BASE,
    WORD_FEATURES,
    _best_set,
    analyse,
    select,
    sentence_scores,
    set_features,
    summarize_record,
    summarize_stage,
    word_probabilities,
)
from sahelcli.tokenize import tokenize_record
from tests.conftest import FIXTURES, SEED, SHARED
from tests.conftest import json_lines as _jsonl
from tests.conftest import read_record as _record
from tests.conftest import run_main as _run

SAHEL = FIXTURES / "sum_sahel_fr.txt"
ENGLISH = FIXTURES / "sum_english.txt"
SHORT = FIXTURES / "sum_short.txt"
ONE = FIXTURES / "sum_one.txt"
LIST = FIXTURES / "sum_list.txt"
EMPTY = FIXTURES / "sum_empty.txt"
RECORDS = FIXTURES / "sum_records.jsonl"
ORANGESUM = SHARED / "datasets" / "orangesum-fr-summaries" / "dev.jsonl"


def _tokenized(path: Path) -> dict:
    record = _record(path)
    tokenize_record(record)
    return record


def _sentence_text(record: dict, index: int) -> str:
    span = record["sentences"][index]
    return " ".join(record["text"][span["start"] : span["end"]].split())


# --------------------------------------------------------------------------- budgets and order


@pytest.mark.parametrize("path", [SAHEL, ENGLISH, SEED])
@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_sentence_budget_and_document_order(path: Path, n: int) -> None:
    record = _tokenized(path)
    summary = summarize_record(record, sentences=n)
    assert len(summary) == n
    indices = [s["sentence"] for s in summary]
    assert indices == sorted(set(indices))
    for item in summary:
        assert item["text"] == _sentence_text(record, item["sentence"])
        assert isinstance(item["score"], float) and item["score"] >= 0


@pytest.mark.parametrize("words", [1, 5, 12, 25, 40, 80, 400])
def test_word_budget_is_respected(words: int) -> None:
    record = _tokenized(SAHEL)
    summary = summarize_record(record, sentences=None, words=words)
    assert summary, "a budget always gives something"
    used = sum(len(s["text"].rstrip("…").split()) for s in summary)
    assert used <= words
    indices = [s["sentence"] for s in summary]
    assert indices == sorted(set(indices))


def test_word_budget_fills_with_more_sentences_when_no_count_given() -> None:
    record = _tokenized(SAHEL)
    summary = summarize_record(record, sentences=None, words=120)
    assert len(summary) >= 3
    assert sum(len(s["text"].split()) for s in summary) <= 120


def test_sentences_and_words_together() -> None:
    record = _tokenized(ENGLISH)
    summary = summarize_record(record, sentences=2, words=60)
    assert 1 <= len(summary) <= 2
    assert sum(len(s["text"].split()) for s in summary) <= 60


def test_too_small_a_word_budget_cuts_the_best_sentence() -> None:
    record = _tokenized(SAHEL)
    summary = summarize_record(record, sentences=3, words=4)
    assert len(summary) == 1
    text = summary[0]["text"]
    assert text.endswith("…") and len(text.split()) == 4
    full = _sentence_text(record, summary[0]["sentence"])
    assert full.startswith(text.rstrip("…"))


def test_bad_budgets_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        summarize_stage(sentences=0)
    with pytest.raises(UsageError):
        summarize_record(_tokenized(SAHEL), words=0)


# --------------------------------------------------------------------------- what is picked


def test_headings_and_captions_are_never_picked() -> None:
    record = _tokenized(SAHEL)
    texts = [_sentence_text(record, i) for i in range(len(record["sentences"]))]
    heading = texts.index("Une région sous pression")
    caption = texts.index("Photo : AFP")
    summary = summarize_record(record, sentences=50)
    picked = {s["sentence"] for s in summary}
    assert heading not in picked and caption not in picked
    assert len(summary) == len(texts) - 2  # all the others: a long enough budget gives them all


def test_short_article_gives_all_its_sentences() -> None:
    record = _tokenized(SHORT)
    assert len(record["sentences"]) == 2
    summary = summarize_record(record, sentences=3)
    assert [s["sentence"] for s in summary] == [0, 1]


def test_one_sentence_article_gives_that_sentence() -> None:
    record = _tokenized(ONE)
    summary = summarize_record(record)
    assert [s["text"] for s in summary] == [_sentence_text(record, 0)]


def test_text_without_sentence_punctuation_still_gets_a_short_summary() -> None:
    record = _tokenized(LIST)
    for n in (1, 3):
        summary = summarize_record(record, sentences=n)
        assert summary and summary[0]["text"]
        assert sum(len(s["text"].split()) for s in summary) <= 30 * n


def test_transcript_without_punctuation_is_cut() -> None:
    words = "alors on a commencé la réunion et puis les gens de Gao ont parlé de la route".split()
    text = " ".join(words * 20)
    summary = summarize_record({"id": "t", "text": text}, sentences=2)
    assert len(summary) == 1
    assert len(summary[0]["text"].split()) == 60 and summary[0]["text"].endswith("…")


def test_english_article() -> None:
    record = _record(ENGLISH)
    summary = summarize_record(record)
    assert record["lang"] == "en"
    assert len(summary) == 3
    assert any("elections" in s["text"] for s in summary)
    assert all(s["text"] in " ".join(record["text"].split()) for s in summary)


def test_picks_are_not_simply_the_lead() -> None:
    """A word budget too small for the lead sentence picks later, shorter sentences."""
    record = _tokenized(SAHEL)
    summary = summarize_record(record, sentences=None, words=30)
    assert 0 not in {s["sentence"] for s in summary}


# ------------------------------------------------------------------ determinism, idempotence


def test_deterministic() -> None:
    first = summarize_record(_tokenized(SAHEL), sentences=3)
    for _ in range(3):
        assert summarize_record(_tokenized(SAHEL), sentences=3) == first
    assert summarize_record(_tokenized(SAHEL), words=50) == summarize_record(
        _tokenized(SAHEL), words=50
    )


def test_stage_is_idempotent_on_its_own_output() -> None:
    pipeline = Pipeline([tokenize_stage(), summarize_stage(2)])
    out = pipeline.run(_record(SAHEL)).record
    assert out is not None and "tokens" not in out
    again = copy.deepcopy(out)
    Pipeline([tokenize_stage(), summarize_stage(2)]).run(again)
    assert again == out
    forced = copy.deepcopy(out)
    Pipeline([tokenize_stage(), summarize_stage(2, force=True)]).run(forced)
    assert forced["summary"] == out["summary"]


def test_command_is_idempotent_on_its_own_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, _ = _run(["summarize", str(SAHEL), str(ENGLISH), "-f", "jsonl"], capsys)
    assert status == 0
    saved = tmp_path / "out.jsonl"
    saved.write_text(out, encoding="utf-8")
    status, again, _ = _run(["summarize", str(saved), "-f", "jsonl"], capsys)
    assert status == 0
    assert _jsonl(again) == _jsonl(out)
    status, forced, _ = _run(["summarize", str(saved), "--force", "-f", "jsonl"], capsys)
    assert [r["summary"] for r in _jsonl(forced)] == [r["summary"] for r in _jsonl(out)]


# --------------------------------------------------------------------------- bad input


def test_empty_text_is_a_named_article_error() -> None:
    with pytest.raises(ArticleError, match="art-7"):
        summarize_record({"id": "art-7", "text": "  \n "})
    with pytest.raises(ArticleError, match="art-8"):
        summarize_record({"id": "art-8", "text": "."})


def test_empty_file_fails_alone(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(["summarize", str(EMPTY), str(SAHEL), "-f", "jsonl"], capsys)
    assert status == 1
    assert "sum_empty.txt" in err
    records = _jsonl(out)
    assert [r["id"] for r in records] == ["sum_sahel_fr"]
    assert len(records[0]["summary"]) == 3


def test_empty_record_fails_alone(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(["summarize", str(RECORDS), "-f", "jsonl"], capsys)
    assert status == 1
    assert "sum-rec-empty" in err and "Traceback" not in err
    assert [r["id"] for r in _jsonl(out)] == ["sum-rec-ok", "sum-rec-ok2"]


# --------------------------------------------------------------------------- views


def test_format_text_one_article_is_plain(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(["summarize", str(SAHEL), "-f", "text", "-n", "2"], capsys)
    assert status == 0
    record = _tokenized(SAHEL)
    expected = " ".join(s["text"] for s in summarize_record(record, sentences=2))
    assert out == expected + "\n"


def test_format_text_several_articles_are_headed(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(["summarize", str(SAHEL), str(ENGLISH), "-f", "text", "-n", "1"], capsys)
    assert status == 0
    blocks = out.strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == ["# sum_sahel_fr", "# sum_english"]
    assert all(len(b.splitlines()) == 2 for b in blocks)


def test_format_text_records_file_is_headed(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(["summarize", str(RECORDS), "-f", "text"], capsys)
    assert out.startswith("# sum-rec-ok\n")


def test_format_text_records_on_stdin_are_headed(capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    lines = "".join(
        json.dumps({"id": f"r{i}", "text": SAHEL.read_text(encoding="utf-8")}) + "\n"
        for i in range(2)
    )
    stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(lines.encode("utf-8")))
    try:
        _, out, _ = _run(["summarize", "-", "-f", "text", "-n", "1"], capsys)
    finally:
        sys.stdin = stdin
    assert out.startswith("# r0\n") and "\n\n# r1\n" in out


def test_jsonl_when_piped_holds_only_records(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(["summarize", str(SAHEL), "-n", "1"], capsys)
    assert status == 0
    (record,) = _jsonl(out)
    assert set(record["summary"][0]) == {"sentence", "text", "score"}
    assert "tokens" not in record and "sentences" not in record


def test_csv_and_table_views() -> None:
    record = _record(SAHEL)
    record["summary"] = summarize_record(record, sentences=2)
    row = view.csv_row(record)
    assert row["id"] == "sum_sahel_fr" and len(row["sentences"].split("; ")) == 2
    from rich.console import Console

    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(view.table([record, {"id": "x[bold]", "summary": []}]))
    shown = console.export_text()
    assert "sum_sahel_fr" in shown and "x[bold]" in shown and "(empty)" in shown


# --------------------------------------------------------------------------- model and internals


def test_model_file_is_small_json_matching_the_code() -> None:
    assert MODEL_FILE.stat().st_size < 50_000
    model = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert model["candidates"] == CANDIDATES  # the set models learnt on this many candidates
    assert model["sentence"]["features"] == list(SENTENCE_FEATURES)
    assert model["words"]["features"] == list(WORD_FEATURES)
    assert model["sets"]["features"][: len(SET_BASE)] == list(SET_BASE)
    for size in ("1", "2", "3"):
        assert len(model["sets"][size]["weights"]) == len(model["sets"]["features"])


def test_lexicon_is_small_and_the_feature_is_lexical_score() -> None:
    """The lexical prior (per word form / per lemma log-odds) ships as a small JSON table, and
    the inlined feature in ``analyse`` is ``lexical_score`` of the sentence's word forms."""
    from bisect import bisect_left

    from sahelcli.summarize import (
        LEXICON_FILE,
        lexical_score,
        load_lexicon,
        sentence_forms,
    )

    assert LEXICON_FILE.stat().st_size < 200_000
    lexicon = load_lexicon()
    assert set(lexicon) == {"forms", "lemmas"} and lexicon["forms"] and lexicon["lemmas"]
    assert lexical_score([], lexicon["forms"]) == 0.0
    assert lexical_score(["zzzq", "qqqz"], lexicon["forms"]) == 0.0  # unknown forms weigh 0
    for path in (SAHEL, FIXTURES / "sum_english.txt"):
        record = _record(path)
        tokenize_record(record)
        a = analyse(record)
        starts = [t["start"] for t in record["tokens"]]
        column = SENTENCE_FEATURES.index("lexform")
        for i in a.eligible:
            span = record["sentences"][i]
            lo = bisect_left(starts, span["start"])
            hi = bisect_left(starts, span["end"], lo)
            forms = sentence_forms(record["tokens"], lo, hi)
            assert a.features[i][column] == lexical_score(forms, lexicon["forms"])


def _linear(x: list[float], part: dict) -> float:
    return part["bias"] + sum(
        w * (v - m) / s
        for v, m, s, w in zip(x, part["mean"], part["scale"], part["weights"], strict=True)
    )


@pytest.mark.parametrize("path", [SAHEL, ENGLISH, SEED])
@pytest.mark.parametrize("budget", [None, 70])
def test_fast_set_search_equals_the_set_model(path: Path, budget: int | None) -> None:
    """The shortcuts in _best_set (inclusion-exclusion coverage, pair parts summed once)
    must give what the trained model says on set_features, with and without a word budget."""
    model = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    a = analyse(_tokenized(path))
    scores = sentence_scores(a)
    candidates = sorted(a.eligible, key=lambda i: (-scores[i], i))[:CANDIDATES]
    a.word_prob = word_probabilities(a, (w for i in candidates for w in a.content[i]))
    value = {
        c: _linear(set_features(a, c, scores), model["sets"][str(len(c))])
        for size in (1, 2, 3)
        for c in combinations(sorted(candidates), size)
    }
    fast: tuple[int, ...] | None = None
    for pool in [candidates, *combinations(candidates, 5)]:  # many argmax contests
        for size in (1, 2, 3):
            fast = _best_set(a, list(pool), size, scores, budget)
            allowed = [
                c for c in combinations(sorted(pool), size)
                if budget is None or sum(a.words[i] for i in c) <= budget
            ]  # fmt: skip
            assert fast == max(allowed, key=value.__getitem__, default=None)
    fast = _best_set(a, candidates, 3, scores, budget)
    if budget is None:
        assert select(a, scores, 3) == sorted(fast or ())


def test_word_model_shortcut_equals_its_features() -> None:
    """word_probabilities inlines the word model: it must equal the logistic on word_row."""
    model = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    a = analyse(_tokenized(SAHEL))
    probs = word_probabilities(a, a.tf)
    for w, p in probs.items():
        expected = 1.0 / (1.0 + math.exp(-_linear(a.word_row(w), model["words"])))
        assert p == pytest.approx(expected, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab cé.\n!?«»'-AZ0")), max_size=300))
def test_any_text_gives_a_summary_or_a_named_error(text: str) -> None:
    record = {"id": "h", "text": text}
    try:
        summary = summarize_record(record, sentences=2)
    except ArticleError as exc:
        assert "h:" in str(exc)
        return
    assert 1 <= len(summary) <= 2
    indices = [s["sentence"] for s in summary]
    assert indices == sorted(set(indices))
    assert all(0 <= i < len(record["sentences"]) for i in indices)


# --------------------------------------------------------------------------- shared data


@pytest.mark.skipif(not ORANGESUM.exists(), reason="needs ../shared (OrangeSum dev half)")
def test_one_sentence_beats_the_lead_on_orangesum_sample() -> None:
    pytest.importorskip("rouge_score", reason="the shared scorer needs rouge-score")
    sys.path.insert(0, str(SHARED / "eval"))
    from score_summaries import score

    rows = [json.loads(line) for line in ORANGESUM.open(encoding="utf-8")][::5]
    gold = {r["id"]: r["summary"] for r in rows}
    ours, lead = {}, {}
    for row in rows:
        record = {"id": row["id"], "text": row["text"]}
        ours[row["id"]] = " ".join(s["text"] for s in summarize_record(record, sentences=1))
        lead[row["id"]] = _sentence_text(record, 0)
    ours_f = score(gold, ours)["rougeL"]["f"]
    lead_f = score(gold, lead)["rougeL"]["f"]
    assert ours_f > lead_f + 1.0
    assert not math.isnan(ours_f)
