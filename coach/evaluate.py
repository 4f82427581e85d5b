"""Measuring the scorers and retrieval against labelled dev sets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coach.devset import ReplyLabel
from coach.pipeline import Coach
from coach.retrieval import retrieve_for_reply
from coach.types import ConversationResult, Transcript


@dataclass(frozen=True)
class FlagMetrics:
    """Precision, recall and F1 of one dimension's flag, with the counts behind them."""

    dimension: str
    language: str
    tp: int
    fp: int
    fn: int
    tn: int
    #: Replies where the gold says "not applicable" but the scorer scored, or the reverse.
    applicability_errors: int

    @property
    def precision(self) -> float:
        """Share of raised flags that the gold also flags."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Share of gold flags that were raised."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 (rounded) with their counts, as model cards store them."""
    m = FlagMetrics("", "", tp, fp, fn, 0, 0)
    return {"precision": round(m.precision, 4), "recall": round(m.recall, 4), "f1": round(m.f1, 4),
            "tp": tp, "fp": fp, "fn": fn}


def flag_metrics(results: Iterable[ConversationResult], labels: list[ReplyLabel],
                 dimensions: list[str]) -> list[FlagMetrics]:
    """Compare predicted flags with gold labels, per dimension and language ("all" too).

    A gold ``null`` (not applicable) counts as "no flag": raising a flag there is a false positive.
    """
    gold = {(lab.conversation_id, lab.turn): lab for lab in labels}
    counts: dict[tuple[str, str], list[int]] = {}
    for result in results:
        for reply in result.replies:
            label = gold.get((reply.conversation_id, reply.turn))
            if label is None:
                continue
            for dim in dimensions:
                truth = label.labels.get(dim)
                predicted = any(f.dimension == dim for f in reply.flags)
                score = reply.scores.get(dim)
                for lang in (result.language, "all"):
                    c = counts.setdefault((dim, lang), [0, 0, 0, 0, 0])
                    c[0 if truth == 1 and predicted else 1 if predicted else 2 if truth == 1 else 3] += 1
                    c[4] += int((truth is None) != (score is None))
    return [FlagMetrics(dim, lang, *c) for (dim, lang), c in sorted(counts.items())]


def retrieval_recall(coach: Coach, transcripts: list[Transcript], labels: list[ReplyLabel],
                     k: int = 3) -> dict[str, tuple[int, int]]:
    """Per language: (questions whose gold article is in the top ``k``, questions with gold).

    The query is the customer text the labelled reply answers, as the scorers see it.
    """
    if coach.kb is None:
        raise ValueError("retrieval needs a knowledge base (--kb)")
    by_id = {t.id: t for t in transcripts}
    out: dict[str, list[int]] = {}
    for analysis in coach.nlp.analyze(list(by_id.values())):
        for label in labels:
            if label.conversation_id != analysis.transcript.id or not label.gold_kb:
                continue
            query = analysis.previous_customer_text(label.turn)
            if not query:
                continue
            hits = retrieve_for_reply(coach.kb, analysis, label.turn, k=k)
            found = any(h.passage.article_id in label.gold_kb for h in hits)
            for lang in (analysis.language, "all"):
                c = out.setdefault(lang, [0, 0])
                c[0] += int(found)
                c[1] += 1
    return {lang: (c[0], c[1]) for lang, c in out.items()}


def kind_recall(results: Iterable[ConversationResult], labels: list[ReplyLabel]) -> dict[str, tuple[int, int]]:
    """For sets whose labels name kinds of flag: (replies of that kind flagged by the rule for
    that kind, replies of that kind). Markers are named ``<dimension>.<kind>``."""
    gold = {(lab.conversation_id, lab.turn): lab for lab in labels if lab.kinds}
    out: dict[str, list[int]] = {}
    for result in results:
        for reply in result.replies:
            label = gold.get((reply.conversation_id, reply.turn))
            if label is None:
                continue
            raised = {f.marker.split(".", 1)[-1] for f in reply.flags}
            for kind in label.kinds:
                c = out.setdefault(kind, [0, 0])
                c[0] += int(kind in raised)
                c[1] += 1
    return {kind: (c[0], c[1]) for kind, c in out.items()}
