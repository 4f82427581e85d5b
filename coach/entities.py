"""Names a reply relies on (payment methods, plans, promo codes) checked against the KB: a
name the KB never mentions, or mentions only to deny it ("There is no family plan"), is a
contradiction when the reply affirms it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.grounding import Statement, StatementIndex, is_negated
from coach.names import ALIASES, PAYMENT_NAMES

_PLAN_EN = re.compile(r"\b(?:plus\s+)?([a-z]+)\s+(?:plan|membership|tier|subscription)\b|"
                      r"\bplus\s+(family|student|business|premium|duo|pro)\b", re.IGNORECASE)
#: A name after «тариф» is quoted or capitalised: «тариф «Семейный»», «тариф Семейный», but not
#: «у обоих тарифов одни и те же».
_PLAN_RU = re.compile(r"\b([а-яё]+(?:ый|ий|ой))\s+(?:тариф|план)\w*\b|"
                      r"\bтариф\w*\s+(?:«([^»]+)»|((?-i:[А-ЯЁA-Z])[а-яёa-z]+))", re.IGNORECASE)
_CODE = re.compile(r"\b[A-ZА-ЯЁ]{3,}\d{1,4}\b")
_GENERIC_PLAN_WORDS = {"this", "that", "your", "the", "a", "our", "current", "same", "new", "paid", "free", "which",
                       "any", "its", "my", "his", "her", "their", "other", "one", "each", "every", "basketly",
                       "этот", "такой", "ваш", "новый", "текущий", "любой", "какой", "платный", "бесплатный"}


@dataclass(frozen=True)
class Mention:
    """A name in the reply and where it is."""

    text: str
    start: int
    end: int
    kind: str


def mentions(text: str, language: str) -> list[Mention]:
    """Payment methods, plan qualifiers and promo codes named in a sentence."""
    found = [Mention(m.group(0), m.start(), m.end(), "payment") for m in PAYMENT_NAMES.finditer(text)]
    plan = _PLAN_RU if language == "ru" else _PLAN_EN
    for match in plan.finditer(text):
        name = next((g for g in match.groups() if g), "")
        if name and name.lower() not in _GENERIC_PLAN_WORDS:
            found.append(Mention(name, match.start(), match.end(), "plan"))
    found += [Mention(m.group(0), m.start(), m.end(), "code") for m in _CODE.finditer(text)]
    return found


def _stem(word: str) -> str:
    return word.lower()[:5]


def _statements_in(index: StatementIndex, language: str) -> list[tuple[Statement, str]]:
    """The KB's statements in ``language`` (all of them when the KB has none in it)."""
    return index.lowered.get(language) or [pair for pairs in index.lowered.values() for pair in pairs]


def check_mention(mention: Mention, index: StatementIndex, articles: list[str], language: str,
                  anchor: Statement | None) -> Statement | None:
    """The KB statement the named thing contradicts, or None when the KB supports it.

    ``anchor`` is the statement cited when the KB never names the thing at all.
    """
    name = ALIASES.get(mention.text.lower(), mention.text)
    key = (name.lower(), language)
    if key not in index.named:  # the same few names come up in reply after reply
        stem, lowered = _stem(name), name.lower()
        named = [s for s, text in _statements_in(index, language) if stem in text or lowered in text]
        index.named[key] = (named, bool(named) and all(is_negated(s.text) for s in named))
    named, denied = index.named[key]
    if not named:
        return anchor
    # Cite the denial from the article the reply is about when it has one.
    return next((s for s in named if s.article_id in articles), named[0]) if denied else None
