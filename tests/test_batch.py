"""Batch robustness (issue 6): a bad-input matrix over a folder, random input into every
stage, Ctrl-C. What reaches stdout, stderr and the exit status is asserted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sahelcli.analyze import analyze_stages
from sahelcli.errors import ArticleError
from sahelcli.io import read_stream
from sahelcli.pipeline import Pipeline
from tests.conftest import FIXTURES, ROOT, SEED, json_lines

STAGES = Pipeline(analyze_stages(), keep_tokens=True)


def build_matrix(folder: Path) -> None:
    """One folder holding every kind of input a scraper leaves behind."""
    (folder / "good.txt").write_bytes(SEED.read_bytes())
    (folder / "bom.txt").write_bytes((FIXTURES / "bom.txt").read_bytes())
    (folder / "crlf.txt").write_bytes((FIXTURES / "crlf.txt").read_bytes())
    (folder / "latin1.txt").write_bytes((FIXTURES / "latin1.txt").read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "lines.jsonl").write_bytes((FIXTURES / "bad" / "broken_line.jsonl").read_bytes())
    (folder / "sub").mkdir()
    os.symlink(folder, folder / "sub" / "loop")
    os.symlink(folder / "gone.txt", folder / "dangling.txt")


def test_bad_input_matrix(tmp_path: Path) -> None:
    build_matrix(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    result = subprocess.run(
        [sys.executable, "-m", "sahelcli", "analyze", str(tmp_path), "-f", "jsonl", "-j", "2"],
        capture_output=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 1
    ids = [r["id"] for r in json_lines(result.stdout.decode())]
    assert ids == ["bom", "crlf", "good", "latin1", "ok-1", "ok-2"]
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if "error:" in line]
    expected = ["binary.txt", "dangling.txt", "empty.txt", "lines.jsonl:2", "loop"]
    assert len(errors) == len(expected)
    for name, line in zip(expected, sorted(errors, key=lambda e: e.split(": ", 2)[2]), strict=True):
        assert name in line, (name, line)
    assert "latin1.txt: not UTF-8" in stderr
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before  # inputs never modified


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=600))
def test_any_unicode_through_every_stage(text: str) -> None:
    record = {"id": "fuzz", "source": "-", "date": None, "lang": None, "title": None,
              "text": text}  # fmt: skip
    outcome = STAGES.run(record)
    if outcome.error is not None:
        assert isinstance(outcome.error, ArticleError)
        assert "internal error" not in str(outcome.error)
    else:
        assert outcome.record is not None
        for field in ("tokens", "sentences", "keywords", "stance", "summary"):
            assert field in outcome.record


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_through_reader_and_stages(data: bytes) -> None:
    import io

    for item in read_stream(io.BytesIO(data), "fuzz.bin", "fuzz"):
        if isinstance(item, dict):
            outcome = STAGES.run(item)
            assert outcome.error is None or "internal error" not in str(outcome.error)


def test_ctrl_c_exits_130_without_traceback(tmp_path: Path) -> None:
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sahelcli", "analyze", str(fifo), "-f", "jsonl"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with open(fifo, "w", encoding="utf-8") as writer:  # the command now waits for lines
        writer.write('{"id": "a", "text": "Le Mali et le Niger."}\n')
        writer.flush()
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert b"Traceback" not in stderr and b"interrupted" in stderr
