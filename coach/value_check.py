"""Checking one stated value (an amount, a duration, a time of day, an age) against the KB.

The value is compared with the statement that governs its slot: the KB statement closest in
meaning to the claim that states a value of the same kind ("Delivery is free on orders of $35
or more" for "free delivery from $50"). A corrected sentence swaps in the KB's value.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np

from coach.claim_features import content
from coach.claims import bounded, claim_groups, same_claim, within_hours
from coach.grounding import Statement, StatementIndex, clauses, contacts, normalise_contact
from coach.values import Value, extract_values

#: A KB statement giving the claim's value backs it only when it is within this cosine of the
#: closest statement giving a value of that kind (the claim's slot).
SAME_VALUE_MARGIN = 0.1
#: ... and within this cosine when the sentence states several values of the kind ("Delivery
#: is 199 ₽, and under 700 ₽ a 99 ₽ small-order fee is added" is close to the fee line only).
SEVERAL_VALUES_MARGIN = 0.35
#: What each content word a claim shares with a statement adds to their cosine, when choosing
#: the statement that governs a value (at most three words count).
LEXICAL_BONUS = 0.03
#: The statement a value is compared with must be at least this close to the claim.
SLOT_SIMILARITY = 0.3
#: A statement nearly as close as the closest is still not about the claim when one up to this
#: much further off shares strictly more of its words: "report missing items within 30 days"
#: is about the 48-hour missing-items line, though the 30-day quality line is closer in meaning.
DOMINANCE_MARGIN = 0.3


def stating(statements: StatementIndex, vector: np.ndarray, text: str, articles: list[str],
            kind: str) -> list[tuple[Statement, float]]:
    """Statements of ``articles`` giving a value of ``kind``, closest first.

    Closeness is the cosine plus a little per shared content word: "Dairy only needs 1 day" is
    about the "dairy: at least 3 days" line, though the "bread: at least 1 day" line is as close
    in meaning.
    """
    words = content(text)
    scored = [(s, sim + LEXICAL_BONUS * min(3, len(words & content(s.text))))
              for s, sim in statements.align(vector, articles, k=100)
              if any(v.kind == kind for v in extract_values(s.text))]
    return sorted(scored, key=lambda pair: -pair[1])


def _of_kind(statement: Statement, kind: str) -> list[Value]:
    return [v for v in extract_values(statement.text) if v.kind == kind]


_ADJECTIVE = re.compile(r"^\S+-(?:minute|hour|day|week|month|year)s?$|^\S*(?:часов|дневн|недельн|месячн|минутн)\w*$",
                        re.IGNORECASE)


def _same_form(claim: list[Value], kind: str,
               candidates: list[tuple[Statement, float]]) -> list[tuple[Statement, float]]:
    """The candidates that give the value in the claim's form when it describes a thing ("2-hour
    slots", «часовой интервал»): such a value is the length of that thing, not a lead time
    ("up to 2 hours before") — or all candidates when none does, or the claim does not."""
    if not _ADJECTIVE.match(claim[0].text):
        return candidates
    alike = [c for c in candidates if any(_ADJECTIVE.match(v.text) for v in _of_kind(c[0], kind))]
    return alike or candidates


#: Function words that name no subject ("You have 24 hours" and "If 24 hours have passed").
_FUNCTION_WORDS = frozenset({"have", "has", "had", "will", "would", "was", "were", "been", "they", "them",
                             "their", "there", "then", "than", "also", "just", "get", "gets", "got", "which",
                             "будет", "есть", "был", "была", "были", "вас", "вы", "они", "тогда", "также"})


@lru_cache(maxsize=65536)
def _words(text: str) -> frozenset[str]:
    """Content words outside the values: "1 day" and "3 days" say nothing about the subject.
    A phone number or e-mail address counts as a word: «Телефон 8 800 555-01-42 работает
    круглосуточно» is about the line «Звоните по номеру 8 800 555-01-42 ...», which shares no
    other word with it."""
    named = {normalise_contact(m.group(0)) for m in contacts(text)}
    for value in sorted(extract_values(text), key=lambda v: -v.start):
        text = text[:value.start] + " " + text[value.end:]
    return (content(text) - _FUNCTION_WORDS) | named


def undominated(candidates: list[tuple[Statement, float]], text: str) -> list[tuple[Statement, float]]:
    """Candidates no other candidate beats on every word it shares with the claim.

    "Dairy only needs 1 day" shares "delivery" with both "bread: at least 1 day at delivery"
    and "dairy: at least 3 days at delivery", and "dairy" with the second alone: the bread
    line is not about this claim, however close its meaning.
    """
    words = _words(text)
    shared = [words & _words(s.text) for s, _ in candidates]
    return [pair for pair, mine in zip(candidates, shared, strict=True)
            if not any(mine < other for other in shared)]


def _clause_at(text: str, position: int) -> str:
    """The clause of ``text`` holding the character at ``position``, joined to the clause before
    it when it names nothing but the value ("Пробный период — 30 дней": «30 дней» alone)."""
    offset, previous = 0, ""
    for part in clauses(text):
        at = text.find(part, offset)
        if at <= position < at + len(part):
            return part if _words(part) else f"{previous} {part}"
        offset, previous = at + len(part), part
    return text


def _slot(candidates: list[tuple[Statement, float]], claim: list[Value], kind: str,
          text: str) -> tuple[Statement, float] | None:
    """The candidate that governs the claim's slot, among those up to ``DOMINANCE_MARGIN``
    below the closest: one giving the value in the claim's form ("2-hour slots") and, when a
    close one does, in its shape ("refunds take 2-3 days" is an estimate, which the KB gives as
    "5-10 business days", not as "request a refund within 30 days"); among those, the closest
    that no other beats on the words it shares with the claim (the dairy line, not the bread
    line)."""
    if not candidates:
        return None

    def shaped(pairs: list[tuple[Statement, float]]) -> list[tuple[Statement, float]]:
        return [c for c in pairs if any(len(group) == len(claim) for group in claim_groups(_of_kind(c[0], kind)))]

    close = _same_form(claim, kind, [c for c in candidates if c[1] >= candidates[0][1] - SAME_VALUE_MARGIN])
    wide = _same_form(claim, kind, [c for c in candidates if c[1] >= candidates[0][1] - DOMINANCE_MARGIN])
    # A further statement that shares more of the claim's words than a closer one is the one
    # about the claim; the shape counts first, among the close ones.
    return undominated(shaped(wide) if shaped(close) else wide, text)[0]


_CLOCK_TOKEN = re.compile(r"\d{1,2}(?::\d{2}(?:\s?[ap]\.?m\.?)?|\s?[ap]\.?m\.?)", re.IGNORECASE)


def _replacement(claim: list[Value], kb: list[Value]) -> str:
    """The KB's value written into the claim's words: a range of hours keeps the claim's own
    "from ... to" ("from 8:00 to 22:00", not "from 8:00 and 22:00"); anything else is the KB's
    text, units included ("5–10 business days")."""
    if claim[0].kind != "time" or len(claim) != 2 or len(kb) != 2:
        return kb[0].text
    ours, theirs = list(_CLOCK_TOKEN.finditer(claim[0].text)), _CLOCK_TOKEN.findall(kb[0].text)
    if len(ours) != 2 or len(theirs) != 2:
        return kb[0].text
    written = claim[0].text
    for match, new in reversed(list(zip(ours, theirs, strict=True))):
        written = written[:match.start()] + new + written[match.end():]
    return written


def value_verdict(claim: list[Value], text: str, vector: np.ndarray, articles: list[str],
                  conversation_articles: list[str], statements: StatementIndex,
                  several: bool = False) -> Any:  # noqa: ANN401
    """True (the KB states it), None (no KB statement about this slot), or the contradiction
    ``(start, end, statement, corrected sentence)``.

    ``articles`` govern the claim; ``conversation_articles`` are what the conversation is about,
    whose statements govern the slot first. ``several``: the sentence states other values of
    this kind, so its meaning is spread over several slots and the margin is wider.
    """
    kind = claim[0].kind
    margin = SEVERAL_VALUES_MARGIN if several else SAME_VALUE_MARGIN
    # Compared statement by statement: a range must be stated as that range. The statement must
    # be about the same thing: "2-hour slots" is not backed by "up to 2 hours before".
    candidates = stating(statements, vector, text, articles, kind)
    # With several values, the words around this one also say what it is about ("Доставка —
    # 199 ₽"): a statement beaten on the sentence's words but not on the clause's still counts.
    about = _clause_at(text, claim[0].start) if several else text
    wide = _same_form(claim, kind, [c for c in candidates if c[1] >= candidates[0][1] - max(margin, DOMINANCE_MARGIN)])
    kept = undominated(wide, text) + undominated(wide, about)
    best = max((similarity for _, similarity in kept), default=0.0)
    close = [s for s, similarity in kept if similarity >= best - margin]
    if any(same_claim(claim, _of_kind(s, kind)) for s in close):
        return True
    if kind == "time" and any(within_hours(claim, _of_kind(s, kind), text) for s in close):
        return True
    # "You can book three days ahead" is right when the KB says "at most 7 days ahead"; a range
    # ("refunds take 2-3 days") is an estimate, which a bound does not back.
    if len(claim) == 1 and not bounded(text, claim[0]) and any(bounded(s.text, v) and v.amount >= claim[0].amount
                                                               for s in close for v in _of_kind(s, kind)):
        return True
    # The statement that governs this slot: the article the conversation is about first, the
    # claim's own best next.
    slot = None
    for article in dict.fromkeys(conversation_articles + articles[:1]):
        slot = _slot(stating(statements, vector, text, [article], kind), claim, kind, text)
        if slot is not None and slot[1] >= SLOT_SIMILARITY:
            break
    if slot is None or slot[1] < SLOT_SIMILARITY:
        return None  # nothing in the KB states this slot closely enough to compare
    if several and not _words(about) & _words(slot[0].text):
        # The sentence's meaning chose the statement, but this value's own words name something
        # else: in "free from $20, so at $18 the usual $3.99 fee applies" the $3.99 is the fee.
        return None
    if same_claim(claim, _of_kind(slot[0], kind)):
        return True  # the statement governing the slot states this very value
    if kind == "time" and within_hours(claim, _of_kind(slot[0], kind), text):
        return True  # "the 21:00-22:00 slot" lies inside "not between 22:00 and 8:00"
    kb_claims = claim_groups(_of_kind(slot[0], kind))
    corrected = (text[:claim[0].start] + _replacement(claim, kb_claims[0]) + text[claim[0].end:]
                 if len(kb_claims) == 1 else "")
    return (claim[0].start, claim[0].end, slot[0], corrected)
