"""What counts as a checkable claim in a reply, and small helpers to compare stated values."""

from __future__ import annotations

import re

from coach.claim_features import reports_back
from coach.grounding import clauses, is_negated
from coach.nlp import Analysis
from coach.values import ALL_DAY, Value, extract_values

#: Words that make a sentence a checkable claim about a rule or capability.
CLAIM_CUE = re.compile(
    r"\b(?:can|cannot|can't|could|free|no|not|never|only|must|need|needs|required|available|accept\w*|works?|"
    r"possible|allowed|expire\w*|combin\w*|stack\w*|transfer\w*|return\w*|cash\w*|refund\w*|charge\w*|fee|"
    r"cost\w*|plan|default|automatic\w*|always|include\w*|apply|applies|valid|"
    r"можно|нельзя|нужно|надо|бесплатн\w*|платн\w*|только|никогда|не|нет|сгора\w+|вывести|перевести|"
    r"сложить|суммир\w+|принима\w+|доступ\w+|вернуть|возврат\w*|наличн\w*|тариф\w*|действу\w+|по умолчанию|автоматически|"
    # The Russian forms of the money verbs the English list matches in every form (refund\w*,
    # charge\w*, transfer\w*): «вернём», «переведём», «заблокируем», «спишем», «начислим».
    r"верн[её]м|верн[её]тся|вернутся|переведём|переведем|переведут|(?:за)?блокиру\w+|спиш\w+|списыва\w+|"
    r"начисл\w+|удерж\w+)\b",
    re.IGNORECASE)
#: Sentences about this customer's own order or an action just taken state the case, not policy.
SITUATIONAL = re.compile(
    r"\byour \$?\d[\d.,]*\s*(?:order|cart|basket|total|balance)\b|\byour (?:order|cart|basket) (?:of|for|is|was|has)\b|"
    r"\b(?:is|are) now in your\b|\byour (?:order|delivery|courier) (?:arrived|came|got there|was delivered)\b|"
    r"\bваш (?:заказ|курьер) (?:приехал|привезли|доставили|опоздал)\w*|"
    r"\b(?:i|we)(?:\x27ve| have) (?:added|issued|refunded|credited|processed|applied)\b|"
    r"\bв (?:вашей|вашем) (?:корзине|заказе)\b|\bзачислен\w*\b|\bначислил\w*\b|\bвернул\w*\b|"
    r"\bi can see (?:your|the) (?:order|courier)\b|\bвижу (?:ваш )?заказ\b|\bкурьер уже\b|\bcourier is (?:about|already)\b|"
    # What the agent looked up in this order: "I've checked: you were charged $12.49".
    r"\bi(?:\x27ve| have)? (?:checked|looked it up)\b|\byou were charged\b|\bпроверил\w*\b|\bс вас списали\b|"
    # The customer's amount beside the rule: "WELCOME10 works from $40, and you have $38".
    r"\b(?:and|but|while) you(?:\x27ve| have|\x27re at| are at)(?: only| just)? \$?\d|\b(?:а|но) у вас\b|"
    # The rule applied to what the customer asked for: "so 21:00 works", «так что 21:00 подходит».
    r"\bso (?:the )?\S+ (?:works|is fine|is ok|is okay|will work|is possible)\b|"
    r"\bтак что \S+ (?:подходит|подойдёт|подойдет|возможно)\b",
    re.IGNORECASE)


#: A case after these words is a condition of the rule ("chat opens as soon as your order is
#: picked"), not this customer's situation.
_CONDITION_BEFORE = re.compile(r"\b(?:as soon as|once|when|whenever|after|before|until|if|unless|как только|"
                               r"когда|после того как|пока|если)\s+$", re.IGNORECASE)


def customer_case(text: str) -> re.Match[str] | None:
    """Where a sentence turns to this customer's own case ("so your $38 basket qualifies",
    «а у вас 2 480 ₽»), or None; a case inside a condition ("once your order is picked") is
    part of the rule."""
    for match in SITUATIONAL.finditer(text):
        if not _CONDITION_BEFORE.search(text[:match.start()]):
            return match
    return None


#: Numbers as a customer types them: "корзина 2480", "заказала на 1200", "1 850".
_BARE_NUMBER = re.compile(r"(?<![\d.,:/-])\d{1,3}(?:[ \u00a0]\d{3})+(?![\d.,:/-])|(?<![\d.,:/-])\d{2,}(?:[.,]\d{1,2})?(?![\d:/-])")


def situational_amounts(analysis: Analysis, index: int) -> set[tuple[str, float]]:
    """Values the customer or the system already stated: repeating them is not a claim. A bare
    number the customer typed ("корзина 2480") is their amount when the agent gives it as money."""
    amounts = set()
    for turn in analysis.turns[:index]:
        if turn.speaker == "agent":
            continue
        for sentence in turn.lines or turn.sentences:
            # A duration, age or "24/7" the customer asks about ("Is your phone support 24/7?") is
            # what the answer affirms or corrects, not their own case; an amount is their basket
            # and a time of day their slot.
            asked = sentence.text.rstrip().endswith("?")
            amounts |= {(v.kind, v.amount) for v in extract_values(sentence.text)
                        if not asked or v.kind.startswith("money") or (v.kind == "time" and not ALL_DAY.search(v.text))}
        amounts |= {("money", float(re.sub(r"[ \u00a0]", "", n).replace(",", ".")))
                    for n in _BARE_NUMBER.findall(turn.text)}
    return amounts


#: Amounts worked out for this customer ("you're only $7 short", "works out to $8.25 a month",
#: «осталось добавить 300 ₽»): arithmetic on the KB's values, not a policy claim.
_DERIVED_BEFORE = re.compile(r"(?:works? out (?:to|at)|comes to|adds up to|(?:that|which|this) makes|in total|total(?: of| is)?|"
                             r"(?:at least )?another|осталось(?: добавить)?|(?:ещё|еще)(?: на)?|получается|выходит|"
                             r"итого|в сумме|хотя бы на|минимум на|не хватает(?: всего)?|leaving(?: you)?(?: with)?|(?:the )?remaining|"
                             r"together,? (?:that's|that is|it's)|so that's|остаётся|останется|оставшиеся)(?:\s+the)?"
                             r"(?:\s+(?:almost|nearly|about|roughly|around|just (?:over|under)|почти|около|примерно))?\s*:?\s*$|"
                             # An estimate is worked out, not quoted: "about $8 a month", «около 250 ₽».
                             r"\b(?:about|around|roughly|approximately|almost|nearly|около|примерно|почти|приблизительно)\s*~?$|~$",
                             re.IGNORECASE)
#: Times worked out for this customer: "so you have until 2pm", "until 6pm today", «то есть до 19:30».
_WORKED_OUT_TIME = re.compile(r"^\W*(?:so|that's|that is|i\.e\.|which means|meaning|то есть|значит|так что|получается)\b",
                              re.IGNORECASE)
_TODAY = re.compile(r"^[^.,;]{0,12}\b(?:today|tomorrow|tonight|this (?:morning|evening|afternoon)|сегодня|завтра)\b",
                    re.IGNORECASE)
#: A clause applying the rule to this customer ("in your case after 19:30", «в вашем случае»).
_YOUR_CASE = re.compile(r"\b(?:in your case|for your order|for you that's|в вашем случае|для вашего заказа|у вас это)\b",
                        re.IGNORECASE)
#: A value the customer's case falls short of ("2 days falls short", «2 дня — маловато»).
_SHORT_AFTER = re.compile(r"^\s*(?:falls? short|(?:is|are)(?: not|n't) enough|(?:is|are) too (?:short|little|low)|"
                          r"—?\s*(?:недостаточно|маловато|не хватает))\b", re.IGNORECASE)
_DERIVED_AFTER = re.compile(r"^\s*(?:short|more|away|to go|left to spend|не хватает|до бесплатной)", re.IGNORECASE)


def _sums(values: list[Value]) -> list[Value]:
    """Amounts that are the sum of two other amounts of the sentence, in its currency: "$3.99
    delivery plus the $2 small-order fee, so $5.99 in fees" works out $5.99, it states no rule
    of its own. (A difference is not looked for: each part of a sum is the difference of the
    other two.)"""
    found = []
    for value in values:
        others = [o.amount for o in values if o.kind == value.kind and o is not value and o.amount != value.amount]
        if value.kind.startswith("money") and any(abs(a + b - value.amount) < 0.005
                                                  for i, a in enumerate(others) for b in others[i + 1:]):
            found.append(value)
    return found


def claimed_values(text: str, situational: set[tuple[str, float]]) -> list[Value]:
    """The values a sentence claims: not those the customer stated, not amounts worked out for
    them or the rule applied to their case, and not one the agent rules out beside the one
    they give ("starts at 8:00, so 7am isn't possible"), and not the time of the agent's own promise to
    report back ("I'll call you back by 6pm")."""
    sums = _sums(extract_values(text))
    values = [v for v in extract_values(text) if (v.kind, v.amount) not in situational and v not in sums
              and not (v.kind.startswith("money") and ("money", v.amount) in situational)
              and not (v.kind.startswith("money") and (_DERIVED_BEFORE.search(text[max(0, v.start - 25):v.start])
                                                      or _DERIVED_AFTER.search(text[v.end:v.end + 20])))
              and not _SHORT_AFTER.search(text[v.end:v.end + 20])]
    # A range is one claim: "from 8:00 to 23:00" claims 23:00 too, though the customer typed it.
    spans = {(v.start, v.end) for v in values}
    values = [v for v in extract_values(text) if v in values or (v.start, v.end) in spans]
    negated_clause = {}
    offset = 0
    for part in clauses(text):
        at = text.find(part, offset)
        if _YOUR_CASE.search(part) or reports_back(part):
            values = [v for v in values if not at <= v.start < at + len(part)]
        elif _WORKED_OUT_TIME.search(part):
            values = [v for v in values if v.kind != "time" or not at <= v.start < at + len(part)]
        negated_clause[(at, at + len(part))] = is_negated(part)
        offset = at + len(part)

    def ruled_out(value: Value) -> bool:
        return any(s <= value.start < e and negated for (s, e), negated in negated_clause.items())

    values = [v for v in values if not _TODAY.search(text[v.end:])]
    kept = [v for v in values if not ruled_out(v)]
    return [v for v in values if not ruled_out(v) or not any(k.kind == v.kind for k in kept)]


def claim_groups(values: list[Value]) -> list[list[Value]]:
    """Group the two ends of a range (same span) into one claim."""
    groups: dict[tuple[int, int, str], list[Value]] = {}
    for value in values:
        groups.setdefault((value.start, value.end, value.kind), []).append(value)
    return list(groups.values())


_BOUND = re.compile(r"(?:up to|at most|maximum|max\.?|no more than|within|you have|you've got|you get|"
                    r"максимум|не более|не позднее|до|в течение|у вас есть)\s*(?:на\s+)?$", re.IGNORECASE)


#: A value that is the length of a window states its bound: "the return window is 14 days",
#: «срок — 14 дней», "a 14-day window" (not a shelf life, «срок годности», which is a minimum).
_WINDOW_BEFORE = re.compile(r"\b(?:window|period|deadline|time limit|срок(?!\w*\s+годност)\w*|период\w*)\b"
                            r"[^\d.;!?]{0,20}$", re.IGNORECASE)
_WINDOW_AFTER = re.compile(r"^[\s-]*(?:window|period|deadline|срок)\b", re.IGNORECASE)


def bounded(text: str, value: Value) -> bool:
    """Whether a value is stated as an upper bound ("up to 7 days", "максимум на 7 дней",
    "the return window is 14 days")."""
    before = text[max(0, value.start - 30):value.start]
    return bool(_BOUND.search(before[-20:]) or _WINDOW_BEFORE.search(before)
                or _WINDOW_AFTER.match(text[value.end:]))


def same_claim(claim: list[Value], stated: list[Value]) -> bool:
    """Whether a KB statement's values state the claim: a range as that range, and business
    days as the same number of business days or the calendar weeks they make ("5-10 business
    days" is "one to two weeks", not "5-10 days")."""
    groups = claim_groups(stated) if len(claim) > 1 else [[v] for v in stated]

    def amounts(values: list[Value], calendar: bool) -> list[float]:
        return sorted(round(v.amount * 7 / 5 if calendar and v.business else v.amount, 6) for v in values)

    for group in groups:
        if all(v.business == claim[0].business for v in group):
            if amounts(claim, False) == amounts(group, False):
                return True
        elif amounts(claim, True) == amounts(group, True):
            return True
    return False


#: A word before a single time that names it the start or the end of the hours.
_EDGE = re.compile(r"(?:(?P<start>\b(?:start\w*|open\w*|begin\w*|first|earliest|from|начина\w*|откры\w*|перв\w*|"
                   r"с)\b)|(?P<end>\b(?:end\w*|clos\w*|finish\w*|last|latest|until|till|заканчива\w*|закрыва\w*|"
                   r"последн\w*|до)\b))[^.,;]*$", re.IGNORECASE)


#: The longest range of hours read as one delivery or call-back slot rather than as hours.
SLOT_HOURS = 2


def within_hours(claim: list[Value], stated: list[Value], text: str = "") -> bool:
    """Times of day the KB's hours cover: "at 10:00" or "the last slot, 21:00-22:00" within
    "8:00-22:00". A range must share an end with the KB's, or "from 9:00 to 21:00" would pass
    as the opening hours."""
    for group in claim_groups(stated):
        if len(group) != 2:
            continue
        low, high = sorted(v.amount for v in group)
        amounts = sorted(c.amount for c in claim)
        if not all(low <= a <= high for a in amounts):
            continue
        if len(amounts) > 1:
            # A slot ("the 10:00-11:00 slot") lies inside the hours; a longer range must share
            # an end with them, or "from 9:00 to 21:00" would pass as the opening hours.
            if low in amounts or high in amounts or amounts[-1] - amounts[0] <= SLOT_HOURS:
                return True
            continue
        # A single time named as the start or the end must be the KB's ("slots start at 9:00").
        edge = _EDGE.search(text[max(0, claim[0].start - 30):claim[0].start]) if text else None
        if edge is None or amounts[0] == (low if edge.group("start") else high):
            return True
    return False
