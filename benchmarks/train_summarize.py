#!/usr/bin/env python3
"""Learn the summariser's weights on the OrangeSum dev half: sahelcli/data/summarize-model.json.

    /work/venv/bin/python benchmarks/train_summarize.py [--out FILE] [--folds 5] [--no-write]

Reads ``../shared/datasets/orangesum-fr-summaries/dev.jsonl`` (id + text to analyse; the gold
``summary`` only as the target; the ``title`` is never read). Three linear models (see
sahelcli/summarize.py):

1. word model: logistic regression, target = the content lemma occurs in the gold abstract;
2. sentence model: ridge regression, target = ROUGE-L precision of the sentence against the gold;
3. set models (sizes 1, 2, 3): ridge regression over the features of each combination of the
   top candidates, target = ROUGE-L F1 of the combination (official French tokenisation).

Before them, two lexical priors (sahelcli/data/summarize-lexicon.json): per word form, the
smoothed log-odds that a sentence holding it is among its article's ``LEX_TOP`` best sentences
(ROUGE-L precision against the gold); per content lemma, that a lemma of an article is in its
gold abstract. Each over the ``LEX_SIZE`` most frequent entries. In cross-validation the
priors are fitted inside the training folds only: the held-out fold's features come from
priors fitted on the other folds, and the training documents' own features from priors fitted
without their fold either (nested), so no document ever sees a prior that counted it.

Cross-validation (``--folds``, documents split by their position in the id-sorted file) reports
the ROUGE-L F1 of the whole pipeline on held-out documents: stage 1 and 2 predictions used to
build stage 3 are out-of-fold, and each fold's set model is fitted on the other folds only.
The shipped weights are then fitted on all the dev documents. Needs numpy, scikit-learn and
rouge-score (all in the project venv). Takes about two minutes on one core.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from bisect import bisect_left
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: ../shared next to the repository, or $SAHELCLI_SHARED (e.g. from a git worktree).
SHARED = Path(os.environ.get("SAHELCLI_SHARED") or REPO.parent / "shared")
DEV = SHARED / "datasets" / "orangesum-fr-summaries" / "dev.jsonl"
sys.path.insert(0, str(REPO))

from sahelcli import summarize as S  # noqa: E402
from sahelcli.tokenize import tokenize_record, tokenize_text  # noqa: E402

ALPHA = 1.0  # ridge penalty on standardised features
WORD_C = 1.0  # inverse L2 penalty of the word model
LEX_SIZE = 2000  # word forms / lemmas kept in each lexical prior (the most frequent)
LEX_SMOOTH = 20.0  # pseudo-counts at the base rate: rare entries stay near 0
LEX_TOP = 3  # a sentence among its article's best this many is a positive for the form prior
LEXFORM = S.SENTENCE_FEATURES.index("lexform")


def load_docs() -> list[dict[str, Any]]:
    docs = []
    with open(DEV, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                docs.append({"id": row["id"], "text": row["text"], "gold": row["summary"]})
    return docs


def prepare(docs: list[dict[str, Any]]) -> None:
    """Tokenise, analyse, and attach the per-sentence and per-word targets."""
    sys.path.insert(0, str(SHARED / "eval"))
    from frtext import rouge_tokens
    from rouge_score import rouge_scorer

    class _Tok:
        def tokenize(self, text: str) -> list[str]:
            return rouge_tokens(text)

    scorer = rouge_scorer.RougeScorer(["rougeL"], tokenizer=_Tok())
    for doc in docs:
        record = {"id": doc["id"], "text": doc["text"], "lang": "fr"}
        tokenize_record(record)
        a = S.analyse(record)
        text = record["text"]
        doc["texts"] = [" ".join(text[s["start"] : s["end"]].split()) for s in record["sentences"]]
        doc["a"] = a
        starts = [t["start"] for t in record["tokens"]]
        doc["forms"] = {}
        for i in a.eligible:
            span = record["sentences"][i]
            lo = bisect_left(starts, span["start"])
            doc["forms"][i] = S.sentence_forms(
                record["tokens"], lo, bisect_left(starts, span["end"], lo)
            )
        doc["y_sent"] = {
            i: scorer.score(doc["gold"], doc["texts"][i])["rougeL"].precision for i in a.eligible
        }
        _, _, gold_tokens = tokenize_text(doc["gold"], "fr")
        doc["gold_lemmas"] = {
            t["lemma"].lower() for t in gold_tokens
            if not t["stop"] and len(t["norm"]) > 1 and any(c.isalpha() for c in t["norm"])
        }  # fmt: skip
    for doc in docs:
        doc["scorer"] = scorer


def _log_odds(pos: Counter[str], tot: Counter[str], base: float) -> dict[str, float]:
    """Smoothed log-odds of the positive class per entry, relative to the base rate."""
    table = {}
    for w, count in sorted(tot.items(), key=lambda kv: (-kv[1], kv[0]))[:LEX_SIZE]:
        p = (pos[w] + LEX_SMOOTH * base) / (count + LEX_SMOOTH)
        table[w] = math.log(p / (1 - p)) - math.log(base / (1 - base))
    return table


def fit_lexicon(docs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """The two lexical priors (see the module docstring), fitted on ``docs`` only."""
    pos, tot = Counter(), Counter()
    n_pos = n_all = 0
    for doc in docs:
        y = doc["y_sent"]
        best = set(sorted(doc["a"].eligible, key=lambda i: (-y[i], i))[:LEX_TOP])
        for i in doc["a"].eligible:
            forms = set(doc["forms"][i])
            tot.update(forms)
            n_all += 1
            if i in best:
                pos.update(forms)
                n_pos += 1
    lemma_pos, lemma_tot = Counter(), Counter()
    for doc in docs:
        lemma_tot.update(doc["a"].tf.keys())
        lemma_pos.update(w for w in doc["a"].tf if w in doc["gold_lemmas"])
    lemma_rate = sum(lemma_pos.values()) / max(sum(lemma_tot.values()), 1)
    return {
        "forms": _log_odds(pos, tot, n_pos / max(n_all, 1)),
        "lemmas": _log_odds(lemma_pos, lemma_tot, lemma_rate),
    }


def apply_lexicon(docs: list[dict[str, Any]], lexicon: dict[str, dict[str, float]]) -> None:
    """Set the documents' lexical features from ``lexicon`` (as the shipped code would)."""
    for doc in docs:
        a = doc["a"]
        a.prior = lexicon["lemmas"]
        for i in a.eligible:
            a.features[i][LEXFORM] = S.lexical_score(doc["forms"][i], lexicon["forms"])


def out_of_fold_lexicon(
    docs: list[dict[str, Any]], folds: list[int], skip: int | None = None
) -> None:
    """Each document's lexical features from priors fitted on the other folds (and not on
    fold ``skip``, the outer held-out fold, when given)."""
    for g in sorted(set(folds) - {skip}):
        fit_on = [d for d, k in zip(docs, folds, strict=True) if k not in (g, skip)]
        lexicon = fit_lexicon(fit_on)
        apply_lexicon([d for d, k in zip(docs, folds, strict=True) if k == g], lexicon)


def standardise(X: Any) -> tuple[Any, Any]:
    mean = X.mean(0)
    scale = X.std(0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def fit_ridge(X: Any, y: Any) -> dict[str, Any]:
    import numpy as np

    mean, scale = standardise(X)
    Z = (X - mean) / scale
    Z1 = np.c_[Z, np.ones(len(Z))]
    reg = ALPHA * np.eye(Z1.shape[1])
    reg[-1, -1] = 0.0
    w = np.linalg.solve(Z1.T @ Z1 + reg, Z1.T @ y)
    return {"mean": mean.tolist(), "scale": scale.tolist(), "weights": w[:-1].tolist(),
            "bias": float(w[-1])}  # fmt: skip


def fit_logistic(X: Any, y: Any) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    mean, scale = standardise(X)
    model = LogisticRegression(C=WORD_C, max_iter=2000).fit((X - mean) / scale, y)
    return {"mean": mean.tolist(), "scale": scale.tolist(), "weights": model.coef_[0].tolist(),
            "bias": float(model.intercept_[0])}  # fmt: skip


def linear(x: list[float], part: dict[str, Any]) -> float:
    """``bias + sum(w * (x - mean) / scale)``: the shipped code folds the same arithmetic."""
    return float(part["bias"]) + sum(
        w * (v - m) / s
        for v, m, s, w in zip(x, part["mean"], part["scale"], part["weights"], strict=True)
    )


def sentence_data(docs: list[dict[str, Any]]) -> tuple[Any, Any]:
    import numpy as np

    X = [doc["a"].features[i] for doc in docs for i in doc["a"].eligible]
    y = [doc["y_sent"][i] for doc in docs for i in doc["a"].eligible]
    return np.array(X), np.array(y)


def word_data(docs: list[dict[str, Any]]) -> tuple[Any, Any]:
    import numpy as np

    X = [x for doc in docs for x in doc["a"].word_rows().values()]
    y = [w in doc["gold_lemmas"] for doc in docs for w in doc["a"].word_rows()]
    return np.array(X), np.array(y)


def apply_stage12(doc: dict[str, Any], sent: dict[str, Any], word: dict[str, Any]) -> None:
    """Scores of the first two models on one document (as the shipped code computes them)."""
    import math

    a = doc["a"]
    doc["scores"] = {i: linear(a.features[i], sent) for i in a.eligible}
    a.word_prob = {w: 1.0 / (1.0 + math.exp(-linear(x, word))) for w, x in a.word_rows().items()}


def candidate_sets(doc: dict[str, Any]) -> None:
    """All combinations (1-3 sentences) of the top candidates, with features and true F1."""
    a, scores = doc["a"], doc["scores"]
    ranked = sorted(a.eligible, key=lambda i: (-scores[i], i))[: S.CANDIDATES]
    doc["sets"] = {}
    for size in (1, 2, 3):
        rows = []
        for chosen in combinations(sorted(ranked), min(size, len(ranked))):
            key = (doc["id"], chosen)
            if key not in F1_CACHE:
                hyp = " ".join(doc["texts"][i] for i in chosen)
                F1_CACHE[key] = doc["scorer"].score(doc["gold"], hyp)["rougeL"].fmeasure
            rows.append((chosen, S.set_features(a, chosen, scores), F1_CACHE[key]))
        doc["sets"][size] = rows


F1_CACHE: dict[tuple[str, tuple[int, ...]], float] = {}


def fit_sets(docs: list[dict[str, Any]]) -> dict[str, Any]:
    import numpy as np

    out = {}
    for size in (1, 2, 3):
        X = [f for doc in docs for _, f, _ in doc["sets"][size]]
        y = [v for doc in docs for _, _, v in doc["sets"][size]]
        out[str(size)] = fit_ridge(np.array(X), np.array(y))
    return out


def choose(doc: dict[str, Any], size: int, sets: dict[str, Any]) -> tuple[int, ...]:
    rows = doc["sets"][size]
    best = max(range(len(rows)), key=lambda r: (linear(rows[r][1], sets[str(size)]), -r))
    return rows[best][0]


def rouge_l(docs: list[dict[str, Any]], picks: dict[str, tuple[int, ...]]) -> float:
    sys.path.insert(0, str(SHARED / "eval"))
    from score_summaries import score

    gold = {doc["id"]: doc["gold"] for doc in docs}
    pred = {doc["id"]: " ".join(doc["texts"][i] for i in sorted(picks[doc["id"]])) for doc in docs}
    return float(score(gold, pred)["rougeL"]["f"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(S.MODEL_FILE))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--candidates", type=int, default=S.CANDIDATES, help="(experiments)")
    ap.add_argument("--min-words", type=int, default=S.MIN_WORDS, help="(experiments)")
    ap.add_argument("--alpha", type=float, default=1.0, help="ridge penalty (experiments)")
    args = ap.parse_args()
    globals()["ALPHA"] = args.alpha
    if (args.candidates, args.min_words) != (S.CANDIDATES, S.MIN_WORDS):
        args.no_write = True  # the shipped code would not match these weights
        S.CANDIDATES, S.MIN_WORDS = args.candidates, args.min_words
    if not DEV.exists():
        print(f"train_summarize: {DEV} not found; nothing to do")
        return 0
    t0 = time.time()
    docs = load_docs()
    prepare(docs)
    print(f"{len(docs)} documents analysed in {time.time() - t0:.1f}s")
    folds = [k % args.folds for k in range(len(docs))]

    # out-of-fold stage 1-2 scores, then each fold's set model on the other folds; the lexical
    # priors of the training documents are fitted without fold f (nested), the held-out
    # fold's on all the training folds
    for f in range(args.folds):
        train = [d for d, k in zip(docs, folds, strict=True) if k != f]
        out_of_fold_lexicon(docs, folds, skip=f)
        sent = fit_ridge(*sentence_data(train))
        word = fit_logistic(*word_data(train))
        test = [d for d, k in zip(docs, folds, strict=True) if k == f]
        apply_lexicon(test, fit_lexicon(train))
        for d in test:
            apply_stage12(d, sent, word)
    out_of_fold_lexicon(docs, folds)  # the set features as each held-out fold saw them
    for doc in docs:
        candidate_sets(doc)
    print(f"candidate sets scored in {time.time() - t0:.1f}s")
    cv: dict[str, float] = {}
    for size in (1, 2, 3):
        picks = {}
        for f in range(args.folds):
            sets = fit_sets([d for d, k in zip(docs, folds, strict=True) if k != f])
            for d, k in zip(docs, folds, strict=True):
                if k == f:
                    picks[d["id"]] = choose(d, size, sets)
        cv[str(size)] = round(rouge_l(docs, picks), 2)
        lead = {d["id"]: tuple(d["a"].eligible[:size]) for d in docs}
        print(f"{size} sentence(s): cross-validated ROUGE-L F1 {cv[str(size)]:.2f} "
              f"(lead-{size} on eligible sentences {rouge_l(docs, lead):.2f})")

    # final weights: everything fitted on all dev documents, each document's lexical features
    # out-of-fold (as an unseen article's would be); the shipped priors on all of them
    out_of_fold_lexicon(docs, folds)
    sent = fit_ridge(*sentence_data(docs))
    word = fit_logistic(*word_data(docs))
    for doc in docs:
        apply_stage12(doc, sent, word)
        candidate_sets(doc)
    sets = fit_sets(docs)
    fitted = {str(k): round(rouge_l(docs, {d["id"]: choose(d, k, sets) for d in docs}), 2)
              for k in (1, 3)}  # fmt: skip
    print(f"in-sample (all dev, final weights): 1 sentence {fitted['1']:.2f}, "
          f"3 sentences {fitted['3']:.2f}")
    model = {
        "about": "sahelcli extractive summariser weights, learnt by benchmarks/train_summarize.py "
        "on the OrangeSum dev half (752 articles; OrangeSum: CC BY-SA 4.0, Kamal Eddine et al. "
        "2021). Only weights and feature means are stored; no text.",
        "version": 1,
        "candidates": S.CANDIDATES,
        "cross_validated_rouge_l": cv,
        "words": {"features": list(S.WORD_FEATURES), **word},
        "sentence": {"features": list(S.SENTENCE_FEATURES), **sent},
        "sets": {"features": list(S.SET_BASE) + [f"sum_{n}" for n in S.SENTENCE_FEATURES],
                 **sets},
    }  # fmt: skip
    lexicon = {k: {w: round(v, 3) for w, v in table.items()}
               for k, table in fit_lexicon(docs).items()}  # fmt: skip
    if not args.no_write:
        Path(args.out).write_text(json.dumps(_rounded(model), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
        lex_out = Path(args.out).with_name(S.LEXICON_FILE.name)
        lex_out.write_text(json.dumps(lexicon, ensure_ascii=False, separators=(",", ":"))
                           + "\n", encoding="utf-8")  # fmt: skip
        print(f"wrote {lex_out}")
    print(f"done in {time.time() - t0:.1f}s")
    return 0


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


if __name__ == "__main__":
    raise SystemExit(main())
