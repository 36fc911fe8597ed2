"""Tokenisation figures (issue 2): UD French-GSD dev (straight and typographic apostrophes),
UD French-Sequoia dev, and speed on MasakhaNEWS-fr.

Usage: python benchmarks/bench_tokenize.py [--skip-speed] [--errors N]

* quality: raw documents built by ../shared/eval/make_docs.py (and ``--curly``), tokenised by
  ``tokenize_text(text, "fr")``, scored by ../shared/eval/score_tokenize.py: sentence F1, token
  F1, lemma accuracy on aligned tokens, lemma over all gold tokens (targets on GSD dev:
  >= 95.0 / 99.4 / 96.0 / 95.0; the same within 0.3 points with --curly);
* speed: tokens per second (CPU time, one process) on ../shared/corpora/masakhanews-fr/
  articles.jsonl: best of 3 passes with warm caches (language given, then detected), and a
  first pass in a fresh process (every word new to the caches). Target >= 150,000.
Exits 0 with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ../shared next to the repository, or $SAHELCLI_SHARED (e.g. from a git worktree).
SHARED = Path(os.environ.get("SAHELCLI_SHARED") or ROOT.parent / "shared")
EVAL = SHARED / "eval"
GSD = SHARED / "datasets" / "ud-fr-gsd" / "fr_gsd-ud-dev.conllu"
SEQUOIA = SHARED / "datasets" / "ud-fr-sequoia" / "fr_sequoia-ud-dev.conllu"
MASAKHANEWS = SHARED / "corpora" / "masakhanews-fr" / "articles.jsonl"

sys.path.insert(0, str(ROOT))

from sahelcli.tokenize import tokenize_text  # noqa: E402

TARGETS = {"sent_f1": 95.0, "tok_f1": 99.4, "lemma_acc": 96.0, "lemma_all": 95.0}


def _predict(docs_path: Path, pred_path: Path) -> None:
    with docs_path.open(encoding="utf-8") as src, pred_path.open("w", encoding="utf-8") as out:
        for line in src:
            doc = json.loads(line)
            _, sentences, tokens = tokenize_text(doc["text"], "fr")
            out.write(json.dumps({
                "doc_id": doc["doc_id"],
                "sentences": [[s["start"], s["end"]] for s in sentences],
                "tokens": [[t["start"], t["end"], t["lemma"]] for t in tokens],
            }, ensure_ascii=False) + "\n")


def score(gold: Path, curly: bool, errors: int, tmp: Path) -> dict:
    """Build the documents, tokenise them, return the official scorer's JSON."""
    flag = ["--curly"] if curly else []
    docs = tmp / f"{gold.stem}{'-curly' if curly else ''}.docs.jsonl"
    pred = docs.with_suffix(".pred.jsonl")
    with docs.open("w", encoding="utf-8") as fh:
        subprocess.run([sys.executable, str(EVAL / "make_docs.py"), str(gold), *flag],
                       stdout=fh, stderr=subprocess.DEVNULL, check=True)
    _predict(docs, pred)
    cmd = [sys.executable, str(EVAL / "score_tokenize.py"), str(gold), str(pred), *flag]
    result = json.loads(subprocess.run([*cmd, "--json"], capture_output=True, text=True,
                                       check=True).stdout)
    if errors:
        out = subprocess.run([*cmd, "--errors", str(errors)], capture_output=True, text=True,
                             check=True).stdout
        print(out)
    return result


def _line(name: str, r: dict, check: bool) -> str:
    figures = []
    for key, label in (("sent_f1", "sent F1"), ("tok_f1", "token F1"),
                       ("lemma_acc", "lemma acc"), ("lemma_all", "lemma_all")):
        value = 100 * r[key]
        mark = ""
        if check:
            mark = " ok" if value >= TARGETS[key] else f" BELOW {TARGETS[key]}"
        figures.append(f"{label} {value:.2f}{mark}")
    mwt = r.get("mwt_lemma")
    figures.append(f"mwt lemma {100 * mwt:.2f}" if mwt is not None else "mwt lemma n/a")
    return f"   {name:<22} " + " | ".join(figures)


def quality(errors: int) -> None:
    print("== quality (official scorer: ../shared/eval/score_tokenize.py)")
    with tempfile.TemporaryDirectory() as tmp:
        gsd = score(GSD, False, errors, Path(tmp))
        gsd_curly = score(GSD, True, 0, Path(tmp))
        print(f"   GSD dev: {gsd['docs']} docs, {gsd['n_sent']} sentences, {gsd['n_tok']} tokens")
        print(_line("GSD dev", gsd, True))
        print(_line("GSD dev --curly", gsd_curly, True))
        worst = max(abs(gsd[k] - gsd_curly[k]) for k in TARGETS) * 100
        print(f"   largest straight/curly gap: {worst:.2f} points (target <= 0.3)")
        for cat, (recall, count) in gsd.get("cat_recall", {}).items():
            print(f"     recall {cat:<26} {100 * recall:6.2f}  (n={count})")
        if SEQUOIA.exists():
            seq = score(SEQUOIA, False, 0, Path(tmp))
            print(f"   Sequoia dev: {seq['docs']} docs, {seq['n_sent']} sentences, "
                  f"{seq['n_tok']} tokens (for information)")
            print(_line("Sequoia dev", seq, False))


def speed() -> None:
    texts = []
    with MASAKHANEWS.open(encoding="utf-8") as fh:
        for line in fh:
            texts.append(json.loads(line)["text"])
    print(f"== speed: {len(texts)} MasakhaNEWS-fr articles, one process, CPU time, best of 3")
    for lang in ("fr", None):
        for text in texts:  # warm the caches (lemma lookups, dictionaries)
            tokenize_text(text, lang)
        best = float("inf")
        count = 0
        for _ in range(3):
            start = time.process_time()
            count = sum(len(tokenize_text(text, lang)[2]) for text in texts)
            best = min(best, time.process_time() - start)
        label = "--lang fr" if lang else "language detected"
        print(f"   {label:<18} {count:,} tokens: {count / best:,.0f} tokens/s, "
              f"{len(texts) / best:,.0f} articles/s "
              f"({1000 * best / len(texts):.2f} ms/article)")
    # a fresh process: every word and chunk is new to the caches (a first run on new text)
    code = (
        "import json, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from sahelcli.tokenize import tokenize_text\n"
        f"texts = [json.loads(l)['text'] for l in open({str(MASAKHANEWS)!r}, encoding='utf-8')]\n"
        "tokenize_text('Le chat dort.', 'fr'); tokenize_text('The cat sleeps.', 'en')\n"
        "t0 = time.process_time(); n = sum(len(tokenize_text(t, None)[2]) for t in texts)\n"
        "dt = time.process_time() - t0\n"
        "print(f'{n:,} tokens: {n / dt:,.0f} tokens/s, {len(texts) / dt:,.0f} articles/s')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    print(f"   {'cold (first pass)':<18} {out}  (fresh process, language detected)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--errors", type=int, default=0, help="show N sample errors (GSD)")
    args = parser.parse_args()
    if not (GSD.exists() and MASAKHANEWS.exists() and (EVAL / "score_tokenize.py").exists()):
        print(f"bench_tokenize: {SHARED} (datasets, corpora, eval) not found; nothing to do.")
        return
    quality(args.errors)
    if not args.skip_speed:
        speed()


if __name__ == "__main__":
    main()
