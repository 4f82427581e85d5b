"""Language detection that copes with mixed English/Russian support messages.

The share of Cyrillic letters alone misreads mixed texts ("Hi, спасибо, but my order is still
missing" is English) and texts full of Latin product names ("Подписка Basketly Plus не
продлилась" is Russian). So words, not letters, vote for a script; brand-like Latin words and
codes inside Cyrillic text do not vote; then a character n-gram model (py3langid) picks the
language among those written in the winning script.
"""

from __future__ import annotations

import re
from functools import cache

DEFAULT_LANGUAGE = "en"
#: Confidence another language of the same script needs to beat the main one (en / ru).
MIN_OTHER_CONFIDENCE = 0.9
#: Languages the n-gram model may choose from, by script.
SCRIPT_LANGUAGES = {"latin": ["en", "de", "fr", "es", "it", "pt", "nl"], "cyrillic": ["ru", "uk", "bg"]}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NOISE = re.compile(r"https?://\S+|\S+@\S+|#\S+|\b[A-Z]{2,}-?\d+\b")


def _script(word: str) -> str | None:
    cyr = sum("\u0400" <= ch <= "\u04ff" for ch in word)
    if cyr * 2 > len(word):
        return "cyrillic"
    lat = sum(ch.isascii() for ch in word)
    return "latin" if lat * 2 > len(word) else None


@cache
def _identifier(script: str):  # noqa: ANN202 - py3langid has no public type
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True, langs=SCRIPT_LANGUAGES[script])


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """Return an ISO 639-1 code for ``text``; ``default`` when there are no words to go on."""
    words = _WORD.findall(_NOISE.sub(" ", text))
    votes = {"latin": 0, "cyrillic": 0}
    cyrillic_present = any(_script(w) == "cyrillic" for w in words)
    kept: dict[str, list[str]] = {"latin": [], "cyrillic": []}
    for word in words:
        script = _script(word)
        if script is None:
            continue
        # Inside Cyrillic text a capitalised Latin word is a brand or product name, not English.
        if script == "latin" and cyrillic_present and word[:1].isupper():
            continue
        votes[script] += 1
        kept[script].append(word)
    if not any(votes.values()):
        return default
    script = max(votes, key=lambda s: votes[s])
    sample = " ".join(kept[script])
    language, confidence = _identifier(script).classify(sample)
    main = "ru" if script == "cyrillic" else default if default in SCRIPT_LANGUAGES["latin"] else "en"
    # Short samples ("ok", "Пришлите фото.") give weak guesses; a support team's texts are far
    # more often in its main languages, so another language must win clearly.
    if len(sample) < 12 or (language != main and confidence < MIN_OTHER_CONFIDENCE):
        return main
    return language
