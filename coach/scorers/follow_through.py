"""Follow-through: promises kept, questions answered, a clear close, ownership kept.

Per ../shared/RUBRIC.md section 4: commitments with no timeframe or reference that no later
turn fulfils, customer questions no later agent turn addresses, a last reply with neither a
resolution nor next steps, and deflection without a handoff. A conversation summary lists
the open promises and unanswered questions.
"""

from __future__ import annotations

from typing import Any

from coach.commitments import Commitment, commitments_in
from coach.nlp import DRAFT_META, Analysis, TurnAnalysis
from coach.questions import addressed, customer_questions
from coach.scorers import register
from coach.scorers.base import Scorer
from coach.scorers.markers import find, has, markers_for
from coach.types import DimensionScore, Flag

#: A last reply this long to a customer's question is an answer, not a vague close.
ANSWER_MIN_WORDS = 6
TEXTS = {
    "en": {
        "promise": "Promise with no timeframe or reference that is never fulfilled later: \"{quote}\".",
        "promise_fix": "Give the customer something to hold you to: \"I'll email the label within 1 hour; your case number is BK-...\"",
        "question": "Customer's question is never answered: \"{quote}\".",
        "question_fix": "Answer every question the customer asked, or say when you will: \"About {quote} ...\"",
        "close": "The conversation ends without a resolution or clear next steps.",
        "close_fix": "Close by confirming what was done and what happens next: \"Your refund of $X is issued and will reach your card in 5-10 business days. Anything else I can help with?\"",
    },
    "ru": {
        "promise": "Обещание без срока и номера обращения, которое так и не выполнено: «{quote}».",
        "promise_fix": "Дайте клиенту срок или номер: «Отправлю инструкцию на почту в течение часа, номер обращения BK-...»",
        "question": "Вопрос клиента остался без ответа: «{quote}».",
        "question_fix": "Ответьте на каждый вопрос клиента или скажите, когда ответите: «По поводу вопроса «{quote}» ...»",
        "close": "Диалог завершается без подтверждения решения и без понятных следующих шагов.",
        "close_fix": "Завершите подтверждением и следующим шагом: «Возврат оформлен, деньги поступят на карту в течение 5–10 рабочих дней. Могу ещё чем-то помочь?»",
    },
}


@register("follow_through")
class FollowThroughScorer(Scorer):
    """Flags open promises, skipped questions, vague closes and deflection."""

    def score(self, analysis: Analysis) -> dict[int, DimensionScore]:
        """Score every agent reply of the conversation."""
        return self.score_conversation(analysis)[0]

    def score_conversation(self, analysis: Analysis) -> tuple[dict[int, DimensionScore], dict[str, Any]]:
        """Per-reply scores and the conversation's open promises and unanswered questions."""
        language = analysis.language
        texts = TEXTS.get(language, TEXTS["en"])
        agent_turns = [t for t in analysis.turns if t.speaker == "agent"]
        flags: dict[int, list[Flag]] = {t.index: [] for t in agent_turns}
        promises: list[Commitment] = []
        handoffs: list[dict[str, Any]] = []
        for turn in agent_turns:
            handoff = has("follow_through", "handoff", language, turn.text)
            if handoff:
                handoffs.append({"turn": turn.index, "text": handoff[0].text})
            else:
                flags[turn.index] += self._deflections(turn, language)
            for commitment in commitments_in(turn, analysis):
                promises.append(commitment)
                if commitment.open:
                    s = commitment.sentence
                    flags[turn.index].append(self.make_flag(
                        "medium", texts["promise"].format(quote=s.text), turn.index, s.start, s.end,
                        turn.text, texts["promise_fix"], "follow_through.open_promise"))
        unanswered = self._unanswered(analysis, flags, texts)
        if agent_turns and not analysis.transcript.meta.get(DRAFT_META):
            last = agent_turns[-1]
            if self._vague_close(last, analysis):
                sentence = last.sentences[-1] if last.sentences else None
                flags[last.index].append(self.make_flag(
                    "medium", texts["close"], last.index, sentence.start if sentence else 0,
                    sentence.end if sentence else len(last.text), last.text, texts["close_fix"],
                    "follow_through.vague_close"))
        summary = {
            "open_promises": [{"turn": c.turn, "text": c.sentence.text, "action": c.action, "object": c.object}
                              for c in promises if c.open],
            "kept_promises": [{"turn": c.turn, "text": c.sentence.text, "action": c.action, "object": c.object,
                               "fulfilled_by": c.fulfilled_by} for c in promises if c.fulfilled_by is not None],
            "dated_promises": [{"turn": c.turn, "text": c.sentence.text, "timeframe": c.timeframe}
                               for c in promises if c.fulfilled_by is None and c.timeframe],
            "unanswered_questions": unanswered,
            "handoffs": handoffs,
        }
        return {index: self.from_flags(found) for index, found in flags.items()}, summary

    def _deflections(self, turn: TurnAnalysis, language: str) -> list[Flag]:
        return [self.make_flag(hit.marker.severity, hit.reason, turn.index, hit.start, hit.end, turn.text,
                               hit.marker.suggestion, "follow_through.deflection")
                for hit in find(markers_for("follow_through", language, kind="flag"), turn.text)]

    def _unanswered(self, analysis: Analysis, flags: dict[int, list[Flag]],
                    texts: dict[str, str]) -> list[dict[str, Any]]:
        """Flag, on the first reply after it, each customer question no later agent turn addresses."""
        found = []
        asked = {t.index: customer_questions(t) for t in analysis.turns if t.speaker == "customer"}
        analysis.ensure_vectors([q.text for questions in asked.values() for q in questions])
        for turn in analysis.turns:
            if turn.speaker != "customer":
                continue
            replies = [t for t in analysis.turns[turn.index + 1:] if t.speaker == "agent"]
            if not replies:
                continue
            questions = asked[turn.index]
            for question in questions:
                if addressed(question, turn, replies, analysis, siblings=len(questions)):
                    continue
                found.append({"turn": turn.index, "text": question.text, "flagged_on": replies[0].index})
                # The evidence is the question itself, in the customer's turn.
                flags[replies[0].index].append(self.make_flag(
                    "medium", texts["question"].format(quote=question.text), turn.index,
                    question.start, question.end, turn.text,
                    texts["question_fix"].format(quote=question.text), "follow_through.unanswered_question"))
        return found

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
        customer = next((t for t in reversed(analysis.turns[:last.index]) if t.speaker == "customer"), None)
        questions = customer_questions(customer) if customer else []
        # A real answer to the customer's last question closes the loop; "Anything else?" does not.
        return not (questions and len(last.text.split()) >= ANSWER_MIN_WORDS
                    and all(addressed(q, customer, [last], analysis, siblings=2) for q in questions))
