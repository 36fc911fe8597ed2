"""Keyphrase figures: F1@5/F1@10 on Wikinews-fr (dev), speed on MasakhaNEWS-fr, the seed.

Usage: python benchmarks/bench_keywords.py [--idf MODEL] [--limit N] [--skip-speed]

* quality: records of ../shared/datasets/wikinews-fr-keyphrases/dev.jsonl (title and text)
  through ``extract_keywords`` (top 10), scored by ../shared/eval/score_keyphrases.py;
* speed: median milliseconds per article on ../shared/corpora/masakhanews-fr/articles.jsonl:
  tokenization, and the keywords stage warm (records tokenized first), right after each
  record's tokenization, and on a cold first pass (wall and CPU time);
* the sample article in seeds/: its top 10, and whether AES and Russie/Moscou are in it.
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

ROOT = Path(__file__).resolve().parent.parent
#: ../shared next to the repository, or $SAHELCLI_SHARED (e.g. from a git worktree).
SHARED = Path(os.environ.get("SAHELCLI_SHARED") or ROOT.parent / "shared")
WIKINEWS = SHARED / "datasets" / "wikinews-fr-keyphrases" / "dev.jsonl"
SCORER = SHARED / "eval" / "score_keyphrases.py"
MASAKHANEWS = SHARED / "corpora" / "masakhanews-fr" / "articles.jsonl"

sys.path.insert(0, str(ROOT))

from sahelcli.io import read_inputs  # noqa: E402
from sahelcli.keywords import (  # noqa: E402
    extract_keywords,
    keywords_stage,
    load_idf_model,
    shipped_model,
)
from sahelcli.pipeline import ensure_tokens  # noqa: E402


def _records(path: Path) -> list[dict]:
    return [r for r in read_inputs([str(path)], None, lambda m: None) if isinstance(r, dict)]


def quality(model: object) -> None:
    records = _records(WIKINEWS)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for record in records:
            kws = extract_keywords(record, top=10, model=model)  # type: ignore[arg-type]
            fh.write(json.dumps({"id": record["id"], "keyphrases": [k["term"] for k in kws]},
                                ensure_ascii=False) + "\n")
        pred = fh.name
    cmd = [sys.executable, str(SCORER), str(WIKINEWS), pred, "--k", "5", "10"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    print(f"== quality: {len(records)} Wikinews-fr dev articles (title + text), top 10")
    print("   " + " ".join(Path(c).name for c in cmd[1:3]) + " --k 5 10")
    for line in out.splitlines():
        print("   " + line)
    Path(pred).unlink()


def _median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def speed(model: object, limit: int) -> None:
    """Per-article medians of the keywords stage (title tokenization included).

    * pipeline: each record tokenized, then the stage timed right away (as in ``analyze``);
    * warm: every record tokenized first, then one timed pass of the stage alone;
    * cold: the first pass of a fresh process (empty caches, model loaded before).
    Wall and CPU (process) time: CPU time is the steadier one on a shared machine.
    """
    records = _records(MASAKHANEWS)[:limit]
    stage = keywords_stage(top=10, idf=model, force=True)  # type: ignore[arg-type]
    quiet = lambda m: None  # noqa: E731
    clocks = (("wall", time.perf_counter), ("cpu", time.process_time))
    table: dict[str, dict[str, list[float]]] = {n: {"tok": [], "cold": [], "pipe": [], "warm": []}
                                                for n, _ in clocks}

    def timed(record: dict, part: str, fn: object) -> None:
        w0, c0 = time.perf_counter(), time.process_time()
        fn(record, quiet) if part != "tok" else ensure_tokens(record)  # type: ignore[operator]
        table["wall"][part].append(time.perf_counter() - w0)
        table["cpu"][part].append(time.process_time() - c0)

    copies = [dict(r) for r in records]
    for record in copies:  # cold: first pass, fresh caches
        ensure_tokens(record)
        timed(record, "cold", stage)
    for record in records:  # pipeline: tokenize, then the stage right away
        record = dict(record)
        timed(record, "tok", None)
        timed(record, "pipe", stage)
    for record in copies:  # warm: all tokenized already, the stage alone
        timed(record, "warm", stage)
    print(f"== speed: {len(records)} MasakhaNEWS-fr articles, median ms per article "
          "(keywords includes the title's tokenization; target keywords <= 0.8 ms)")
    for name, _ in clocks:
        med = {k: _median_ms(v) for k, v in table[name].items()}
        print(f"   {name:4}: tokenization {med['tok']:.2f} | keywords warm {med['warm']:.2f}, "
              f"after tokenizing {med['pipe']:.2f}, cold first pass {med['cold']:.2f} "
              f"| tokenization + keywords {med['tok'] + med['pipe']:.2f}")


def seed(model: object) -> None:
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for record in _records(path):
            terms = [k["term"] for k in extract_keywords(record, top=10, model=model)]  # type: ignore[arg-type]
            low = {t.lower() for t in terms}
            aes = "aes" in low or "alliance des états du sahel" in low
            russia = "russie" in low or "moscou" in low
            print(f"== seed {path.name}: {terms}")
            print(f"   AES in top 10: {aes}; Russie/Moscou in top 10: {russia}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--idf", help="model file (default: the shipped French model)")
    ap.add_argument("--limit", type=int, default=881, help="speed: number of articles")
    ap.add_argument("--skip-speed", action="store_true")
    args = ap.parse_args()
    model = load_idf_model(args.idf) if args.idf else shipped_model("fr")
    name = args.idf or "shipped fr model"
    docs = getattr(model, "documents", 0)
    print(f"background model: {name} ({docs} documents)")
    seed(model)
    if not SHARED.exists():
        print(f"{SHARED} is absent: quality and speed figures skipped")
        return
    quality(model)
    if not args.skip_speed:
        speed(model, args.limit)


if __name__ == "__main__":
    main()
