"""Writing records: JSON Lines, JSON, CSV, plain text, or Rich tables.

Each command has a *view*: a module ``sahelcli.render.<view>`` with
``csv_row(record) -> dict``, ``text(record) -> str`` and, for terminals,
``table(records) -> rich renderable``. Only the table functions import Rich,
and only when a table is drawn, so piped runs never pay for it.
"""

from __future__ import annotations

import csv
import importlib
import json
from types import ModuleType
from typing import Any

from sahelcli.env import Environment
from sahelcli.records import Record, dumps

FORMATS = ("table", "jsonl", "json", "csv", "text")
TABLE_BATCH = 50


def choose_format(requested: str | None, env: Environment) -> str:
    """Tables for a terminal, JSON Lines for a pipe, unless ``--format`` says otherwise."""
    if requested:
        return requested
    return "table" if env.stdout_isatty else "jsonl"


def load_view(name: str) -> ModuleType:
    return importlib.import_module(f"sahelcli.render.{name}")


class Writer:
    """Writes records to stdout in one format; call ``close`` at the end."""

    def __init__(self, fmt: str, view: str, env: Environment, excel: bool = False) -> None:
        self.fmt = fmt
        self.env = env
        self.out = env.stdout
        self.view = load_view(view)
        self.excel = excel
        self.count = 0
        self._batch: list[Record] = []
        self._csv: Any = None
        self._pending: Record | None = None  # text mode: the first record, until a second
        self._blocks = 0
        self._text_written = False  # text in the text layer that write_line's bytes must follow
        overview = getattr(self.view, "Overview", None) if fmt == "table" else None
        self._overview = overview() if overview else None

    def write(self, record: Record) -> None:
        self.count += 1
        self._text_written = True
        if self.fmt == "jsonl":
            self.out.write(dumps(record) + "\n")
        elif self.fmt == "json":
            self.out.write(("[\n" if self.count == 1 else ",\n") + dumps(record))
        elif self.fmt == "csv":
            self._write_csv(self.view.csv_row(record))
        elif self.fmt == "text":
            self._write_text(record)
        else:
            self._batch.append(record)
            if self._overview is not None:
                self._overview.add(record)
            if len(self._batch) >= TABLE_BATCH:
                self._flush_table()

    def write_line(self, line: bytes) -> None:
        """A record already encoded as one UTF-8 JSON line, newline included: straight to
        the byte stream under stdout when there is one (after what the text layer holds)."""
        self.count += 1
        buffer = getattr(self.out, "buffer", None)
        if buffer is None:
            self.out.write(line.decode("utf-8"))
            return
        if self._text_written or self.env.stdout_isatty:  # keep the order; a line at a time
            self.out.flush()
            self._text_written = False
        buffer.write(line)
        if self.env.stdout_isatty:
            buffer.flush()

    def _write_csv(self, row: dict[str, Any]) -> None:
        if self._csv is None:
            if self.excel:
                self.out.write("\ufeff")
            self._csv = csv.DictWriter(self.out, fieldnames=list(row), extrasaction="ignore")
            self._csv.writeheader()
        self._csv.writerow({k: _cell(v) for k, v in row.items()})

    def _write_text(self, record: Record) -> None:
        """Views with ``TEXT_HEADED`` print a bare body for one article and ``# id``
        before each body when there are several: the first body waits for the second."""
        if not getattr(self.view, "TEXT_HEADED", False):
            self._text_block(self.view.text(record))
        elif self.count == 1:
            self._pending = record
        else:
            if self._pending is not None:
                self._text_block(self._headed(self._pending))
                self._pending = None
            self._text_block(self._headed(record))

    def _headed(self, record: Record) -> str:
        return f"# {record.get('id')}\n{self.view.text(record)}"

    def _text_block(self, body: str) -> None:
        if self._blocks:
            self.out.write("\n")
        self.out.write(body.rstrip("\n") + "\n")
        self._blocks += 1

    def _flush_table(self) -> None:
        if self._batch:
            from sahelcli.render.console import print_renderable

            print_renderable(self.view.table(self._batch), self.env)
            self._batch = []

    def close(self) -> None:
        if self._pending is not None:  # one article: its text alone
            self._text_block(self.view.text(self._pending))
            self._pending = None
        if self.fmt == "json":
            self.out.write("[]\n" if self.count == 0 else "\n]\n")
        elif self.fmt == "table":
            self._flush_table()
            if self._overview is not None and self.count > 1:
                from sahelcli.render.console import print_renderable

                print_renderable(self._overview.table(), self.env)
        self.out.flush()


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value
