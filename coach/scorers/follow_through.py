"""Follow-through: promises kept, questions answered, a clear close, no deflection.

First version: marker rules for commitments, timeframes, handoffs and deflection, plus
embedding similarity to decide whether a later agent turn addressed a customer question
(../shared/RUBRIC.md section 4).
"""

from __future__ import annotations

import numpy as np

from coach.kb_index import lexical_tokens
from coach.nlp import Analysis, Sentence, TurnAnalysis
from coach.scorers import register
from coach.scorers.base import Scorer
from coach.scorers.markers import find, has, markers_for
from coach.types import DimensionScore, Flag

#: Cosine similarity above which an agent sentence is taken to address a customer question.
ANSWER_SIMILARITY = 0.3
#: Shorter questions ("Seriously?", "Где он?") are mostly rhetorical.
MIN_QUESTION_WORDS = 4
#: A last reply this long to a customer's question is an answer, not a vague close.
ANSWER_MIN_WORDS = 6
#: Cosine similarity above which a later agent/system turn is taken to fulfil a commitment.
FULFIL_SIMILARITY = 0.5
TEXTS = {
    "en": {
        "promise": "Promise with no timeframe or reference that is never fulfilled later: \"{quote}\".",
        "promise_fix": "Give the customer something to hold you to: \"I'll email the label within 1 hour; your case number is BK-...\"",
        "question": "Customer's question is never answered: \"{quote}\".",
        "question_fix": "Answer every question the customer asked, or say when you will: \"About {quote}: ...\"",
        "close": "The conversation ends without a resolution or clear next steps.",
        "close_fix": "Close by confirming what was done and what happens next: \"Your refund of $X is issued and will reach your card in 5-10 business days. Anything else I can help with?\"",
    },
    "ru": {
        "promise": "Обещание без срока и номера обращения, которое так и не выполнено: «{quote}».",
        "promise_fix": "Дайте клиенту срок или номер: «Отправлю инструкцию на почту в течение часа, номер обращения BK-...»",
        "question": "Вопрос клиента остался без ответа: «{quote}».",
        "question_fix": "Ответьте на каждый вопрос клиента или скажите, когда ответите: «По поводу {quote}: ...»",
        "close": "Диалог завершается без подтверждения решения и без понятных следующих шагов.",
        "close_fix": "Завершите подтверждением и следующим шагом: «Возврат оформлен, деньги поступят на карту в течение 5–10 рабочих дней. Могу ещё чем-то помочь?»",
    },
}


def customer_questions(turn: TurnAnalysis) -> list[Sentence]:
    """Questions and requests in a customer turn (several per message are common)."""
    return [s for s in turn.sentences if s.text.rstrip().endswith("?")]


@register("follow_through")
class FollowThroughScorer(Scorer):
    """Flags unfulfilled vague promises, skipped questions, vague closes and deflection."""

    def score(self, analysis: Analysis) -> dict[int, DimensionScore]:
        """Score every agent reply of the conversation."""
        language = analysis.language
        texts = TEXTS.get(language, TEXTS["en"])
        agent_turns = [t for t in analysis.turns if t.speaker == "agent"]
        flags: dict[int, list[Flag]] = {t.index: [] for t in agent_turns}
        for turn in agent_turns:
            flags[turn.index] += self._deflections(turn, language)
            flags[turn.index] += self._open_promises(turn, analysis, texts)
        self._unanswered(analysis, flags, texts)
        if agent_turns and not analysis.transcript.meta.get("coach_draft"):
            last = agent_turns[-1]
            if self._vague_close(last, analysis) and not any(
                    f.marker == "follow_through.open_promise" for f in flags[last.index]):
                sentence = last.sentences[-1] if last.sentences else None
                flags[last.index].append(self.make_flag(
                    "medium", texts["close"], last.index, sentence.start if sentence else 0,
                    sentence.end if sentence else len(last.text), last.text, texts["close_fix"],
                    "follow_through.vague_close"))
        return {index: self.from_flags(found) for index, found in flags.items()}

    def _vague_close(self, last: TurnAnalysis, analysis: Analysis) -> bool:
        """The last reply neither confirms a resolution nor gives next steps.

        A friendly close after the customer said it is sorted ("Thanks, I'm back in!") is a
        resolution, and so is a substantive answer to the customer's last question.
        """
        language = analysis.language
        if has("follow_through", "resolution_or_next_step", language, last.text):
            return False
        context = analysis.previous_customer_text(last.index)
        if context and has("follow_through", "customer_satisfied", language, context):
            return False
        asked = "?" in context
        return not (asked and len(last.text.split()) >= ANSWER_MIN_WORDS)

    def _deflections(self, turn: TurnAnalysis, language: str) -> list[Flag]:
        if has("follow_through", "handoff", language, turn.text):
            return []
        return [self.make_flag(hit.marker.severity, hit.reason, turn.index, hit.start, hit.end, turn.text,
                               hit.marker.suggestion, "follow_through.deflection")
                for hit in find(markers_for("follow_through", language, kind="flag"), turn.text)]

    def _open_promises(self, turn: TurnAnalysis, analysis: Analysis, texts: dict[str, str]) -> list[Flag]:
        language = analysis.language
        found = []
        for sentence in turn.sentences:
            if not has("follow_through", "commitment", language, sentence.text):
                continue
            if has("follow_through", "timeframe_or_reference", language, sentence.text):
                continue
            if self._fulfilled(sentence, turn.index, analysis):
                continue
            found.append(self.make_flag(
                "medium", texts["promise"].format(quote=sentence.text), turn.index, sentence.start,
                sentence.end, turn.text, texts["promise_fix"], "follow_through.open_promise"))
        return found

    def _fulfilled(self, promise: Sentence, index: int, analysis: Analysis) -> bool:
        later = [t for t in analysis.turns[index + 1:] if t.speaker in ("agent", "system")]
        if any(t.speaker == "system" for t in later):
            return True
        vector = analysis.vector(promise.text)
        for turn in later:
            for sentence in turn.sentences:
                if float(analysis.vector(sentence.text) @ vector) >= FULFIL_SIMILARITY:
                    return True
            if has("follow_through", "resolution_or_next_step", analysis.language, turn.text):
                return True
        return False

    def _unanswered(self, analysis: Analysis, flags: dict[int, list[Flag]], texts: dict[str, str]) -> None:
        """Flag a reply that answered some of a customer's questions but skipped one.

        A lone question followed by an agent reply counts as addressed (replies that only
        promise or deflect are caught by the other rules); among several questions, one that
        shares no content word with any later agent turn and is semantically far from all
        of them was skipped.
        """
        for turn in analysis.turns:
            if turn.speaker != "customer":
                continue
            questions = [q for q in customer_questions(turn) if len(q.text.split()) >= MIN_QUESTION_WORDS]
            replies = [t for t in analysis.turns[turn.index + 1:] if t.speaker == "agent"]
            later = [s for t in replies for s in t.sentences]
            if len(questions) < 2 or not later:
                continue
            answers = np.stack([analysis.vector(s.text) for s in later])
            answer_words = {w for t in replies for w in lexical_tokens(t.doc)}
            for question in questions:
                span = turn.doc.char_span(question.start, question.end, alignment_mode="expand")
                shared = set(lexical_tokens(span) if span is not None else []) & answer_words
                if shared or float(np.max(answers @ analysis.vector(question.text))) >= ANSWER_SIMILARITY:
                    continue
                # Flagged on the reply that skipped it; the evidence is the question itself.
                flags[replies[0].index].append(self.make_flag(
                    "medium", texts["question"].format(quote=question.text), turn.index,
                    question.start, question.end, turn.text,
                    texts["question_fix"].format(quote=question.text), "follow_through.unanswered_question"))
