"""Typed values in text: money, durations, percentages, times of day, minimum ages ("21+",
«от 18 лет») and how often something is given ("per month"), normalised so "48 hours",
"2 days", "двое суток" and "two days" compare equal, and "9 pm" and "21:00" too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from coach.number_words import RU_CLOCK_WORDS, RU_HOURS, money_in_words

WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "forty-eight": 48, "fifty": 50, "sixty": 60,
    "seventy-two": 72, "ninety": 90, "hundred": 100, "twenty-four": 24,
    "один": 1, "одна": 1, "одну": 1, "одного": 1, "одних": 1, "два": 2, "две": 2, "двух": 2, "двое": 2,
    "три": 3, "трёх": 3, "трех": 3, "трое": 3, "четыре": 4, "четырёх": 4, "четверо": 4, "пять": 5,
    "пяти": 5, "пятеро": 5, "шесть": 6, "семь": 7, "семи": 7, "десять": 10, "десяти": 10,
    "четырнадцать": 14, "четырнадцати": 14, "пятнадцать": 15, "двадцать": 20, "тридцать": 30,
    "тридцати": 30, "сорок": 40, "сорок восемь": 48, "сорока восьми": 48, "шестьдесят": 60,
    "двенадцать": 12, "двенадцати": 12, "двадцать четыре": 24, "двадцати четырёх": 24,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
WORD_NUMBERS |= _TENS | {"thirteen": 13, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
#: "thirty-five dollars", "twenty one days": matched as one pattern, not 144 listed words (which
#: slowed every value regex several times over).
_COMPOUND = rf"(?:{'|'.join(_TENS)})[- ](?:{'|'.join(_UNITS)})"
HOURS_PER = {
    # A year is 12 months of 30 days, so "a year" and "12 months" compare equal.
    "minute": 1 / 60, "hour": 1, "day": 24, "week": 24 * 7, "month": 24 * 30, "year": 24 * 360,
}
_NUM = r"\d+(?:[ \u00a0,]\d{3})*(?:[.,]\d+)?"
_WORDS = "|".join(sorted((re.escape(w) for w in WORD_NUMBERS), key=len, reverse=True))
_AMOUNT = rf"(?:{_NUM}|(?<![\w-])(?:{_COMPOUND}|{_WORDS})(?![\w-]))"
_RANGE = rf"(?P<a>{_AMOUNT})(?:\s*(?:-|–|—|to|до|или|or)\s*(?P<b>{_AMOUNT}))?"
_DURATION_UNITS = (
    r"(?P<business>business |working |рабочих |рабочий |рабочего |календарных )?"
    r"(?P<unit>minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|"
    r"минут[аы]?|мин\.?|час(?:а|ов)?|дн(?:я|ей)|день|сут(?:ки|ок)|недел[иьяюь]|недель|месяц(?:а|ев)?|год(?:а)?|лет)\b"
)
DURATION = re.compile(rf"{_RANGE}\s*-?\s*{_DURATION_UNITS}", re.IGNORECASE)
BARE_UNIT = re.compile(r"(?<![\w-])(?P<half>half an hour)\b|"
                       r"(?<![\w-])(?P<a>a|an|one)\s+(?:full\s+|whole\s+|entire\s+)?(?P<unit>month|week|year|day|hour)\b|"
                       r"\b(?P<ru>сутки|суток|полчаса|месяц|месяца|неделю|недели|год|года)\b|"
                       # A bare hour or day only after a word that makes it a span: «в течение
                       # часа», «за день»; alone, «до часа» is one o'clock and «час пик» rush hour.
                       r"(?:(?<=в течение )|(?<=через )|(?<=около )|(?<=\bза ))(?P<ru_span>час|часа|день|дня|минуту)\b", re.IGNORECASE)
#: Russian compound adjectives: «часовые интервалы» (1 hour), «двухчасовыми» (2 hours), «трёхдневный».
#: A bare Russian unit after an adjective names a period rather than measuring one: «до конца
#: оплаченного года», «в этом месяце»; «целый месяц» and «полный год» still measure one.
_RU_REFERENCE = re.compile(r"\b(?!цел|полн)[а-яё]{2,}(?:ого|его|ом|ем|ий|ый|ой|ую|юю|ая|яя|ее|ое)\s+$",
                           re.IGNORECASE)
RU_COMPOUND = re.compile(r"\b(?P<n>\d+-|одно|двух|трёх|трех|четырёх|четырех|пяти|шести|семи|десяти|четырнадцати|тридцати)?"
                         r"(?P<unit>часов|дневн|недельн|месячн|минутн)(?:ой|ые|ыми|ых|ым|ая|ую|ый|ого|ом)\b", re.IGNORECASE)
_RU_PREFIX = {"одно": 1, "двух": 2, "трёх": 3, "трех": 3, "четырёх": 4, "четырех": 4, "пяти": 5, "шести": 6,
              "семи": 7, "десяти": 10, "четырнадцати": 14, "тридцати": 30}
MONEY = re.compile(
    rf"(?:\$\s?(?P<usd1>{_NUM})|(?P<usd2>{_AMOUNT})\s?(?:dollars?|usd|bucks)\b|"
    rf"(?P<rub>{_NUM})\s?(?:₽|руб(?:\.|лей|ля|ль)?|р\.)(?!\w))", re.IGNORECASE)
_CLOCK = (r"(?:(?:[01]?\d|2[0-4]):[0-5]\d(?:\s?[ap]\.?m\.?)?|(?:1[0-2]|0?\d)\s?[ap]\.?m\.?(?!\w)|"
          r"(?:1[0-2]|0?\d)\s(?:утра|дня|вечера|ночи)\b)")
#: Times of day, alone or as a range ("8:00-22:00", "from 9 am to 9 pm", "с 8:00 до 22:00").
TIME = re.compile(rf"(?<![\d$.,:])(?P<a>{_CLOCK})(?:\s*(?:-|–|—|to|until|till|and|до|и)\s*(?P<b>{_CLOCK}))?(?![\d:])",
                  re.IGNORECASE)
#: How often something is given: "2 free Express deliveries per month", «2 доставки в неделю»,
#: «раз в год»; the amount is the period in hours. Prices per period are rates, not periods.
#: "Every day" / «каждый день» says when, not how often something is given, and is left out.
PERIOD = re.compile(r"\b(?:per|every|each)\s+(?P<en>week|month|year)\b|"
                    r"(?:\bраз\s+в|(?<=\w )в|\bкажд\w+)\s+(?P<ru>неделю|месяц|год)\b", re.IGNORECASE)
_PERIOD_HOURS = {"week": 168, "неделю": 168, "month": 720, "месяц": 720, "year": 8640, "год": 8640}
#: Minimum ages ("21+", "18 or older", "aged 18", "от 18 лет", "старше 18").
AGE = re.compile(
    r"(?<![\d$])(?P<a>\d{2})\s?\+(?!\d)|(?<![\d$])(?P<b>\d{2})\s+(?:or|and)\s+(?:older|over|above)\b|"
    # "over 18" is an age only for the ages shops check, not "over 35 items".
    r"\b(?:over|under|aged?)\s+(?P<c>1[4-9]|2[01])\b"
    r"(?=\s*(?:$|[,;:!?)]|\.(?!\d)|(?:and|or|to|at|with|who|can|in|on|if|but|so|years?)\b))|"
    r"(?<![\d$])(?P<d>\d{2})\s+years?\s+old\b|"
    r"\b(?:от|с|исполнилось|исполнится)\s+(?P<e>\d{2})\s*(?:лет|года?)\b|"
    r"\b(?:старше|младше)\s+(?P<f>\d{2})(?:\s*(?:лет|года?))?(?![\w\d])", re.IGNORECASE)
#: "24/7", "around the clock", "круглосуточно": open all day, the range 0:00-24:00.
ALL_DAY = re.compile(r"(?<![\d/])24\s?/\s?7(?![\d/])|\baround the clock\b|\bround-the-clock\b|\bкруглосуточн\w*",
                     re.IGNORECASE)
PERCENT = re.compile(rf"(?P<a>{_NUM})\s?(?:%|percent\b|процент\w*)", re.IGNORECASE)


@dataclass(frozen=True)
class Value:
    """A typed value: ``kind`` money:USD / money:RUB / duration / percent / time / age / period;
    durations and periods in hours, times of day in hours after midnight, ages in years."""

    kind: str
    amount: float
    start: int
    end: int
    text: str
    #: "5-10 business days" counts in business days: not interchangeable with plain days.
    business: bool = False


def to_number(raw: str) -> float | None:
    """Parse "2 990", "9.99", "1,000", "двое", "forty-eight"."""
    word = raw.strip().lower()
    if word in WORD_NUMBERS:
        return float(WORD_NUMBERS[word])
    tens, _, unit = word.replace("-", " ").partition(" ")
    if tens in _TENS and unit in _UNITS:
        return float(_TENS[tens] + _UNITS[unit])
    compact = re.sub(r"[ \u00a0]", "", word)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", compact):
        compact = compact.replace(",", "")
    compact = compact.replace(",", ".")
    try:
        return float(compact)
    except ValueError:
        return None


def clock_hours(raw: str) -> float | None:
    """ "21:00", "9:30", "9 pm", "12 am" as hours after midnight."""
    match = re.fullmatch(r"(\d{1,2})(?::(\d\d))?\s?(?:([ap])\.?m\.?|(утра|дня|вечера|ночи))?", raw.strip().lower())
    if not match:
        return None
    hours, minutes, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    # "2 дня", "10 вечера" are after noon; "12 ночи" is midnight.
    if match.group(4) in ("дня", "вечера") and hours < 12:
        hours += 12
    elif match.group(4) == "ночи" and hours == 12:
        hours = 0
    if half == "p" and hours < 12:
        hours += 12
    elif half == "a" and hours == 12:
        hours = 0
    return hours + minutes / 60


def _unit_hours(unit: str) -> float:
    unit = unit.lower()
    table = (("min", "minute"), ("мин", "minute"), ("hour", "hour"), ("hr", "hour"), ("час", "hour"),
             ("сут", "day"), ("day", "day"), ("дн", "day"), ("день", "day"), ("week", "week"),
             ("недел", "week"), ("month", "month"), ("месяц", "month"), ("year", "year"),
             ("год", "year"), ("лет", "year"))
    for prefix, name in table:
        if unit.startswith(prefix):
            return HOURS_PER[name]
    return 1.0


#: A count of things earlier in the clause ("2 free Express deliveries", «10 наград»), which
#: makes a following "a month" a frequency and is itself a limit per that period.
_COUNT_BEFORE = re.compile(r"\b(?P<n>\d+|one|two|three|four|five|six|ten|две|два|три|четыре|пять|десять)\s+"
                           r"(?!(?:minutes?|hours?|days?|weeks?|months?|years?|минут|час|дн|недел|месяц|год|лет)\w*\b)"
                           r"[^\W\d][^\d,.;:!?]{0,40}$", re.IGNORECASE)


def _count_per(text: str, period: Value) -> list[Value]:
    """The limit a frequency sets: "2 free Express deliveries per month" is a count of 2 per
    month (kind ``count/720``), to compare with the KB's count for the same period."""
    before = text[max(0, period.start - 50):period.start]
    match = _COUNT_BEFORE.search(before)
    amount = to_number(match.group("n")) if match else None
    if amount is None:
        return []
    start = period.start - len(before) + match.start("n")
    return [Value(f"count/{period.amount:g}", float(amount), start, start + len(match.group("n")), match.group("n"))]


def _is_rate(text: str, start: int, values: list[Value], end: int | None = None) -> bool:
    """ "$9.99 a month", "299 ₽ в месяц", "per year", «на месяц за 299 ₽»: a price rate, not a
    duration claim."""
    before = text[max(0, start - 6):start].lower()
    after_money = any(0 <= start - v.end <= 4 for v in values if v.kind.startswith("money"))
    before_money = end is not None and any(0 <= v.start - end <= 5 and text[end:v.start].strip().lower() in ("за", "for")
                                           for v in values if v.kind.startswith("money"))
    return after_money or before_money or before.endswith(("per ", "в ", "/"))


def extract_values(text: str) -> list[Value]:
    """All money, duration and percent values in ``text``; a range gives two values.

    Cached by text: the same KB statements are compared with many claims.
    """
    return list(_extract_values(text))


#: Cheap tests for what each kind of value needs; most sentences state no value, and the
#: value patterns are costly to run position by position.
_HINTS = {
    "money": re.compile(r"[$₽]|dollar|usd|buck|руб|rubl|roubl|\dр\.|\d р\.", re.IGNORECASE),
    "unit": re.compile(r"min|hour|hr|day|week|month|year|мин|час|дн|ден|сут|недел|месяц|месяч|год|лет", re.IGNORECASE),
    "digit": re.compile(r"\d"),
    "clock": re.compile(r"\d:\d|\d\s?[ap]\.?m|утра|дня|вечера|ночи|24\s?/\s?7|clock|круглосуточн", re.IGNORECASE),
    "percent": re.compile(r"%|percent|процент", re.IGNORECASE),
}


@lru_cache(maxsize=65536)
def _extract_values(text: str) -> tuple[Value, ...]:
    has = {name: bool(hint.search(text)) for name, hint in _HINTS.items()}

    def scan(pattern: re.Pattern[str], *needs: str) -> Iterator[re.Match[str]]:
        return pattern.finditer(text) if all(has[n] for n in needs) else iter(())

    values: list[Value] = []
    taken: list[tuple[int, int]] = []
    if has["money"]:  # sums in words first: "five hundred and fifty dollars", not "fifty dollars"
        for kind, amount, start, end, written in money_in_words(text):
            values.append(Value(kind, amount, start, end, written))
            taken.append((start, end))
    for match in scan(MONEY, "money"):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        raw = match.group("usd1") or match.group("usd2") or match.group("rub")
        amount = to_number(raw)
        if amount is not None:
            kind = "money:RUB" if match.group("rub") else "money:USD"
            values.append(Value(kind, amount, match.start(), match.end(), match.group(0)))
            taken.append(match.span())
    for match in scan(AGE, "digit"):
        if any(s <= match.start() < e for s, e in taken):
            continue
        amount = to_number(next(g for g in match.groups() if g))
        values.append(Value("age", float(amount or 0), match.start(), match.end(), match.group(0)))
        taken.append(match.span())
    for match in scan(PERIOD, "unit"):
        unit = (match.group("en") or match.group("ru")).lower()
        if _is_rate(text, match.start(), values, match.end()):
            continue
        values.append(Value("period", float(_PERIOD_HOURS[unit]), match.start(), match.end(), match.group(0)))
        values += _count_per(text, values[-1])
        taken.append(match.span())
    for match in scan(DURATION, "unit"):
        if any(s <= match.start() < e for s, e in taken):
            continue
        if _is_rate(text, match.start(), values, match.end()) and to_number(match.group("a")) == 1:
            continue
        if text[max(0, match.start() - 5):match.start()].lower() == "half ":
            continue  # "half an hour" is read below as 30 minutes
        hours = _unit_hours(match.group("unit"))
        if (match.group("a").lower() in ("a", "an") and not match.group("b")
                and _COUNT_BEFORE.search(text[max(0, match.start() - 40):match.start()])):
            # "2 free Express deliveries a month" says how often, like "per month"
            values.append(Value("period", hours, match.start(), match.end(), match.group(0)))
            values += _count_per(text, values[-1])
            taken.append(match.span())
            continue
        # "сутки" counts in days: "двое суток" = 48 hours.
        for part in ("a", "b"):
            amount = to_number(match.group(part)) if match.group(part) else None
            if amount is not None:
                values.append(Value("duration", amount * hours, match.start(), match.end(), match.group(0),
                                    business=bool(match.group("business"))))
        taken.append(match.span())
    for match in scan(BARE_UNIT, "unit"):
        if any(s <= match.start() < e for s, e in taken):
            continue
        if _is_rate(text, match.start(), values, match.end()):
            continue
        if match.group("half"):
            values.append(Value("duration", 0.5, match.start(), match.end(), match.group(0)))
            continue
        if match.group("ru") and _RU_REFERENCE.search(text[max(0, match.start() - 20):match.start()]):
            continue  # «до конца оплаченного года» names a year, it is not a year long
        word = (match.group("unit") or match.group("ru") or match.group("ru_span")).lower()
        hours = {"сутки": 24, "суток": 24, "полчаса": 0.5, "месяц": 720, "месяца": 720, "неделю": 168,
                 "недели": 168, "год": 8640, "года": 8640, "час": 1, "часа": 1, "день": 24, "дня": 24,
                 "минуту": 1 / 60}.get(word)
        values.append(Value("duration", hours if hours else _unit_hours(word), match.start(), match.end(), match.group(0)))
    for match in scan(RU_COMPOUND, "unit"):
        if any(s <= match.start() < e for s, e in taken):
            continue
        if not match.group("n") and match.group("unit").lower() != "часов":
            continue  # «месячный тариф» is the monthly plan, «дневной лимит» a rate; «часовой интервал» is an hour
        prefix = (match.group("n") or "одно").lower()
        count = int(prefix[:-1]) if prefix[0].isdigit() else _RU_PREFIX.get(prefix, 1)
        unit = {"часов": "hour", "дневн": "day", "недельн": "week", "месячн": "month", "минутн": "minute"}
        values.append(Value("duration", float(count * HOURS_PER[unit[match.group("unit").lower()]]), match.start(), match.end(),
                            match.group(0)))
        taken.append(match.span())
    for match in scan(PERCENT, "percent"):
        amount = to_number(match.group("a"))
        if amount is not None:
            values.append(Value("percent", amount, match.start(), match.end(), match.group(0)))
            taken.append(match.span())
    for match in scan(TIME, "clock"):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        for part in ("a", "b"):
            hours = clock_hours(match.group(part)) if match.group(part) else None
            if hours is not None:
                values.append(Value("time", hours, match.start(), match.end(), match.group(0)))
    for match in scan(RU_CLOCK_WORDS, "clock"):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        for hour, part in (("a", "pa"), ("b", "pb")):
            if match.group(hour):
                hours = clock_hours(f"{RU_HOURS[match.group(hour).lower()]} {match.group(part).lower()}")
                values.append(Value("time", hours or 0.0, match.start(), match.end(), match.group(0)))
    for match in scan(ALL_DAY, "clock"):
        values += [Value("time", h, match.start(), match.end(), match.group(0)) for h in (0.0, 24.0)]
    return tuple(sorted(values, key=lambda v: v.start))
