"""Benchmark of ``sahelcli trends`` on the dated OrangeSum corpus (issue 7).

Prints:
1. ``zcat articles.jsonl.gz | sahelcli trends - --by month``: wall time and peak
   RSS, both of the largest process (what /usr/bin/time -v reports) and of the
   whole process tree (parent + workers, sampled every 0.1 s from /proc).
2. ``--by year``: the most distinctive terms of 2020 and whether the pandemic's
   vocabulary (coronavirus, confinement, covid) is among them.
3. On the 169-article Sahel folder: stance of France and the jihadist groups by
   quarter, drawn to a PNG (path printed; default /tmp/trends-sahel-quarter.png).

The gzip file is streamed through ``zcat`` into ``sahelcli trends -``: the reader
does not decompress. Exits 0 with a message when ../shared is absent.
Usage: python benchmarks/bench_trends.py [--skip-year] [--png PATH] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: ../shared next to the repository, or $SAHELCLI_SHARED (e.g. from a git worktree).
SHARED = Path(os.environ.get("SAHELCLI_SHARED") or REPO.parent / "shared")
CORPUS = SHARED / "corpora" / "orangesum-dated-fr"
SAHELCLI = [sys.executable, "-m", "sahelcli"]
PANDEMIC = ("coronavirus", "confinement", "covid")


def tree_rss_kb(root: int) -> int:
    """Sum of VmRSS over ``root`` and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_trends(
    args: list[str], stdin_gz: Path | None = None
) -> tuple[float, int, int, str, str, float]:
    """(seconds, peak tree RSS kB, max single-process RSS kB, stdout, stderr, CPU s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    zcat = None
    stdin = None
    if stdin_gz is not None:
        zcat = subprocess.Popen(["zcat", str(stdin_gz)], stdout=subprocess.PIPE)
        stdin = zcat.stdout
    start = time.perf_counter()
    proc = subprocess.Popen(
        SAHELCLI + ["trends", *args], stdin=stdin, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=REPO,
    )
    if zcat is not None and zcat.stdout is not None:
        zcat.stdout.close()
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if zcat is not None:
        zcat.wait()
    if proc.returncode != 0:
        print(f"trends {' '.join(args)} failed (exit {proc.returncode}):\n{err}", file=sys.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, peak[0], after.ru_maxrss, out, err, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-year", action="store_true", help="skip the --by year check")
    parser.add_argument("--png", default="/tmp/trends-sahel-quarter.png")
    parser.add_argument("--jobs", type=int, default=None)
    opts = parser.parse_args()
    corpus = CORPUS / "articles.jsonl.gz"
    if not corpus.exists():
        print(f"bench_trends: {corpus} not found (../shared absent); nothing to measure")
        return 0
    jobs = ["--jobs", str(opts.jobs)] if opts.jobs else []

    print(f"== 1. zcat {corpus.name} | sahelcli trends - --by month {' '.join(jobs)}")
    secs, tree, single, out, err, cpu = run_trends(
        ["-", "--by", "month", "-f", "jsonl", *jobs], corpus
    )
    periods = [json.loads(line) for line in out.splitlines() if line.strip()]
    print(f"   time {secs:.1f} s (target <= 90 s), CPU {cpu:.1f} s (zcat included; load average "
          f"at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"   peak RSS: process tree {tree / 1024:.0f} MB, "
          f"largest process {single / 1024:.0f} MB (target <= 1024 MB)")
    print(f"   {len(periods)} months, {sum(p['articles'] for p in periods)} articles; "
          f"stderr: {' | '.join(err.strip().splitlines()[-2:])}")
    for period in periods:
        if period["period"] in ("2020-03", "2020-04"):
            terms = ", ".join(k["term"] for k in period["keywords"])
            print(f"   {period['period']} ({period['articles']} articles): {terms}")

    if not opts.skip_year:
        print("== 2. ... | sahelcli trends - --by year --no-stance")
        secs, _, _, out, _, _ = run_trends(
            ["-", "--by", "year", "--no-stance", "-f", "jsonl", *jobs], corpus
        )
        years = {p["period"]: p for p in (json.loads(x) for x in out.splitlines() if x.strip())}
        terms = [k["term"] for k in years.get("2020", {}).get("keywords", [])]
        hits = {w: any(w in t for t in terms) for w in PANDEMIC}
        print(f"   time {secs:.1f} s; 2020 ({years.get('2020', {}).get('articles')} articles): "
              f"{', '.join(terms)}")
        print("   pandemic vocabulary among them: "
              + ", ".join(f"{w} {'yes' if ok else 'NO'}" for w, ok in hits.items()))

    sahel = CORPUS / "sahel"
    print(f"== 3. sahelcli trends {sahel} --by quarter --target France --target jihad "
          f"--plot {opts.png}")
    secs, _, _, out, err, _ = run_trends(
        [str(sahel), "--by", "quarter", "--target", "France", "--target", "jihad",
         "--no-keywords", "-f", "jsonl", "--plot", opts.png]
    )
    for line in out.splitlines():
        record = json.loads(line)
        cells = [
            f"{s['target']}: {s['articles']} art. +{s['favor']}/-{s['against']}/={s['neutral']} "
            f"mean {s['mean_score']}"
            for s in record.get("stance", []) if s["articles"]
        ]
        print(f"   {record['period']} ({record['articles']:>3} articles) " + "; ".join(cells))
    png = Path(opts.png)
    ok = png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"   time {secs:.1f} s; chart {png}: {'valid PNG' if ok else 'MISSING'}"
          f"{f' ({png.stat().st_size // 1024} kB)' if ok else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
