"""Stance figures: default tagger, trainable model, speed.

Run: /work/venv/bin/python benchmarks/bench_stance.py [--quick]

1. Default cue tagger on ../shared/datasets/sahel-news-fr-stance/dev.jsonl, scored by the
   official ../shared/eval/score_stance.py; confusion between against and neutral; the sample
   article in seeds/ (Russie should be favor).
2. The trainable model (the code behind `sahelcli train-stance`) on
   ../shared/datasets/efra-fr-stance/dev.jsonl: 5-fold cross-validated macro-F1; then an
   unseen-target simulation (see ``unseen_target``), and a cross-domain check on the news pairs.
3. Speed on ../shared/corpora/masakhanews-fr: median ms per article after start-up, for the
   stance command's own path (no tokenization), and with a full tokenization first.
Exits 0 with a message when ../shared is absent. ``--quick`` skips the model part.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ../shared next to the repository, or $SAHELCLI_SHARED (e.g. from a git worktree).
SHARED = Path(os.environ.get("SAHELCLI_SHARED") or ROOT.parent / "shared")
SCORER = SHARED / "eval" / "score_stance.py"
NEWS = SHARED / "datasets" / "sahel-news-fr-stance" / "dev.jsonl"
EFRA = SHARED / "datasets" / "efra-fr-stance" / "dev.jsonl"
CORPUS = SHARED / "corpora" / "masakhanews-fr" / "articles.jsonl"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def official_score(gold: Path | list[dict], pred: dict[str, str]) -> tuple[float, str]:
    """Run score_stance.py on gold and {id: label}; return (macro-F1, its printed report)."""
    with tempfile.TemporaryDirectory() as tmp:
        if not isinstance(gold, Path):
            gpath = Path(tmp) / "gold.jsonl"
            gpath.write_text("".join(json.dumps(r) + "\n" for r in gold), encoding="utf-8")
            gold = gpath
        ppath = Path(tmp) / "pred.jsonl"
        ppath.write_text(
            "".join(json.dumps({"id": i, "label": lab}) + "\n" for i, lab in pred.items()),
            encoding="utf-8",
        )
        out = subprocess.run(
            [sys.executable, str(SCORER), str(gold), str(ppath)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    macro = float(out.strip().splitlines()[-1].split()[-1])
    return macro, out


def confusion(gold: list[str], pred: list[str]) -> str:
    labels = ("favor", "against", "neutral")
    counts = Counter(zip(gold, pred, strict=True))
    lines = ["gold \\ pred   " + "  ".join(f"{lab:>8s}" for lab in labels)]
    for g in labels:
        lines.append(f"{g:12s}  " + "  ".join(f"{counts[(g, p)]:8d}" for p in labels))
    return "\n".join(lines)


def default_tagger() -> None:
    from sahelcli.io import read_inputs
    from sahelcli.stance import load_gazetteer, stance_record

    print("== 1. default cue tagger on sahel-news-fr-stance/dev.jsonl")
    gaz = load_gazetteer()
    rows = read_jsonl(NEWS)
    pred = {}
    for row in rows:
        record = {k: row.get(k) for k in ("id", "lang", "title", "text", "target")}
        pred[row["id"]] = stance_record(record, gaz)[0]["label"]
    macro, report = official_score(NEWS, pred)
    print(report.rstrip())
    print(confusion([r["label"] for r in rows], [pred[r["id"]] for r in rows]))
    ag_neu = sum(1 for r in rows if r["label"] == "against" and pred[r["id"]] == "neutral")
    neu_ag = sum(1 for r in rows if r["label"] == "neutral" and pred[r["id"]] == "against")
    print(f"against->neutral {ag_neu}, neutral->against {neu_ag}")
    print(f"DEFAULT TAGGER macro-F1 {macro:.4f} (target >= 0.60; majority 0.25, VADER-fr 0.40)")
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    for item in read_inputs([str(p) for p in seeds], None, lambda msg: None):
        if isinstance(item, dict):
            labels = {s["target"]: s["label"] for s in stance_record(item, gaz)}
            print(f"sample article {item['id']}: Russie -> {labels.get('Russie')}")


_MACRON = re.compile(r"(?i)emmanuel\s*macron|\bmacron\b")
_LEPEN = re.compile(r"(?i)marine\s*le\s*pen|\ble\s*pen\b|\blepen\b")


def swap_names(text: str) -> str:
    """Macron's names become Le Pen's and the other way round (for the unseen-target test)."""
    text = _MACRON.sub("\x00", text)
    text = _LEPEN.sub("Emmanuel Macron", text)
    return text.replace("\x00", "Marine Le Pen")


def model_figures(rows: list[dict], gaz, folds: int = 5) -> None:
    """Cross-validated macro-F1, and an unseen-target simulation on the same folds.

    DEV has one target (Macron). For each of 5 stratified folds a model is trained on the
    other folds (target names masked, as `train-stance` does) and applied (a) to the held-out
    tweets as they are: the cross-validated figure; (b) to the same tweets with the
    candidates' names swapped (Macron <-> Le Pen), asking about "Marine Le Pen", a name the
    model never saw: labels keep their meaning (the stance is toward whoever now carries the
    name). (b) checks that nothing tied to the target's identity is needed; it cannot simulate
    a new target's own vocabulary, which is why a cross-domain check is printed after it.
    """
    from sklearn.model_selection import StratifiedKFold

    from sahelcli.stance.classifier import fit, masked_context

    labels = [r["label"] for r in rows]
    texts = [masked_context(r["text"], None, gaz.resolve(r["target"]), gaz) for r in rows]
    new_target = gaz.resolve("Marine Le Pen")
    swapped = [masked_context(swap_names(r["text"]), None, new_target, gaz) for r in rows]
    raw_train = [r["text"].lower() for r in rows]
    raw_swapped = [swap_names(r["text"]).lower() for r in rows]
    cv, unseen, unmasked, major = {}, {}, {}, {}
    t0 = time.perf_counter()
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in splitter.split(texts, labels):
        model = fit([texts[i] for i in train], [labels[i] for i in train])
        plain = fit([raw_train[i] for i in train], [labels[i] for i in train])
        common = Counter(labels[i] for i in train).most_common(1)[0][0]
        ids = [rows[i]["id"] for i in test]
        cv.update(zip(ids, model.predict([texts[i] for i in test]), strict=True))
        unseen.update(zip(ids, model.predict([swapped[i] for i in test]), strict=True))
        unmasked.update(zip(ids, plain.predict([raw_swapped[i] for i in test]), strict=True))
        major.update((i, common) for i in ids)
    m_cv, _ = official_score(EFRA, cv)
    print(
        f"TRAIN-STANCE {folds}-fold cross-validated macro-F1 {m_cv:.4f} (target >= 0.55; "
        f"TF-IDF+LR 0.51) [{time.perf_counter() - t0:.0f} s]"
    )
    gold = [dict(r, target="Marine Le Pen") for r in rows]
    m_unseen, _ = official_score(gold, unseen)
    m_plain, _ = official_score(gold, unmasked)
    m_major, _ = official_score(gold, major)
    print(
        f"UNSEEN TARGET (names swapped Macron<->Le Pen in held-out folds, target 'Marine Le Pen'): "
        f"model macro-F1 {m_unseen:.4f} vs majority {m_major:.4f} "
        f"(same model without target masking: {m_plain:.4f})"
    )


def trainable() -> None:
    from sahelcli.cli.stance_cmd import read_training
    from sahelcli.stance import load_gazetteer
    from sahelcli.stance.classifier import fit, masked_context

    print("\n== 2. trainable model (train-stance) on efra-fr-stance/dev.jsonl")
    gaz = load_gazetteer()
    rows, _ = read_training(str(EFRA))
    ids = [r["id"] for r in read_jsonl(EFRA)]
    model_figures([dict(r, id=i) for r, i in zip(rows, ids, strict=True)], gaz)
    texts = [masked_context(r["text"], None, gaz.resolve(r["target"]), gaz) for r in rows]
    model = fit(texts, [r["label"] for r in rows])
    news = read_jsonl(NEWS)
    ctx = [masked_context(r["text"], r.get("title"), gaz.resolve(r["target"]), gaz) for r in news]
    pred = dict(zip((r["id"] for r in news), model.predict(ctx), strict=True))
    m_news, _ = official_score(NEWS, pred)
    print(
        f"CROSS-DOMAIN (trained on all E-FRA tweets, applied to the news pairs: unseen targets "
        f"and genre): macro-F1 {m_news:.4f} vs majority 0.25; "
        f"predicted {dict(Counter(pred.values()))}"
    )


def speed() -> None:
    from sahelcli.stance import load_gazetteer, stance_record
    from sahelcli.tokenize import tokenize_record

    print("\n== 3. speed on masakhanews-fr (median ms per article, after start-up)")
    rows = read_jsonl(CORPUS)
    gaz = load_gazetteer()
    stance_record({"id": "warm", "text": "La Russie et la France.", "lang": "fr"}, gaz)
    own, tok, with_tok = [], [], []
    for row in rows:
        base = {"id": row["id"], "title": row.get("title"), "text": row["text"]}
        rec = dict(base)
        t0 = time.perf_counter()
        stance_record(rec, gaz)
        own.append(time.perf_counter() - t0)
        rec = dict(base)
        t0 = time.perf_counter()
        tokenize_record(rec)
        t1 = time.perf_counter()
        stance_record(rec, gaz)
        t2 = time.perf_counter()
        tok.append(t1 - t0)
        with_tok.append(t2 - t0)

    def med(xs: list[float]) -> float:
        return statistics.median(xs) * 1000

    print(f"articles {len(rows)}")
    print(f"SPEED stance command path (own sentence split, no tokenization): {med(own):.3f} ms")
    print(f"SPEED tokenize alone: {med(tok):.3f} ms; tokenize + stance: {med(with_tok):.3f} ms")
    print("(target <= 3 ms per article; the machine is shared: compare with tokenize alone)")


def main() -> None:
    if not SHARED.exists() or not SCORER.exists():
        print(f"bench_stance: {SHARED} not found; nothing to measure")
        return
    sys.path.insert(0, str(ROOT))
    default_tagger()
    if "--quick" not in sys.argv:
        trainable()
    speed()


if __name__ == "__main__":
    main()
