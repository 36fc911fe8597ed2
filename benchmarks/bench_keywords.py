"""Keyphrase figures: F1@5/F1@10 on Wikinews-fr (dev), speed on MasakhaNEWS-fr, the seed.

Usage: python benchmarks/bench_keywords.py [--idf MODEL] [--limit N] [--skip-speed]

* quality: records of ../shared/datasets/wikinews-fr-keyphrases/dev.jsonl (title and text)
  through ``extract_keywords`` (top 10), scored by ../shared/eval/score_keyphrases.py;
* speed: median milliseconds per article on ../shared/corpora/masakhanews-fr/articles.jsonl,
  after start-up, split into tokenization (``ensure_tokens``) and keywords (the rest);
* the sample article in seeds/: its top 10, and whether AES and Russie/Moscou are in it.
Exits 0 with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
WIKINEWS = SHARED / "datasets" / "wikinews-fr-keyphrases" / "dev.jsonl"
SCORER = SHARED / "eval" / "score_keyphrases.py"
MASAKHANEWS = SHARED / "corpora" / "masakhanews-fr" / "articles.jsonl"

sys.path.insert(0, str(ROOT))

from sahelcli.io import read_inputs  # noqa: E402
from sahelcli.keywords import extract_keywords, load_idf_model, shipped_model  # noqa: E402
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


def speed(model: object, limit: int) -> None:
    records = _records(MASAKHANEWS)[:limit]
    extract_keywords(dict(records[0]), model=model)  # type: ignore[arg-type] # warm caches
    wall: dict[str, list[float]] = {"tok": [], "kw": [], "total": []}
    cpu: dict[str, list[float]] = {"tok": [], "kw": [], "total": []}
    for record in records:
        record = dict(record)
        w0, c0 = time.perf_counter(), time.process_time()
        ensure_tokens(record)
        w1, c1 = time.perf_counter(), time.process_time()
        extract_keywords(record, top=10, model=model)  # type: ignore[arg-type]
        w2, c2 = time.perf_counter(), time.process_time()
        for table, (a, b, c) in ((wall, (w0, w1, w2)), (cpu, (c0, c1, c2))):
            table["tok"].append((b - a) * 1000)
            table["kw"].append((c - b) * 1000)
            table["total"].append((c - a) * 1000)
    print(f"== speed: {len(records)} MasakhaNEWS-fr articles, median ms per article "
          "(keywords includes the title's tokenization)")
    for name, table in (("wall", wall), ("cpu", cpu)):
        med = {k: statistics.median(v) for k, v in table.items()}
        print(f"   {name:4}: tokenization {med['tok']:.2f} ms + keywords {med['kw']:.2f} ms "
              f"= total {med['total']:.2f} ms (target <= 5 ms)")


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
