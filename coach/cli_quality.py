"""``coach eval``, ``coach train`` and ``coach bench``: measuring and fitting."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from coach.cli import EXIT_BAD_INPUT, EXIT_OK, Problems, load_coach


def cmd_eval(args: argparse.Namespace, config) -> int:  # noqa: ANN001
    """``coach eval``: flag metrics (and retrieval recall) on labelled dev sets."""
    from coach.devset import load_labels
    from coach.errors import InputProblem
    from coach.evaluate import flag_metrics, kind_recall, retrieval_recall
    from coach.io import read_transcripts

    problems = Problems(sys.stderr)
    dimensions = config.enabled_dimensions() if args.target == "dev" else [args.target]
    folders = args.data or (["transcripts"] if args.target == "dev" else
                            [str(p) for p in sorted(Path("dev", args.target).glob("*")) if p.is_dir()])
    coach = load_coach(config, args.kb, problems)
    print(f"{'set':<34}{'dimension':<16}{'lang':<6}{'P':>6}{'R':>6}{'F1':>6}{'TP':>5}{'FP':>5}{'FN':>5}{'n/a err':>9}")
    for folder in folders:
        labels = load_labels(folder)
        if not labels:
            problems.report(InputProblem(folder, "", "no labels.jsonl found"))
            continue
        transcripts = []
        for item in read_transcripts([folder]):
            (problems.report if isinstance(item, InputProblem) else transcripts.append)(item)
        results = list(coach.score_many(transcripts))
        for m in flag_metrics(results, labels, dimensions):
            print(f"{folder[-33:]:<34}{m.dimension:<16}{m.language:<6}{m.precision:6.2f}{m.recall:6.2f}{m.f1:6.2f}"
                  f"{m.tp:5d}{m.fp:5d}{m.fn:5d}{m.applicability_errors:9d}")
        for kind, (hit, total) in sorted(kind_recall(results, labels).items()):
            print(f"{'':<34}recall of kind {kind:<22}{hit / total:6.2f} ({hit}/{total})")
        if args.target in ("dev", "correctness") and coach.kb is not None:
            for k in (1, 3):
                for lang, (hit, total) in sorted(retrieval_recall(coach, transcripts, labels, k=k).items()):
                    print(f"{'':<34}retrieval recall@{k} {lang:<4} {hit / total:.3f} ({hit}/{total})")
    if args.target == "politeness" and (args.stanford or args.binary_eval):
        from coach.evaluate_public import politeness_metrics

        print_metrics(politeness_metrics(coach, args.stanford, args.binary_eval))
    if args.target == "empathy" and (args.epitome or args.emotion_eval):
        from coach.evaluate_public import empathy_metrics

        print_metrics(empathy_metrics(coach, args.epitome, args.emotion_eval))
    if args.target == "correctness" and args.grounding:
        from coach.evaluate_grounding import grounding_metrics

        for path in args.grounding:
            m = grounding_metrics(coach, Path(path))
            print(f"{Path(path).name:<34}correctness     en  {m['precision']:6.2f}{m['recall']:6.2f}{m['f1']:6.2f}"
                  f"{m['tp']:5d}{m['fp']:5d}{m['fn']:5d}   (n={m['n']}, {m['unsupported']} unsupported, "
                  f"no checkable claim in {m['no_claim_share']:.0%})")
    return EXIT_BAD_INPUT if problems.count else EXIT_OK


def cmd_train(args: argparse.Namespace, config) -> int:  # noqa: ANN001
    """``coach train``: fit a head on labelled sets; prints its out-of-fold metrics."""
    from dataclasses import replace

    from coach.config import DimensionConfig
    if not args.data and args.target != "pairs":
        print(f"coach train {args.target}: give at least one labelled set with --data", file=sys.stderr)
        return EXIT_BAD_INPUT
    out = Path(args.out or Path(config.models_dir) / args.target)
    # Train the rules alone: an existing model must not feed its own verdicts back in.
    only = {name: DimensionConfig(enabled=(name == args.target)) for name in config.dimensions}
    problems = Problems(sys.stderr)
    # The correctness verifier's features use the pair model, so its folder stays in view;
    # they never use the verifier itself.
    models_dir = config.models_dir if args.target == "correctness" else str(out.parent / ".none")
    coach = load_coach(replace(config, dimensions=only, models_dir=models_dir), args.kb, problems)
    if args.target == "pairs":
        from coach.train.pairs import train as train_pairs

        # The pair model reads raw texts: it needs the encoder and the KB, no scorer.
        try:
            card = train_pairs(coach, args.grounding, args.kb_consistency, args.data, out)
        except (OSError, ValueError, KeyError) as exc:  # a missing or malformed source file
            print(f"coach train pairs: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(json.dumps(card["scored_metrics_at_0.5"], indent=1))
    elif args.target == "correctness":
        from coach.train.correctness import train

        card = train(coach, args.data, out, heldout=args.heldout)
        shown = ("examples", "positives", "threshold", "out_of_fold_reply_metrics", "heldout_reply_metrics")
        print(json.dumps({k: card[k] for k in shown}, indent=1))
    elif args.target == "politeness":
        from coach.train.politeness import train as train_politeness

        card = train_politeness(coach, args.data, args.heldout, args.stanford, args.binary, args.binary_eval, out)
        print_metrics(card["metrics"])
    else:
        from coach.train.empathy import train as train_empathy

        card = train_empathy(coach, args.data, args.heldout, args.epitome, args.emotion, args.emotion_eval, out)
        print_metrics(card["metrics"])
    print(f"wrote {out}/ with card.json")
    return EXIT_BAD_INPUT if problems.count else EXIT_OK


def print_metrics(metrics: dict) -> None:
    """One line per evaluation in a card: flag P/R/F1, or accuracy, macro-F1 and calibration."""
    for name, m in metrics.items():
        if "f1" in m:
            print(f"{name:<42} P {m['precision']:.2f}  R {m['recall']:.2f}  F1 {m['f1']:.2f}  "
                  f"(TP {m['tp']}, FP {m['fp']}, FN {m['fn']})")
        else:
            print(f"{name:<42} accuracy {m['accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}  "
                  f"ECE {m['ece']:.3f}  (n={m['n']}, threshold {m.get('threshold', 0.5):.2f})")
            print(f"{'':<42} reliability (p bin, n, mean p, observed): "
                  + "; ".join(f"{b} {n} {p:.2f}/{o:.2f}" for b, n, p, o in m["reliability"]))


def cmd_bench(args: argparse.Namespace, config) -> int:  # noqa: ANN001
    """``coach bench``: print the figures and write them to JSON."""
    from coach.bench import markdown, print_table, run_bench, write

    result = run_bench(config, args.data, args.kb, args.replies, args.checks, workers=args.workers,
                       scale=args.scale, kb_sizes=args.kb_sizes)
    if args.markdown:
        print(markdown(result), end="")
    else:
        print_table(result)
    write(result, Path(args.out))
    return EXIT_OK
