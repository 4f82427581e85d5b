"""Correctness against the knowledge base.

First version: sentences of the reply that state a typed value (money, duration, percent)
are claims; each is grounded in the KB by hybrid retrieval with the customer's question,
and a value the governing article does not state for that kind is flagged with the passage
that gives the right one. ``null`` when the reply makes no claim the KB covers
(../shared/RUBRIC.md section 3).
"""

from __future__ import annotations

import re

from coach.kb_index import Hit, lexical_tokens
from coach.nlp import Analysis, Sentence, TurnAnalysis
from coach.retrieval import retrieve_for_reply
from coach.scorers import register
from coach.scorers.base import Scorer
from coach.types import DimensionScore, Flag, Suggestion
from coach.values import Value, extract_values

#: Money and security facts are high severity (rubric); other facts medium.
HIGH_SEVERITY_KINDS = ("money:USD", "money:RUB", "percent")
#: How many retrieved articles may support a claim before it counts as contradicted.
SUPPORT_ARTICLES = 3


def _sentence_with(text: str, value: Value) -> str:
    starts = [0] + [m.end() for m in re.finditer(r"(?<=[.!?\n])\s+", text)]
    start = max(s for s in starts if s <= value.start)
    end = next((m.end() for m in re.finditer(r"[.!?\n]", text[value.end:])), len(text) - value.end)
    return text[start:value.end + end].strip()


@register("correctness")
class CorrectnessScorer(Scorer):
    """Checks the values an agent states against the KB article that governs them."""

    def score(self, analysis: Analysis) -> dict[int, DimensionScore]:
        """Score every agent reply of the conversation (all ``null`` without a KB)."""
        results = {}
        for turn in analysis.turns:
            if turn.speaker != "agent":
                continue
            if self.resources.kb is None:
                results[turn.index] = self.not_applicable()
                continue
            results[turn.index] = self._score_reply(turn, analysis)
        return results

    def _score_reply(self, turn: TurnAnalysis, analysis: Analysis) -> DimensionScore:
        supported = contradicted = 0
        flags: list[Flag] = []
        for sentence in turn.sentences:
            values = extract_values(sentence.text)
            if not values:
                continue
            hits = self._retrieve(sentence, turn, analysis)
            if not hits:
                continue
            for value in values:
                verdict = self._check(value, hits)
                if verdict is None:
                    continue
                if verdict is True:
                    supported += 1
                else:
                    contradicted += 1
                    flags.append(self._flag(turn, sentence, value, verdict))
        if supported + contradicted == 0:
            return self.not_applicable()
        return self.from_flags(flags, bonus=0.0)

    def _retrieve(self, sentence: Sentence, turn: TurnAnalysis, analysis: Analysis) -> list[Hit]:
        kb = self.resources.kb
        assert kb is not None
        span = turn.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        tokens = lexical_tokens(span) if span is not None else []
        hits = retrieve_for_reply(kb, analysis, turn.index, k=SUPPORT_ARTICLES, extra=sentence.text,
                                  extra_tokens=tokens)
        if not hits or hits[0].similarity < kb.config.min_similarity:
            return []  # Not covered by the KB: abstain rather than call the agent wrong.
        return hits

    def _check(self, value: Value, hits: list[Hit]) -> bool | Hit | None:
        """True if a retrieved article states the value; the governing hit if it contradicts;
        None if the governing article states nothing of that kind."""
        kb = self.resources.kb
        assert kb is not None
        for hit in hits:
            article_values = [v for p in kb.passages if p.article_id == hit.passage.article_id
                              for v in extract_values(p.text) if v.kind == value.kind]
            if any(abs(v.amount - value.amount) < 1e-6 for v in article_values):
                return True
        top_values = [v for v in extract_values(hits[0].passage.text) if v.kind == value.kind]
        return hits[0] if top_values else None

    def _flag(self, turn: TurnAnalysis, sentence: Sentence, value: Value, hit: Hit) -> Flag:
        passage = hit.passage
        kb_values = [v for v in extract_values(passage.text) if v.kind == value.kind]
        quote = _sentence_with(passage.text, kb_values[0]) if kb_values else passage.text[:300]
        start = sentence.start + value.start
        severity = "high" if value.kind in HIGH_SEVERITY_KINDS else "medium"
        corrected = (sentence.text[:value.start] + kb_values[0].text + sentence.text[value.end:]) if len(kb_values) == 1 else ""
        reason = f"Says \"{value.text}\"; the KB article \"{passage.title}\" says: \"{quote}\""
        suggestion = Suggestion(corrected or f"The KB says: {quote}", passage.article_id, passage.text)
        return self.make_flag(severity, reason, turn.index, start, start + len(value.text), turn.text,
                              suggestion, "correctness.value_mismatch")
