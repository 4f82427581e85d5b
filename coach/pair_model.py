"""A claim-agnostic pair model: is a claim unsupported by (or contradicting) a piece of evidence?

It knows nothing about support slots or the KB's layout: it reads two texts and their
sentence embeddings and says how likely the claim says something the evidence does not
back. It is trained (``coach train pairs``) on the shared passage-grounded dialogue sets
(BEGIN, FaithDial's audit), the KB-consistency set (CI-ToD) and support claim pairs, and the
correctness verifier uses its probability as one of its features.

Features follow the classic sentence-pair recipe (the element-wise product and absolute
difference of the two embeddings) plus the signals a reviewer checks: similarity, word
overlap, words the evidence never uses, negation on one side only, values that differ, and
promises without limit against a limited rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from coach.claim_features import NUMBER, RESTRICTED, UNRESTRICTED, content
from coach.grounding import clauses, is_negated
from coach.linear_head import LinearHead
from coach.values import extract_values

WEIGHTS_FILE = "pair_model.json"
SCALAR_FEATURES = (
    "cosine", "jaccard", "novel_share", "claim_denies", "evidence_denies", "value_differs", "value_agrees",
    "unknown_numbers", "overpromise",
)
def scalar_features(claim: str, evidence: str, cosine: float) -> np.ndarray:
    """The reviewer's signals for one (claim, evidence) pair, in ``SCALAR_FEATURES`` order."""
    words, said = content(claim), content(evidence)
    union = words | said
    # Polarity in the clause of the claim that says what the evidence says.
    clause = max(clauses(claim), key=lambda c: len(content(c) & said), default=claim)
    claim_neg, evidence_neg = is_negated(clause), is_negated(evidence)
    values, stated = extract_values(claim), extract_values(evidence)
    same_kind = [(c, [v for v in stated if v.kind == c.kind]) for c in values]
    same_kind = [(c, vs) for c, vs in same_kind if vs]
    differs = any(all(abs(v.amount - c.amount) > 1e-6 for v in vs) for c, vs in same_kind)
    agrees = any(any(abs(v.amount - c.amount) < 1e-6 for v in vs) for c, vs in same_kind)
    numbers = NUMBER.findall(claim)
    evidence_numbers = set(NUMBER.findall(evidence))
    return np.array([
        cosine,
        len(words & said) / len(union) if union else 0.0,
        len(words - said) / len(words) if words else 0.0,
        float(claim_neg and not evidence_neg),
        float(evidence_neg and not claim_neg),
        float(differs),
        float(agrees),
        sum(n not in evidence_numbers for n in numbers) / len(numbers) if numbers else 0.0,
        float(bool(UNRESTRICTED.search(claim)) and bool(RESTRICTED.search(evidence))),
    ], dtype=np.float64)


def pair_matrix(claims: list[str], evidence: list[str], claim_vectors: np.ndarray,
                evidence_vectors: np.ndarray) -> np.ndarray:
    """One row per pair: embedding product, absolute difference, then the scalar signals."""
    u, v = np.asarray(claim_vectors, dtype=np.float64), np.asarray(evidence_vectors, dtype=np.float64)
    cosines = np.einsum("ij,ij->i", u, v)
    scalars = np.stack([scalar_features(c, e, float(s)) for c, e, s in zip(claims, evidence, cosines, strict=True)])
    return np.hstack([u * v, np.abs(u - v), scalars])


def pair_feature_names(dimensions: int) -> tuple[str, ...]:
    """Names of ``pair_matrix`` columns for an encoder of ``dimensions``: the embedding columns
    (``emb*``, summed into one "embedding" share by ``LinearHead.contributions``), then the
    scalar signals."""
    return (*(f"emb_product_{i}" for i in range(dimensions)), *(f"emb_difference_{i}" for i in range(dimensions)),
            *SCALAR_FEATURES)


@dataclass(frozen=True)
class PairModel:
    """A standardised logistic head over ``pair_matrix`` rows."""

    head: LinearHead

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Probability that each pair's claim is not backed by its evidence."""
        return self.head.predict_proba(rows)

    @cached_property
    def _folded(self) -> tuple[np.ndarray, float]:
        """Weights with the standardisation folded in, so one pair costs three dot products."""
        weights = np.asarray(self.head.weights, dtype=np.float64) / np.asarray(self.head.scale, dtype=np.float64)
        return weights, float(self.head.bias) - float(np.asarray(self.head.mean, dtype=np.float64) @ weights)

    def probability(self, claim: str, evidence: str, claim_vector: np.ndarray, evidence_vector: np.ndarray) -> float:
        """The probability for a single pair (the same as ``probabilities`` on its row)."""
        weights, bias = self._folded
        u, v = np.asarray(claim_vector, dtype=np.float64), np.asarray(evidence_vector, dtype=np.float64)
        n = len(u)
        z = (u * v) @ weights[:n] + np.abs(u - v) @ weights[n:2 * n] + bias
        z += scalar_features(claim, evidence, float(u @ v)) @ weights[2 * n:]
        return float(1.0 / (1.0 + np.exp(-z)))

    def save(self, folder: Path) -> None:
        """Write ``pair_model.json`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / WEIGHTS_FILE).write_text(json.dumps({"scalar_features": list(SCALAR_FEATURES),
                                                       "head": self.head.to_json()}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> PairModel | None:
        """Read a saved pair model; None if there is none."""
        path = folder / WEIGHTS_FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("scalar_features") != list(SCALAR_FEATURES) or "head" not in data:
            raise ValueError(f"{path}: trained with other features; retrain with `coach train pairs`")
        return cls(LinearHead.from_json(data["head"]))
