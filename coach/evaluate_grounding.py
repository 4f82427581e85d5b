"""The correctness scorer on the shared passage-grounded sets (BEGIN, FaithDial's audit):
each response is checked against its own knowledge passage, as ``coach check --batch`` does
with the ``knowledge`` field, and the flag is compared with the set's attribution label.

These are open-domain dialogues (Wikipedia, films, chit-chat), not support replies: the
numbers say how far the support-oriented claim checks carry, with no target yet.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from coach.evaluate import prf
from coach.pipeline import Coach

#: Labels meaning "the response says something its passage does not support" (flag expected).
UNSUPPORTED = {"not fully attributable", "hallucination", "partial hallucination"}
#: Labels meaning "fully supported" (no flag expected); other labels (generic, uncooperative)
#: make no factual claim to check and are skipped.
SUPPORTED = {"fully attributable", "entailment"}


@dataclass(frozen=True)
class GroundedExample:
    """A response, the message it answers, its knowledge passage and whether it is unsupported."""

    knowledge: str
    message: str
    response: str
    unsupported: bool


def load_grounding(path: Path) -> list[GroundedExample]:
    """BEGIN ``.tsv`` (tab-separated, unquoted) or FaithDial audit ``.csv`` rows with a usable label."""
    if path.suffix == ".tsv":
        lines = path.read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        rows = [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:] if line.strip()]
        fields = ("knowledge", "message", "response", "begin_label")
    else:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        fields = ("evidence", "history", "response", "BEGIN")
    out = []
    for row in rows:
        label = (row.get(fields[3]) or "").strip().lower()
        if label in UNSUPPORTED or label in SUPPORTED:
            out.append(GroundedExample(row.get(fields[0]) or "", row.get(fields[1]) or "", row.get(fields[2]) or "",
                                       label in UNSUPPORTED))
    return out


def grounding_metrics(coach: Coach, path: Path) -> dict[str, float]:
    """Flag precision, recall and F1 against the labels, and the share the scorer left
    ``null`` (no checkable claim found: counted as "no flag")."""
    tp = fp = fn = abstained = 0
    examples = load_grounding(path)
    for example in examples:
        reply = coach.check(example.response, context=example.message or None, language="en",
                            knowledge=example.knowledge or None)
        flagged = any(f.dimension == "correctness" for f in reply.flags)
        abstained += int(reply.scores.get("correctness") is None)
        tp += int(flagged and example.unsupported)
        fp += int(flagged and not example.unsupported)
        fn += int(example.unsupported and not flagged)
    return {"n": len(examples), "unsupported": sum(e.unsupported for e in examples), **prf(tp, fp, fn),
            "no_claim_share": round(abstained / len(examples), 4) if examples else 0.0}
