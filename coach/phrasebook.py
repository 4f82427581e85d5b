"""Rewrite hints from the phrasebook of good support wording (``coach/data/phrasebook.toml``).

A flag names a situation (a politeness flag kind, or the customer's situation for empathy:
a delay, missing items, money, urgency, ...); the hint is the phrase of that situation whose
words best fit the customer's message, with the customer's name filled in when known.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coach.regex_screen import RegexScreen
from coach.types import Suggestion

PHRASEBOOK_FILE = Path(__file__).resolve().parent / "data" / "phrasebook.toml"
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
FALLBACK_SITUATION = "general_upset"


@dataclass(frozen=True)
class Phrase:
    """One example of good wording and the move it makes."""

    situation: str
    lang: str
    pattern: str
    text: str


_Cues = tuple[tuple[str, dict[str, tuple[re.Pattern, ...]]], ...]


@cache
def _load(path: Path = PHRASEBOOK_FILE) -> tuple[tuple[Phrase, ...], _Cues]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    phrases = tuple(Phrase(p["situation"], p["lang"], p["pattern"], p["text"]) for p in data["phrase"])
    cues = tuple((c["situation"], {lang: tuple(re.compile(x, re.IGNORECASE) for x in c.get(lang, []))
                                   for lang in ("en", "ru")}) for c in data.get("cue", []))
    return phrases, cues


def all_phrases() -> tuple[Phrase, ...]:
    """Every phrase of the phrasebook, both languages."""
    return _load()[0]


def phrases(situation: str, language: str) -> list[Phrase]:
    """Phrases for a situation in ``language`` (English when the language has none)."""
    lang = "ru" if language == "ru" else "en"
    return [p for p in _load()[0] if p.situation == situation and p.lang == lang]


@cache
def _screen() -> RegexScreen:
    return RegexScreen(p for _, patterns in _load()[1] for ps in patterns.values() for p in ps)


def _cue_counts(text: str, language: str) -> list[tuple[str, int]]:
    """Per situation, in file order, how many of its cues ``text`` contains."""
    lang = "ru" if language == "ru" else "en"
    possible = _screen().candidates(text)
    return [(situation, sum(len(p.findall(text)) for p in patterns[lang] if p in possible))
            for situation, patterns in _load()[1]]


def customer_situation(text: str, language: str) -> str:
    """The situation a customer message describes (most cue matches; ties: file order)."""
    best, best_count = FALLBACK_SITUATION, 0
    for situation, count in _cue_counts(text, language):
        if count > best_count:
            best, best_count = situation, count
    return best


def situation_cue_count(text: str, language: str) -> int:
    """How many situation cues of any kind a customer message contains."""
    return sum(count for _, count in _cue_counts(text, language))


def _stems(text: str) -> set[str]:
    # Five-letter prefixes are a crude but language-neutral stem (refund/refunded, заказ/заказа).
    return {w.lower()[:5] for w in _WORD.findall(text)}


def fill_name(text: str, name: str | None) -> str:
    """Put the customer's name in, or remove the placeholder with its comma and space."""
    if name:
        return text.replace("{name}", name)
    text = re.sub(r",\s*\{name\}(?=[,.!?])", "", text)  # "..., {name}." -> "...", "upset, {name}, and" -> "upset, and"
    text = re.sub(r"\s+\{name\}(?=[,!.?])", "", text)  # "Hi {name}, ..." -> "Hi, ..."
    text = re.sub(r"\{name\},?\s*", "", text)  # "{name}, I'm on it." -> "I'm on it."
    return text[:1].upper() + text[1:] if text else text


def suggest(situation: str, language: str, context: str = "", name: str | None = None) -> Suggestion | None:
    """The best-fitting phrase for ``situation`` given the customer's message ``context``."""
    candidates = phrases(situation, language) or phrases(FALLBACK_SITUATION, language)
    if not candidates:
        return None
    wanted = _stems(context)
    # Highest word overlap with the customer's message; the first phrase wins a tie, so the
    # choice is stable.
    best = max(candidates, key=lambda p: len(wanted & _stems(p.text)))
    return Suggestion(f"{fill_name(best.text, name)} ({best.pattern})")
