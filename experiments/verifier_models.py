"""Compare the correctness verifier's candidate models: a logistic regression, a random forest
(what `coach train correctness` fits) and their mean, on the same claim examples.

For each: the threshold chosen out of fold as training chooses it (the same averaged splits;
the lowest down to which pooled out-of-fold reply precision stays at 0.9), pooled out-of-fold
reply P / R / F1, and the model fitted on all training sets scored on the held-out sets and
the sample transcripts.
This is the comparison behind `coach/verifier.py`'s choice of the forest.

    python experiments/verifier_models.py \
      --data dev/correctness/en --data dev/correctness/ru \
      --data dev/correctness/train-en --data dev/correctness/train-ru \
      --data dev/correctness/train2-en --data dev/correctness/train2-ru \
      --data dev/correctness/train3-en --data dev/correctness/train3-ru \
      --data dev/correctness/train4-en --data dev/correctness/train4-ru \
      --data dev/correctness/train5-en --data dev/correctness/train5-ru \
      --heldout dev/correctness/heldout-en --heldout dev/correctness/heldout-ru --heldout transcripts
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from coach.config import Config
from coach.pipeline import Coach
from coach.train.correctness import (
    MIN_LEAF,
    SEED,
    TREES,
    Example,
    choose_threshold,
    collect,
    gold_replies,
    out_of_fold,
    reply_metrics,
)


def _regression() -> object:
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced",
                                                              random_state=SEED))


def _forest() -> object:
    return RandomForestClassifier(n_estimators=TREES, min_samples_leaf=MIN_LEAF, class_weight="balanced",
                                  random_state=SEED, n_jobs=-1)



def _predict(makers: list[Callable[[], object]], x: np.ndarray, y: np.ndarray, new: np.ndarray) -> np.ndarray:
    """The mean probability of the models made by ``makers``, fitted on (x, y), for ``new``."""
    return np.mean([maker().fit(x, y).predict_proba(new)[:, 1] for maker in makers], axis=0)  # type: ignore[attr-defined]


def main() -> None:
    """Print the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", action="append", required=True, help="training set (repeatable)")
    parser.add_argument("--heldout", action="append", default=[], help="scored only (repeatable)")
    parser.add_argument("--kb", default="kb")
    args = parser.parse_args()
    coach = Coach(Config(), kb_path=args.kb)
    examples: list[Example] = [e for folder in args.data for e in collect(coach, folder)]
    replies = {key: gold for folder in args.data for key, gold in gold_replies(folder).items()}
    heldout = {folder: collect(coach, folder) for folder in args.heldout}
    fit = np.array([e.fit for e in examples])
    x = np.stack([e.features for e in examples])
    y = np.array([e.label for e in examples])
    candidates = {"regression": [_regression], "forest": [_forest], "mean of both": [_regression, _forest]}
    print(f"{len(examples)} examples from {len(args.data)} sets")
    for name, makers in candidates.items():
        def fit_predict(train: list[Example], test: list[Example], makers: list = makers) -> np.ndarray:
            train = [e for e in train if e.fit]
            return _predict(makers, np.stack([e.features for e in train]), np.array([e.label for e in train]),
                            np.stack([e.features for e in test]))

        oof = out_of_fold(examples, fit_predict)
        threshold = choose_threshold([(t, reply_metrics(examples, oof, t, replies))
                                      for t in np.arange(0.5, 0.99, 0.01)])
        pooled = reply_metrics(examples, oof, threshold, replies)
        line = [f"{name:13} threshold {threshold:.2f}  out of fold P {pooled['precision']:.2f} "
                f"R {pooled['recall']:.2f} F1 {pooled['f1']:.2f}"]
        for folder, group in heldout.items():
            probabilities = _predict(makers, x[fit], y[fit], np.stack([e.features for e in group]))
            m = reply_metrics(group, probabilities, threshold, gold_replies(folder))
            line.append(f"{folder}: {m['precision']:.2f}/{m['recall']:.2f}/{m['f1']:.2f}")
        print("  |  ".join(line))


if __name__ == "__main__":
    main()
