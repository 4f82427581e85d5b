"""Empathy: does the reply acknowledge the feelings or impact the customer expressed?

Judged against the preceding customer turn(s), after ../shared/RUBRIC.md section 2 and the
EPITOME framework (emotional reactions, interpretations, explorations). Two learned heads
(``models/empathy``, ``coach train empathy``) decide whether empathy applies at all (``null``
for a neutral message) and whether the reply fails to acknowledge the customer; marker rules
(``coach/data/markers.toml``) catch minimising and stand in when no model is installed. Every
flag quotes the customer's words that called for empathy and carries a phrasebook hint for the
customer's situation.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np

from coach.empathy_features import emotion_feature_names, emotion_row, pair_feature_names, pair_row
from coach.linear_head import LinearHead, append_logit, load_head
from coach.nlp import Analysis, TurnAnalysis
from coach.phrasebook import customer_situation, suggest
from coach.scorers import register
from coach.scorers.base import Scorer
from coach.scorers.markers import MarkerHit, find, has, markers_for
from coach.scorers.politeness import customer_name
from coach.tone_features import turn_strategies
from coach.types import DimensionScore, Flag

#: Reply cues cold enough to make empathy apply even after a neutral customer message.
COLD_CUES = frozenset({"rude_dismissive", "rude_condescension", "rude_blame", "rude_sarcasm", "rude_profanity",
                       "not_my_job", "pointing_elsewhere"})
#: Reply strategies that turn "no acknowledgement" into a more specific kind of flag.
_KIND_BY_STRATEGY = {"pointing_elsewhere": "deflection", "policy_citation": "deflection",
                     "emotional_reaction": "hollow_apology", "apology": "hollow_apology"}


def customer_emotion(text: str, language: str) -> list[MarkerHit]:
    """Emotion and problem-impact cues in customer text (the evidence quoted in a flag)."""
    return has("empathy", "customer_emotion", language, text)


@register("empathy")
class EmpathyScorer(Scorer):
    """Flags replies that ignore or minimise an upset customer's feelings."""

    def warm_up(self) -> None:
        """Load the heads."""
        _ = self.heads, self.public

    @cached_property
    def heads(self) -> tuple[LinearHead, LinearHead] | None:
        """(applicability, acknowledgement) heads, or ``None`` for rules alone."""
        folder = Path(self.resources.config.models_dir) / "empathy"
        applicability = load_head(str(folder / "applicability.json"), emotion_feature_names())
        acknowledgement = load_head(str(folder / "acknowledgement.json"), (*pair_feature_names(), "public_logit"))
        return (applicability, acknowledgement) if applicability and acknowledgement else None

    @cached_property
    def public(self) -> LinearHead | None:
        """The EPITOME head whose logit the acknowledgement head reads."""
        return load_head(str(Path(self.resources.config.models_dir) / "empathy" / "public.json"), pair_feature_names())

    def score(self, analysis: Analysis) -> dict[int, DimensionScore]:
        """Score every agent reply of the conversation."""
        results = {}
        for turn in analysis.turns:
            if turn.speaker != "agent":
                continue
            context = analysis.previous_customer_text(turn.index)
            results[turn.index] = self._score_reply(analysis, turn, context) if context else self.not_applicable()
        return results

    def _score_reply(self, analysis: Analysis, turn: TurnAnalysis, context: str) -> DimensionScore:
        language = analysis.language
        cues = customer_emotion(context, language)
        if self.heads is None:
            if not cues:
                return self.not_applicable()
            fails = not has("empathy", "empathy_expression", language, turn.text)
            probability = 1.0 if fails else 0.0
            threshold = 0.5
        else:
            applicability, acknowledgement = self.heads
            analysis.ensure_vectors([context, *(s.text for s in turn.sentences)])
            if applicability.predict_proba(emotion_row(analysis.vector(context), context, language))[0] \
                    < applicability.threshold:
                return self._cold_reply(turn, language, context)
            sentences = [s.text for s in turn.sentences] or [turn.text]
            analysis.ensure_vectors(sentences)
            row = pair_row(analysis.vector(context), np.stack([analysis.vector(s) for s in sentences]), context,
                           turn.text, turn_strategies(turn, language), language)
            probability = float(acknowledgement.predict_proba(append_logit(row, self.public))[0])
            threshold = acknowledgement.threshold
        minimising = find(markers_for("empathy", language, kind="flag"), turn.text)
        flags = []
        if minimising or probability >= threshold:  # the hint's inputs are only needed for a flag
            name = customer_name(analysis, turn.index)
            flags = [
                self.make_flag(hit.marker.severity, hit.reason, turn.index, hit.start, hit.end, turn.text,
                               suggest("minimising", language, context, name) or hit.marker.suggestion,
                               f"empathy.{hit.marker.name}")
                for hit in minimising
            ]
            if not flags:
                situation = customer_situation(context, language)
                flags.append(self._acknowledgement_flag(turn, context, cues, probability, situation, name, language))
        # The head's doubt lowers the score even below the flag threshold; exploring the
        # customer's situation with a question is EPITOME's third mechanism.
        bonus = -0.4 * max(0.0, probability - 0.5) + (0.05 if any(s.text.endswith("?") for s in turn.sentences) else 0)
        return self.from_flags(flags, bonus=bonus)

    def _cold_reply(self, turn: TurnAnalysis, language: str, context: str) -> DimensionScore:
        """The rubric's exception for a neutral customer message: a reply cold enough to strike
        a reviewer (dismissive, blaming, pushing the customer away) is still an empathy problem."""
        cold = [h for h in turn_strategies(turn, language) if h.name in COLD_CUES]
        if not cold:
            return self.not_applicable()
        hit = cold[0]
        reason = (f"Холодный ответ даже на нейтральный вопрос: «{hit.text}»." if language == "ru"
                  else f"Cold reply even to a neutral question: \"{hit.text}\".")
        hint = suggest("dismissive" if hit.name != "pointing_elsewhere" else "deflection", language, context)
        return self.from_flags([self.make_flag("medium", reason, turn.index, hit.start, hit.end, turn.text, hint,
                                               "empathy.cold_tone")])

    def _acknowledgement_flag(self, turn: TurnAnalysis, context: str, cues: list[MarkerHit], probability: float,
                              situation: str, name: str | None, language: str) -> Flag:
        strategies = {h.name for h in turn_strategies(turn, language)}
        kind = next((k for s, k in _KIND_BY_STRATEGY.items() if s in strategies), "no_acknowledgement")
        # Quote the customer's words; punctuation cues ("!!") alone say little to a reviewer.
        worded = [c for c in cues if any(ch.isalpha() for ch in c.text)]
        quoted = ", ".join(f"\"{c.text}\"" for c in worded[:2]) or f"\"{context[:80].strip()}\""
        model = f" (model: {probability:.2f})" if self.heads else ""
        if language == "ru":
            what = {"deflection": "переадресует клиента, не признав проблему",
                    "hollow_apology": "извиняется формально, а дальше не учитывает ситуацию клиента",
                    }.get(kind, "сразу переходит к процедуре, не признавая этого")
            reason = f"Клиент расстроен или пострадал ({quoted}), а ответ {what}{model}."
        else:
            what = {"deflection": "points elsewhere without acknowledging the problem",
                    "hollow_apology": "apologises in form only and then ignores the customer's situation",
                    }.get(kind, "goes straight to procedure without acknowledging it")
            reason = f"The customer is upset or affected ({quoted}) but the reply {what}{model}."
        first = turn.sentences[0] if turn.sentences else None
        hint = suggest(kind if kind != "no_acknowledgement" else situation, language, context, name)
        return self.make_flag("medium", reason, turn.index, first.start if first else 0,
                              first.end if first else len(turn.text), turn.text, hint, f"empathy.{kind}")
