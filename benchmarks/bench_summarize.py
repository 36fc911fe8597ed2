#!/usr/bin/env python3
"""Summaries: ROUGE-L on OrangeSum dev, lead baselines, and time per article on MasakhaNEWS.

    /work/venv/bin/python benchmarks/bench_summarize.py [--timing-articles 300]

1. ``../shared/datasets/orangesum-fr-summaries/dev.jsonl``: each article is given to
   ``summarize_record`` with its ``id`` and ``text`` only (never the title); the summaries
   (1 and 3 sentences) are scored with ``../shared/eval/score_summaries.py`` (ROUGE-L F1,
   French tokenisation), next to Lead-1 / Lead-3 computed on the same sentence split.
   The shipped weights were learnt on this very half, so these figures are in-sample; the
   cross-validated ones (printed by benchmarks/train_summarize.py) are stored in the model file.
2. ``../shared/corpora/masakhanews-fr/articles.jsonl``: median milliseconds per article
   after start-up, "including tokenization" and "summarize only" (tokens given).

Exits 0 with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: ../shared next to the repository, or $SAHELCLI_SHARED (e.g. from a git worktree).
SHARED = Path(os.environ.get("SAHELCLI_SHARED") or REPO.parent / "shared")
DEV = SHARED / "datasets" / "orangesum-fr-summaries" / "dev.jsonl"
SCORER = SHARED / "eval" / "score_summaries.py"
MASAKHANE = SHARED / "corpora" / "masakhanews-fr" / "articles.jsonl"
sys.path.insert(0, str(REPO))

from sahelcli.errors import ArticleError  # noqa: E402
from sahelcli.summarize import load_model, summarize_record  # noqa: E402
from sahelcli.tokenize import tokenize_record  # noqa: E402


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def official_rouge_l(predictions: dict[str, str]) -> float:
    """Run the official scorer as a subprocess; its last line is 'ROUGE-L F1: <value>'."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for key, summary in predictions.items():
            f.write(json.dumps({"id": key, "summary": summary}, ensure_ascii=False) + "\n")
        pred = f.name
    try:
        out = subprocess.run(
            [sys.executable, str(SCORER), str(DEV), pred],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    finally:
        Path(pred).unlink()
    return float(out.strip().splitlines()[-1].split(":")[1])


def quality() -> None:
    articles = read_jsonl(DEV)
    runs: dict[str, dict[str, str]] = {"sum1": {}, "sum3": {}, "lead1": {}, "lead3": {}}
    for row in articles:
        record = {"id": row["id"], "text": row["text"]}  # id and text only: never the title
        tokenize_record(record)
        spans = record["sentences"]
        text = record["text"]
        lead = [" ".join(text[s["start"] : s["end"]].split()) for s in spans[:3]]
        runs["lead1"][row["id"]] = " ".join(lead[:1])
        runs["lead3"][row["id"]] = " ".join(lead)
        for n in (1, 3):
            summary = summarize_record(dict(record), sentences=n)
            runs[f"sum{n}"][row["id"]] = " ".join(s["text"] for s in summary)
    scores = {name: official_rouge_l(pred) for name, pred in runs.items()}
    cv = load_model().get("cross_validated_rouge_l", {})
    print(f"OrangeSum dev ({len(articles)} articles, id + text only), ROUGE-L F1 "
          "(score_summaries.py, French tokenizer, no stemming):")  # fmt: skip
    print(f"  Lead-1 (same sentence split)      {scores['lead1']:6.2f}")
    print(f"  sahelcli summarize -n 1           {scores['sum1']:6.2f}   "
          f"(5-fold cross-validated: {cv.get('1', float('nan')):.2f}; target >= 17.8)")
    print(f"  Lead-3 (same sentence split)      {scores['lead3']:6.2f}")
    print(f"  sahelcli summarize -n 3           {scores['sum3']:6.2f}   "
          f"(5-fold cross-validated: {cv.get('3', float('nan')):.2f}; target >= 18.8)")
    print("  (in-sample figures flatter: the shipped weights and word tables were fitted on these")
    print("   articles; compare the cross-validated ones, from benchmarks/train_summarize.py)")


def timing(limit: int) -> None:
    rows = read_jsonl(MASAKHANE)[:limit]
    summarize_record({"id": "warm", "text": rows[0]["text"]})  # start-up: model, lexicons
    with_tok, only = [], []
    failed = 0
    for row in rows:
        text = row["text"]
        t0 = time.perf_counter()
        record = {"id": row["id"], "text": text}
        tokenize_record(record)
        t1 = time.perf_counter()
        try:
            summarize_record(record)
        except ArticleError:  # e.g. a text that is just "."
            failed += 1
            continue
        t2 = time.perf_counter()
        with_tok.append((t2 - t0) * 1000)
        only.append((t2 - t1) * 1000)
    print(f"MasakhaNEWS-fr ({len(only)} articles, {failed} without words skipped, 3 sentences), "
          "median ms per article "
          "after start-up (target <= 5 ms):")  # fmt: skip
    print(f"  including tokenization            {statistics.median(with_tok):6.2f} ms")
    print(f"  summarize only                    {statistics.median(only):6.2f} ms   "
          f"(p90 {statistics.quantiles(only, n=10)[-1]:.2f} ms)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--timing-articles", type=int, default=881)
    ap.add_argument("--skip-quality", action="store_true")
    args = ap.parse_args()
    if not SHARED.exists():
        print(f"bench_summarize: {SHARED} not found; nothing to measure")
        return 0
    if DEV.exists() and not args.skip_quality:
        quality()
    if MASAKHANE.exists():
        timing(args.timing_articles)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
