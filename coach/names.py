"""Names of things (payment methods) that the KB and the replies spell in several ways or in
several words; entity checks and lexical search both read them."""

from __future__ import annotations

import re

#: Payment methods people name; whichever of them the KB does not accept is not accepted.
PAYMENT_NAMES = re.compile(
    r"\b(?:visa|mastercard|master card|american express|amex|discover|diners club|jcb|unionpay|maestro|"
    r"paypal|venmo|cash ?app|apple pay|google pay|samsung pay|klarna|afterpay|sepa|bank transfer|"
    r"cash(?: on delivery)?|наличн\w*|"
    r"мир|сбп|sberpay|сберпэй|tinkoff pay|ю ?money|юмани|qiwi|киви|apple pay|google pay)\b", re.IGNORECASE)
#: Other spellings of the names a KB uses.
ALIASES = {"amex": "american express", "master card": "mastercard", "сбп": "быстрых платежей",
           "mir": "мир", "gpay": "google pay", "cash on delivery": "cash"}


def lexical_name(text: str) -> str | None:
    """One search token for a name written in several words or under another spelling:
    "American Express" and "Amex" are both ``american_express``, so "express" in the name no
    longer matches Express delivery. None for a plain one-word name (its lemma serves)."""
    lowered = " ".join(text.lower().split())
    joined = ALIASES.get(lowered, lowered)
    if " " not in joined and joined == lowered:
        return None
    return joined.replace(" ", "_")


def canonical_names(text: str) -> str:
    """``text`` with each name under another spelling written as the KB writes it ("Amex is
    accepted" -> "American Express is accepted"), for comparing its words with the KB's."""
    def spell(match: re.Match[str]) -> str:
        name = ALIASES.get(match.group(0).lower())
        if name is None:
            return match.group(0)
        # A capital marks a name for the features that look for names ("Amex" -> "American Express").
        return name.title() if match.group(0)[0].isupper() and name.isascii() else name

    return PAYMENT_NAMES.sub(spell, text)
