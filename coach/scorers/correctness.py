"""Correctness against the knowledge base (../shared/RUBRIC.md section 3).

A reply sentence that states something checkable is a claim: typed values (money, durations,
percentages), capabilities and rules (can / cannot / free / must), menu paths, contact
details. Each claim is grounded by hybrid retrieval (the claim alone and the claim in the
conversation), aligned to the KB statement about the same thing, and compared: values, then
polarity, then paths and contacts. When the KB does not cover the question the reply is
"not covered" (``null``) and the question is listed as a KB gap, never flagged.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from coach.grounding import (
    Statement,
    StatementIndex,
    contact_supported,
    contacts,
    is_negated,
    menu_paths,
    path_supported,
)
from coach.kb_index import Hit, lexical_tokens
from coach.nlp import Analysis, Sentence, TurnAnalysis
from coach.retrieval import retrieve_for_reply
from coach.scorers import register
from coach.scorers.base import Scorer
from coach.types import DimensionScore, Flag, Suggestion
from coach.values import Value, extract_values

#: Money, security and legal facts are high severity (rubric); other facts medium.
HIGH_SEVERITY_KINDS = ("money:USD", "money:RUB", "percent")
HIGH_SEVERITY_ARTICLES = re.compile(r"secur|payment|refund|credit|alcohol|delete|privacy", re.IGNORECASE)
SUPPORT_ARTICLES = 3
#: Articles within this cosine of the best one also govern a claim.
SUPPORT_MARGIN = 0.05
#: A KB statement this close in meaning to a claim is about the same thing.
POLARITY_SIMILARITY = 0.6
#: ... and, to call opposite polarity a contradiction, they share this many content words.
MIN_SHARED_WORDS = 2
#: The statement a value is compared with must be at least this close to the claim.
SLOT_SIMILARITY = 0.45
_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = {"the", "and", "you", "your", "for", "can", "are", "with", "our", "that", "this", "not", "any", "all",
         "для", "это", "что", "как", "вам", "ваш", "при", "или", "так", "нет", "можно", "нельзя"}


def _content(text: str) -> set[str]:
    """Crude content words (lower-cased, 5-letter stems) for overlap checks across languages."""
    return {w.lower()[:5] for w in _WORD.findall(text) if w.lower() not in _STOP}
#: Words that make a sentence a checkable claim about a rule or capability.
CLAIM_CUE = re.compile(
    r"\b(?:can|cannot|can't|could|free|no|not|never|only|must|need|needs|required|available|accept\w*|works?|"
    r"possible|allowed|expire\w*|combin\w*|stack\w*|transfer\w*|return\w*|cash\w*|refund\w*|charge\w*|fee|"
    r"cost\w*|plan|default|automatic\w*|always|include\w*|apply|applies|valid|"
    r"можно|нельзя|нужно|надо|бесплатн\w*|платн\w*|только|никогда|не|нет|сгора\w+|вывести|перевести|"
    r"сложить|суммир\w+|вернуть|возврат\w*|наличн\w*|тариф\w*|действу\w+|по умолчанию|автоматически)\b",
    re.IGNORECASE)
#: Sentences about this customer's own order or an action just taken state the case, not policy.
SITUATIONAL = re.compile(
    r"\byour (?:\$?\d[\d.,]*\s*)?(?:order|cart|basket|courier|total|balance|refund of)\b|\b(?:is|are) now in your\b|"
    r"\b(?:i|we)(?:\x27ve| have) (?:added|issued|refunded|credited|processed|applied)\b|"
    r"\bв (?:вашей|вашем) (?:корзине|заказе)\b|\bзачислен\w*\b|\bначислил\w*\b|\bвернул\w*\b|"
    r"\bi can see (?:your|the) (?:order|courier)\b|\bвижу (?:ваш )?заказ\b|\bкурьер уже\b|\bcourier is (?:about|already)\b",
    re.IGNORECASE)


def _situational_amounts(analysis: Analysis, index: int) -> set[tuple[str, float]]:
    """Values the customer or the system already stated: repeating them is not a claim."""
    return {(v.kind, v.amount) for turn in analysis.turns[:index] if turn.speaker != "agent"
            for v in extract_values(turn.text)}


def _claims(values: list[Value]) -> list[list[Value]]:
    """Group the two ends of a range (same span) into one claim."""
    groups: dict[tuple[int, int, str], list[Value]] = {}
    for value in values:
        groups.setdefault((value.start, value.end, value.kind), []).append(value)
    return list(groups.values())


def _same(claim: list[Value], stated: list[Value]) -> bool:
    groups = _claims(stated) if len(claim) > 1 else [[v] for v in stated]
    return any(sorted(c.amount for c in claim) == sorted(v.amount for v in g) for g in groups)


@register("correctness")
class CorrectnessScorer(Scorer):
    """Checks an agent's factual claims against the KB article that governs them."""

    @cached_property
    def statements(self) -> StatementIndex:
        """KB statements with embeddings, built on first use."""
        assert self.resources.kb is not None
        return StatementIndex(self.resources.kb, self.resources.nlp)

    def score(self, analysis: Analysis) -> dict[int, DimensionScore]:
        """Score every agent reply of the conversation (all ``null`` without a KB)."""
        return self.score_conversation(analysis)[0]

    def score_conversation(self, analysis: Analysis) -> tuple[dict[int, DimensionScore], dict[str, Any] | None]:
        """Per-reply scores, and the customer questions the KB could not answer (KB gaps)."""
        agent_turns = [t for t in analysis.turns if t.speaker == "agent"]
        if self.resources.kb is None:
            return {t.index: self.not_applicable() for t in agent_turns}, None
        results, gaps = {}, []
        for turn in agent_turns:
            results[turn.index], gap = self._score_reply(turn, analysis)
            if gap:
                gaps.append({"turn": turn.index, "question": gap})
        return results, {"kb_gaps": gaps}

    def _score_reply(self, turn: TurnAnalysis, analysis: Analysis) -> tuple[DimensionScore, str | None]:
        supported = contradicted = 0
        flags: list[Flag] = []
        situational = _situational_amounts(analysis, turn.index)
        question = analysis.previous_customer_text(turn.index)
        uncovered = 0
        for sentence in turn.sentences:
            if sentence.text.rstrip().endswith("?") or SITUATIONAL.search(sentence.text):
                continue
            values = [v for v in extract_values(sentence.text) if (v.kind, v.amount) not in situational]
            if not values and not CLAIM_CUE.search(sentence.text) and not menu_paths(sentence.text):
                continue
            claim_hits, conversation_hits = self._retrieve(sentence, turn, analysis)
            if not claim_hits:
                uncovered += 1
                continue
            governing = [h for hits in (claim_hits, conversation_hits) for h in hits
                         if h.similarity >= hits[0].similarity - SUPPORT_MARGIN]
            for verdict in self._verdicts(sentence, values, governing, conversation_hits + claim_hits, analysis):
                if verdict is True:
                    supported += 1
                elif verdict is not None:
                    contradicted += 1
                    flags.append(self._flag(turn, sentence, *verdict))
        if supported + contradicted == 0:
            gap = question if uncovered and question else None
            return self.not_applicable(), gap
        return self.from_flags(flags), None

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

    def _verdicts(self, sentence: Sentence, values: list[Value], governing: list[Hit], ranked: list[Hit],
                  analysis: Analysis):  # noqa: ANN202 - yields True or (span, statement, corrected)
        """For each claim in the sentence: True (supported), a contradiction, or None."""
        articles = [h.passage.article_id for h in governing]
        index = self.statements
        aligned = index.align(analysis.vector(sentence.text), articles, k=3)
        for claim in _claims(values):
            kind, business = claim[0].kind, claim[0].business
            # Compared statement by statement: a range must be stated as that range.
            if any(_same(claim, [v for v in extract_values(s.text) if v.kind == kind and v.business == business])
                   for aid in articles for s in index.by_article.get(aid, [])):
                yield True
                continue
            # The statement that governs this slot: the closest one stating a value of the kind.
            # The article the conversation is about governs first; the claim's own best next.
            slot = None
            for article in dict.fromkeys([h.passage.article_id for h in ranked[:1]] + articles[:1]):
                slot = next(((s, sim) for s, sim in index.align(analysis.vector(sentence.text), [article], k=50)
                             if any(v.kind == kind for v in extract_values(s.text))), None)
                if slot is not None and slot[1] >= SLOT_SIMILARITY:
                    break
            if slot is None or slot[1] < SLOT_SIMILARITY:
                yield None  # nothing in the KB states this slot closely enough to compare
                continue
            kb_values = [v for v in extract_values(slot[0].text) if v.kind == kind]
            corrected = (sentence.text[:claim[0].start] + kb_values[0].text + sentence.text[claim[0].end:]
                         if len(kb_values) == 1 else "")
            yield (claim[0].start, claim[0].end, slot[0], corrected)
        for match in menu_paths(sentence.text):
            known = set().union(*index.paths.values())
            if path_supported(match.group(0), known):
                yield True
            else:
                best = next((s for s, _ in aligned if ">" in s.text), aligned[0][0] if aligned else None)
                yield (match.start(), match.end(), best, "") if best else None
        for match in contacts(sentence.text):
            known = set().union(*index.contacts.values())
            if known and not contact_supported(match.group(0), known):
                best = next((s for s, _ in index.align(analysis.vector(sentence.text), articles, k=20)
                             if contacts(s.text)), None)
                yield (match.start(), match.end(), best, "") if best else None
        if values or not aligned:
            return
        statement, similarity = aligned[0]
        if similarity < POLARITY_SIMILARITY:
            return
        shared = _content(statement.text) & _content(sentence.text)
        kb_negative, reply_negative = is_negated(statement.text), is_negated(sentence.text)
        # Only "affirms what the KB denies" ("you can combine codes") is flagged: a negation in
        # a reply often belongs to another clause than the one that matched, so the reverse
        # ("credit never expires") is not trusted without a better model.
        if kb_negative and not reply_negative and len(shared) >= MIN_SHARED_WORDS:
            yield (0, len(sentence.text), statement, "")
        elif kb_negative == reply_negative:
            yield True

    def _flag(self, turn: TurnAnalysis, sentence: Sentence, start: int, end: int, statement: Statement,
              corrected: str) -> Flag:
        claim = sentence.text[start:end]
        high = bool(extract_values(claim) and extract_values(claim)[0].kind in HIGH_SEVERITY_KINDS) or bool(
            HIGH_SEVERITY_ARTICLES.search(statement.article_id))
        reason = f"Says \"{claim}\"; the KB article \"{statement.title}\" says: \"{statement.text}\""
        suggestion = Suggestion(corrected or f"The KB says: {statement.text}", statement.article_id, statement.passage)
        begin = sentence.start + start
        return self.make_flag("high" if high else "medium", reason, turn.index, begin, begin + len(claim),
                              turn.text, suggestion, "correctness.kb_contradiction")
