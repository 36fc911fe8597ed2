"""``sahelcli stance`` and ``sahelcli train-stance``."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from sahelcli.cli.app import (
    ForceOpt,
    FormatOpt,
    Inputs,
    JobsOpt,
    LangOpt,
    QuietOpt,
    app,
    run_records,
)
from sahelcli.errors import UsageError
from sahelcli.pipeline import Pipeline

TargetsFileOpt = Annotated[
    Optional[str],  # noqa: UP045 - Typer needs Optional on 3.10
    typer.Option(
        "--targets",
        help="Extra actors: a JSON file (or TOML on Python 3.11+) listing "
        '{"name", "aliases", "acronyms"} objects; they extend the shipped gazetteer.',
    ),
]
TargetOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--target",
        help='An extra target by name (repeatable), e.g. --target "Marine Le Pen": '
        "matched on the name and the last name.",
    ),
]
ModelOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--model", help="A model from 'sahelcli train-stance' (default: the cue tagger)."),
]

LABELS = ("favor", "against", "neutral")


@app.command()
def stance(
    inputs: Inputs = None,
    targets: TargetsFileOpt = None,
    target: TargetOpt = None,
    model: ModelOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    force: ForceOpt = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """How each article portrays the actors it mentions: favor / against / neutral, with evidence.

    A record with a "target" field gets exactly that target.
    """
    from sahelcli.stance import stance_stage

    stage = stance_stage(target or None, targets, model, force, lang=lang)
    pipeline = Pipeline([stage], lang=lang)
    raise typer.Exit(run_records(inputs, pipeline, "stance", fmt, quiet=quiet, jobs=jobs))


def read_training(path: str) -> tuple[list[dict[str, str]], list[int]]:
    """Training records and their line numbers; any bad line is a UsageError naming it."""
    try:
        handle = open(path, encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise UsageError(f"{path}: cannot read training file ({exc.strerror or exc})") from None
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    with handle:
        try:
            for n, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                rows.append(_training_row(path, n, line))
                lines.append(n)
        except UnicodeDecodeError:
            raise UsageError(f"{path}: not UTF-8 text") from None
    if not rows:
        raise UsageError(f"{path}: no training records")
    present = sorted({r["label"] for r in rows})
    if len(present) < 2:
        raise UsageError(
            f"{path}: every record has label {present[0]!r}; training needs at least two labels"
        )
    return rows, lines


def _training_row(path: str, n: int, line: str) -> dict[str, str]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise UsageError(f"{path}:{n}: expected a JSON object with text, target and label")
    for key in ("text", "target", "label"):
        if key not in obj:
            raise UsageError(f"{path}:{n}: missing field {key!r}")
        if not isinstance(obj[key], str) or not obj[key].strip():
            raise UsageError(f"{path}:{n}: field {key!r} must be a non-empty string")
    label = obj["label"].strip().lower()
    if label not in LABELS:
        raise UsageError(
            f"{path}:{n}: unknown label {obj['label']!r} (expected favor, against or neutral)"
        )
    title = obj.get("title") if isinstance(obj.get("title"), str) else ""
    return {"text": obj["text"], "target": obj["target"], "label": label, "title": title}


@app.command("train-stance")
def train_stance(
    data: Annotated[str, typer.Argument(help='JSON Lines of {"text", "target", "label"} records.')],
    out: Annotated[str, typer.Option("--out", "-o", help="Where to write the model (JSON).")],
    folds: Annotated[int, typer.Option("--folds", min=2, help="Cross-validation folds.")] = 5,
    targets: TargetsFileOpt = None,
) -> None:
    """Train a stance classifier, print its cross-validated macro-F1, save it (JSON, no pickle)."""
    from collections import Counter

    from sahelcli.stance import load_gazetteer
    from sahelcli.stance.classifier import cross_validate, fit, masked_context, save_model

    rows, _ = read_training(data)
    gaz = load_gazetteer(targets)
    texts = [
        masked_context(r["text"], r["title"] or None, gaz.resolve(r["target"]), gaz) for r in rows
    ]
    labels = [r["label"] for r in rows]
    counts = Counter(labels)
    k = min(folds, min(counts.values()))
    summary = ", ".join(f"{lab} {counts[lab]}" for lab in LABELS if counts[lab])
    typer.echo(f"{data}: {len(rows)} records ({summary})")
    if k >= 2:
        f1, _ = cross_validate(texts, labels, folds=k)
        typer.echo(f"cross-validated macro-F1 ({k}-fold): {f1:.4f}")
    else:
        f1 = float("nan")
        typer.echo("cross-validation skipped: a label has a single example", err=True)
    model = fit(
        texts,
        labels,
        meta={
            "trained_on": data,
            "records": len(rows),
            "labels": dict(counts),
            "cv_macro_f1": round(f1, 4) if k >= 2 else None,
            "targets": sorted({r["target"] for r in rows}),
        },
    )
    try:
        save_model(model, out)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write model ({exc.strerror or exc})") from None
    typer.echo(f"model saved to {out}")
