"""The learned correctness verifier: a random forest over claim/KB-statement pair features
(``coach.claim_features``) plus the pair model's probability and the rule verdicts, stored as
plain JSON arrays.

The signals interact (a low similarity means little when the values agree, a value mismatch
means little when the statement is about another slot), which a linear head cannot express.
`experiments/verifier_models.py` compares the candidates on the dev and training sets: pooled
out-of-fold reply F1 at precision 0.9 is 0.72 for a logistic regression, 0.76 for the forest
and 0.73 for their mean; the forest is also as good or better on the held-out sets (English
0.86, Russian 0.85; the mean 0.84 and 0.84) and about as good on the sample transcripts (0.73,
the mean 0.74).
The trees are evaluated with numpy, all at once, so scoring needs no pickled scikit-learn
object and no particular scikit-learn version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from coach.claim_features import FEATURES

#: Feature names of the full vector: the pair features, the pair model's probability that the
#: claim is not backed by its closest KB statement, then the two rule verdicts.
ALL_FEATURES = (*FEATURES, "pair_unsupported", "rule_contradiction", "rule_support")
WEIGHTS_FILE = "verifier.json"
MODEL = "random forest"
_LEAF = -1


@dataclass(frozen=True)
class Forest:
    """A random forest's nodes, all trees in one set of arrays.

    Node ``i`` sends a vector ``x`` to ``left[i]`` when ``x[feature[i]] <= split[i]`` and to
    ``right[i]`` otherwise; a leaf (``feature[i] == -1``) holds the share of contradicted
    claims ``value[i]``. ``roots`` are the trees' first nodes.
    """

    feature: np.ndarray
    split: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    roots: np.ndarray

    @cached_property
    def _walk(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
        """The arrays with every leaf sending a vector back to itself, and the trees' depth: all
        trees then step together a fixed number of times, with no test for who has arrived."""
        leaf = self.feature == _LEAF
        own = np.arange(len(self.feature))
        depth, nodes = 0, self.roots
        while len(nodes):  # level by level, down to the deepest leaf
            inner = nodes[~leaf[nodes]]
            nodes = np.concatenate([self.left[inner], self.right[inner]])
            depth += 1 if len(nodes) else 0
        return (np.where(leaf, 0, self.feature), np.where(leaf, np.inf, self.split),
                np.where(leaf, own, self.left), np.where(leaf, own, self.right), depth)

    def probability(self, features: np.ndarray) -> float:
        """The trees' mean leaf value for one feature vector."""
        feature, split, left, right, depth = self._walk
        nodes = self.roots
        for _ in range(depth):
            nodes = np.where(features[feature[nodes]] <= split[nodes], left[nodes], right[nodes])
        return float(self.value[nodes].mean())

    @classmethod
    def from_sklearn(cls, forest: Any) -> Forest:  # noqa: ANN401 - a fitted RandomForestClassifier
        """Flatten a fitted scikit-learn ``RandomForestClassifier`` (classes 0 and 1)."""
        parts: dict[str, list[np.ndarray]] = {k: [] for k in ("feature", "split", "left", "right", "value")}
        roots, offset = [], 0
        for estimator in forest.estimators_:
            tree = estimator.tree_
            leaf = tree.children_left == -1
            counts = tree.value[:, 0, :]
            parts["feature"].append(np.where(leaf, _LEAF, tree.feature))
            parts["split"].append(np.where(leaf, 0.0, tree.threshold))
            parts["left"].append(np.where(leaf, -1, tree.children_left + offset))
            parts["right"].append(np.where(leaf, -1, tree.children_right + offset))
            parts["value"].append(counts[:, 1] / counts.sum(axis=1))
            roots.append(offset)
            offset += tree.node_count
        joined = {k: np.concatenate(v) for k, v in parts.items()}
        return cls(joined["feature"].astype(np.int64), joined["split"].astype(np.float64),
                   joined["left"].astype(np.int64), joined["right"].astype(np.int64),
                   joined["value"].astype(np.float64), np.array(roots, dtype=np.int64))

    def to_json(self) -> dict[str, list]:
        """The arrays as lists (splits to 6 significant digits, leaf values to 4)."""
        return {"roots": self.roots.tolist(), "feature": self.feature.tolist(),
                "split": [float(f"{s:.6g}") for s in self.split], "left": self.left.tolist(),
                "right": self.right.tolist(), "value": [round(float(v), 4) for v in self.value]}

    @classmethod
    def from_json(cls, data: dict[str, list]) -> Forest:
        """The inverse of ``to_json``."""
        return cls(np.array(data["feature"], dtype=np.int64), np.array(data["split"], dtype=np.float64),
                   np.array(data["left"], dtype=np.int64), np.array(data["right"], dtype=np.int64),
                   np.array(data["value"], dtype=np.float64), np.array(data["roots"], dtype=np.int64))


@dataclass(frozen=True)
class Verifier:
    """The forest and the decision threshold."""

    forest: Forest
    threshold: float

    def probability(self, features: np.ndarray) -> float:
        """Probability that the claim contradicts the KB: the trees' mean leaf value."""
        return self.forest.probability(features)

    def save(self, folder: Path) -> None:
        """Write ``verifier.json`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / WEIGHTS_FILE).write_text(json.dumps({
            "model": MODEL, "features": list(ALL_FEATURES), "threshold": self.threshold,
            "forest": self.forest.to_json(),
        }, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Verifier | None:
        """Read a saved verifier; None if there is none (the rules then work alone)."""
        path = folder / WEIGHTS_FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("features") != list(ALL_FEATURES) or data.get("model") != MODEL:
            raise ValueError(f"{path}: trained with other features or another model; "
                             "retrain with `coach train correctness`")
        return cls(Forest.from_json(data["forest"]), float(data["threshold"]))
