"""Empathy: does the reply acknowledge the feelings or impact the customer expressed?

First version: marker rules after the EPITOME framework (emotional reactions,
interpretations, explorations), judged against the preceding customer turn(s). ``null``
where the customer expressed no emotion or problem impact (../shared/RUBRIC.md section 2).
"""

from __future__ import annotations

from coach.nlp import Analysis, TurnAnalysis
from coach.scorers import register
from coach.scorers.base import Scorer
from coach.scorers.markers import MarkerHit, find, has, markers_for
from coach.types import DimensionScore

SUGGEST = {
    "en": "Acknowledge the customer first, then act: \"I'm sorry about this, I can see how frustrating it is. Here's what I'm doing right now: ...\"",
    "ru": "Сначала признайте чувства клиента, потом действуйте: «Мне очень жаль, понимаю, как это неприятно. Сейчас я ...»",
}


def customer_emotion(text: str, language: str) -> list[MarkerHit]:
    """Emotion and problem-impact cues in customer text (empty: empathy does not apply)."""
    return has("empathy", "customer_emotion", language, text)


def _exploration(turn: TurnAnalysis) -> bool:
    # A question back to the customer about their situation is EPITOME's "exploration".
    return any(s.text.endswith("?") for s in turn.sentences)


@register("empathy")
class EmpathyScorer(Scorer):
    """Flags replies that ignore or minimise an upset customer's feelings."""

    def score(self, analysis: Analysis) -> dict[int, DimensionScore]:
        """Score every agent reply of the conversation."""
        results = {}
        for turn in analysis.turns:
            if turn.speaker != "agent":
                continue
            context = analysis.previous_customer_text(turn.index)
            cues = customer_emotion(context, analysis.language) if context else []
            if not cues:
                results[turn.index] = self.not_applicable()
                continue
            results[turn.index] = self._score_reply(turn, cues, analysis.language)
        return results

    def _score_reply(self, turn: TurnAnalysis, cues: list[MarkerHit], language: str) -> DimensionScore:
        flags = [
            self.make_flag(hit.marker.severity, hit.reason, turn.index, hit.start, hit.end, turn.text,
                           hit.marker.suggestion, f"empathy.{hit.marker.name}")
            for hit in find(markers_for("empathy", language, kind="flag"), turn.text)
        ]
        expressed = has("empathy", "empathy_expression", language, turn.text)
        if not expressed and not flags:
            first = turn.sentences[0] if turn.sentences else None
            quoted = ", ".join(f"\"{c.text}\"" for c in cues[:2])
            reason = (f"The customer is upset ({quoted}) but the reply goes straight to procedure "
                      "without acknowledging it.") if language != "ru" else (
                      f"Клиент расстроен ({quoted}), а ответ сразу переходит к процедуре, не признавая этого.")
            flags.append(self.make_flag(
                "medium", reason, turn.index, first.start if first else 0,
                first.end if first else len(turn.text), turn.text,
                SUGGEST.get(language, SUGGEST["en"]), "empathy.no_acknowledgement"))
        bonus = 0.0 if expressed else -0.2
        bonus += 0.05 if _exploration(turn) else 0.0
        return self.from_flags(flags, bonus=bonus)
