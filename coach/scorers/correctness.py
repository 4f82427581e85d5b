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
#: Articles within this cosine of the best one also govern a claim.
SUPPORT_MARGIN = 0.05
#: Sentences about this customer's own order or an action just taken state amounts of the
#: case ("your $28 cart", "$11.27 in credit is now in your account"), not policy.
SITUATIONAL = re.compile(
    r"\byour (?:\$?\d[\d.,]*\s*)?(?:order|cart|basket|courier|total|balance|refund of)\b|\b(?:is|are) now in your\b|"
    r"\b(?:i|we)(?:\x27ve| have) (?:added|issued|refunded|credited|processed|applied)\b|"
    r"\bв (?:вашей|вашем) (?:корзине|заказе)\b|\bзачислен\w*\b|\bначислил\w*\b|\bвернул\w*\b",
    re.IGNORECASE)


def _sentence_with(text: str, value: Value) -> str:
    starts = [0] + [m.end() for m in re.finditer(r"(?<=[.!?\n])\s+", text)]
    start = max(s for s in starts if s <= value.start)
    end = next((m.end() for m in re.finditer(r"[.!?\n]", text[value.end:])), len(text) - value.end)
    return text[start:value.end + end].strip()


def _situational_amounts(analysis: Analysis, index: int) -> set[tuple[str, float]]:
    """Values the customer or the system already stated (an order total, a delay): the agent
    repeating them is not a policy claim."""
    found = set()
    for turn in analysis.turns[:index]:
        if turn.speaker != "agent":
            found.update((v.kind, v.amount) for v in extract_values(turn.text))
    return found


def _claims(values: list[Value]) -> list[list[Value]]:
    """Group the two ends of a range (same span) into one claim."""
    groups: dict[tuple[int, int, str], list[Value]] = {}
    for value in values:
        groups.setdefault((value.start, value.end, value.kind), []).append(value)
    return list(groups.values())


@register("correctness")
class CorrectnessScorer(Scorer):
    """Checks the values an agent states against the KB article that governs them."""

    def __init__(self, settings, resources) -> None:  # noqa: ANN001 - as Scorer
        super().__init__(settings, resources)
        self._values_cache: dict[str, list[Value]] = {}

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
        situational = _situational_amounts(analysis, turn.index)
        for sentence in turn.sentences:
            values = [v for v in extract_values(sentence.text) if (v.kind, v.amount) not in situational]
            if not values or SITUATIONAL.search(sentence.text):
                continue
            claim_hits, conversation_hits = self._retrieve(sentence, turn, analysis)
            if not claim_hits:
                continue
            # A range ("5-10 business days") is one claim: both ends must agree.
            for claim in _claims(values):
                verdict = self._check(claim, claim_hits, conversation_hits)
                if verdict is None:
                    continue
                if verdict is True:
                    supported += 1
                else:
                    contradicted += 1
                    flags.append(self._flag(turn, sentence, claim[0], verdict))
        if supported + contradicted == 0:
            return self.not_applicable()
        return self.from_flags(flags, bonus=0.0)

    def _retrieve(self, sentence: Sentence, turn: TurnAnalysis, analysis: Analysis) -> tuple[list[Hit], list[Hit]]:
        """Articles for the claim on its own, and for the claim in the conversation's context."""
        kb = self.resources.kb
        assert kb is not None
        span = turn.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        tokens = lexical_tokens(span) if span is not None else []
        claim_hits = kb.search_articles(tokens, analysis.vector(sentence.text), analysis.language, k=SUPPORT_ARTICLES)
        conversation_hits = retrieve_for_reply(kb, analysis, turn.index, k=SUPPORT_ARTICLES,
                                               extra=sentence.text, extra_tokens=tokens)
        best = max((h.similarity for h in claim_hits[:1] + conversation_hits[:1]), default=0.0)
        if best < kb.config.min_similarity:
            return [], []  # Not covered by the KB: abstain rather than call the agent wrong.
        return claim_hits, conversation_hits

    def _article_values(self, article_id: str) -> list[Value]:
        if article_id not in self._values_cache:
            kb = self.resources.kb
            assert kb is not None
            self._values_cache[article_id] = [v for p in kb.passages if p.article_id == article_id
                                              for v in extract_values(p.text)]
        return self._values_cache[article_id]

    def _check(self, claim: list[Value], claim_hits: list[Hit], conversation_hits: list[Hit]) -> bool | Hit | None:
        """True if a governing article states the claim; the top hit if it states other values
        of that kind; None if it states nothing of that kind (nothing to compare)."""
        first = claim[0]
        # Only articles about as relevant as the best one may support a claim: a number that
        # happens to appear in a loosely related article proves nothing.
        governing = [h for hits in (claim_hits, conversation_hits) for h in hits
                     if h.similarity >= hits[0].similarity - SUPPORT_MARGIN]
        for hit in governing:
            stated = [v for v in self._article_values(hit.passage.article_id)
                      if v.kind == first.kind and v.business == first.business]
            # A range must be stated as that range, not pieced together from two facts.
            stated_claims = _claims(stated) if len(claim) > 1 else [[v] for v in stated]
            if any(sorted(c.amount for c in claim) == sorted(v.amount for v in group) for group in stated_claims):
                return True
        # The article the conversation is about governs first; the claim's own best match next.
        for hit in conversation_hits[:1] + claim_hits[:1]:
            if any(v.kind == first.kind for v in self._article_values(hit.passage.article_id)):
                return hit
        return None

    def _flag(self, turn: TurnAnalysis, sentence: Sentence, value: Value, hit: Hit) -> Flag:
        passage = hit.passage
        kb_values = [v for v in extract_values(passage.text) if v.kind == value.kind]
        if not kb_values:
            kb_values = [v for v in self._article_values(passage.article_id) if v.kind == value.kind][:1]
            passage = next((p for p in self.resources.kb.passages  # type: ignore[union-attr]
                            if p.article_id == passage.article_id and kb_values
                            and kb_values[0].text in p.text), passage)
        quote = _sentence_with(passage.text, kb_values[0]) if kb_values else passage.text[:300]
        start = sentence.start + value.start
        severity = "high" if value.kind in HIGH_SEVERITY_KINDS else "medium"
        corrected = (sentence.text[:value.start] + kb_values[0].text + sentence.text[value.end:]) if len(kb_values) == 1 else ""
        reason = f"Says \"{value.text}\"; the KB article \"{passage.title}\" says: \"{quote}\""
        suggestion = Suggestion(corrected or f"The KB says: {quote}", passage.article_id, passage.text)
        return self.make_flag(severity, reason, turn.index, start, start + len(value.text), turn.text,
                              suggestion, "correctness.value_mismatch")
