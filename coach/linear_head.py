"""A logistic-regression head stored as plain JSON (no pickles in ``models/``), with the
names of its features so that each prediction can say which cues pushed it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class LinearHead:
    """``sigmoid(x · weights + bias)`` over standardised features."""

    feature_names: tuple[str, ...]
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    #: Decision threshold on the probability, chosen at training time for the flag.
    threshold: float = 0.5

    def logits(self, features: np.ndarray) -> np.ndarray:
        """Raw scores for a (rows, features) matrix."""
        return ((features - self.mean) / self.scale) @ self.weights + self.bias

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """P(label 1) per row."""
        return 1.0 / (1.0 + np.exp(-self.logits(np.atleast_2d(features))))

    def contributions(self, row: np.ndarray) -> dict[str, float]:
        """Each named feature's share of one row's logit (named features only; embedding
        dimensions, named ``emb*``, are summed into one ``embedding`` entry)."""
        parts = ((row - self.mean) / self.scale) * self.weights
        out: dict[str, float] = {}
        for name, value in zip(self.feature_names, parts, strict=True):
            key = "embedding" if name.startswith("emb") else name
            out[key] = out.get(key, 0.0) + float(value)
        return out

    def to_json(self) -> dict:
        """The head as a JSON-ready dict (numbers to 6 decimals)."""
        return {"feature_names": list(self.feature_names), "weights": [round(float(w), 6) for w in self.weights],
                "bias": float(self.bias), "mean": [round(float(m), 6) for m in self.mean],
                "scale": [round(float(s), 6) for s in self.scale], "threshold": self.threshold}

    @classmethod
    def from_json(cls, raw: dict) -> LinearHead:
        """The inverse of :meth:`to_json`."""
        return cls(tuple(raw["feature_names"]), np.asarray(raw["weights"], dtype=np.float32), float(raw["bias"]),
                   np.asarray(raw["mean"], dtype=np.float32), np.asarray(raw["scale"], dtype=np.float32),
                   float(raw.get("threshold", 0.5)))

    def save(self, path: Path) -> None:
        """Write the head as JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json()) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> LinearHead:
        """Read a head written by :meth:`save`."""
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def fit_head(features: np.ndarray, labels: np.ndarray, names: tuple[str, ...], c: float = 0.3,
             sample_weight: np.ndarray | None = None, balanced: bool = True,
             embedding_scale: float = 1.0) -> LinearHead:
    """Fit an L2-regularised logistic regression (deterministic lbfgs), class-balanced unless
    ``balanced`` is false (then its probabilities keep the data's base rate).

    ``embedding_scale`` < 1 shrinks the standardised embedding columns (``emb*``), which
    regularises them harder than the named cues: an embedding also encodes the topic, and
    topic is not tone ("refund" sentences are not rude because rude ones mention refunds).
    """
    from sklearn.linear_model import LogisticRegression

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-6] = 1.0
    scale = scale / np.asarray([embedding_scale if n.startswith("emb") else 1.0 for n in names])
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None)
    model.fit((features - mean) / scale, labels, sample_weight=sample_weight)
    return LinearHead(names, model.coef_[0].astype(np.float32), float(model.intercept_[0]),
                      mean.astype(np.float32), scale.astype(np.float32))


def platt(logits: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Platt scaling: ``(a, b)`` such that ``sigmoid(a * logit + b)`` is calibrated, fitted on
    out-of-fold ``logits``."""
    from sklearn.linear_model import LogisticRegression

    scaler = LogisticRegression(C=1e6, max_iter=1000).fit(logits[:, None], labels)
    return float(scaler.coef_[0, 0]), float(scaler.intercept_[0])


def rescaled(head: LinearHead, a: float, b: float) -> LinearHead:
    """``head`` with Platt's ``(a, b)`` folded in (it stays a linear head)."""
    return LinearHead(head.feature_names, (head.weights * a).astype(np.float32), head.bias * a + b, head.mean,
                      head.scale, head.threshold)


def append_logit(rows: np.ndarray, public: LinearHead | None) -> np.ndarray:
    """``rows`` with the logit of a head fitted on public data appended as one more column:
    the support head stacks on top of what the public data taught (0 when there is none)."""
    rows = np.atleast_2d(rows)
    column = public.logits(rows) if public is not None else np.zeros(len(rows))
    return np.hstack([rows, column[:, None].astype(np.float32)])


@cache
def load_head(path: str, expected: tuple[str, ...] | None = None) -> LinearHead | None:
    """The head at ``path``, read once per process; ``None`` when the file is missing.

    With ``expected`` feature names, a head fitted on other features (the strategy file
    changed since training) is refused with a message saying how to fix it.
    """
    if not Path(path).exists():
        return None
    head = LinearHead.load(Path(path))
    if expected is not None and head.feature_names != expected:
        raise ValueError(f"{path}: fitted on {len(head.feature_names)} features, the code now makes "
                         f"{len(expected)}; retrain it (coach train, see models/README.md)")
    return head


def calibration_table(probabilities: np.ndarray, labels: np.ndarray, bins: int = 10) -> tuple[float, list[tuple]]:
    """Expected calibration error and its reliability rows (bin range, count, mean p, share of 1s)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows, ece = [], 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (probabilities >= low) & ((probabilities < high) | (high == 1.0))
        if not inside.any():
            continue
        confidence, accuracy = float(probabilities[inside].mean()), float(labels[inside].mean())
        ece += inside.mean() * abs(confidence - accuracy)
        rows.append((f"{low:.1f}-{high:.1f}", int(inside.sum()), round(confidence, 3), round(accuracy, 3)))
    return float(ece), rows


def choose_c(features: np.ndarray, labels: np.ndarray, grid: tuple[float, ...] = (0.001, 0.003, 0.01, 0.03, 0.1),
             folds: int = 5, balanced: bool = True) -> float:
    """The regularisation strength with the best cross-validated accuracy (fixed folds)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
    scores = {c: cross_val_score(make_pipeline(StandardScaler(), LogisticRegression(
        C=c, max_iter=5000, class_weight="balanced" if balanced else None)), features, labels, cv=splitter).mean()
        for c in grid}
    return max(grid, key=lambda c: (scores[c], -c))
