"""Lemma lookup with simplemma, its decoded dictionaries cached on disk.

simplemma 2 ships its dictionaries front-coded and compressed; decoding the
French one takes about half a second, which a one-article command would pay
on every run. The decoded table is kept (per simplemma version and language)
in the user's cache directory as a marshal file and read back in ~50 ms.
Without a writable cache the tool still works, only slower to start.
"""

from __future__ import annotations

import marshal
import os
import tempfile
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any


def cache_dir() -> Path:
    """``$SAHELCLI_CACHE_DIR``, else ``$XDG_CACHE_HOME/sahelcli``, else ``~/.cache/sahelcli``."""
    explicit = os.environ.get("SAHELCLI_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sahelcli"


def _simplemma_version() -> str:
    import simplemma

    return str(getattr(simplemma, "__version__", "unknown"))


def _read_cached(path: Path) -> dict[bytes, bytes] | None:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _write_cached(path: Path, table: dict[bytes, bytes]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(marshal.dumps(table))
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only home: no cache, only a slower start


def load_table(lang: str) -> dict[bytes, bytes]:
    """simplemma's decoded dictionary for ``lang``, from the cache when possible."""
    from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk

    path = cache_dir() / f"simplemma-{_simplemma_version()}-{lang}.marshal"
    table = _read_cached(path)
    if table is None:
        table = _load_dictionary_from_disk(lang)
        _write_cached(path, table)
    return table


@lru_cache(maxsize=8)
def _table(lang: str) -> dict[bytes, bytes]:
    return load_table(lang)


@lru_cache(maxsize=8)
def dictionary(lang: str) -> Mapping[str, str]:
    """simplemma's form -> lemma mapping for ``lang`` (read from the cache when possible)."""
    from simplemma.strategies.dictionaries.dictionary_factory import MappingStrToByteString

    return MappingStrToByteString(_table(lang))  # type: ignore[no-any-return]


@lru_cache(maxsize=8)
def lookup(lang: str) -> Callable[[str], str | None]:
    """``dictionary(lang).get`` in one Python call instead of three (the hot lookups of
    the tokenizer): same keys, same values, same errors (a lone surrogate cannot be
    encoded, as in simplemma)."""
    get = _table(lang).get

    def find(form: str) -> str | None:
        value = get(form.encode())
        return None if value is None else value.decode()

    return find


class _CachedFactory:
    """A simplemma DictionaryFactory backed by ``dictionary``."""

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        return dictionary(lang)


@lru_cache(maxsize=1)
def _lemmatizer() -> Any:
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy

    factory = _CachedFactory()
    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))


# Languages whose simplemma search chain starts with a plain dictionary lookup (no
# apostrophe-boundary split as in Turkish, no canonical folding as in Greek or Hebrew):
# a form found as it is gets that lemma, so the lookup can be made first, directly.
_DIRECT_LANGS = frozenset(["fr", "en"])


def lemmatize(form: str, lang: str) -> str:
    """simplemma's lemma of one token (its greedy mode off, as for UD).

    Most forms are dictionary keys, as they are or with the case of their first letter
    swapped: simplemma (NFC, numbers kept, then these two lookups) answers those with
    the stored lemma, which is read here without its strategy chain; a French word of
    letters only that neither lookup finds comes back unchanged from that chain (tested
    against simplemma); all other forms go through simplemma itself."""
    if (
        lang in _DIRECT_LANGS
        and form
        and unicodedata.is_normalized("NFC", form)
        and not form.isnumeric()
    ):
        get = _table(lang).get
        value = get(form.encode())
        if value is None:
            cased = form.lower() if form[:1].isupper() else form.capitalize()
            value = get(cased.encode())
        if value is not None:
            return value.decode()
        if lang == "fr" and form.isalpha() and "ʼ" not in form:
            # simplemma's French chain then returns the token itself: its apostrophe
            # (' ’ ʼ, and U+02BC counts as a letter) and hyphen (- _) steps find nothing,
            # it has no French rules, prefixes or affixes, and its fallback keeps the token
            return form
    return str(_lemmatizer().lemmatize(form, lang))


def lemmatize_plain(form: str, lang: str) -> str:
    """simplemma's answer without the direct lookup (what ``lemmatize`` must agree with)."""
    return str(_lemmatizer().lemmatize(form, lang))
