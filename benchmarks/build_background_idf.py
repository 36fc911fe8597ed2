"""Build the shipped background DF model with the project's own ``sahelcli build-idf``.

Usage: python benchmarks/build_background_idf.py [--min-df N] [--out sahelcli/data/idf-fr.json.gz]

Input (read-only, from ../shared, never copied into the repository):
  * corpora/masakhanews-fr/articles.jsonl          (881 BBC Afrique articles; AFL-3.0, HF card)
  * datasets/orangesum-fr-summaries/dev.jsonl      (752 Orange Actu articles; CC BY-SA 4.0)
  * corpora/orangesum-dated-fr/articles.jsonl.gz   (34,487 Orange Actu articles; CC BY-SA 4.0)
They are streamed through stdin into ``sahelcli build-idf - --out FILE``.

The run is deterministic: the same inputs give a byte-identical file.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ../shared next to the repository, or $SAHELCLI_SHARED (e.g. from a git worktree).
SHARED = Path(os.environ.get("SAHELCLI_SHARED") or ROOT.parent / "shared")
SOURCES = [
    SHARED / "corpora" / "masakhanews-fr" / "articles.jsonl",
    SHARED / "datasets" / "orangesum-fr-summaries" / "dev.jsonl",
    SHARED / "corpora" / "orangesum-dated-fr" / "articles.jsonl.gz",
]


def build(out: Path, min_df: int) -> None:
    cmd = [sys.executable, "-m", "sahelcli", "build-idf", "-", "--lang", "fr",
           "--min-df", str(min_df), "--out", str(out), "--quiet"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, cwd=ROOT)
    assert proc.stdin is not None
    for src in SOURCES:
        opener = gzip.open if src.suffix == ".gz" else open
        with opener(src, "rb") as fh:
            shutil.copyfileobj(fh, proc.stdin, 1 << 20)
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit(f"build-idf failed with status {proc.returncode}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--min-df", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "sahelcli" / "data" / "idf-fr.json.gz")
    args = ap.parse_args()
    missing = [s for s in SOURCES if not s.exists()]
    if missing:
        sys.exit(f"missing input: {missing[0]}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    build(args.out, args.min_df)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
