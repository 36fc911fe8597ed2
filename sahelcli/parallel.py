"""Process records in worker processes, output in input order.

Reading stays in the parent (it is cheap and keeps error order); records go
to a fork-started pool in bounded windows, so memory does not grow with the
number of articles; results come back in input order, so ``--jobs 2`` writes
exactly what ``--jobs 1`` writes. Workers may encode their record themselves
(``encode``) so that only one string crosses the process boundary.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from sahelcli.errors import InputError
from sahelcli.pipeline import Outcome, Pipeline
from sahelcli.records import Record

if TYPE_CHECKING:
    from concurrent.futures import Future

Encode = Callable[[Record], Any]

_WORKER: dict[str, Any] = {}


def default_jobs(inputs: list[str]) -> int:
    """All cores when a folder is given (batch work), else one process."""
    if any(os.path.isdir(path) for path in inputs):
        return max(1, os.cpu_count() or 1)
    return 1


def _init_worker(pipeline: Pipeline, encode: Encode | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _WORKER["pipeline"] = pipeline
    _WORKER["encode"] = encode


def _encoded(outcomes: Iterable[Outcome], encode: Encode | None) -> Iterator[Outcome]:
    """Outcomes with their record replaced by ``encode(record)`` when asked."""
    for outcome in outcomes:
        if encode is not None and outcome.record is not None:
            outcome.encoded = encode(outcome.record)
            outcome.record = None
        yield outcome


def _run_chunk(items: list[Record | InputError]) -> list[Outcome]:
    pipeline: Pipeline = _WORKER["pipeline"]
    return list(_encoded(pipeline.process(items), _WORKER["encode"]))


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def process(
    pipeline: Pipeline,
    items: Iterable[Record | InputError],
    jobs: int = 1,
    encode: Encode | None = None,
    chunk_size: int = 8,
) -> Iterator[Outcome]:
    """Outcomes for ``items`` in input order, computed by ``jobs`` processes.

    With ``encode``, each outcome carries ``encoded`` (e.g. its JSON line)
    instead of ``record``.
    """
    if jobs <= 1:
        yield from _encoded(pipeline.process(items), encode)
        return
    # imported here: one process (a single file, --jobs 1) does not pay ~10 ms for them
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        yield from _encoded(pipeline.process(items), encode)
        return
    # The first item runs here, before the fork: the workers then inherit warm caches
    # (lemma tables, background model, gazetteer regex) instead of loading them each.
    iterator = iter(items)
    for first in iterator:
        yield from process(pipeline, [first], 1, encode)
        break
    items = iterator
    context = multiprocessing.get_context("fork")
    window = jobs * 4  # chunks in flight: enough to keep workers busy, bounded memory
    executor = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init_worker, initargs=(pipeline, encode)
    )
    pending: list[Future[list[Outcome]]] = []
    try:
        for chunk in _chunks(items, chunk_size):
            pending.append(executor.submit(_run_chunk, chunk))
            while len(pending) >= window:
                yield from pending.pop(0).result()
        while pending:
            yield from pending.pop(0).result()
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)
