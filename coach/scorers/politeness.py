"""Politeness: rude, condescending, blaming or curt wording; shouting; missing greeting/close.

First version: explainable marker rules (``coach/data/markers.toml``) plus part-of-speech
cues for bare commands, following ../shared/RUBRIC.md section 1.
"""

from __future__ import annotations

import re

from coach.nlp import DRAFT_META, Analysis, TurnAnalysis, parse_word
from coach.scorers import register
from coach.scorers.base import Scorer
from coach.scorers.markers import find, has, markers_for
from coach.types import DimensionScore, Flag

#: Three or more ALL-CAPS words in a row is shouting; codes like BK-123456 are not words.
_SHOUTING = re.compile(r"\b[A-ZА-ЯЁ]{2,}[!?.,]*(?:\s+[A-ZА-ЯЁ]{2,}[!?.,]*){2,}")
_BANGS = re.compile(r"!{2,}")
#: Short first words that are not commands even when tagged as verbs.
_NOT_COMMANDS = {"please", "let", "thank", "thanks", "sorry", "hope", "welcome", "see", "note", "feel"}
SUGGEST = {
    "en": {
        "shouting": "Write in sentence case and drop repeated exclamation marks; calm wording carries more weight.",
        "curt": "Soften the request and say why it helps: \"Could you please ...? That lets me ... right away.\"",
        "greeting": "Open with a greeting and the customer's name: \"Hi Maria, thanks for reaching out.\"",
        "close": "Close courteously: \"Thanks for your patience, and have a great evening!\"",
    },
    "ru": {
        "shouting": "Пишите без капса и лишних восклицательных знаков: спокойный тон убедительнее.",
        "curt": "Смягчите просьбу и объясните, зачем она: «Пришлите, пожалуйста, ... — так я смогу сразу ...»",
        "greeting": "Начните с приветствия: «Здравствуйте, Мария! Спасибо, что написали.»",
        "close": "Завершите вежливо: «Спасибо за терпение! Хорошего дня.»",
    },
}


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


@register("politeness")
class PolitenessScorer(Scorer):
    """Flags discourtesy per the rubric; low-severity flags for missing greeting and close."""

    def score(self, analysis: Analysis) -> dict[int, DimensionScore]:
        """Score every agent reply of the conversation."""
        agent_turns = [t for t in analysis.turns if t.speaker == "agent"]
        # A draft checked on its own is neither the first nor the last reply of a chat.
        whole_conversation = not analysis.transcript.meta.get(DRAFT_META)
        results = {}
        for position, turn in enumerate(agent_turns):
            flags = self._reply_flags(turn, analysis.language)
            if whole_conversation and position == 0:
                flags += self._greeting_flag(turn, analysis.language)
            if whole_conversation and position == len(agent_turns) - 1:
                flags += self._close_flag(turn, analysis.language)
            results[turn.index] = self.from_flags(flags)
        return results

    def _reply_flags(self, turn: TurnAnalysis, language: str) -> list[Flag]:
        flags = [
            self.make_flag(hit.marker.severity, hit.reason, turn.index, hit.start, hit.end, turn.text,
                           hit.marker.suggestion, f"politeness.{hit.marker.name}")
            for hit in find(markers_for("politeness", language, kind="flag"), turn.text)
        ]
        words = SUGGEST.get(language, SUGGEST["en"])
        for pattern, label in ((_SHOUTING, "Shouting in capitals"), (_BANGS, "Repeated exclamation marks")):
            match = pattern.search(turn.text)
            if match:
                flags.append(self.make_flag("medium", f"{label}: \"{match.group(0)}\".", turn.index,
                                            match.start(), match.end(), turn.text, words["shouting"],
                                            "politeness.shouting"))
        softened = has("politeness", "softener", language, turn.text)
        if not softened and len(turn.sentences) <= 3:
            for sentence, span in zip(turn.sentences, turn.doc.sents, strict=False):
                # "Have a lovely evening!", "Take care", "Обращайтесь!" are wishes, not orders.
                if is_command(span, language) and not has("politeness", "courteous_close", language, sentence.text):
                    flags.append(self.make_flag(
                        "medium", f"Curt command with no softener: \"{sentence.text}\".", turn.index,
                        sentence.start, sentence.end, turn.text, words["curt"], "politeness.curt_command"))
                    break
        return flags

    def _greeting_flag(self, turn: TurnAnalysis, language: str) -> list[Flag]:
        if has("politeness", "greeting", language, turn.text[:120]):
            return []
        first = turn.sentences[0] if turn.sentences else None
        end = first.end if first else len(turn.text)
        reason = "First reply has no greeting." if language != "ru" else "В первом ответе нет приветствия."
        return [self.make_flag("low", reason, turn.index, first.start if first else 0, end, turn.text,
                               SUGGEST.get(language, SUGGEST["en"])["greeting"], "politeness.missing_greeting")]

    def _close_flag(self, turn: TurnAnalysis, language: str) -> list[Flag]:
        tail_start = max(0, len(turn.text) - 200)
        if has("politeness", "courteous_close", language, turn.text[tail_start:]):
            return []
        last = turn.sentences[-1] if turn.sentences else None
        reason = "Last reply has no courteous close." if language != "ru" else "Последний ответ без вежливого завершения."
        return [self.make_flag("low", reason, turn.index, last.start if last else 0,
                               last.end if last else len(turn.text), turn.text,
                               SUGGEST.get(language, SUGGEST["en"])["close"], "politeness.missing_close")]
