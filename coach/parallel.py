"""Batch scoring across CPU cores: forked worker processes share the loaded models.

The parent scores the first few conversations itself and warms up every configured language's
pipeline, the encoder, the heads and the KB statement index; workers forked after that share
those pages copy-on-write instead of loading their own. Batches go out as they are read, at
most two per worker in flight, and results come back in input order, so a 50,000-conversation
file streams in bounded memory.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.pipeline import Coach
    from coach.types import ConversationResult, Transcript

#: Upper bound for ``workers = 0`` (one per core): each worker's private memory grows with its caches.
MAX_AUTO_WORKERS = 4

_WORKER_COACH: Coach | None = None


def resolve_workers(workers: int) -> int:
    """``workers`` as a process count: 0 means one per CPU core (at most ``MAX_AUTO_WORKERS``)."""
    if workers < 0:
        raise ValueError(f"workers must be 0 (one per core) or more, not {workers}")
    if workers == 0:
        return max(1, min(os.cpu_count() or 1, MAX_AUTO_WORKERS))
    return workers


def can_fork() -> bool:
    """Whether worker processes can inherit the loaded models (fork exists on Linux and macOS)."""
    return "fork" in multiprocessing.get_all_start_methods()


def score_in_workers(coach: Coach, batches: Iterable[list[Transcript]], workers: int) -> Iterator[ConversationResult]:
    """Score ``batches`` in ``workers`` forked processes; results in input order.

    The caller has loaded the models (``Coach.score_many`` warms them up first).
    """
    global _WORKER_COACH
    _WORKER_COACH = coach  # inherited by the forked workers; never pickled
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_one_thread_per_worker)
    pending: deque[Future[list[ConversationResult]]] = deque()
    try:
        for batch in batches:
            pending.append(pool.submit(_score_batch, batch))
            if len(pending) >= 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _WORKER_COACH = None


def _one_thread_per_worker() -> None:
    # Each worker is one core's worth of work; BLAS threads on top would only contend.
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _score_batch(batch: list[Transcript]) -> list[ConversationResult]:
    if _WORKER_COACH is None:
        raise RuntimeError("worker started without a Coach (the pool must be forked)")
    return list(_WORKER_COACH.score_batch(batch))
