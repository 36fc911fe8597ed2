"""Stance: gazetteer matching, cue tagger labels, the stage, the model and its files, the CLI."""

from __future__ import annotations

import json
import pickle
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahelcli.errors import ArticleError, UsageError
from sahelcli.stance import load_gazetteer, load_model, stance_record, stance_stage
from sahelcli.stance.classifier import fit, masked_context, save_model
from sahelcli.stance.gazetteer import fold, fold_lower
from sahelcli.stance.tagger import quick_sentences
from tests.conftest import FIXTURES, SEED, SHARED
from tests.conftest import read_record as _record
from tests.conftest import run_main as _run

TRAIN = FIXTURES / "stance_train.jsonl"


def _labels(record: dict) -> dict[str, str]:
    return {s["target"]: s["label"] for s in stance_record(record)}


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


# --------------------------------------------------------------------------- gazetteer


def _found(gaz, text: str) -> list[tuple[str, str]]:
    return [(m.target, text[m.start : m.end]) for m in gaz.find(text)]


@pytest.mark.parametrize(
    ("text", "target", "surface"),
    [
        ("La CÉDÉAO a tranché.", "Cédéao", "CÉDÉAO"),
        ("la Cedeao a tranché", "Cédéao", "Cedeao"),
        ("ECOWAS leaders met.", "Cédéao", "ECOWAS"),
        ("Le Kremlin a répondu.", "Russie", "Kremlin"),
        ("des instructeurs russes", "Russie", "russes"),
        ("l’armée américaine", "États-Unis", "américaine"),
        ("Les Etats Unis ont voté", "États-Unis", "Etats Unis"),
        ("les États-Unis ont voté", "États-Unis", "États-Unis"),
        ("un rapport de l'ONU", "ONU", "ONU"),
        ("the UN said", "ONU", "UN"),
        ("le colonel Goïta", "Juntes militaires du Sahel", "colonel Goïta"),
        ("Assimi Goita", "Juntes militaires du Sahel", "Assimi Goita"),
        ("l'AES a annoncé", "Juntes militaires du Sahel", "AES"),
        ("Al-Qaïda au Maghreb", "Groupes jihadistes", "Al-Qaïda"),
        ("al Qaida", "Groupes jihadistes", "al Qaida"),
        ("le Quai d’Orsay", "France", "Quai d’Orsay"),
    ],
)
def test_aliases_accents_case_and_separators(gaz, text: str, target: str, surface: str) -> None:
    assert (target, surface) in _found(gaz, text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("un accord a été signé", "ONU"),  # French article "un" is not the UN
        ("they told us the truth", "États-Unis"),  # "us" is not the US
        ("Le Nigeria vote", "Niger"),  # no partial word
        ("Malik est arrivé", "Mali"),
        ("la russophonie", "Russie"),
    ],
)
def test_no_false_matches(gaz, text: str, absent: str) -> None:
    assert absent not in [t for t, _ in _found(gaz, text)]


def test_offsets_point_into_original_text(gaz) -> None:
    text = "«Œuvre» – l’Élysée et Moscou; puis la CEDEAO."
    assert len(fold(text)) == len(text) == len(fold_lower(text))
    assert [text[m.start : m.end] for m in gaz.find(text)] == ["Élysée", "Moscou", "CEDEAO"]


@given(st.text(max_size=200))
def test_folding_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)
    assert len(fold_lower(text)) == len(text)


def test_resolve_names_aliases_and_people() -> None:
    gaz = load_gazetteer()
    assert gaz.resolve("Russia") == "Russie"
    assert gaz.resolve("ECOWAS") == "Cédéao"
    assert gaz.resolve("cedeao") == "Cédéao"
    assert gaz.resolve("Juntes militaires du Sahel") == "Juntes militaires du Sahel"
    # A leader is a target of his own, matched on the full and the last name.
    assert gaz.resolve("Emmanuel Macron") == "Emmanuel Macron"
    text = "Macron a parlé; puis Emmanuel Macron est parti."
    assert [t for t, _ in _found(gaz, text)].count("Emmanuel Macron") == 2
    assert gaz.resolve("Marine Le Pen") == "Marine Le Pen"
    assert ("Marine Le Pen", "Le Pen") in _found(gaz, "Le Pen a voté.")


def test_targets_file_json_and_toml() -> None:
    gaz = load_gazetteer(str(FIXTURES / "stance_targets.json"))
    assert ("Marine Le Pen", "RN") in _found(gaz, "Le RN progresse.")
    assert ("Russie", "Rossiya") in _found(gaz, "Rossiya says")  # aliases merged into Russie
    if sys.version_info >= (3, 11):
        gaz = load_gazetteer(str(FIXTURES / "stance_targets.toml"))
        assert ("Marine Le Pen", "Rassemblement national") in _found(
            gaz, "le Rassemblement national"
        )


def test_bad_targets_file(tmp_path: Path) -> None:
    bad = tmp_path / "t.json"
    bad.write_text('{"actors": [{"aliases": ["x"]}]}', encoding="utf-8")
    with pytest.raises(UsageError, match=r"t\.json: actor 1 needs a \"name\""):
        load_gazetteer(str(bad))
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(UsageError, match="not valid JSON"):
        load_gazetteer(str(bad))


# --------------------------------------------------------------------------- cue tagger


def test_sample_article_portrays_russia_favourably() -> None:
    labels = _labels(_record(SEED))
    assert labels["Russie"] == "favor"
    assert labels["France"] == "neutral"


def test_labels_on_fixtures() -> None:
    assert _labels(_record(FIXTURES / "stance_favor_ru.txt"))["Russie"] == "favor"
    assert (
        _labels(_record(FIXTURES / "stance_against_jihad.txt"))["Groupes jihadistes"] == "against"
    )
    neutral = _labels(_record(FIXTURES / "stance_neutral_fr.txt"))
    assert set(neutral.values()) == {"neutral"}
    english = _labels(_record(FIXTURES / "stance_en.txt"))
    assert english["Groupes jihadistes"] == "against"
    assert english["ONU"] == "neutral"  # the UN condemns the attack: it is not the attacker


def test_who_acts_on_whom() -> None:
    labels = _labels(_record(FIXTURES / "stance_invasion.txt"))
    assert labels["Russie"] == "against"
    assert labels["Ukraine"] == "neutral"  # the victim of the invasion is not blamed
    one = {
        "id": "x",
        "lang": "fr",
        "text": "La Russie a attaqué l'Ukraine. La Russie a envahi l'Ukraine "
        "et bombardé Kiev. L'Ukraine a été attaquée par la Russie.",
    }
    result = {s["target"]: s for s in stance_record(one)}
    assert result["Russie"]["score"] < result["Ukraine"]["score"]
    assert result["Russie"]["label"] == "against"


def test_negation_flips_a_cue() -> None:
    base = "Le gouvernement a {} la France pour son rôle. Paris a été {} par plusieurs pays."
    pos = {"id": "a", "lang": "fr", "text": base.format("salué", "félicitée")}
    neg = {"id": "b", "lang": "fr", "text": base.format("ne pas salué", "jamais félicitée")}
    s_pos = stance_record(pos)[0]["score"]
    s_neg = stance_record(neg)[0]["score"]
    assert s_pos > 0 > s_neg


def test_result_shape_and_evidence() -> None:
    result = stance_record(_record(FIXTURES / "stance_against_jihad.txt"))
    item = next(s for s in result if s["target"] == "Groupes jihadistes")
    assert set(item) == {"target", "label", "score", "mentions", "evidence"}
    assert -1.0 <= item["score"] <= 1.0
    assert item["mentions"] >= 4
    assert item["evidence"] and all(isinstance(e, str) for e in item["evidence"])
    assert any("exactions" in e or "attaqué" in e for e in item["evidence"])


def test_record_target_field_gets_exactly_that_target() -> None:
    record = _record(SEED)
    record["target"] = "Russia"
    result = stance_record(record)
    assert [s["target"] for s in result] == ["Russie"]
    record["target"] = "Jean Inconnu"
    result = stance_record(record)
    assert result == [
        {"target": "Jean Inconnu", "label": "neutral", "score": 0.0, "mentions": 0, "evidence": []}
    ]
    record["target"] = 3
    with pytest.raises(ArticleError, match="target"):
        stance_record(record)


def test_stage_skips_existing_field_unless_forced() -> None:
    record = _record(SEED)
    record["stance"] = ["kept"]
    stance_stage()(record, lambda m: None)
    assert record["stance"] == ["kept"]
    stance_stage(force=True)(record, lambda m: None)
    assert record["stance"][0]["target"] == "Russie"


def test_stage_uses_tokenizer_sentences_when_present() -> None:
    from sahelcli.pipeline import ensure_tokens

    record = ensure_tokens(_record(SEED))
    assert {s["target"]: s["label"] for s in stance_record(record)}["Russie"] == "favor"


def test_quick_sentences_respect_abbreviations() -> None:
    text = "M. Macron a dit « non ». Le Dr. Tedros aussi! J. Smith est venu."
    spans = [text[s["start"] : s["end"]] for s in quick_sentences(text)]
    assert spans == ["M. Macron a dit « non ».", "Le Dr. Tedros aussi!", "J. Smith est venu."]


# --------------------------------------------------------------------------- model


def _train_rows() -> list[dict]:
    return [json.loads(line) for line in TRAIN.read_text(encoding="utf-8").splitlines()]


def test_model_round_trip(tmp_path: Path) -> None:
    gaz = load_gazetteer()
    rows = _train_rows()
    texts = [masked_context(r["text"], None, gaz.resolve(r["target"]), gaz) for r in rows]
    assert all("cible" in t for t in texts)  # the target's name never reaches the model
    model = fit(texts, [r["label"] for r in rows])
    path = tmp_path / "m.json"
    save_model(model, str(path))
    again = load_model(str(path))
    assert again.classes == model.classes
    assert again.predict(texts) == model.predict(texts)
    assert abs(again.predict_proba(texts) - model.predict_proba(texts)).max() < 1e-3


def test_train_stance_command_and_stance_with_model(tmp_path: Path, capsys) -> None:
    model = tmp_path / "model.json"
    code, out, _ = _run(["train-stance", str(TRAIN), "--out", str(model), "--folds", "3"], capsys)
    assert code == 0
    assert "cross-validated macro-F1 (3-fold)" in out
    assert json.loads(model.read_text(encoding="utf-8"))["format"] == "sahelcli-stance-model"
    record = {
        "id": "t1",
        "text": "Bravo à Marine Le Pen, excellent débat, je vote Le Pen",
        "target": "Marine Le Pen",
    }
    data = tmp_path / "in.jsonl"
    data.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, err = _run(["stance", str(data), "--model", str(model), "-f", "jsonl"], capsys)
    assert code == 0, err
    result = json.loads(out)["stance"]
    assert [s["target"] for s in result] == ["Marine Le Pen"]
    assert result[0]["label"] in ("favor", "against", "neutral")
    assert result[0]["mentions"] == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"a": 1}', "format marker missing"),
        (
            pickle.dumps({"format": "sahelcli-stance-model"}),
            "pickled or foreign models are refused",
        ),
        (b'{"format": "sahelcli-stance-model", "version": 1, "classes": ["favor"]}', "malformed"),
        (b'{"format": "sahelcli-stance-model", "version": 99}', "version 99 not supported"),
    ],
)
def test_foreign_model_refused(tmp_path: Path, capsys, content: bytes, message: str) -> None:
    path = tmp_path / "foreign.bin"
    path.write_bytes(content)
    with pytest.raises(UsageError, match=message):
        load_model(str(path))
    code, out, err = _run(["stance", str(SEED), "--model", str(path), "-f", "jsonl"], capsys)
    assert code == 2
    assert out == ""
    assert "foreign.bin: " in err and "Traceback" not in err


def test_model_with_mismatched_weights_refused(tmp_path: Path) -> None:
    gaz = load_gazetteer()
    rows = _train_rows()
    texts = [masked_context(r["text"], None, gaz.resolve(r["target"]), gaz) for r in rows]
    data = fit(texts, [r["label"] for r in rows]).to_json()
    data["coef"][0] = data["coef"][0][:-1]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError, match="weights do not match"):
        load_model(str(path))


_OK = '{"text": "a", "target": "X", "label": "favor"}'


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([_OK, '{"text": "b", "target": "X"}'], r"bad\.jsonl:2: missing field 'label'"),
        (
            [_OK, '{"text": "b", "target": "X", "label": "pro"}'],
            r"bad\.jsonl:2: unknown label 'pro'",
        ),
        ([_OK, _OK], r"bad\.jsonl: every record has label 'favor'"),
        ([_OK, "", "{oops"], r"bad\.jsonl:3: not valid JSON"),
        (['{"text": "", "target": "X", "label": "favor"}'], r"bad\.jsonl:1: field 'text' must be"),
        (["[1, 2]"], r"bad\.jsonl:1: expected a JSON object"),
    ],
)
def test_bad_training_file(tmp_path: Path, capsys, lines: list[str], message: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = _run(["train-stance", str(bad), "--out", str(tmp_path / "m.json")], capsys)
    assert code == 2
    assert not (tmp_path / "m.json").exists()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert re.search(message, err), err


# --------------------------------------------------------------------------- command


def test_stance_command_pipes_json_lines(capsys) -> None:
    code, out, err = _run(["stance", str(SEED), str(FIXTURES / "stance_invasion.txt")], capsys)
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 2
    assert all("stance" in r and "tokens" not in r for r in records)
    assert records[0]["text"] == _record(SEED)["text"]


def test_stance_command_target_options(capsys) -> None:
    code, out, _ = _run(["stance", str(SEED), "--target", "Sergueï Lavrov", "-f", "jsonl"], capsys)
    assert code == 0
    targets = [s["target"] for s in json.loads(out)["stance"]]
    assert "Sergueï Lavrov" in targets and "Russie" in targets
    code, _, err = _run(["stance", str(SEED), "--targets", "/nonexistent.json"], capsys)
    assert code == 2 and "/nonexistent.json: cannot read targets file" in err


@pytest.mark.parametrize("fmt", ["table", "csv", "text", "json"])
def test_views(capsys, fmt: str) -> None:
    code, out, _ = _run(["stance", str(FIXTURES / "stance_against_jihad.txt"), "-f", fmt], capsys)
    assert code == 0
    assert "Groupes" in out  # a table may wrap the name
    assert "against" in out


@pytest.mark.skipif(not SHARED.exists(), reason="../shared not present")
def test_dev_pairs_run_without_errors() -> None:
    path = SHARED / "datasets" / "sahel-news-fr-stance" / "dev.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:10]]
    gaz = load_gazetteer()
    for row in rows:
        result = stance_record(row, gaz)
        assert len(result) == 1 and result[0]["label"] in ("favor", "against", "neutral")


@given(st.text(max_size=300))
def test_any_text_no_crash(text: str) -> None:
    gaz = load_gazetteer()
    record = {"id": "h", "text": "La Russie et la Cédéao. " + text, "lang": "fr"}
    for item in stance_record(record, gaz):
        assert -1.0 <= item["score"] <= 1.0
        assert item["label"] in ("favor", "against", "neutral")
        assert item["mentions"] >= 1
