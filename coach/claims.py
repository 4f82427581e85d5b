"""What counts as a checkable claim in a reply, and small helpers to compare stated values."""

from __future__ import annotations

import re

from coach.nlp import Analysis
from coach.values import Value, extract_values

#: Words that make a sentence a checkable claim about a rule or capability.
CLAIM_CUE = re.compile(
    r"\b(?:can|cannot|can't|could|free|no|not|never|only|must|need|needs|required|available|accept\w*|works?|"
    r"possible|allowed|expire\w*|combin\w*|stack\w*|transfer\w*|return\w*|cash\w*|refund\w*|charge\w*|fee|"
    r"cost\w*|plan|default|automatic\w*|always|include\w*|apply|applies|valid|"
    r"можно|нельзя|нужно|надо|бесплатн\w*|платн\w*|только|никогда|не|нет|сгора\w+|вывести|перевести|"
    r"сложить|суммир\w+|вернуть|возврат\w*|наличн\w*|тариф\w*|действу\w+|по умолчанию|автоматически)\b",
    re.IGNORECASE)
#: Sentences about this customer's own order or an action just taken state the case, not policy.
SITUATIONAL = re.compile(
    r"\byour \$?\d[\d.,]*\s*(?:order|cart|basket|total|balance)\b|\byour (?:order|cart|basket) (?:of|for|is|was|has)\b|"
    r"\b(?:is|are) now in your\b|"
    r"\b(?:i|we)(?:\x27ve| have) (?:added|issued|refunded|credited|processed|applied)\b|"
    r"\bв (?:вашей|вашем) (?:корзине|заказе)\b|\bзачислен\w*\b|\bначислил\w*\b|\bвернул\w*\b|"
    r"\bi can see (?:your|the) (?:order|courier)\b|\bвижу (?:ваш )?заказ\b|\bкурьер уже\b|\bcourier is (?:about|already)\b",
    re.IGNORECASE)


def situational_amounts(analysis: Analysis, index: int) -> set[tuple[str, float]]:
    """Values the customer or the system already stated: repeating them is not a claim."""
    return {(v.kind, v.amount) for turn in analysis.turns[:index] if turn.speaker != "agent"
            for v in extract_values(turn.text)}


def claim_groups(values: list[Value]) -> list[list[Value]]:
    """Group the two ends of a range (same span) into one claim."""
    groups: dict[tuple[int, int, str], list[Value]] = {}
    for value in values:
        groups.setdefault((value.start, value.end, value.kind), []).append(value)
    return list(groups.values())


_BOUND = re.compile(r"(?:up to|at most|maximum|max\.?|no more than|within|максимум|не более|не позднее|до|в течение)\s*(?:на\s+)?$",
                    re.IGNORECASE)


def bounded(text: str, value: Value) -> bool:
    """Whether a value is stated as an upper bound ("up to 7 days", "максимум на 7 дней")."""
    return bool(_BOUND.search(text[max(0, value.start - 20):value.start]))


def same_claim(claim: list[Value], stated: list[Value]) -> bool:
    groups = claim_groups(stated) if len(claim) > 1 else [[v] for v in stated]
    return any(sorted(c.amount for c in claim) == sorted(v.amount for v in g) for g in groups)


