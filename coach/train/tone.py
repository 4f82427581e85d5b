"""Training data and metrics shared by the politeness and empathy heads.

Support sets (``labels.jsonl`` beside conversations) become reply examples; public sets
become text examples. Out-of-fold predictions on the support sets (folds grouped by
conversation, public data always in training) choose the flag threshold honestly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.evaluate import prf
from coach.io import read_transcripts
from coach.linear_head import LinearHead, calibration_table, fit_head, platt, rescaled
from coach.types import Transcript

FOLDS = 5


@dataclass(eq=False)
class ReplyRows:
    """Feature rows of one labelled agent reply (one row per sentence, or one per reply)."""

    key: tuple[str, int]
    language: str
    rows: np.ndarray
    #: Per-row training label (None: do not train on that row), and the reply's gold flag.
    row_labels: list[int | None]
    gold: int | None
    #: Whether the rule-based scorer (without a head) already flags the reply.
    rule_flag: bool = False
    #: Per row: whether the sentence has a telling cue (see coach.tone_features.flaggable).
    row_telling: list[bool] | None = None
    #: Extra training rows (the labelled sentences as standalone texts), never scored.
    extra_rows: np.ndarray | None = None
    extra_labels: list[int] | None = None


def labelled_transcripts(folders: list[str]) -> tuple[list[Transcript], dict[tuple[str, int], dict]]:
    """Transcripts and raw label records (with their evidence spans) of support sets."""
    import json

    records: dict[tuple[str, int], dict] = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob("labels.jsonl")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                    records[(raw["conversation_id"], int(raw["turn"]))] = raw
                except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                    raise ValueError(f"{path}: line {number}: bad label ({exc})") from None
    transcripts = [t for t in read_transcripts(folders) if isinstance(t, Transcript)]
    return transcripts, records


def binary_metrics(probabilities: np.ndarray, labels: np.ndarray, threshold: float = 0.5) -> dict[str, object]:
    """Accuracy, macro-F1, expected calibration error and the reliability table."""
    from sklearn.metrics import accuracy_score, f1_score

    predicted = probabilities >= threshold
    ece, table = calibration_table(probabilities, labels)
    return {"n": int(len(labels)), "threshold": round(float(threshold), 2),
            "accuracy": round(float(accuracy_score(labels, predicted)), 4),
            "macro_f1": round(float(f1_score(labels, predicted, average="macro")), 4),
            "ece": round(ece, 4), "reliability": table}


def flag_prf(replies: list[ReplyRows], probabilities: list[float], threshold: float) -> dict[str, float]:
    """Precision, recall and F1 of "rules flag OR the head's reply probability ≥ threshold"."""
    tp = fp = fn = 0
    for reply, p in zip(replies, probabilities, strict=True):
        predicted = reply.rule_flag or p >= threshold
        truth = reply.gold == 1
        tp += int(predicted and truth)
        fp += int(predicted and not truth)
        fn += int(truth and not predicted)
    return prf(tp, fp, fn)


def out_of_fold(replies: list[ReplyRows], base_x: np.ndarray, base_y: np.ndarray, names: tuple[str, ...],
                c: float, reply_score: Callable[[LinearHead, ReplyRows], float],
                support_weight: float = 1.0, embedding_scale: float = 1.0) -> list[float]:
    """Each support reply's probability from a head fitted without its conversation's fold."""
    conversations = sorted({r.key[0] for r in replies})
    fold_of = {cid: i % FOLDS for i, cid in enumerate(conversations)}
    out = [0.0] * len(replies)
    for fold in range(FOLDS):
        train = [r for r in replies if fold_of[r.key[0]] != fold]
        head = fit_rows(train, base_x, base_y, names, c, support_weight, embedding_scale)
        for i, reply in enumerate(replies):
            if fold_of[reply.key[0]] == fold:
                out[i] = reply_score(head, reply)
    return out


def fit_rows(replies: list[ReplyRows], base_x: np.ndarray, base_y: np.ndarray, names: tuple[str, ...],
             c: float, support_weight: float = 1.0, embedding_scale: float = 1.0) -> LinearHead:
    """Fit a head on public rows plus the trainable rows of ``replies``."""
    xs, ys, ws = [base_x], [base_y], [np.ones(len(base_y))]
    for reply in replies:
        keep = [i for i, label in enumerate(reply.row_labels) if label is not None]
        if keep:
            xs.append(reply.rows[keep])
            ys.append(np.asarray([reply.row_labels[i] for i in keep]))
            ws.append(np.full(len(keep), support_weight))
        if reply.extra_rows is not None and reply.extra_labels:
            xs.append(reply.extra_rows)
            ys.append(np.asarray(reply.extra_labels))
            ws.append(np.full(len(reply.extra_labels), support_weight))
    return fit_head(np.vstack(xs), np.concatenate(ys), names, c=c, sample_weight=np.concatenate(ws),
                    embedding_scale=embedding_scale)


def calibrated_head(features: np.ndarray, labels: np.ndarray, names: tuple[str, ...], c: float) -> LinearHead:
    """A class-balanced head (the minority class is not drowned), Platt-calibrated on
    out-of-fold logits, with the threshold of best out-of-fold macro-F1 (5 stratified folds):
    for a skewed public set where 0.5 on raw scores favours the majority class."""
    from dataclasses import replace

    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    logits = np.zeros(len(labels))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=0).split(features, labels):
        logits[test] = fit_head(features[train], labels[train], names, c=c).logits(features[test])
    a, b = platt(logits, labels)
    head = rescaled(fit_head(features, labels, names, c=c), a, b)
    calibrated = 1.0 / (1.0 + np.exp(-(a * logits + b)))
    grid = [round(float(t), 2) for t in np.arange(0.2, 0.81, 0.02)]
    threshold = max(grid, key=lambda t: (f1_score(labels, calibrated >= t, average="macro"), -abs(t - 0.5)))
    return replace(head, threshold=threshold)


def best_threshold(replies: list[ReplyRows], probabilities: list[float]) -> tuple[float, dict[str, float]]:
    """The threshold with the best out-of-fold flag F1 (ties: the higher, fewer false flags)."""
    best = (0.5, flag_prf(replies, probabilities, 0.5))
    for threshold in np.arange(0.30, 0.96, 0.01):
        metrics = flag_prf(replies, probabilities, float(threshold))
        if metrics["f1"] >= best[1]["f1"]:
            best = (round(float(threshold), 2), metrics)
    return best
