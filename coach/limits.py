"""Claims that lift a limit the KB sets: "unlimited", "never expires", "no minimum", "any time".

A reply that says something has no cap, no expiry or no deadline is contradicted by a KB
statement about the same thing that sets one ("2 free express deliveries per month", "Basketly
credit expires 12 months after it is issued", "free up to 2 hours before the slot"), whatever
its other words: no value in the reply can be compared, and the two rarely read alike.
"""

from __future__ import annotations

import re

from coach.claim_features import content
from coach.grounding import Statement
from coach.values import extract_values

#: A claim that something never expires, and the KB's words for a validity period.
NEVER_EXPIRES = re.compile(r"\b(?:never expires?|(?:doesn't|don't|does not|do not|won't|will not) expire|"
                           r"не сгора\w*|никогда не сгора\w*|бессрочн\w*)", re.IGNORECASE)
_EXPIRY = re.compile(r"\b(?:expir\w*|valid|сгора\w*|действу\w*|срок\w*)", re.IGNORECASE)
#: A claim that something has no limit, and the KB's words for a cap.
NO_LIMIT = re.compile(r"\b(?:unlimited|no limit|as many\b.{0,30}\bas you (?:like|want)|without (?:any )?limits?|"
                      r"безлимит\w*|без ограничени\w*|неограниченн\w*|сколько угодно)", re.IGNORECASE)
#: A claim that there is no minimum, and the KB's word for one.
NO_MINIMUM = re.compile(r"\b(?:no minimum|без минимальн\w*|нет минимальн\w*|"
                        r"минимальн\w+ сумм\w+ (?:заказа )?(?:у нас )?нет)", re.IGNORECASE)
_MINIMUM = re.compile(r"\b(?:minimum|минимальн\w*)", re.IGNORECASE)
_EXPIRES = re.compile(r"\b(?:expires?|действуют|действует|сгора\w*)\b", re.IGNORECASE)
_NUMBER_CAP = re.compile(r"\b(?:up to|at most|no more than|maximum|не больше|не более|максимум)\s+\S*\d",
                         re.IGNORECASE)
_CAP = re.compile(r"\b(?:cap(?:ped|s)?|at most|up to|no more than|maximum|only|once|per (?:month|year|order|account)|"
                  r"не больше|не более|максимум|только|один раз|в месяц|в год|на аккаунт)\b", re.IGNORECASE)


def lifted_limit(claim: str, statements: list[Statement]) -> Statement | None:
    """The statement among ``statements`` (closest first) that limits what the claim says is
    unlimited, or None.

    "Basketly credit never expires" is contradicted by "Basketly credit expires 12 months after
    it is issued" (a validity period), "Plus members get unlimited free Express deliveries" by
    "2 free express deliveries per month" (a cap), "no minimum order" by "The minimum order is
    $10"; a claim that names its own cap ("as many as you like, but rewards are capped at 10")
    lifts nothing. A statement that says so outright (a number of things per period,
    "expires") is cited before one that only implies it ("only", «срок»).
    """
    expiry, limit = bool(NEVER_EXPIRES.search(claim)), bool(NO_LIMIT.search(claim))
    minimum = bool(NO_MINIMUM.search(claim))
    if not (expiry or limit or minimum) or (limit and _CAP.search(NO_LIMIT.sub(" ", claim))):
        return None
    words = content(claim)
    found: list[tuple[int, Statement]] = []
    for statement in statements:
        text = statement.text
        if not words & content(text) or NEVER_EXPIRES.search(text) or NO_LIMIT.search(text):
            continue
        kinds = {v.kind for v in extract_values(text)}
        if minimum and _MINIMUM.search(text) and any(kind.startswith("money") for kind in kinds):
            found.append((2, statement))
        elif expiry and _EXPIRY.search(text) and "duration" in kinds:
            found.append((2 if _EXPIRES.search(text) else 1, statement))
        elif limit and (_CAP.search(text) or any(kind.startswith("count") for kind in kinds)):
            found.append((2 if any(kind.startswith("count") for kind in kinds) or _NUMBER_CAP.search(text) else 1,
                          statement))
    return max(found, key=lambda pair: pair[0])[1] if found else None


#: A claim that something can be done at any time, and the KB's words for a deadline.
ANY_TIME = re.compile(r"\b(?:any ?time|at any time|whenever you (?:like|want)|no deadline|в любой момент|"
                      r"в любое время|когда угодно|срок не ограничен)\b", re.IGNORECASE)
_DEADLINE = re.compile(r"\b(?:before|within|until|up to|no later than|after|до|не позднее|в течение|после|за)\b",
                       re.IGNORECASE)


def lifted_deadline(claim: str, statements: list[Statement]) -> Statement | None:
    """The statement among ``statements`` (closest first) that sets a deadline for what the
    claim says can be done at any time, or None: the one sharing the most words with it.

    "You can cancel any time before the courier leaves, free of charge" is contradicted by
    "Cancelling is free up to 2 hours before the slot". A claim that gives a duration of its own
    ("any time within 30 days") is left to the value check, and a KB that says "any time" about
    the same thing ("Cancel Plus any time in Account > Plus") backs it.
    """
    if not ANY_TIME.search(claim) or any(v.kind == "duration" for v in extract_values(claim)):
        return None
    words = content(ANY_TIME.sub(" ", claim))
    about = [s for s in statements if len(words & content(s.text)) >= 2]
    if not about or any(ANY_TIME.search(s.text) for s in about):
        return None
    # The statement sharing the most words with the claim must set the deadline: one sharing
    # fewer («Удаление можно отменить ... в течение 30 дней») may be about something else.
    best = max(about, key=lambda s: len(words & content(s.text)))  # the closest among equals
    if _DEADLINE.search(best.text) and any(v.kind in ("duration", "time") for v in extract_values(best.text)):
        return best
    return None


def lifts_a_limit(claim: str) -> bool:
    """Whether a claim says something has no cap, expiry, minimum or deadline (a cheap test
    before the KB statements are gathered for `lifted_limit` and `lifted_deadline`)."""
    return any(p.search(claim) for p in (NEVER_EXPIRES, NO_LIMIT, NO_MINIMUM, ANY_TIME))
