"""Background document-frequency (DF) models: count, save, load, look up.

A model is the number of documents and, per term key, how many documents hold
it. Keys are what ``sahelcli.keywords`` makes of words and phrases (folded
lemmas joined by spaces), so a model built by ``sahelcli build-idf`` on one
corpus gives meaningful IDF to a single article of another.

Files are JSON, optionally gzip-compressed (never pickle, so a model file can
be inspected and cannot run code)::

    {"format": "sahelcli-idf", "version": 1, "lang": "fr", "documents": 35368,
     "min_df": 2, "df": {"sahel": 812, "alliance de etat de sahel": 14, ...}}

IDF is scikit-learn's smoothed formula, ``ln((1 + N) / (1 + df)) + 1``, so a
term never seen gets the highest weight and no weight is zero.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import marshal
import math
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

from sahelcli.errors import UsageError
from sahelcli.lemmas import cache_dir
from sahelcli.records import loads

FORMAT = "sahelcli-idf"
VERSION = 1
#: Terms seen in fewer documents are dropped from saved models (they would
#: get almost the weight of an unseen term anyway) to keep files small.
DEFAULT_MIN_DF = 2
#: When a counter grows past this many keys, keys seen once are dropped
#: (lossy counting): memory stays bounded on 100k-article corpora, and the
#: dropped keys are ones ``min_df`` would prune unless they recur often later.
PRUNE_AT = 3_000_000


@dataclass
class IdfModel:
    """Document frequencies of term keys over ``documents`` documents."""

    documents: int
    df: dict[str, int]
    lang: str | None = None
    min_df: int = 1
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    #: IDF already computed per key, negated for keys not in ``df`` (filled by the
    #: keyword scorer, so one lookup answers both; never saved)
    memo: dict[str, float] = field(default_factory=dict, repr=False, compare=False)

    def idf(self, key: str) -> float:
        """Smoothed IDF of ``key`` (scikit-learn's ``smooth_idf`` formula)."""
        return math.log((1 + self.documents) / (1 + self.df.get(key, 0))) + 1.0

    def idf_of_df(self, df: float) -> float:
        return math.log((1 + self.documents) / (1 + df)) + 1.0

    @property
    def flat(self) -> bool:
        """True for the stand-in model used when no background data exists."""
        return self.documents == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "lang": self.lang,
            "documents": self.documents,
            "min_df": self.min_df,
            "meta": self.meta,
            "df": dict(sorted(self.df.items())),
        }


def flat_model(lang: str | None = None) -> IdfModel:
    """Every term equally rare: ranking falls back to frequency, position and shape."""
    return IdfModel(documents=0, df={}, lang=lang, source="flat")


class DfCounter:
    """Streaming DF counter: feed one set of keys per document, never documents."""

    def __init__(self, prune_at: int = PRUNE_AT) -> None:
        self.documents = 0
        self.counts: Counter[str] = Counter()
        self.langs: Counter[str] = Counter()
        self.prune_at = prune_at
        self.pruned = 0

    def add(self, keys: Iterable[str], lang: str | None = None) -> None:
        self.documents += 1
        self.counts.update(set(keys))
        if lang:
            self.langs[lang] += 1
        if len(self.counts) > self.prune_at:
            self._prune()

    def _prune(self) -> None:
        ones = [k for k, n in self.counts.items() if n <= 1]
        for key in ones:
            del self.counts[key]
        self.pruned += len(ones)

    def model(self, min_df: int = DEFAULT_MIN_DF, meta: dict[str, Any] | None = None) -> IdfModel:
        df = {k: n for k, n in self.counts.items() if n >= min_df}
        lang = self.langs.most_common(1)[0][0] if self.langs else None
        info = dict(meta or {})
        if self.pruned:
            info["lossy_pruned_keys"] = self.pruned
        return IdfModel(documents=self.documents, df=df, lang=lang, min_df=min_df, meta=info)


def save_idf_model(model: IdfModel, path: str | Path) -> None:
    """Write ``model`` as JSON; gzip when the name ends in ``.gz``."""
    path = Path(path)
    data = json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":"))
    if path.suffix == ".gz":
        # mtime=0: the same corpus gives byte-identical files
        with open(path, "wb") as raw, gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9
        ) as fh:
            fh.write(data.encode("utf-8"))
    else:
        path.write_text(data + "\n", encoding="utf-8")


def load_idf_model(path: str | Path, *, trusted: bool = False) -> IdfModel:
    """Read a model file; any problem is a ``UsageError`` naming the file.

    ``trusted`` is for the models shipped with the package (built by the
    project's script, fully checked by the tests): their format is checked,
    not each of their ~150k counts (~13 ms of a one-article run's start-up).
    A user's file is always checked in full.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read IDF model ({exc.strerror or exc})") from None
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        obj = loads(raw.decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, ValueError):
        raise UsageError(
            f"{path}: not an IDF model (expected JSON or gzipped JSON from 'sahelcli build-idf')"
        ) from None
    # decoded JSON: keys are strings, and the table is ours (no copy)
    model = _from_json(obj, str(path), check_counts=not trusted, owned=True)
    model.source = str(path)
    return model


def load_shipped_model(path: Path) -> IdfModel:
    """A model shipped with the package, read back from a copy in the user's cache.

    Decoding the shipped French model (gzip, JSON: 150k keys) takes ~45 ms,
    which every one-article run would pay; its marshal copy loads in ~25 ms.
    The copy is named by a hash of the shipped file's bytes (and the marshal
    and Python versions), so it can never be stale: another file is another
    copy. Without a writable cache the file is read as it is (trusted).
    """
    raw = path.read_bytes()
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    version = f"{marshal.version}-{sys.version_info[0]}.{sys.version_info[1]}"
    copy = cache_dir() / f"{path.name.split('.')[0]}-{digest}-c1-m{version}.marshal"
    model = _read_copy(copy)
    if model is None:
        model = load_idf_model(path, trusted=True)
        _write_copy(copy, model)
    model.source = str(path)
    return model


def _read_copy(path: Path) -> IdfModel | None:
    """The model in a cached marshal copy, or None (no copy, or not one of ours)."""
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not (isinstance(data, tuple) and len(data) == 6 and data[0] == FORMAT):
        return None
    _, documents, df, lang, min_df, meta = data
    if not (isinstance(documents, int) and isinstance(df, dict) and isinstance(meta, dict)):
        return None
    return IdfModel(documents=documents, df=df, lang=lang, min_df=min_df, meta=meta)


def _write_copy(path: Path, model: IdfModel) -> None:
    """Keep a marshal copy of ``model`` (written whole, then renamed: never half a file)."""
    data = (FORMAT, model.documents, model.df, model.lang, model.min_df, model.meta)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # the file first: a cache that cannot be written costs no encoding
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            try:
                handle.write(marshal.dumps(data))
            except (OSError, ValueError):
                handle.close()
                os.unlink(handle.name)
                raise
        os.replace(handle.name, path)
    except (OSError, ValueError):
        pass  # a read-only home (or meta marshal cannot hold): no copy, a slower start


def model_from_json(obj: object, where: str) -> IdfModel:
    """Check a decoded model object and build the model."""
    return _from_json(obj, where, check_counts=True, owned=False)


def _from_json(obj: object, where: str, *, check_counts: bool, owned: bool) -> IdfModel:
    """``model_from_json``; ``check_counts`` False trusts the counts to be integers in
    0..documents, ``owned`` True takes the decoded ``df`` table with its string keys
    as it is (a JSON decoder's own object), not a copy."""
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise UsageError(f"{where}: not a sahelcli IDF model (no \"format\": \"{FORMAT}\")")
    if obj.get("version") != VERSION:
        raise UsageError(f"{where}: IDF model version {obj.get('version')!r} not supported")
    documents = obj.get("documents")
    df = obj.get("df")
    if not isinstance(documents, int) or documents < 0 or not isinstance(df, dict):
        raise UsageError(f"{where}: IDF model has no valid \"documents\" count or \"df\" table")
    counts = df.values()  # C-level checks: a shipped model holds ~150k keys
    if check_counts and (
        not all(map(isinstance, counts, repeat(int)))
        or (df and not (min(counts) >= 0 and max(counts) <= documents))
    ):
        raise UsageError(f"{where}: IDF model has document frequencies outside 0..{documents}")
    lang = obj.get("lang")
    min_df = obj.get("min_df", 1)
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    if not owned:
        # JSON keys are strings already: a plain copy (the comprehension for other dicts)
        df = dict(df) if set(map(type, df)) <= {str} else {str(k): v for k, v in df.items()}
    return IdfModel(
        documents=documents,
        df=df,
        lang=lang if isinstance(lang, str) else None,
        min_df=min_df if isinstance(min_df, int) else 1,
        meta=meta or {},
    )
