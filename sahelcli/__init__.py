"""sahelcli: analyse French-language (and English) news about the Sahel.

The small public Python API. Every function works on plain ``dict`` records
(see README.md, "The record format") so that unknown fields pass through untouched::

    from sahelcli import read_text_article, analyze_record
    record = analyze_record(read_text_article(open("a.txt").read()))

Names are imported on first use, so ``import sahelcli`` stays instant.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "RECORD_VERSION": "sahelcli.records",
    "Record": "sahelcli.records",
    "ArticleError": "sahelcli.errors",
    "InputError": "sahelcli.errors",
    "UsageError": "sahelcli.errors",
    "read_inputs": "sahelcli.io",
    "read_text_article": "sahelcli.io",
    "tokenize_record": "sahelcli.tokenize",
    "tokenize_text": "sahelcli.tokenize",
    "extract_keywords": "sahelcli.keywords",
    "keywords_stage": "sahelcli.keywords",
    "stance_record": "sahelcli.stance",
    "stance_stage": "sahelcli.stance",
    "summarize_record": "sahelcli.summarize",
    "summarize_stage": "sahelcli.summarize",
    "Pipeline": "sahelcli.pipeline",
    "analyze_record": "sahelcli.analyze",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'sahelcli' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
