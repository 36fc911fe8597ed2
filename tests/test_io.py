"""The reader: headers, titles, encodings, JSON Lines, folders, stdin."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahelcli.dates import DateProblem, parse_date
from sahelcli.errors import InputError
from sahelcli.io import decode_bytes, parse_plain_article, read_inputs, read_stream
from sahelcli.records import dump_line, dumps
from sahelcli.render import Writer
from tests.conftest import FIXTURES, SEED, fake_env


def read_all(paths: list[str], stdin: bytes | None = None) -> tuple[list, list[str]]:
    warnings: list[str] = []
    stream = io.BytesIO(stdin) if stdin is not None else None
    items = list(read_inputs(paths, stream, warnings.append))
    return items, warnings


def records_of(items: list) -> list[dict]:
    return [i for i in items if not isinstance(i, InputError)]


def errors_of(items: list) -> list[str]:
    return [str(i) for i in items if isinstance(i, InputError)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-04", "2025-04"),
        ("2025-04-03", "2025-04-03"),
        ("2025-4-3", "2025-04-03"),
        ("3 avril 2025", "2025-04-03"),
        ("1er février 2024", "2024-02-01"),
        ("April 2025", "2025-04"),
        ("April 3, 2025", "2025-04-03"),
        ("décembre 2019", "2019-12"),
        ("lundi matin", None),
    ],
)
def test_parse_date(value: str, expected: str | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2025-13-40", "2025-02-30", "2025-00"])
def test_impossible_dates_raise(value: str) -> None:
    with pytest.raises(DateProblem):
        parse_date(value)


def test_sample_article_inline_header_is_metadata() -> None:
    (record,) = records_of(read_all([str(SEED)])[0])
    assert record["date"] == "2025-04"
    assert record["text"].startswith("Les ministres des Affaires étrangères")
    assert "date 2025-04" not in record["text"]
    assert record["title"] is None  # the first paragraph ends with a full stop
    assert record["id"] == SEED.stem
    assert record["source"] == str(SEED)


def test_header_on_its_own_line_and_title() -> None:
    article = parse_plain_article("date 2024-11-05\nUn titre sans point\n\nLe corps. Fin.", "x")
    assert (article.date, article.title, article.text) == (
        "2024-11-05",
        "Un titre sans point",
        "Le corps. Fin.",
    )


def test_header_with_month_names() -> None:
    assert parse_plain_article("date 3 avril 2025\nTexte.", "x").date == "2025-04-03"
    assert parse_plain_article("Date: April 2025\nText here.", "x").date == "2025-04"


def test_impossible_header_date_warns_and_is_removed() -> None:
    warnings: list[str] = []
    article = parse_plain_article("date 2025-13-40 Le texte.", "a.txt", warnings.append)
    assert article.date is None
    assert article.text == "Le texte."
    assert warnings and "a.txt" in warnings[0] and "2025-13-40" in warnings[0]


def test_word_date_not_followed_by_a_date_is_text() -> None:
    article = parse_plain_article("date limite dépassée. Le reste.", "x")
    assert article.date is None and article.text.startswith("date limite")


def test_first_paragraph_with_final_punctuation_is_not_a_title() -> None:
    article = parse_plain_article("Une phrase complète.\n\nUne autre.", "x")
    assert article.title is None and article.text.startswith("Une phrase complète.")


def test_crlf_bom_latin1() -> None:
    items, warnings = read_all(
        [str(FIXTURES / "crlf.txt"), str(FIXTURES / "bom.txt"), str(FIXTURES / "latin1.txt")]
    )
    crlf, bom, latin1 = records_of(items)
    assert "\r" not in crlf["text"] and crlf["title"] == "Un article écrit sous Windows"
    assert bom["date"] == "2025-03" and bom["text"].startswith("Le fichier")
    assert "\ufeff" not in bom["text"]
    assert "é, è, à" in latin1["text"] and "« guillemet »" in latin1["text"]
    assert any("latin1.txt" in w and "cp1252" in w for w in warnings)


def test_mojibake_is_repaired_with_a_warning() -> None:
    warnings: list[str] = []
    text = decode_bytes("Le Mali a Ã©tÃ© citÃ©.".encode(), "m.txt", warnings.append)
    assert text == "Le Mali a été cité."
    assert warnings and "m.txt" in warnings[0]


def test_utf16_with_bom() -> None:
    assert decode_bytes("Le Niger.".encode("utf-16"), "u.txt") == "Le Niger."


def test_binary_and_empty_are_named_errors() -> None:
    items, _ = read_all([str(FIXTURES / "bad" / "binary.txt"), str(FIXTURES / "bad" / "empty.txt")])
    errors = errors_of(items)
    assert len(errors) == 2
    assert "binary.txt" in errors[0] and "binary" in errors[0]
    assert "empty.txt" in errors[1] and "empty" in errors[1]


def test_broken_json_line_is_named_and_the_rest_goes_on() -> None:
    items, _ = read_all([str(FIXTURES / "bad" / "broken_line.jsonl")])
    assert [r["id"] for r in records_of(items)] == ["ok-1", "ok-2"]
    (error,) = errors_of(items)
    assert "broken_line.jsonl:2:" in error and "broken JSON" in error


def test_unknown_fields_pass_through() -> None:
    items, _ = read_all([str(FIXTURES / "records.jsonl")])
    first, second = records_of(items)
    assert first["url"] == "https://example.org/a" and first["category"] == "politique"
    assert first["title"] == "Naissance de la Confédération AES"
    assert second["tags"] == ["défense", "Russie"] and second["lang"] == "fr"


def test_record_without_text_is_an_error_naming_the_line() -> None:
    data = b'{"id": "a", "text": "Bon."}\n{"id": "b"}\n[1, 2]\n'
    items = list(read_stream(io.BytesIO(data), "in.jsonl", "in"))
    assert records_of(items)[0]["id"] == "a"
    errors = errors_of(items)
    assert "in.jsonl:2" in errors[0] and "text" in errors[0]
    assert "in.jsonl:3" in errors[1] and "object" in errors[1]


def test_jsonl_records_without_id_get_stem_and_line() -> None:
    data = b'\n{"text": "Un."}\n{"text": "Deux."}\n'
    ids = [r["id"] for r in read_stream(io.BytesIO(data), "f.jsonl", "f")]
    assert ids == ["f:2", "f:3"]


def test_stdin_plain_text_and_records() -> None:
    items, _ = read_all(["-"], stdin=b"  date 2024-01 Le Mali.")
    (record,) = records_of(items)
    assert (record["id"], record["source"], record["date"]) == ("stdin", "-", "2024-01")
    items, _ = read_all(["-"], stdin=b'\n{"id": "x", "text": "Le Niger."}\n')
    assert records_of(items)[0]["id"] == "x"


def test_folder_walk_sorted_recursive_unique_ids(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "same.txt").write_text("Texte B.", encoding="utf-8")
    (tmp_path / "a" / "same.txt").write_text("Texte A.", encoding="utf-8")
    (tmp_path / "z.txt").write_text("Texte Z.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    items, _ = read_all([str(tmp_path)])
    assert [r["id"] for r in records_of(items)] == ["a/same", "b/same", "z"]


def test_symlink_loop_and_missing_file_are_errors(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Le Mali.", encoding="utf-8")
    os.symlink(tmp_path, tmp_path / "loop")
    os.symlink(tmp_path / "nowhere.txt", tmp_path / "dangling.txt")
    items, _ = read_all([str(tmp_path), str(tmp_path / "missing.txt")])
    assert [r["id"] for r in records_of(items)] == ["a"]
    errors = errors_of(items)
    assert any("loop" in e and "symlink loop" in e for e in errors)
    assert any("dangling.txt" in e and "cannot read" in e for e in errors)
    assert any("missing.txt" in e and "no such file" in e for e in errors)


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    raw = "date 2025-04 Le Mali.\r\n".encode("cp1252")
    path.write_bytes(raw)
    before = path.stat().st_mtime_ns
    read_all([str(path)])
    assert path.read_bytes() == raw and path.stat().st_mtime_ns == before


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_records_or_named_errors(data: bytes) -> None:
    for item in read_stream(io.BytesIO(data), "fuzz.txt", "fuzz"):
        if isinstance(item, InputError):
            assert str(item).startswith("fuzz.txt")
        else:
            assert isinstance(item["text"], str)


def test_gzipped_json_lines_and_bad_gzip(tmp_path: Path) -> None:
    import gzip

    good = tmp_path / "corpus.jsonl.gz"
    with gzip.open(good, "wt", encoding="utf-8") as handle:
        handle.write('{"text": "Le Mali."}\n{"id": "n", "text": "Le Niger."}\n')
    (tmp_path / "broken.jsonl.gz").write_bytes(b"not gzip at all")
    items, _ = read_all([str(tmp_path)])
    assert [r["id"] for r in records_of(items)] == ["corpus:1", "n"]
    (error,) = errors_of(items)
    assert "broken.jsonl.gz" in error and "cannot read" in error


@pytest.mark.parametrize("tty", [False, True])
def test_encoded_lines_keep_their_place_after_text(tty: bool) -> None:
    """write_line sends bytes under the text layer: what the text layer holds goes first."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8")
    writer = Writer("jsonl", "tokenize", fake_env(out, stdout_isatty=tty))
    writer.write({"id": "a", "text": "é"})
    writer.write_line(dump_line({"id": "b", "text": "ü"}))
    writer.write({"id": "c"})
    writer.write_line(dump_line({"id": "d"}))
    writer.close()
    lines = raw.getvalue().decode("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b", "c", "d"]
    assert lines[1] == dumps({"id": "b", "text": "ü"})


def test_encoded_lines_without_a_byte_stream() -> None:
    out = io.StringIO()
    writer = Writer("jsonl", "tokenize", fake_env(out))
    writer.write_line(dump_line({"id": "b"}))
    writer.close()
    assert out.getvalue() == '{"id":"b"}\n'
