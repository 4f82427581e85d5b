"""Politeness strategies with their spans (``coach/data/strategies.toml``), after
Danescu-Niculescu-Mizil et al. 2013, plus support-specific cues.

The same matches serve twice: as features of the learned politeness head and as the
explanation a reviewer sees ("gratitude: 'thanks so much'", "direct question: 'Why did you
...?'"). English imperatives come from spaCy's tags, Russian ones from pymorphy3.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from coach.regex_screen import RegexScreen
from coach.scorers.markers import MarkerHit, find, markers_for

STRATEGIES_FILE = Path(__file__).resolve().parent / "data" / "strategies.toml"
#: Sentence starts: the text start, a line start, or after ". ", "! ", "? ", allowing a quote.
_START = r"(?:^|(?<=[.!?…] )|(?<=[.!?…]\n))[\"«(]?"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
#: Whole words that begin a sentence but are not commands even when tagged as verbs.
_NOT_IMPERATIVE = {"please", "thank", "thanks", "sorry", "hope", "welcome", "let", "see", "note"}


@dataclass(frozen=True)
class Strategy:
    """One strategy: its name, the sign found in the 2013 study, compiled patterns per language."""

    name: str
    polarity: int
    patterns: dict[str, tuple[re.Pattern[str], ...]]


@dataclass(frozen=True)
class StrategyHit:
    """A strategy found in a text, with character offsets."""

    name: str
    start: int
    end: int
    text: str
    polarity: int


@cache
def load_strategies(path: Path = STRATEGIES_FILE) -> tuple[Strategy, ...]:
    """Parse and compile the strategy file once."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for raw in data["strategy"]:
        prefix = _START if raw.get("start") else ""
        flags = re.MULTILINE | (0 if raw.get("case_sensitive") else re.IGNORECASE)
        patterns = {lang: tuple(re.compile(prefix + p, flags) for p in raw.get(lang, []))
                    for lang in ("en", "ru")}
        out.append(Strategy(raw["name"], int(raw.get("polarity", 0)), patterns))
    return tuple(out)


#: Strategies from the file, then the token-level ones, then the support rudeness markers.
RUDENESS = ("condescension", "dismissive", "blame", "sarcasm", "profanity")


@cache
def feature_names() -> tuple[str, ...]:
    """Names of the strategy feature vector's columns, in order."""
    return (*(s.name for s in load_strategies()), "imperative_start", *(f"rude_{n}" for n in RUDENESS))


@cache
def _screen() -> RegexScreen:
    return RegexScreen(p for strategy in load_strategies() for ps in strategy.patterns.values() for p in ps)


def find_strategies(text: str, language: str,
                    imperative_spans: list[tuple[int, int]] | None = None) -> list[StrategyHit]:
    """Every strategy match in ``text`` (English patterns for languages other than Russian).

    ``imperative_spans`` are sentences that start with a bare imperative, found by the caller
    from its spaCy or pymorphy3 analysis (see :func:`imperative_sentences`).
    """
    lang = "ru" if language == "ru" else "en"
    normalised = text.translate(_APOSTROPHES)
    possible = _screen().candidates(normalised)
    hits = []
    for strategy in load_strategies():
        for pattern in strategy.patterns[lang]:
            if pattern not in possible:
                continue
            for match in pattern.finditer(normalised):
                if match.end() > match.start():
                    hits.append(StrategyHit(strategy.name, match.start(), match.end(),
                                            text[match.start():match.end()], strategy.polarity))
    for start, end in imperative_spans or []:
        hits.append(StrategyHit("imperative_start", start, end, text[start:end], -1))
    for hit in rudeness_hits(text, lang):
        hits.append(StrategyHit(f"rude_{hit.marker.name}", hit.start, hit.end, hit.text, -1))
    hits.sort(key=lambda h: (h.start, h.end))
    return hits


def rudeness_hits(text: str, language: str) -> list[MarkerHit]:
    """The rubric's rudeness markers (condescension, dismissal, blame, sarcasm, profanity)."""
    return find([m for m in markers_for("politeness", language, kind="flag") if m.name in RUDENESS], text)


def imperative_sentences(doc, language: str, parse_word=None) -> list[tuple[int, int]]:  # noqa: ANN001
    """Character spans of sentences of a spaCy ``doc`` that start with a bare imperative verb.

    English uses the tagger (VB first); Russian needs ``parse_word`` (pymorphy3, cached).
    """
    spans = []
    for sentence in doc.sents:
        words = [t for t in sentence if t.is_alpha]
        if not words or sentence.text.rstrip().endswith("?") or words[0].lower_ in _NOT_IMPERATIVE:
            continue
        first = words[0]
        if language == "ru":
            imperative = parse_word is not None and parse_word(first.text)[0].tag.mood == "impr"
        else:
            imperative = first.tag_ == "VB" and first.i <= sentence.start + 1
        if imperative:
            spans.append((sentence.start_char - doc[0].idx if len(doc) else 0, sentence.end_char))
    return spans


def feature_vector(hits: list[StrategyHit], text: str) -> np.ndarray:
    """Strategy counts (capped at 3, so one long reply cannot dominate) plus length cues."""
    names = feature_names()
    index = {n: i for i, n in enumerate(names)}
    vector = np.zeros(len(names) + 3, dtype=np.float32)
    for hit in hits:
        vector[index[hit.name]] = min(3.0, vector[index[hit.name]] + 1.0)
    words = max(1, len(text.split()))
    vector[len(names)] = np.log1p(words) / 5.0
    vector[len(names) + 1] = text.count("?") / 3.0
    vector[len(names) + 2] = float(text.rstrip().endswith("?"))
    return vector
