"""Reading inputs: paths, folders, stdin, encodings, date headers and titles.

``read_inputs`` yields one record per article, or an ``InputError`` in its
place when an input (or one JSON line) cannot be read, so that a batch goes on
and the caller decides how to report. Nothing here ever writes to an input.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sahelcli.dates import DATE_VALUE, DateProblem, parse_date
from sahelcli.errors import InputError
from sahelcli.records import Record, loads, new_record

Warn = Callable[[str], None]

RECORD_SUFFIXES = {".jsonl", ".ndjson"}
FOLDER_SUFFIXES = {".txt", ".jsonl", ".ndjson"}
COMPRESSED_SUFFIX = ".gz"  # a.jsonl.gz, a.txt.gz: read through gzip


def _kind_suffix(path: Path) -> str:
    """The suffix that says what a file holds, looking through ``.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == COMPRESSED_SUFFIX:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def _stem(path: Path) -> str:
    """``a`` for ``a.txt`` and for ``a.jsonl.gz``."""
    name = path.name
    if name.lower().endswith(COMPRESSED_SUFFIX):
        name = name[: -len(COMPRESSED_SUFFIX)]
    return Path(name).stem


_HEADER = re.compile(r"\A\s*date\s*[:=]?\s*(" + DATE_VALUE + r")(?=\s|\Z)[ \t]*\n?", re.IGNORECASE)
_TITLE_MAX_CHARS = 200
_FINAL_PUNCT = ".!?…;:,"
_CLOSERS = "\"'»”’)]"
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # not tab, newlines, \f, \v
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â€[\u0080-\u00bf\u2018-\u203a\u0152-\u0178]")


def _no_warn(message: str) -> None:
    """Default warning sink: ignore."""


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes, source: str, warn: Warn = _no_warn) -> str:
    """Decode an article's bytes: UTF-8 (BOM or not) first, then cp1252/latin-1.

    Raises InputError for binary data. Line ends become ``\\n``.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if b"\x00" in data:
            raise InputError(source, "binary data, not a text article")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_legacy(data, source, warn)
        else:
            text = _repair_mojibake(text, source, warn)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_text_like(text, source)
    return text


def _decode_legacy(data: bytes, source: str, warn: Warn) -> str:
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    _check_text_like(text, source)
    warn(f"{source}: not UTF-8; decoded as {encoding}")
    return text


def _repair_mojibake(text: str, source: str, warn: Warn) -> str:
    """Undo UTF-8 that was decoded as cp1252 and re-encoded ("Ã©" for "é")."""
    if ("Ã" not in text and "â€" not in text) or not _MOJIBAKE.search(text):  # in finds them fast
        return text
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        warn(
            f"{source}: text looks double-encoded (mojibake such as 'Ã©') and could not be repaired"
        )
        return text
    warn(f"{source}: repaired double-encoded UTF-8 (mojibake such as 'Ã©')")
    return repaired


def _check_text_like(text: str, source: str) -> None:
    """Refuse data whose characters are mostly control codes (binary, unknown encoding)."""
    sample = text[:20000]
    if not sample or not _CONTROL.search(sample):
        return
    if len(_CONTROL.findall(sample)) > max(2, len(sample) // 100):
        raise InputError(source, "binary data or unknown encoding, not a text article")


# --------------------------------------------------------------------------- plain text


@dataclass
class PlainArticle:
    """What a plain-text article holds once its header and title are taken off."""

    text: str
    date: str | None = None
    title: str | None = None


class DateWarning(str):
    """A warning about an impossible date (the text a user reads), carrying what a caller
    needs to act on it without parsing the wording: ``problem`` (the date and why) and
    ``dropped`` (True when the date was left empty, False when kept as given)."""

    problem: str
    dropped: bool


def _date_warning(where: str, problem: str, dropped: bool) -> DateWarning:
    outcome = "date left empty" if dropped else "kept as given"
    warning = DateWarning(f"{where}: {problem}; {outcome}")
    warning.problem = f"{where}: {problem}"
    warning.dropped = dropped
    return warning


def split_header(text: str, source: str, warn: Warn = _no_warn) -> tuple[str | None, str]:
    """Take a leading ``date ...`` header off ``text``: (ISO date or None, rest)."""
    m = _HEADER.match(text)
    if not m:
        return None, text
    try:
        date = parse_date(m.group(1))
    except DateProblem as exc:
        warn(_date_warning(source, f"impossible date in header '{m.group(1)}' ({exc})", True))
        return None, text[m.end() :]
    if date is None:  # "date" followed by words that are not a date: ordinary text
        return None, text
    return date, text[m.end() :]


def split_title(text: str) -> tuple[str | None, str]:
    """A short first paragraph with no final punctuation is the title: (title, body)."""
    stripped = text.lstrip()
    m = re.search(r"\n[ \t]*\n", stripped)
    if not m:
        return None, text
    first = stripped[: m.start()].strip()
    body = stripped[m.end() :]
    if not first or "\n" in first or len(first) > _TITLE_MAX_CHARS or not body.strip():
        return None, text
    if first.rstrip(_CLOSERS)[-1:] in _FINAL_PUNCT:
        return None, text
    return first, body


def parse_plain_article(text: str, source: str, warn: Warn = _no_warn) -> PlainArticle:
    """Split a decoded plain-text article into header date, title and body."""
    date, rest = split_header(text, source, warn)
    title, body = split_title(rest)
    return PlainArticle(text=body.strip(), date=date, title=title)


def read_text_article(text: str, id: str = "stdin", source: str = "-") -> Record:
    """Build a record from an article held in a Python string."""
    article = parse_plain_article(text, source)
    return new_record(id, source, article.text, date=article.date, title=article.title)


# --------------------------------------------------------------------------- records


def record_from_json(
    obj: object, source: str, line_no: int, default_id: str, warn: Warn = _no_warn
) -> Record:
    """Check and complete one JSON Lines record; raise InputError naming the line."""
    where = f"{source}:{line_no}"
    if not isinstance(obj, dict):
        raise InputError(where, f"a record must be a JSON object, not {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError(where, 'record has no "text" string')
    record_id = obj.get("id")
    record_id = default_id if record_id is None or record_id == "" else str(record_id)
    date = obj.get("date")
    if date is None:
        date, text = split_header(text, where, warn)
    elif isinstance(date, str):
        try:
            date = parse_date(date) or date
        except DateProblem as exc:
            warn(_date_warning(where, f"impossible date '{date}' ({exc})", False))
    title = obj.get("title")
    if "title" not in obj:
        title, text = split_title(text)
        text = text.strip() if title else text
    src = obj.get("source") or source
    return new_record(record_id, src, text, date=date, title=title, lang=obj.get("lang"), extra=obj)


def _decode_line(raw: bytes, where: str, warn: Warn, state: dict[str, bool]) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        if not state.get("warned"):
            warn(f"{where}: not UTF-8; decoded as cp1252")
            state["warned"] = True
        return raw.decode("cp1252", errors="replace")


def _iter_json_lines(
    lines: Iterable[bytes], source: str, id_prefix: str, warn: Warn, first_line_no: int = 1
) -> Iterator[Record | InputError]:
    state: dict[str, bool] = {}
    for line_no, raw in enumerate(lines, first_line_no):
        if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        where = f"{source}:{line_no}"
        line = _decode_line(raw, where, warn, state)
        try:
            obj = loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"broken JSON line ({exc.msg}, column {exc.colno})")
            continue
        try:
            yield record_from_json(obj, source, line_no, f"{id_prefix}:{line_no}", warn)
        except InputError as exc:
            yield exc


def read_stream(
    stream: BinaryIO,
    source: str,
    record_id: str,
    warn: Warn = _no_warn,
    force_records: bool = False,
) -> Iterator[Record | InputError]:
    """Read one file or stdin: JSON Lines when it starts with '{', else one article."""
    leading: list[bytes] = []
    first = b""
    for line in stream:
        if line.strip(b" \t\r\n\xef\xbb\xbf"):
            first = line
            break
        leading.append(line)
    if not first:
        yield InputError(source, "empty input (no text)")
        return
    if force_records or first.lstrip(b" \t\xef\xbb\xbf").startswith(b"{"):
        yield from _iter_json_lines(
            _chain([first], stream), source, record_id, warn, first_line_no=len(leading) + 1
        )
        return
    data = b"".join(leading) + first + stream.read()
    try:
        text = decode_bytes(data, source, warn)
    except InputError as exc:
        yield exc
        return
    article = parse_plain_article(text, source, warn)
    if not article.text.strip():
        problem = (
            "article has a header or title but no text"
            if article.title or article.date
            else "empty input (no text)"
        )
        yield InputError(source, problem)
        return
    yield new_record(record_id, source, article.text, date=article.date, title=article.title)


def _chain(head: list[bytes], rest: Iterable[bytes]) -> Iterator[bytes]:
    yield from head
    yield from rest


# --------------------------------------------------------------------------- paths


@dataclass(frozen=True)
class _File:
    path: Path
    display: str  # how the file is named in messages and in `source`
    rel: str  # path relative to the folder given, without suffix (for unique ids)


def _walk_folder(folder: Path, display: str) -> Iterator[_File | InputError]:
    """Files under ``folder``, recursively, sorted, following links but not loops."""
    seen: set[str] = set()

    def walk(current: Path, shown: str) -> Iterator[_File | InputError]:
        real = os.path.realpath(current)
        if real in seen:
            yield InputError(shown, "symlink loop (folder already visited), skipped")
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            yield InputError(shown, f"cannot read folder: {exc.strerror or exc}")
            return
        for entry in entries:
            child_shown = os.path.join(shown, entry.name)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                yield from walk(Path(entry.path), child_shown)
            elif _kind_suffix(Path(entry.name)) in FOLDER_SUFFIXES:
                rel = Path(os.path.relpath(entry.path, folder))
                yield _File(Path(entry.path), child_shown, str(rel.parent / _stem(rel)))

    yield from walk(folder, display)


def _unique_ids(files: list[_File]) -> dict[_File, str]:
    """File stem as id; the relative path when two files share a stem."""
    stems = Counter(_stem(f.path) for f in files)
    return {
        f: _stem(f.path) if stems[_stem(f.path)] == 1 else f.rel.replace(os.sep, "/") for f in files
    }


def read_inputs(
    inputs: list[str], stdin: BinaryIO | None = None, warn: Warn = _no_warn
) -> Iterator[Record | InputError]:
    """Yield records (or InputErrors in their place) from files, folders and ``-``.

    Folders are walked recursively in sorted order (``*.txt``, ``*.jsonl``,
    ``*.ndjson``). ``-`` is ``stdin``. Nothing is read before it is needed.
    """
    listed: list[_File | InputError | str] = []
    for item in inputs:
        if item == "-":
            listed.append("-")
            continue
        path = Path(item)
        if path.is_dir():
            listed.extend(_walk_folder(path, item))
        elif path.exists() or path.is_symlink():
            listed.append(_File(path, item, _stem(path)))
        else:
            listed.append(InputError(item, "no such file or folder"))
    ids = _unique_ids([f for f in listed if isinstance(f, _File)])
    for entry in listed:
        if isinstance(entry, InputError):
            yield entry
        elif entry == "-":
            if stdin is None:
                yield InputError("-", "no standard input to read")
            else:
                yield from read_stream(stdin, "-", "stdin", warn)
        elif isinstance(entry, _File):
            yield from _read_file(entry, ids[entry], warn)


def _read_file(file: _File, record_id: str, warn: Warn) -> Iterator[Record | InputError]:
    force = _kind_suffix(file.path) in RECORD_SUFFIXES
    try:
        if file.path.name.lower().endswith(COMPRESSED_SUFFIX):
            handle: BinaryIO = gzip.open(file.path, "rb")  # type: ignore[assignment]
        else:
            handle = open(file.path, "rb")  # noqa: SIM115 - closed below, generator-safe
    except OSError as exc:
        yield InputError(file.display, f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        try:
            yield from read_stream(handle, file.display, record_id, warn, force_records=force)
        except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
            yield InputError(file.display, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
