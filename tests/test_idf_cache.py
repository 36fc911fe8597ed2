"""The shipped model's marshal copy in the user's cache gives the very model the file does."""

from __future__ import annotations

from pathlib import Path

import pytest

from sahelcli.idf import IdfModel, load_idf_model, load_shipped_model, save_idf_model

SHIPPED = Path(__file__).resolve().parents[1] / "sahelcli" / "data" / "idf-fr.json.gz"


def _fields(model: IdfModel) -> tuple[object, ...]:
    return (model.documents, list(model.df.items()), model.lang, model.min_df, model.meta,
            model.source)


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SAHELCLI_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_copy_gives_the_same_model(cache: Path) -> None:
    plain = load_idf_model(SHIPPED)
    first = load_shipped_model(SHIPPED)  # decodes the file, writes the copy
    copies = list(cache.glob("*.marshal"))
    assert len(copies) == 1 and copies[0].name.startswith("idf-fr-")
    again = load_shipped_model(SHIPPED)  # from the copy
    assert _fields(first) == _fields(again) == _fields(plain)


def test_copy_is_named_by_the_file_content(cache: Path, tmp_path: Path) -> None:
    """Another file (even at the same path) never gets an older file's copy."""
    path = tmp_path / "idf-xx.json"
    save_idf_model(IdfModel(documents=3, df={"a": 1}, lang="xx"), path)
    assert load_shipped_model(path).df == {"a": 1}
    save_idf_model(IdfModel(documents=3, df={"a": 2, "b": 3}, lang="xx"), path)
    assert load_shipped_model(path).df == {"a": 2, "b": 3}
    assert len(list(cache.glob("idf-xx-*.marshal"))) == 2


@pytest.mark.parametrize("junk", [b"", b"not marshal", b"\xe9\x00\x00\x00"])
def test_a_broken_copy_is_ignored_and_replaced(cache: Path, junk: bytes) -> None:
    plain = load_idf_model(SHIPPED)
    load_shipped_model(SHIPPED)
    (copy,) = cache.glob("*.marshal")
    copy.write_bytes(junk)
    assert _fields(load_shipped_model(SHIPPED)) == _fields(plain)
    assert copy.read_bytes() != junk  # written again


def test_without_a_writable_cache_the_file_is_read(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SAHELCLI_CACHE_DIR", str(blocker / "cache"))
    assert _fields(load_shipped_model(SHIPPED)) == _fields(load_idf_model(SHIPPED))
