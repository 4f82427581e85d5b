"""``coach bench``: speed and memory of scoring and of the draft checker, on this machine.

Numbers come from one run: cold start (models and KB index), warm end-to-end throughput on
the sample transcripts replicated to the requested size, per-stage time, ``coach check``
latency (median, p95) and peak memory. Timing belongs here, never in tests.
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from coach.config import Config
from coach.io import read_transcripts
from coach.types import Transcript

DRAFTS = [
    ("How long do refunds take to reach my card?", "Refunds to your card take 5-10 business days."),
    ("My order is an hour late, I'm furious!", "Calm down, it will arrive soon."),
    ("Can I pay cash to the courier?", "I'm sorry, we don't offer cash on delivery; you can pay by card or Apple Pay."),
    ("Заказ опоздал на час!", "Приносим извинения! Начислим 300 ₽ бонусов в течение 24 часов."),
    ("Сколько стоит подписка Plus?", "Plus стоит 299 ₽ в месяц или 2 990 ₽ в год."),
]


def _replicate(transcripts: list[Transcript], replies: int) -> list[Transcript]:
    per = sum(len(t.agent_turn_indices()) for t in transcripts) or 1
    copies = max(1, -(-replies // per))
    return [replace(t, id=f"{t.id}~{i}") for i in range(copies) for t in transcripts]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_bench(config: Config, data: str, kb: str | None, replies: int, checks: int) -> dict[str, Any]:
    """Measure and return the figures (also the JSON written by the command)."""
    from coach.pipeline import Coach

    start = time.perf_counter()
    coach = Coach(config, kb_path=kb)
    transcripts = [t for t in read_transcripts([data]) if isinstance(t, Transcript)]
    list(coach.score_many(transcripts[:2]))  # load the spaCy pipelines and warm the encoder
    cold = time.perf_counter() - start
    corpus = _replicate(transcripts, replies)
    stages = {"nlp": 0.0, **{s.name: 0.0 for s in coach.scorers}}
    scored = 0
    start = time.perf_counter()
    for index in range(0, len(corpus), config.batch_size):
        batch = corpus[index:index + config.batch_size]
        t0 = time.perf_counter()
        analyses = coach.nlp.analyze(batch)
        stages["nlp"] += time.perf_counter() - t0
        for analysis in analyses:
            for scorer in coach.scorers:
                t0 = time.perf_counter()
                scorer.score_conversation(analysis)
                stages[scorer.name] += time.perf_counter() - t0
            scored += len(analysis.transcript.agent_turn_indices())
    warm = time.perf_counter() - start
    latencies = []
    for i in range(checks):
        context, draft = DRAFTS[i % len(DRAFTS)]
        t0 = time.perf_counter()
        coach.check(f"{draft} ({i})", context=context)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    return {
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine(),
                    "cpus": __import__("os").cpu_count()},
        "cold_start_s": round(cold, 2), "replies": scored, "conversations": len(corpus),
        "warm_seconds": round(warm, 2), "replies_per_second": round(scored / warm, 1),
        "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
        "check_ms": {"median": round(statistics.median(latencies), 1),
                     "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1), "n": len(latencies)},
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def print_table(result: dict[str, Any]) -> None:
    """The figures as a small table."""
    rows = [("cold start (models, KB index)", f"{result['cold_start_s']} s"),
            ("replies scored (warm)", f"{result['replies']} in {result['warm_seconds']} s"),
            ("throughput, all dimensions", f"{result['replies_per_second']} replies/s"),
            *[(f"  stage: {k}", f"{v} s") for k, v in result["stage_seconds"].items()],
            ("coach check median / p95", f"{result['check_ms']['median']} / {result['check_ms']['p95']} ms"),
            ("peak memory (RSS)", f"{result['peak_rss_mb']} MB")]
    for label, value in rows:
        print(f"{label:<34}{value}")


def write(result: dict[str, Any], path: Path) -> None:
    """Save the figures as JSON."""
    path.write_text(json.dumps(result, indent=1), encoding="utf-8")
