"""Amounts of money written in words: "two thousand rubles", "five hundred dollars",
«двести сорок девять рублей», «две с половиной тысячи рублей», «полторы тысячи ₽»; and
Russian hours of the clock in words, «с восьми утра до десяти вечера».

Agents write sums in words as often as in digits; without this "от двух с половиной тысяч
рублей" states no value and "2 500 ₽" in the KB backs nothing.
"""

from __future__ import annotations

import re

_UNITS = {
    "one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
# Russian forms in the cases an amount takes ("две тысячи", "от двух тысяч", "до пяти").
_RU_FORMS = {
    1: "один одна одну одного одной", 2: "два две двух", 3: "три трёх трех", 4: "четыре четырёх четырех",
    5: "пять пяти", 6: "шесть шести", 7: "семь семи", 8: "восемь восьми", 9: "девять девяти",
    10: "десять десяти", 11: "одиннадцать одиннадцати", 12: "двенадцать двенадцати",
    13: "тринадцать тринадцати", 14: "четырнадцать четырнадцати", 15: "пятнадцать пятнадцати",
    16: "шестнадцать шестнадцати", 17: "семнадцать семнадцати", 18: "восемнадцать восемнадцати",
    19: "девятнадцать девятнадцати", 20: "двадцать двадцати", 30: "тридцать тридцати", 40: "сорок сорока",
    50: "пятьдесят пятидесяти", 60: "шестьдесят шестидесяти", 70: "семьдесят семидесяти",
    80: "восемьдесят восьмидесяти", 90: "девяносто девяноста", 100: "сто ста", 200: "двести двухсот",
    300: "триста трёхсот трехсот", 400: "четыреста четырёхсот четырехсот", 500: "пятьсот пятисот",
    600: "шестьсот шестисот", 700: "семьсот семисот", 800: "восемьсот восьмисот", 900: "девятьсот девятисот",
}
_RU = {form: value for value, forms in _RU_FORMS.items() for form in forms.split()}
_RU_WORD = "(?:" + "|".join(sorted(_RU, key=len, reverse=True)) + ")"
_EN_WORD = r"(?:" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")"
_PART = rf"(?:(?:{_EN_WORD}|{_RU_WORD}|hundred|thousand|тысяч[аиу]?|полтор[аы]|and)(?!\w)|с половиной)"
#: A run of number words followed by a currency.
MONEY_WORDS = re.compile(
    rf"(?<![\w-])(?P<amount>{_PART}(?:[\s-]+{_PART})*)\s+"
    r"(?P<currency>рубл[а-яё]*|руб\.|₽|rubles?|roubles?|dollars?|bucks|usd)(?![\w])",
    re.IGNORECASE)


def _word_value(word: str) -> float | None:
    value = _UNITS.get(word, _RU.get(word))
    return None if value is None else float(value)


def words_to_number(words: str) -> float | None:
    """The amount a run of number words states (None when it is not one, such as a lone "a")."""
    total = current = 0.0
    seen = False
    for word in re.split(r"[\s-]+", words.lower().replace("с половиной", "с_половиной")):
        if word in ("and", ""):
            continue
        if word == "с_половиной":
            current += 0.5
        elif word.startswith("полтор"):
            current += 1.5
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand" or word.startswith("тысяч"):
            total += (current or 1) * 1000
            current = 0.0
        else:
            value = _word_value(word)
            if value is None:
                return None
            current += value
        seen = seen or word not in ("a",)
    amount = total + current
    return amount if seen and amount > 0 else None


def money_in_words(text: str) -> list[tuple[str, float, int, int, str]]:
    """(kind, amount, start, end, text) for each sum of money written in words."""
    found = []
    for match in MONEY_WORDS.finditer(text):
        amount = words_to_number(match.group("amount"))
        if amount is None:
            continue
        currency = match.group("currency").lower()
        kind = "money:USD" if currency.startswith(("dollar", "buck", "usd")) else "money:RUB"
        found.append((kind, amount, match.start(), match.end(), match.group(0)))
    return found


#: Hours of the clock in Russian words: «с восьми утра до десяти вечера».
RU_HOURS = {"час": 1, "одного": 1, "двух": 2, "два": 2, "трёх": 3, "трех": 3, "три": 3, "четырёх": 4,
            "четырех": 4, "четыре": 4, "пяти": 5, "пять": 5, "шести": 6, "шесть": 6, "семи": 7, "семь": 7,
            "восьми": 8, "восемь": 8, "девяти": 9, "девять": 9, "десяти": 10, "десять": 10,
            "одиннадцати": 11, "одиннадцать": 11, "двенадцати": 12, "двенадцать": 12}
_RU_HOUR = "|".join(sorted(RU_HOURS, key=len, reverse=True))
RU_CLOCK_WORDS = re.compile(rf"\b(?P<a>{_RU_HOUR})\s+(?P<pa>утра|дня|вечера|ночи)\b"
                            rf"(?:\s*(?:-|–|—|до|и)\s*(?P<b>{_RU_HOUR})\s+(?P<pb>утра|дня|вечера|ночи)\b)?",
                            re.IGNORECASE)
