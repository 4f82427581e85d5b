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
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from coach.claim_features import answer, content, denies_what_is_claimed, pair_features
from coach.claims import (
    CLAIM_CUE,
    claim_groups,
    claimed_values,
    customer_case,
    situational_amounts,
)
from coach.entities import check_mention, mentions
from coach.grounding import (
    Statement,
    StatementIndex,
    clauses_before,
    contact_supported,
    contacts,
    is_negated,
    menu_paths,
    path_supported,
)
from coach.kb_index import Hit
from coach.limits import lifted_deadline, lifted_limit, lifts_a_limit
from coach.names import canonical_names
from coach.nlp import Analysis, Sentence, TurnAnalysis
from coach.pair_model import PairModel
from coach.retrieval import retrieve_for_reply
from coach.scorers import register
from coach.scorers.base import Scorer
from coach.sensitive import SecretRequest, asks_for_secret, secret_request
from coach.types import DimensionScore, Flag, Suggestion
from coach.value_check import value_verdict
from coach.values import Value, extract_values
from coach.verifier import Verifier

#: Money, security and legal facts are high severity (rubric); other facts medium.
HIGH_SEVERITY_KINDS = ("money:USD", "money:RUB", "percent")
HIGH_SEVERITY_ARTICLES = re.compile(r"secur|payment|refund|credit|alcohol|delete|privacy", re.IGNORECASE)
SUPPORT_ARTICLES = 3
#: Articles within this cosine of the best one also govern a claim.
SUPPORT_MARGIN = 0.05
#: A claim whose passages are below the KB's similarity bar is still covered when one KB
#: statement is this close to it. On the twelve written sets no claim labelled "not covered"
#: comes this close, while 10 of the 21 contradicted claims that had been left uncovered at 0.5
#: do («Да, первые 30 дней бесплатно» after a question about the Plus trial).
STATEMENT_COVERAGE = 0.4
#: Below this verifier probability a grounded claim counts as supported.
SUPPORTED_BELOW = 0.3
#: The pair model reads the claim against this many of its closest KB statements and keeps the
#: highest probability (two beat one and three out of fold on the training sets).
PAIR_STATEMENTS = 2
#: Words that state a limit the way a negation does ("only one code", «только один»).
ONLY = re.compile(r"\b(?:only|just one|a single|только|лишь|всего один|одн[аиоу] на)\b", re.IGNORECASE)
#: A KB statement this close in meaning to a claim is about the same thing.
POLARITY_SIMILARITY = 0.6
#: ... and, to call opposite polarity a contradiction, they share this many content words.
MIN_SHARED_WORDS = 2
#: A direct answer ("Yes, ...", «Да, ...») is a claim when it says this much (words of three or
#: more letters, the answer word included): "Yes, you'd pay the substitute's price" but not
#: "Sure!". When added, answers as claims moved pooled out-of-fold F1 0.687 -> 0.696 over
#: twelve sets, held-out English 0.81 -> 0.85 and Russian 0.78 -> 0.81.
ANSWER_WORDS = 3
_WORDS = re.compile(r"[^\W\d_]{3,}")
#: A KB statement this close to an "unlimited" claim can be the cap it lifts (the cap's own words,
#: "2 free express deliveries per month", sit far from "unlimited" in meaning).
LIMIT_SIMILARITY = 0.3
#: A KB menu path this close to the claim is the one the reply should have given.
PATH_SIMILARITY = 0.4


def rule_part(text: str) -> str:
    """The sentence up to the customer's own case ("so your $38 basket qualifies", «а у вас
    2 480 ₽»), or all of it when it names no case or the case is all it says."""
    case = customer_case(text)
    return (clauses_before(text, case.start()) or text) if case else text


def claim_vector(text: str, analysis: Analysis) -> np.ndarray:
    """A claim's embedding, with names spelled as the KB spells them: "Amex is accepted" is
    then close to "You can pay with American Express" (encoded on demand when it differs)."""
    return analysis.vector(canonical_names(text))


@dataclass(frozen=True)
class SentenceCheck:
    """Everything the verifier knows about one claim sentence: retrieval, the aligned KB
    statements, the rule verdicts and the learned verifier's features."""

    sentence: Sentence
    aligned: list[tuple[Statement, float]]
    verdicts: list[Any]
    features: np.ndarray

    @property
    def rule_contradictions(self) -> list[tuple[int, int, Statement, str]]:
        """Contradictions the explicit rules found (value, path, contact, polarity)."""
        return [v for v in self.verdicts if v is not None and v is not True]


@register("correctness")
class CorrectnessScorer(Scorer):
    """Checks an agent's factual claims against the KB article that governs them."""

    def warm_up(self) -> None:
        """Load the verifier and build the statement index (its vectors come from the KB cache)."""
        _ = self.verifier, self.pair_model
        if self.resources.kb is not None:
            _ = self.statements

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

    @cached_property
    def verifier(self) -> Verifier | None:
        """The learned verifier from ``models/correctness`` if one was trained."""
        return Verifier.load(Path(self.resources.config.models_dir) / "correctness")

    @cached_property
    def pair_model(self) -> PairModel | None:
        """The claim/evidence pair model from ``models/pairs`` (one verifier feature)."""
        return PairModel.load(Path(self.resources.config.models_dir) / "pairs")

    def check_sentence(self, sentence: Sentence, turn: TurnAnalysis, analysis: Analysis,
                       situational: set[tuple[str, float]]) -> SentenceCheck | None:
        """Ground one reply sentence; None when it states nothing checkable or the KB does not
        cover it (``uncovered`` is then told apart by the caller through ``claim_like``)."""
        values = claimed_values(sentence.text, situational)
        claim_hits, conversation_hits = self._retrieve(sentence, turn, analysis)
        if not claim_hits:
            return None
        governing = [h for hits in (claim_hits, conversation_hits) for h in hits
                     if h.similarity >= hits[0].similarity - SUPPORT_MARGIN]
        verdicts = list(self._verdicts(sentence, values, governing, conversation_hits + claim_hits, analysis))
        articles = list(dict.fromkeys([h.passage.article_id for h in conversation_hits[:1] + claim_hits[:2]]))
        # The learned verifier reads the rule, not the customer's case beside it: "WELCOME10
        # works from $40" without ", and you have $38".
        text = rule_part(sentence.text)
        vector = claim_vector(text, analysis)
        aligned = self.statements.align(vector, articles, k=3)
        article_text = "\n".join(s.text for a in articles[:2] for s in self.statements.by_article.get(a, []))
        retrieval = max(claim_hits[0].similarity, conversation_hits[0].similarity if conversation_hits else 0.0)
        contradicted = any(v is not None and v is not True for v in verdicts)
        unsupported = self._pair_probability(text, vector, aligned)
        claimed = {(v.start, v.end) for v in values}
        not_claimed = [(v.start, v.end) for v in extract_values(text) if (v.start, v.end) not in claimed]
        sentences = turn.lines or turn.sentences
        position = next((i for i, s in enumerate(sentences) if s == sentence), 0)
        previous = sentences[position - 1].text if position else ""
        features = np.concatenate([pair_features(text, aligned, article_text, retrieval, not_claimed,
                                                 previous),
                                   [unsupported, float(contradicted), float(any(v is True for v in verdicts))]])
        return SentenceCheck(sentence, aligned, verdicts, features)

    def _pair_probability(self, text: str, vector: np.ndarray, aligned: list[tuple[Statement, float]]) -> float:
        """The pair model's highest probability that the claim is unbacked by one of its
        closest statements (0 without a pair model)."""
        if self.pair_model is None:
            return 0.0
        return max((self.pair_model.probability(text, s.text, vector, self.statements.vectors[s.text])
                    for s, _ in aligned[:PAIR_STATEMENTS]), default=0.0)

    def secret_check(self, sentence: Sentence, turn: TurnAnalysis, analysis: Analysis) -> SecretRequest | None:
        """A request for a password, code or card number that the KB says is never made."""
        if not asks_for_secret(sentence.text):
            return None
        articles = [h.passage.article_id for h in retrieve_for_reply(self.resources.kb, analysis, turn.index,
                                                                     k=SUPPORT_ARTICLES)]
        return secret_request(sentence.text, self.statements, analysis.language, articles)

    @staticmethod
    def claim_like(sentence: Sentence, situational: set[tuple[str, float]] | None = None) -> bool:
        """Whether a sentence states something a KB could confirm or contradict: a value it
        claims (not one worked out for the customer, «ещё на 400 ₽»), a rule word, a menu path
        or a contact. The customer's own case ("your $38 basket qualifies") is not a claim, but
        a rule stated before it in the sentence is ("WELCOME10 kicks in from $30, so ..."). So is a
        direct answer to the customer: "Yes, courier chat opens as soon as your order is picked"
        affirms what they asked, whatever its words."""
        text = sentence.text
        if text.rstrip().endswith("?"):
            return False
        case = customer_case(text)
        if case:
            text = clauses_before(text, case.start())
        return bool(text) and bool(claimed_values(text, situational or set()) or CLAIM_CUE.search(text)
                                   or menu_paths(text) or contacts(text)
                                   or (answer(text) and len(_WORDS.findall(text)) >= ANSWER_WORDS))

    def _score_reply(self, turn: TurnAnalysis, analysis: Analysis) -> tuple[DimensionScore, str | None]:
        supported = contradicted = uncovered = 0
        flags: list[Flag] = []
        situational = situational_amounts(analysis, turn.index)
        for sentence in turn.lines or turn.sentences:
            request = self.secret_check(sentence, turn, analysis)
            if request is not None:
                contradicted += 1
                flags.append(self._flag(turn, sentence, request.start, request.end, request.statement, "",
                                        asks=True))
                continue
            if not self.claim_like(sentence, situational):
                continue
            check = self.check_sentence(sentence, turn, analysis, situational)
            if check is None:
                uncovered += 1
                continue
            found = check.rule_contradictions
            probability = self.verifier.probability(check.features) if self.verifier else None
            if not found and probability is not None and probability >= self.verifier.threshold and check.aligned:
                statement = check.aligned[0][0]
                found = [(0, len(sentence.text), statement, "")]
            if found:
                contradicted += len(found)
                flags.extend(self._flag(turn, sentence, *verdict, probability=probability) for verdict in found)
            elif any(v is True for v in check.verdicts) or (probability is not None and probability < SUPPORTED_BELOW):
                supported += 1
        if supported + contradicted == 0:
            question = analysis.previous_customer_text(turn.index)
            return self.not_applicable(), (question if uncovered and question else None)
        return self.from_flags(flags), None

    def _retrieve(self, sentence: Sentence, turn: TurnAnalysis, analysis: Analysis) -> tuple[list[Hit], list[Hit]]:
        """Articles for the claim on its own, and for the claim in the conversation's context."""
        kb = self.resources.kb
        assert kb is not None
        tokens = turn.content_words(sentence.start, sentence.end)
        claim_hits = kb.search_articles(tokens, claim_vector(sentence.text, analysis), analysis.language, k=SUPPORT_ARTICLES)
        conversation_hits = retrieve_for_reply(kb, analysis, turn.index, k=SUPPORT_ARTICLES,
                                               extra=sentence.text, extra_tokens=tokens)
        best = max((h.similarity for h in claim_hits[:1] + conversation_hits[:1]), default=0.0)
        # A named plan, payment method or code, or an e-mail address or phone number, is checked
        # against the whole KB regardless.
        if best < kb.config.min_similarity and not (mentions(sentence.text, analysis.language)
                                                    or contacts(sentence.text)):
            # Passages are long; a short claim can still match one of their statements closely.
            articles = [h.passage.article_id for h in conversation_hits[:2]]
            aligned = self.statements.align(claim_vector(sentence.text, analysis), articles, k=1)
            if not aligned or aligned[0][1] < STATEMENT_COVERAGE:
                return [], []  # Not covered by the KB: abstain rather than call the agent wrong.
        return claim_hits, conversation_hits

    def _verdicts(self, sentence: Sentence, values: list[Value], governing: list[Hit], ranked: list[Hit],
                  analysis: Analysis):  # noqa: ANN202 - yields True or (span, statement, corrected)
        """For each claim in the sentence: True (supported), a contradiction, or None."""
        articles = [h.passage.article_id for h in governing]
        index = self.statements
        vector = claim_vector(sentence.text, analysis)
        aligned = index.align(vector, articles, k=3)
        groups = claim_groups(values)
        for claim in groups:
            several = any(g[0].kind == claim[0].kind and g[0].amount != claim[0].amount for g in groups)
            yield value_verdict(claim, sentence.text, vector, articles, [h.passage.article_id for h in ranked[:1]],
                                self.statements, several)
        for match in menu_paths(sentence.text):
            if path_supported(match.group(0), index.all_paths):
                yield True
            else:
                # Only a path the KB gives for the same task shows this one is wrong; a path for a
                # task the KB never describes is not covered.
                best = next((s for s, sim in aligned if ">" in s.text and sim >= PATH_SIMILARITY), None)
                yield (match.start(), match.end(), best, "") if best else None
        if not is_negated(sentence.text):
            for mention in mentions(sentence.text, analysis.language):
                anchor = next((st for st, _ in aligned), None)
                statement = check_mention(mention, index, articles, analysis.language, anchor)
                if statement is not None:
                    yield (mention.start, mention.end, statement, "")
                else:
                    yield True
        for match in contacts(sentence.text):
            if index.all_contacts and not contact_supported(match.group(0), index.all_contacts):
                best = next((s for s, _ in index.align(vector, articles, k=20) if contacts(s.text)), None)
                # An address the KB never gives is wrong whatever the topic: cite the KB's own
                # contact details (the closest in meaning) when the article has none.
                pool = index.with_contacts(analysis.language)
                if best is None and pool:
                    best = max(pool, key=lambda st: float(index.vectors[st.text] @ vector))
                yield (match.start(), match.end(), best, "") if best else None
        # "Unlimited", "never expires" or "any time" where the KB caps the same thing, gives it a
        # validity or a deadline.
        if lifts_a_limit(sentence.text):
            near = [s for s, similarity in index.align(vector, articles, k=10) if similarity >= LIMIT_SIMILARITY]
            limit = lifted_limit(sentence.text, near) or lifted_deadline(sentence.text, near)
            if limit is not None:
                yield (0, len(sentence.text), limit, "")
        # A sentence stating values is judged on them, even when they only repeat the customer's.
        if values or not aligned or extract_values(sentence.text):
            return
        statement, similarity = aligned[0]
        if similarity < POLARITY_SIMILARITY:
            return
        shared = content(statement.text) & content(sentence.text)
        kb_negative, reply_negative = denies_what_is_claimed(statement.text, sentence.text), is_negated(sentence.text)
        # "Only one code per order" restates "codes cannot be combined": a limit is not an affirmation.
        reply_negative = reply_negative or bool(ONLY.search(sentence.text))
        # Only "affirms what the KB denies" ("you can combine codes") is flagged: a negation in
        # a reply often belongs to another clause than the one that matched, so the reverse
        # ("credit never expires") is left to the learned verifier, whose pair model reads the
        # polarity of the clause that matches the statement.
        if kb_negative and not reply_negative and len(shared) >= MIN_SHARED_WORDS:
            yield (0, len(sentence.text), statement, "")
        elif kb_negative == reply_negative:
            yield True

    def _flag(self, turn: TurnAnalysis, sentence: Sentence, start: int, end: int, statement: Statement,
              corrected: str, probability: float | None = None, asks: bool = False) -> Flag:
        claim = sentence.text[start:end]
        # Asking for a secret is a security matter: always high.
        high = asks or bool(extract_values(claim) and extract_values(claim)[0].kind in HIGH_SEVERITY_KINDS) or bool(
            HIGH_SEVERITY_ARTICLES.search(statement.article_id))
        said = "Asks the customer for" if asks else "Says"
        reason = f"{said} \"{claim}\"; the KB article \"{statement.title}\" says: \"{statement.text}\""
        if probability is not None:
            reason += f" (verifier confidence {probability:.2f})"
        suggestion = Suggestion(corrected or f"The KB says: {statement.text}", statement.article_id, statement.passage)
        begin = sentence.start + start
        return self.make_flag("high" if high else "medium", reason, turn.index, begin, begin + len(claim),
                              turn.text, suggestion, "correctness.kb_contradiction")
