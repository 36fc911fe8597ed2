"""Keywords: candidates, scoring, the DF model, build-idf and the keywords command."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahelcli.errors import UsageError
from sahelcli.idf import IdfModel, load_idf_model, model_from_json, save_idf_model
from sahelcli.io import read_inputs
from sahelcli.keywords import (
    build_idf_model,
    candidate_phrases,
    extract_keywords,
    keywords_stage,
    shipped_model,
)
from sahelcli.tokenize import stop_words
from tests.conftest import FIXTURES, ROOT, SEED, SHARED
from tests.conftest import read_record as _record
from tests.conftest import run_main as _run

GOLDEN = ROOT / "tests" / "golden"
SAHEL = FIXTURES / "kw_sahel_fr.txt"
ENGLISH = FIXTURES / "kw_english.txt"
CORPUS = FIXTURES / "kw_corpus"


def _jsonl(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def _terms(record: dict) -> list[str]:
    return [k["term"] for k in record["keywords"]]


# --------------------------------------------------------------------------- candidates


def test_french_phrase_shape_and_merging() -> None:
    cands = {c.key: c for c in candidate_phrases(_record(SAHEL))}
    aes = [c for c in cands.values() if c.term == "Alliance des États du Sahel"]
    assert aes, "connectors des/du allowed inside a French phrase"
    assert aes[0].title_count == 1 and aes[0].count == 1
    stops = stop_words("fr")
    for cand in cands.values():
        words = cand.term.split()
        assert 1 <= len([w for w in words if w.lower() not in {"de", "du", "des"}]) <= 4
        for end in (words[0], words[-1]):
            assert end.lower() not in {"de", "du", "des", "d'", "d’", "la", "le", "les"}
            assert not (end.lower() in stops and end.islower())
    # "jihadistes" / "jihadiste" and "groupes jihadistes" twice: one key each
    jihad = cands["jihadiste"]
    assert jihad.count == 3 and "jihadistes" not in cands
    assert jihad.term == "jihadistes"  # the most frequent original form
    assert cands["groupe jihadiste"].count == 2
    assert cands["russie"].term == "Russie"


def test_verbs_end_french_phrases() -> None:
    terms = {c.term for c in candidate_phrases(_record(SAHEL))}
    assert "Cédéao" in terms
    assert not any(t.endswith(" appelle") or t.endswith(" multiplient") for t in terms)


def test_no_candidate_gives_empty_list_and_warning() -> None:
    record = _record(FIXTURES / "kw_no_candidate.txt")
    warnings: list[str] = []
    keywords_stage()(record, warnings.append)
    assert record["keywords"] == []
    assert any("no keyword candidate" in w for w in warnings)


def test_stage_skips_present_field_unless_forced() -> None:
    record = _record(SAHEL)
    record["keywords"] = [{"term": "kept", "score": 1.0}]
    keywords_stage()(record, lambda m: None)
    assert _terms(record) == ["kept"]
    keywords_stage(force=True)(record, lambda m: None)
    assert _terms(record) != ["kept"]


# --------------------------------------------------------------------------- ranking


def test_sample_article_names_aes_and_russia() -> None:
    terms = {t.lower() for t in _terms({"keywords": extract_keywords(_record(SEED))})}
    assert "aes" in terms or "alliance des états du sahel" in terms
    assert "russie" in terms or "moscou" in terms


def test_deterministic_order_and_sorted_scores() -> None:
    first = extract_keywords(_record(SAHEL), top=15)
    second = extract_keywords(_record(SAHEL), top=15)
    assert first == second
    scores = [k["score"] for k in first]
    assert scores == sorted(scores, reverse=True)
    assert len({k["term"].lower() for k in first}) == len(first)


def test_ties_are_broken_by_first_occurrence() -> None:
    record = {"id": "t", "lang": "fr", "title": None,
              "text": "Zinder. Agadez. Dosso. Tahoua."}
    flat = IdfModel(documents=0, df={})
    assert _terms({"keywords": extract_keywords(record, model=flat)}) == [
        "Zinder", "Agadez", "Dosso", "Tahoua"]


def test_title_counts() -> None:
    record = _record(SAHEL)
    with_title = {k["term"]: k["score"] for k in extract_keywords(record, top=3)}
    assert list(with_title)[0] == "Niamey"
    record["title"] = None
    without = {k["term"]: k["score"] for k in extract_keywords(record, top=3)}
    assert list(without)[0] != "Niamey" and without["Niamey"] < with_title["Niamey"]


def test_english_article_uses_english_stop_words() -> None:
    record = _record(ENGLISH)
    kws = extract_keywords(record, top=10)
    assert record["lang"] == "en"
    terms = [k["term"] for k in kws]
    stops = stop_words("en")
    for term in terms:
        words = term.lower().split()
        assert words[0] not in stops and words[-1] not in stops, term
    assert {"transition", "junta"} & {t.lower() for t in terms}
    assert "Mali" in terms


def test_golden_keywords() -> None:
    """tests/golden/kw_X.jsonl holds {"id", "keywords"} of fixtures/kw_X.txt; after an
    intended change, regenerate with `sahelcli keywords fixtures/kw_X.txt -f jsonl` and
    review the difference."""
    for golden in sorted(GOLDEN.glob("kw_*.jsonl")):
        expected = _jsonl(golden.read_text(encoding="utf-8"))
        source = FIXTURES / f"{golden.stem}.txt"
        got = extract_keywords(_record(source), top=10)
        assert [k["term"] for k in got] == [k["term"] for k in expected[0]["keywords"]], golden
        for g, e in zip(got, expected[0]["keywords"], strict=True):
            assert g["score"] == pytest.approx(e["score"], rel=1e-3)


# --------------------------------------------------------------------------- models


def test_shipped_french_model_is_small_json() -> None:
    model = shipped_model("fr")
    assert model is not None and model.documents > 1000
    path = ROOT / "sahelcli" / "data" / "idf-fr.json.gz"
    assert path.stat().st_size < 5_000_000
    obj = json.loads(gzip.decompress(path.read_bytes()))
    assert obj["format"] == "sahelcli-idf"
    assert model.idf("sahel") < model.idf("zzzz-never-seen")


def test_shipped_model_is_valid() -> None:
    """The shipped model is loaded trusted (its counts unchecked): they must pass the
    full check a user's file gets, and give the same model."""
    path = ROOT / "sahelcli" / "data" / "idf-fr.json.gz"
    checked = model_from_json(json.loads(gzip.decompress(path.read_bytes())), str(path))
    trusted = load_idf_model(path, trusted=True)
    assert (trusted.documents, trusted.lang, trusted.min_df, trusted.meta) == (
        checked.documents, checked.lang, checked.min_df, checked.meta)
    assert trusted.df == checked.df and list(trusted.df) == list(checked.df)


def test_build_idf_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "m.json.gz"
    code, stdout, err = _run(["build-idf", str(CORPUS), "--out", str(out), "--min-df", "1"], capsys)
    assert code == 0 and stdout == "" and "4 documents" in err
    model = load_idf_model(out)
    assert model.documents == 4 and model.lang == "fr"
    assert model.df["fleuve"] == 3  # a.txt, b.txt, kw-c2 (and not counted twice)
    assert model.df["niamey"] == 2
    assert model.df["record"] == 2
    assert "recolte record" in model.df  # phrases are counted too
    plain = tmp_path / "m.json"
    save_idf_model(model, plain)
    again = load_idf_model(plain)
    assert (again.documents, again.df, again.lang) == (model.documents, model.df, model.lang)
    # the library and the command agree
    built = build_idf_model(iter(read_inputs([str(CORPUS)], None, lambda m: None)), min_df=1)
    assert built.df == model.df


def test_idf_corpus_equals_build_then_idf(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "corpus.json"
    _run(["build-idf", str(CORPUS), "--out", str(model)], capsys)
    code1, out1, _ = _run(["keywords", str(CORPUS), "--idf", str(model), "-f", "jsonl"], capsys)
    code2, out2, _ = _run(["keywords", str(CORPUS), "--idf", "corpus", "-f", "jsonl"], capsys)
    assert code1 == code2 == 0
    assert out1 == out2
    assert len(_jsonl(out1)) == 4
    code3, out3, _ = _run(["keywords", str(CORPUS), "-f", "jsonl"], capsys)
    assert out3 != out1  # the shipped background ranks differently


def test_idf_corpus_refuses_stdin() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sahelcli", "keywords", "--idf", "corpus", "-"],
        input=SAHEL.read_bytes(), capture_output=True, cwd=ROOT,
    )
    assert proc.returncode == 2
    assert b"stdin" in proc.stderr and b"Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "content",
    [b"not a model at all", b'{"format": "other", "df": {}}', b"\x1f\x8b\x08broken gzip",
     b'{"format": "sahelcli-idf", "version": 1, "documents": 2, "df": {"a": 5}}'],
)
def test_bad_idf_file_is_usage_error(tmp_path: Path, content: bytes,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(content)
    with pytest.raises(UsageError):
        load_idf_model(bad)
    code, out, err = _run(["keywords", str(SAHEL), "--idf", str(bad)], capsys)
    assert code == 2 and out == ""
    assert str(bad) in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_idf_file_is_usage_error(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["keywords", str(SAHEL), "--idf", str(tmp_path / "none.json")], capsys)
    assert code == 2 and "cannot read" in err


# --------------------------------------------------------------------------- command


def test_keywords_command_jsonl(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["keywords", str(SAHEL), "--top", "5", "-f", "jsonl"], capsys)
    records = _jsonl(out)
    assert code == 0 and len(records) == 1
    assert len(records[0]["keywords"]) == 5
    assert "tokens" not in records[0]
    assert set(records[0]["keywords"][0]) == {"term", "score"}


def test_keywords_overall(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["keywords", str(CORPUS), "--overall", "--top", "5", "-f", "jsonl"], capsys)
    rows = _jsonl(out)
    assert code == 0 and [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    assert all(r["of"] == 4 for r in rows)
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    by_term = {r["term"].lower(): r for r in rows}
    assert by_term["niamey"]["documents"] >= 2 or by_term.get("fleuve", {}).get("documents", 0) >= 2


def test_keywords_views(capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("csv", "text"):
        code, out, _ = _run(["keywords", str(SAHEL), "-f", fmt], capsys)
        assert code == 0 and "Alliance des États du Sahel" in out
    code, out, _ = _run(["keywords", str(SAHEL), "-f", "table"], capsys)
    assert code == 0 and "Niamey" in out
    code, out, _ = _run(["keywords", str(CORPUS), "--overall", "-f", "table"], capsys)
    assert code == 0 and "articles" in out


def test_no_candidate_article_warns_but_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "kw_no_candidate.txt"
    code, out, err = _run(["keywords", str(path), "-f", "jsonl"], capsys)
    assert code == 0
    assert _jsonl(out)[0]["keywords"] == []
    assert "no keyword candidate" in err


def test_build_idf_needs_out(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["build-idf", str(CORPUS)], capsys)
    assert code == 2 and "--out" in err


# --------------------------------------------------------------------------- shared data


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is absent")
def test_wikinews_records_feed_title_and_text() -> None:
    path = SHARED / "datasets" / "wikinews-fr-keyphrases" / "dev.jsonl"
    record = _record(path)
    assert record["title"] and record["title"] not in record["text"][:200]
    assert extract_keywords(record)


# --------------------------------------------------------------------------- properties

_WORDS = st.sampled_from(
    ["Mali", "mali", "de", "des", "l'", "Alliance", "États", "du", "Sahel", "AES", "12", ",",
     ".", "\n\n", "jihadistes", "jihadiste", "exige", "la", "Russie", "«", "»", "’", "-",
     "the", "of", "junta", "Wagner", "1 000", "é", "  "]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, max_size=40), st.one_of(st.none(), st.text(max_size=30)))
def test_any_text_gives_terms_from_the_article(words: list[str], title: str | None) -> None:
    text = " ".join(words)
    record = {"id": "h", "text": text, "title": title, "lang": "fr"}
    kws = extract_keywords(record, top=10)
    assert len(kws) <= 10
    scores = [k["score"] for k in kws]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    squashed = " ".join(f"{title or ''} {text}".split())
    for k in kws:
        assert k["term"] and k["term"] in squashed
    again = dict(record)
    again.pop("tokens", None)
    again.pop("sentences", None)
    assert extract_keywords(again, top=10) == kws
