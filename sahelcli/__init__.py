"""sahelcli: analyse French-language (and English) news about the Sahel.

The small public Python API. Every function works on plain ``dict`` records
(see ``docs/record-format.md``) so that unknown fields pass through untouched.
"""

from __future__ import annotations

__version__ = "0.1.0"

from sahelcli.errors import ArticleError, InputError, UsageError
from sahelcli.io import read_inputs, read_text_article
from sahelcli.records import RECORD_VERSION, Record
from sahelcli.tokenize import tokenize_record, tokenize_text

__all__ = [
    "RECORD_VERSION",
    "ArticleError",
    "InputError",
    "Record",
    "UsageError",
    "__version__",
    "read_inputs",
    "read_text_article",
    "tokenize_record",
    "tokenize_text",
]
