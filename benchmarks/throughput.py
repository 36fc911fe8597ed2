"""Throughput, start-up and memory of whole `sahelcli` processes (issue 6 figures).

    python benchmarks/throughput.py [--stream N] [--skip-baselines]

Prints, on ../shared/corpora/masakhanews-fr/articles/ (881 real articles):
  * `analyze` articles/s with --jobs 1 and --jobs 2 (output to /dev/null; median of --repeat
    runs, alternated), and the ratio;
  * side by side on the same 200 articles: `sahelcli analyze` (on a folder with its default
    jobs, and with --jobs 1) vs YAKE keywords + sumy LexRank summaries (whole processes;
    needs `pip install yake sumy`; sumy is given a regex sentence splitter because its NLTK
    data cannot be downloaded here);
  * `sahelcli --version` and `sahelcli summarize seeds/<article>` wall time (best and median of 7);
  * N articles (default 100,000: the corpus repeated) streamed as JSON Lines on stdin through
    `analyze --jobs 1` (and --jobs 2): peak RSS of the process tree, articles/s.
Never run as a unit test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ../shared next to the repository, or $SAHELCLI_SHARED (e.g. from a git worktree).
SHARED = Path(os.environ.get("SAHELCLI_SHARED") or ROOT.parent / "shared")
ARTICLES = SHARED / "corpora" / "masakhanews-fr" / "articles"
JSONL = SHARED / "corpora" / "masakhanews-fr" / "articles.jsonl"
SAHELCLI = shutil.which("sahelcli") or "sahelcli"

BASELINE = r'''
import re, sys, time
from pathlib import Path
import yake
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer

class RegexTokenizer:
    """sumy needs NLTK punkt data, which cannot be downloaded here: a plain regex splitter."""
    language = "french"
    def to_sentences(self, paragraph):
        return [s for s in re.split(r"(?<=[.!?…])\s+", paragraph) if s.strip()]
    def to_words(self, sentence):
        return re.findall(r"\w+", sentence)

extractor = yake.KeywordExtractor(lan="fr", top=10)
summarizer = LexRankSummarizer()
for path in sys.argv[1:]:
    text = Path(path).read_text(encoding="utf-8")
    keywords = extractor.extract_keywords(text)
    parser = PlaintextParser.from_string(text, RegexTokenizer())
    summary = summarizer(parser.document, 3)
    print(len(keywords), len(summary))
'''


def compile_bytecode() -> None:
    """Byte-compile the installed package, as ``pip install .`` does: an editable install
    run with PYTHONDONTWRITEBYTECODE=1 (as in some sandboxes) would otherwise compile every
    module from source at every start (~60 ms a run) and time that instead of sahelcli."""
    python = Path(SAHELCLI).resolve().parent / "python"
    if not python.exists():
        return
    subprocess.run(
        [str(python), "-c", "import compileall, os, sahelcli; "
         "compileall.compile_dir(os.path.dirname(sahelcli.__file__), quiet=1)"],
        check=False, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
    )  # fmt: skip


def timed(cmd: list[str], stdin: object = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=stdin, check=False
    )
    return time.perf_counter() - start


def analyze_rate(paths: list[str], jobs: int) -> float:
    elapsed = timed([SAHELCLI, "analyze", "--jobs", str(jobs), "--format", "jsonl", *paths])
    return len(paths) / elapsed


def startup() -> None:
    seed = str(next((ROOT / "seeds").glob("*.txt")))
    for label, cmd in (
        ("sahelcli --version", [SAHELCLI, "--version"]),
        ("sahelcli summarize seeds/<article>", [SAHELCLI, "summarize", seed, "-f", "jsonl"]),
    ):
        runs = [timed(cmd) for _ in range(7)]
        print(
            f"{label}: best {min(runs) * 1000:.0f} ms, median "
            f"{statistics.median(runs) * 1000:.0f} ms (7 runs)"
        )


def baselines(paths: list[str]) -> None:
    """sahelcli vs YAKE + sumy on the same articles, whole processes, output to /dev/null.

    sahelcli is timed twice: as a user runs it on a folder (default --jobs: all cores) and
    held to one process (--jobs 1); the baselines are one process each.
    """
    try:
        import sumy  # noqa: F401
        import yake  # noqa: F401
    except ImportError:
        print("YAKE + sumy: skipped (pip install yake sumy)")
        return
    with tempfile.TemporaryDirectory() as folder:
        for path in paths:
            os.symlink(path, os.path.join(folder, os.path.basename(path)))
        folder_default = timed([SAHELCLI, "analyze", "--format", "jsonl", folder])
    one_process = timed([SAHELCLI, "analyze", "--jobs", "1", "--format", "jsonl", *paths])
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(BASELINE)
    theirs = timed([sys.executable, script.name, *paths])
    os.unlink(script.name)
    n = len(paths)
    print(f"same {n} articles, whole processes: YAKE + sumy LexRank {n / theirs:.1f} articles/s")
    print(
        f"  sahelcli analyze FOLDER (default jobs = {os.cpu_count()} cores): "
        f"{n / folder_default:.1f} articles/s, {theirs / folder_default:.1f}x faster"
    )
    print(
        f"  sahelcli analyze --jobs 1 FILES: {n / one_process:.1f} articles/s, "
        f"{theirs / one_process:.1f}x faster"
    )


def peak_rss_of(cmd: list[str], feed: Path, repeat_to: int) -> tuple[float, float]:
    """Run ``cmd`` with ``repeat_to`` records of ``feed`` on stdin; (peak MB of the tree, s)."""
    lines = feed.read_text(encoding="utf-8").splitlines()
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = [0.0]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.perf_counter()
    assert proc.stdin is not None
    for n in range(repeat_to):
        record = json.loads(lines[n % len(lines)])
        record["id"] = f"{record['id']}#{n}"
        proc.stdin.write((json.dumps(record, ensure_ascii=False) + "\n").encode())
    proc.stdin.close()
    proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    watcher.join()
    return peak[0], elapsed


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (from /proc), in MB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def stream(records: int, jobs_list: list[int]) -> None:
    for jobs in jobs_list:
        peak, elapsed = peak_rss_of(
            [SAHELCLI, "analyze", "--jobs", str(jobs), "--format", "jsonl", "-q"],
            JSONL,
            records,
        )
        print(
            f"{records} records streamed on stdin, analyze --jobs {jobs}: peak RSS "
            f"{peak:.0f} MB (process tree), {records / elapsed:.0f} articles/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stream", type=int, default=100_000, help="records for the RSS run")
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--only-stream", action="store_true", help="just the RSS run")
    parser.add_argument("--stream-jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each analyze timing")
    args = parser.parse_args()
    if not ARTICLES.is_dir():
        print(f"skipped: {ARTICLES} not found (the shared data sits beside the repository)")
        return
    paths = sorted(str(p) for p in ARTICLES.glob("*.txt"))
    print(f"cores: {os.cpu_count()}; corpus: {len(paths)} articles")
    compile_bytecode()
    if args.only_stream:
        stream(args.stream, args.stream_jobs)
        return
    for path in paths:  # warm the page cache: every run reads the same files from memory
        Path(path).read_bytes()
    rates: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.repeat):  # alternated, so a burst of load elsewhere hits both
        for jobs in (1, 2):
            rates[jobs].append(analyze_rate(paths, jobs))
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    runs = {jobs: ", ".join(f"{r:.0f}" for r in rates[jobs]) for jobs in rates}
    print(f"analyze --jobs 1: {one:.0f} articles/s, median of {args.repeat} runs ({runs[1]}; "
          "whole process, start-up included)")
    print(f"analyze --jobs 2: {two:.0f} articles/s ({runs[2]}): {two / one:.2f}x --jobs 1")
    if not args.skip_baselines:
        baselines(paths[:200])
    startup()
    if args.stream:
        for jobs in (1, 2):
            peak, elapsed = peak_rss_of(
                [SAHELCLI, "analyze", "--jobs", str(jobs), "--format", "jsonl", "-q"],
                JSONL,
                args.stream,
            )
            print(
                f"{args.stream} records streamed on stdin, analyze --jobs {jobs}: peak RSS "
                f"{peak:.0f} MB (process tree), {args.stream / elapsed:.0f} articles/s"
            )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(benchmark driver itself: {own:.0f} MB)")


if __name__ == "__main__":
    main()
