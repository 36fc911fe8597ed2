"""The trainable stance model: TF-IDF (words + characters) + cue counts -> logistic regression.

Target-agnostic by design: every mention of the target is replaced by one
placeholder word before features are taken, so the model learns how people
write *about the target* ("CIBLE a menti", "votez CIBLE"), not who the target
is, and can be applied to a target it never saw. Long texts (articles) are cut
to the title and the sentences that mention the target.

Models are saved as plain JSON (vocabularies, idf weights, coefficients): no
pickle, nothing in a model file is ever executed. A file that does not carry
our format marker is refused.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sahelcli.errors import UsageError
from sahelcli.stance.gazetteer import Gazetteer, fold
from sahelcli.stance.lexicon import get_lexicon

FORMAT = "sahelcli-stance-model"
VERSION = 1
LABELS = ("favor", "against", "neutral")
PLACEHOLDER = "cible"
#: Texts longer than this are reduced to the sentences that mention the target.
SHORT_TEXT = 800

_WORD_PARAMS: dict[str, Any] = {
    "analyzer": "word",
    "ngram_range": [1, 2],
    "min_df": 2,
    "sublinear_tf": True,
    "lowercase": True,
    "token_pattern": r"(?u)\b\w+\b",
}
_CHAR_PARAMS: dict[str, Any] = {
    "analyzer": "char_wb",
    "ngram_range": [2, 5],
    "min_df": 2,
    "sublinear_tf": True,
    "lowercase": True,
}
_SENT_END = re.compile(r"(?<=[.!?…])\s+")
_URL = re.compile(r"(?:https?://|www\.)\S+")


def masked_context(text: str, title: str | None, target: str, gaz: Gazetteer) -> str:
    """The text the model reads: folded, target mentions masked, long texts cut to
    the sentences that mention the target (plus the title)."""
    body = f"{title}\n{text}" if title else text
    folded = _URL.sub(" url ", fold(body))
    mentions = gaz.find(folded, {target})
    pieces = []
    last = 0
    for m in mentions:
        if m.start < last:
            continue
        pieces.append(folded[last : m.start])
        pieces.append(f" {PLACEHOLDER} ")
        last = m.end
    pieces.append(folded[last:])
    masked = "".join(pieces)
    if len(masked) <= SHORT_TEXT or not mentions:
        return masked
    keep = [s for s in _SENT_END.split(masked) if PLACEHOLDER in s]
    return "\n".join(keep) if keep else masked


def cue_features(masked: str) -> list[float]:
    """Counts of negative and positive cue words and of negations: a small dense block."""
    lex = get_lexicon("fr")
    neg = pos = 0.0
    low = masked.lower()
    for m in lex.regex.finditer(low):
        cue = lex.lookup(m.group(0))
        if cue is None:
            continue
        if cue.kind in ("harm", "blame", "blame_weak", "neg") or (
            cue.kind == "polarity" and cue.weight < 0
        ):
            neg += abs(cue.weight)
        else:
            pos += abs(cue.weight)
    words = re.findall(r"\w+", low)
    negations = sum(1 for w in words if w in lex.negators)
    return [math.log1p(neg), math.log1p(pos), math.log1p(negations), 1.0 if "?" in masked else 0.0]


@dataclass
class StanceModel:
    """A fitted model: two TF-IDF vocabularies, the dense cue block, and linear weights."""

    classes: list[str]
    word_vocab: dict[str, int]
    word_idf: list[float]
    char_vocab: dict[str, int]
    char_idf: list[float]
    coef: list[list[float]]
    intercept: list[float]
    meta: dict[str, Any]

    def _vectorizers(self) -> tuple[Any, Any]:
        if not hasattr(self, "_vecs"):
            import numpy as np
            from sklearn.feature_extraction.text import TfidfVectorizer

            vecs = []
            for params, vocab, idf in (
                (_WORD_PARAMS, self.word_vocab, self.word_idf),
                (_CHAR_PARAMS, self.char_vocab, self.char_idf),
            ):
                args = {k: (tuple(v) if isinstance(v, list) else v) for k, v in params.items()}
                args.pop("min_df")
                vec = TfidfVectorizer(vocabulary=vocab, **args)
                vec.idf_ = np.asarray(idf, dtype=float)
                vecs.append(vec)
            self._vecs = (vecs[0], vecs[1])
        return self._vecs

    def decision(self, texts: list[str]) -> Any:
        """Class scores (rows: texts, columns: ``classes``)."""
        import numpy as np

        features = features_matrix(texts, *self._vectorizers())
        return features @ np.asarray(self.coef).T + np.asarray(self.intercept)

    def predict_proba(self, texts: list[str]) -> Any:
        import numpy as np

        scores = self.decision(texts)
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, texts: list[str]) -> list[str]:
        proba = self.predict_proba(texts)
        return [self.classes[i] for i in proba.argmax(axis=1)]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "classes": self.classes,
            "word": {
                "params": _WORD_PARAMS,
                "vocabulary": self.word_vocab,
                "idf": [round(x, 5) for x in self.word_idf],
            },
            "char": {
                "params": _CHAR_PARAMS,
                "vocabulary": self.char_vocab,
                "idf": [round(x, 5) for x in self.char_idf],
            },
            "coef": [[round(x, 6) for x in row] for row in self.coef],
            "intercept": [round(x, 6) for x in self.intercept],
            "meta": self.meta,
        }


def features_matrix(texts: list[str], word_vec: Any, char_vec: Any) -> Any:
    """Sparse [word TF-IDF | char TF-IDF | cue counts] matrix."""
    import scipy.sparse as sp

    dense = sp.csr_matrix([cue_features(t) for t in texts])
    return sp.hstack([word_vec.transform(texts), char_vec.transform(texts), dense]).tocsr()


def _new_vectorizers() -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    def make(params: dict[str, Any]) -> Any:
        args = {k: (tuple(v) if isinstance(v, list) else v) for k, v in params.items()}
        return TfidfVectorizer(**args)

    return make(_WORD_PARAMS), make(_CHAR_PARAMS)


def _new_classifier() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=2.0, class_weight="balanced", max_iter=3000)


def fit(texts: list[str], labels: list[str], meta: dict[str, Any] | None = None) -> StanceModel:
    """Fit vectorizers and classifier on masked texts."""
    import scipy.sparse as sp

    word_vec, char_vec = _new_vectorizers()
    xw = word_vec.fit_transform(texts)
    xc = char_vec.fit_transform(texts)
    dense = sp.csr_matrix([cue_features(t) for t in texts])
    x = sp.hstack([xw, xc, dense]).tocsr()
    clf = _new_classifier().fit(x, labels)
    classes = [str(c) for c in clf.classes_]
    coef = clf.coef_
    intercept = clf.intercept_
    if len(classes) == 2:  # binary LR keeps one row: make it two, softmax-equivalent
        coef = [(-coef[0] / 2).tolist(), (coef[0] / 2).tolist()]
        intercept = [-intercept[0] / 2, intercept[0] / 2]
    else:
        coef = coef.tolist()
        intercept = intercept.tolist()
    return StanceModel(
        classes=classes,
        word_vocab={k: int(v) for k, v in word_vec.vocabulary_.items()},
        word_idf=word_vec.idf_.tolist(),
        char_vocab={k: int(v) for k, v in char_vec.vocabulary_.items()},
        char_idf=char_vec.idf_.tolist(),
        coef=[list(map(float, row)) for row in coef],
        intercept=[float(x) for x in intercept],
        meta=meta or {},
    )


def cross_validate(
    texts: list[str], labels: list[str], folds: int = 5, seed: int = 0
) -> tuple[float, list[str]]:
    """Stratified k-fold macro-F1 over the labels present, and the out-of-fold predictions."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    pred = [""] * len(texts)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(texts, labels):
        model = fit([texts[i] for i in train], [labels[i] for i in train])
        for i, p in zip(test, model.predict([texts[i] for i in test]), strict=True):
            pred[i] = p
    present = sorted(set(labels))
    return float(f1_score(labels, pred, labels=present, average="macro")), pred


def save_model(model: StanceModel, path: str) -> None:
    Path(path).write_text(
        json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )


def _check_table(name: str, vocab: Any, idf: Any, path: str) -> None:
    if not isinstance(vocab, dict) or not isinstance(idf, list) or len(vocab) != len(idf):
        raise UsageError(f"{path}: not a sahelcli stance model (bad {name} vocabulary)")
    if any(not isinstance(v, int) or not 0 <= v < len(idf) for v in vocab.values()):
        raise UsageError(f"{path}: not a sahelcli stance model (bad {name} indexes)")


def load_model(path: str) -> StanceModel:
    """Read a model saved by ``save_model``; anything else is refused, never executed."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read model ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UsageError(
            f"{path}: not a sahelcli stance model (not a JSON model file; "
            "pickled or foreign models are refused)"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UsageError(f"{path}: not a sahelcli stance model (format marker missing)")
    if data.get("version") != VERSION:
        raise UsageError(
            f"{path}: stance model version {data.get('version')!r} not supported "
            f"(this sahelcli reads version {VERSION})"
        )
    try:
        classes = [str(c) for c in data["classes"]]
        word, char = data["word"], data["char"]
        _check_table("word", word["vocabulary"], word["idf"], path)
        _check_table("char", char["vocabulary"], char["idf"], path)
        width = len(word["idf"]) + len(char["idf"]) + len(cue_features(""))
        coef = [[float(x) for x in row] for row in data["coef"]]
        intercept = [float(x) for x in data["intercept"]]
    except (KeyError, TypeError, ValueError):
        raise UsageError(
            f"{path}: not a sahelcli stance model (missing or malformed fields)"
        ) from None
    if (
        not set(classes) <= set(LABELS)
        or len(coef) != len(classes)
        or len(intercept) != len(classes)
        or any(len(r) != width for r in coef)
    ):
        raise UsageError(
            f"{path}: not a sahelcli stance model (weights do not match its vocabulary)"
        )
    return StanceModel(
        classes,
        word["vocabulary"],
        [float(x) for x in word["idf"]],
        char["vocabulary"],
        [float(x) for x in char["idf"]],
        coef,
        intercept,
        dict(data.get("meta") or {}),
    )
