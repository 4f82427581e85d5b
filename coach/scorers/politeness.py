"""Politeness: rude, condescending, blaming or curt wording; shouting; missing greeting/close.

Explainable marker rules (``coach/data/markers.toml``) and part-of-speech cues for bare
commands, following ../shared/RUBRIC.md section 1, plus a learned head (``models/politeness``,
``coach train politeness``) over sentence embeddings and politeness strategies that finds
discourteous sentences without a known phrase; its flag names the cues behind it. Every flag
carries a rewrite hint from the phrasebook, chosen for its kind and the customer's message.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

import numpy as np

from coach.linear_head import LinearHead, append_logit, load_head
from coach.nlp import DRAFT_META, Analysis, TurnAnalysis, parse_word
from coach.phrasebook import suggest
from coach.scorers import register
from coach.scorers.base import Scorer
from coach.scorers.markers import find, has, markers_for
from coach.tone_features import flaggable, head_feature_names, sentence_features, turn_strategies
from coach.types import DimensionScore, Flag, Suggestion

#: Three or more ALL-CAPS words in a row is shouting; codes like BK-123456 are not words.
_SHOUTING = re.compile(r"\b[A-ZА-ЯЁ]{2,}[!?.,]*(?:\s+[A-ZА-ЯЁ]{2,}[!?.,]*){2,}")
_BANGS = re.compile(r"!{2,}")
#: Short first words that are not commands even when tagged as verbs.
_NOT_COMMANDS = {"please", "let", "thank", "thanks", "sorry", "hope", "welcome", "see", "note", "feel"}
#: Strategy cues that read as discourteous, and the phrasebook situation each one calls for.
_CUE_SITUATION = {
    "rude_condescension": "condescension", "rude_dismissive": "dismissive", "rude_blame": "blame",
    "rude_sarcasm": "sarcasm", "rude_profanity": "profanity", "imperative_start": "curt_command",
    "all_caps": "shouting", "repeated_punctuation": "shouting", "repetition_complaint": "condescension",
    "factuality": "condescension", "direct_question": "blame", "second_person_start": "blame",
    "informal_you": "dismissive",
}
#: Strategies that make a short reply friendly enough that an imperative in it is not curt.
_FRIENDLY = {"greeting", "gratitude", "apology", "positive_lexicon", "emotional_reaction"}
#: Strategy names as a reviewer reads them.
CUE_LABEL = {"direct_question": "direct question", "second_person_start": "starts with \"you\"",
             "imperative_start": "bare command", "negative_lexicon": "negative word", "negation": "negation",
             "factuality": "\"actually/obviously\"", "repetition_complaint": "\"again/already\"",
             "direct_start": "abrupt start", "informal_you": "informal \"ты\"", "all_caps": "capitals",
             "please_start": "\"please\" as an order", "direct_request": "demand"}


def is_command(sentence_doc, language: str) -> bool:  # noqa: ANN001 - a spaCy Span
    """Whether a sentence starts with a bare imperative verb ("Send the screenshot.")."""
    words = [t for t in sentence_doc if t.is_alpha]
    if not words or sentence_doc.text.rstrip().endswith("?"):
        return False
    first = words[0]
    if first.lower_ in _NOT_COMMANDS:
        return False
    if language == "ru":
        parse = parse_word(first.text)[0]
        return parse.tag.mood == "impr"
    return first.tag_ == "VB" and first.i == sentence_doc.start + (0 if sentence_doc[0].is_alpha else 1)


def _situation_hint(situation: str, language: str, context: str, name: str | None) -> Suggestion | None:
    return suggest(situation, language, context, name)


@register("politeness")
class PolitenessScorer(Scorer):
    """Flags discourtesy per the rubric: marker rules with their spans, a learned head that
    finds discourteous sentences the rules miss, and low-severity greeting and close flags."""

    def warm_up(self) -> None:
        """Load both heads."""
        _ = self.head, self.public

    @cached_property
    def head(self) -> LinearHead | None:
        """The trained support head in ``models/politeness/head.json`` (rules alone without it)."""
        return load_head(str(Path(self.resources.config.models_dir) / "politeness" / "head.json"),
                         (*head_feature_names(), "public_logit"))

    @cached_property
    def public(self) -> LinearHead | None:
        """The head fitted on the public Stanford requests, whose logit the support head reads."""
        return load_head(str(Path(self.resources.config.models_dir) / "politeness" / "public.json"),
                         head_feature_names())

    def score(self, analysis: Analysis) -> dict[int, DimensionScore]:
        """Score every agent reply of the conversation."""
        agent_turns = [t for t in analysis.turns if t.speaker == "agent"]
        # A draft checked on its own is neither the first nor the last reply of a chat.
        whole_conversation = not analysis.transcript.meta.get(DRAFT_META)
        results = {}
        for position, turn in enumerate(agent_turns):
            context = analysis.previous_customer_text(turn.index)
            name = customer_name(analysis, turn.index)
            flags = self._reply_flags(turn, analysis.language, context, name)
            worst = 0.0
            if self.head is not None:
                tone_flag, worst = self._tone_flag(analysis, turn, flags, context, name)
                flags += tone_flag
            if whole_conversation and position == 0:
                flags += self._greeting_flag(turn, analysis.language, context, name)
            if whole_conversation and position == len(agent_turns) - 1:
                flags += self._close_flag(turn, analysis.language, context, name)
            # A sentence the head finds more likely rude than not costs up to 0.3 even unflagged.
            results[turn.index] = self.from_flags(flags, bonus=-0.6 * max(0.0, worst - 0.5))
        return results

    def _reply_flags(self, turn: TurnAnalysis, language: str, context: str, name: str | None) -> list[Flag]:
        flags = [
            self.make_flag(hit.marker.severity, hit.reason, turn.index, hit.start, hit.end, turn.text,
                           _situation_hint(hit.marker.name, language, context, name) or hit.marker.suggestion,
                           f"politeness.{hit.marker.name}")
            for hit in find(markers_for("politeness", language, kind="flag"), turn.text)
        ]
        for pattern, label in ((_SHOUTING, "Shouting in capitals"), (_BANGS, "Repeated exclamation marks")):
            match = pattern.search(turn.text)
            if match:
                flags.append(self.make_flag("medium", f"{label}: \"{match.group(0)}\".", turn.index,
                                            match.start(), match.end(), turn.text,
                                            _situation_hint("shouting", language, context, name),
                                            "politeness.shouting"))
        # An instruction inside a friendly reply ("Hi Maya! ... Go to Orders and tap Add tip.")
        # is guidance, not an order; the rubric's curt command stands alone.
        friendly = has("politeness", "softener", language, turn.text) or any(
            h.name in _FRIENDLY for h in turn_strategies(turn, language))
        if not friendly and len(turn.sentences) <= 3:
            for sentence, span in zip(turn.sentences, turn.doc.sents, strict=False):
                # "Have a lovely evening!", "Take care", "Обращайтесь!" are wishes, not orders.
                if is_command(span, language) and not has("politeness", "courteous_close", language, sentence.text):
                    flags.append(self.make_flag(
                        "medium", f"Curt command with no softener: \"{sentence.text}\".", turn.index,
                        sentence.start, sentence.end, turn.text,
                        _situation_hint("curt_command", language, context, name), "politeness.curt_command"))
                    break
        return flags

    def _tone_flag(self, analysis: Analysis, turn: TurnAnalysis, flags: list[Flag], context: str,
                   name: str | None) -> tuple[list[Flag], float]:
        """A flag on the sentence the head finds most discourteous, when no rule covers it."""
        assert self.head is not None
        features = sentence_features(analysis, turn)
        rows = append_logit(np.stack([f.row for f in features]), self.public)
        probabilities = self.head.predict_proba(rows)
        usable = [p if flaggable(p, f.telling, 0.0) else 0.0 for p, f in zip(probabilities, features, strict=True)]
        best = int(np.argmax(usable))
        worst, item = float(usable[best]), features[best]
        covered = any(f.evidence.start < item.sentence.end and item.sentence.start < f.evidence.end for f in flags)
        if not flaggable(worst, item.telling, self.head.threshold) or covered:
            return [], worst
        contributions = self.head.contributions(rows[best])
        cues = sorted((h for h in item.hits if contributions.get(h.name, 0.0) > 0.05),
                      key=lambda h: -contributions[h.name])
        shown = ", ".join(f"{CUE_LABEL.get(h.name, h.name.replace('_', ' '))} \"{h.text}\"" for h in cues[:3])
        if analysis.language == "ru":
            reason = f"Фраза звучит невежливо (модель: {worst:.2f})" + (f"; признаки: {shown}" if shown else "") + "."
        else:
            reason = f"This sentence reads as discourteous (model: {worst:.2f})" + (f"; cues: {shown}" if shown else "") + "."
        situation = next((_CUE_SITUATION[h.name] for h in cues if h.name in _CUE_SITUATION), "passive_aggressive")
        # Medium at most: a model's reading of tone alone should not mark a whole conversation
        # for review; the high-severity rules (dismissal, profanity) still do.
        return [self.make_flag("medium", reason, turn.index, item.sentence.start, item.sentence.end, turn.text,
                               _situation_hint(situation, analysis.language, context, name),
                               "politeness.tone")], worst

    def _greeting_flag(self, turn: TurnAnalysis, language: str, context: str, name: str | None) -> list[Flag]:
        if has("politeness", "greeting", language, turn.text[:120]):
            return []
        first = turn.sentences[0] if turn.sentences else None
        end = first.end if first else len(turn.text)
        reason = "First reply has no greeting." if language != "ru" else "В первом ответе нет приветствия."
        return [self.make_flag("low", reason, turn.index, first.start if first else 0, end, turn.text,
                               _situation_hint("missing_greeting", language, context, name),
                               "politeness.missing_greeting")]

    def _close_flag(self, turn: TurnAnalysis, language: str, context: str, name: str | None) -> list[Flag]:
        tail_start = max(0, len(turn.text) - 200)
        if has("politeness", "courteous_close", language, turn.text[tail_start:]):
            return []
        last = turn.sentences[-1] if turn.sentences else None
        reason = "Last reply has no courteous close." if language != "ru" else "Последний ответ без вежливого завершения."
        return [self.make_flag("low", reason, turn.index, last.start if last else 0,
                               last.end if last else len(turn.text), turn.text,
                               _situation_hint("missing_close", language, context, name),
                               "politeness.missing_close")]


def customer_name(analysis: Analysis, index: int) -> str | None:
    """The customer's name as the transcript gives it (author of the nearest earlier turn)."""
    for turn in reversed(analysis.transcript.turns[:index]):
        if turn.speaker == "customer" and turn.author and turn.author[:1].isupper():
            return turn.author.split()[0]
    return None
