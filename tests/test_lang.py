"""``detect_language`` on the mixed English/Russian messages support teams really get."""

from __future__ import annotations

import pytest

from coach.lang import detect_language

CASES = [
    # English
    ("Hi, I ordered groceries yesterday and they still haven't arrived. Can you check?", "en"),
    ("Thank you for your patience! Your refund of €12.40 will reach your card in 3-5 business days.", "en"),
    # Russian
    ("Здравствуйте! Мой заказ так и не доставили, хотя прошло уже два часа.", "ru"),
    ("Добрый день! Приносим извинения, деньги за молоко вернём сегодня.", "ru"),
    # Russian with Latin brand and product names: the names do not make it English.
    ("Подписка Basketly Plus не продлилась", "ru"),
    ("Подписка Basketly Plus не продлилась, хотя деньги списали с карты Visa", "ru"),
    ("Не работает приложение Basketly на iPhone после обновления iOS", "ru"),
    ("Курьер оставил заказ у двери, а там всё растаяло. Verify please", "ru"),
    # English with a few Russian words: still English.
    ("Hi, спасибо, but my order is still missing", "en"),
    ("Hello, спасибо большое, but the courier never called me and my order is still missing", "en"),
    # Russian with order codes, URLs, e-mails and ticket numbers.
    ("Заказ BK-20931 не пришёл, трекинг https://basketly.com/track/BK-20931 не открывается", "ru"),
    ("Мой email anna.k@example.com, номер заказа #4411, оплатил через PayPal", "ru"),
    # Ukrainian is not Russian.
    ("Добрий день! Моє замовлення досі не доставили, що мені робити?", "uk"),
    ("Доброго дня, я хочу повернути гроші за замовлення, яке не привезли", "uk"),
    # Another Latin-script language.
    ("Danke schön, das Paket ist angekommen und alles ist in Ordnung.", "de"),
    # Very short texts fall back to the script's main language.
    ("ok", "en"),
    ("OK!", "en"),
    ("Thanks!", "en"),
    ("Спасибо", "ru"),
    ("спасибо!", "ru"),
    ("Привет", "ru"),
    # Nothing to go on.
    ("", "en"),
    ("   \n", "en"),
    ("12345 !!!", "en"),
    ("BK-20931", "en"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("", "ru"),             # no words: the default
    ("4411 #A-10442", "ru"),
    ("ok", "en"),           # Latin script, and ru is not a Latin-script language
    ("Спасибо", "ru"),
    ("Thank you, the courier just arrived with everything I ordered.", "en"),
])
def test_default_applies_only_without_words(text: str, expected: str) -> None:
    assert detect_language(text, default="ru") == expected


def test_latin_default_is_kept_for_short_latin_text() -> None:
    assert detect_language("ok", default="de") == "de"
    assert detect_language("", default="de") == "de"
