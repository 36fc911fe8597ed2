"""CPU time per `analyze` stage on MasakhaNEWS-fr (881 articles), in one process.

    python benchmarks/stage_cpu.py [--passes 2]

Pass 0 is cold (the first time every word form is seen: what `sahelcli analyze` pays), later
passes warm. Process CPU time (``time.process_time``), so load elsewhere on the machine matters
little; use it to see where an article's time goes, `throughput.py` for the issue's figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: ../shared next to the repository, or $SAHELCLI_SHARED (e.g. from a git worktree).
SHARED = Path(os.environ.get("SAHELCLI_SHARED") or REPO.parent / "shared")
ARTICLES = SHARED / "corpora" / "masakhanews-fr" / "articles"
sys.path.insert(0, str(REPO))

from sahelcli.analyze import analyze_stages  # noqa: E402
from sahelcli.errors import SahelError  # noqa: E402
from sahelcli.io import read_inputs  # noqa: E402
from sahelcli.pipeline import set_language  # noqa: E402
from sahelcli.records import dump_line  # noqa: E402

STAGES = ("tokenize", "keywords", "stance", "summarize")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args()
    if not ARTICLES.is_dir():
        print(f"skipped: {ARTICLES} not found (the shared data sits beside the repository)")
        return 0
    clock = time.process_time
    start = clock()
    stages = analyze_stages()
    print(f"stages built in {(clock() - start) * 1000:.1f} ms")
    records = [r for r in read_inputs(sorted(str(p) for p in ARTICLES.glob("*.txt")))
               if isinstance(r, dict)]  # fmt: skip

    def quiet(message: str) -> None:
        pass

    for number in range(args.passes):
        spent = dict.fromkeys(["lang", *STAGES, "json"], 0.0)
        for original in records:
            record = dict(original)
            t = clock()
            set_language(record, None, quiet)
            spent["lang"] += clock() - t
            for name, stage in zip(STAGES, stages, strict=True):
                t = clock()
                try:
                    stage(record, quiet)
                except SahelError:
                    pass  # an article without words: the CLI reports it and goes on
                spent[name] += clock() - t
            t = clock()
            dump_line(record)
            spent["json"] += clock() - t
        per = {k: round(v / len(records) * 1000, 3) for k, v in spent.items()}
        total = sum(spent.values()) / len(records) * 1000
        print(f"pass {number} ({'cold' if number == 0 else 'warm'}) ms/article: {per}, "
              f"total {total:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
