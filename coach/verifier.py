"""The learned correctness verifier: a logistic-regression head over claim/KB-statement pair
features (``coach.claim_features``) plus the rule verdicts, stored as plain JSON weights."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.claim_features import FEATURES

#: Feature names of the full vector: the pair features, the pair model's probability that the
#: claim is not backed by its closest KB statement, then the two rule verdicts.
ALL_FEATURES = (*FEATURES, "pair_unsupported", "rule_contradiction", "rule_support")
WEIGHTS_FILE = "verifier.json"


@dataclass(frozen=True)
class Verifier:
    """Weights, standardisation and the decision threshold chosen at training time."""

    weights: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float

    def probability(self, features: np.ndarray) -> float:
        """Probability that the claim contradicts the KB."""
        z = float(((features - self.mean) / self.scale) @ self.weights + self.intercept)
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, folder: Path) -> None:
        """Write ``verifier.json`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / WEIGHTS_FILE).write_text(json.dumps({
            "features": list(ALL_FEATURES), "weights": self.weights.tolist(), "intercept": self.intercept,
            "mean": self.mean.tolist(), "scale": self.scale.tolist(), "threshold": self.threshold,
        }, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Verifier | None:
        """Read a saved verifier; None if there is none (the rules then work alone)."""
        path = folder / WEIGHTS_FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["features"] != list(ALL_FEATURES):
            raise ValueError(f"{path}: trained with other features; retrain with `coach train correctness`")
        return cls(np.array(data["weights"]), float(data["intercept"]), np.array(data["mean"]),
                   np.array(data["scale"]), float(data["threshold"]))
