"""The verifier's pair features a reviewer would recognise: content words, what the agent
does, and replies that grant or refuse the customer's request."""

from __future__ import annotations

import numpy as np
import pytest

from coach.claim_features import FEATURES, answer, content, own_action, pair_features
from coach.grounding import Statement
from coach.names import canonical_names
from coach.pipeline import Coach
from coach.scorers.correctness import rule_part


@pytest.mark.parametrize(("text", "word", "has"), [
    # A brand inside a sentence is a name, not the common word its stem would be.
    ("You get $10 Basketly credit.", "baske", False),
    ("Add it to your basket.", "baske", True),
    ("Express is $4.99.", "expre", True),
    ("Курьер Basketly приедет через час.", "basketly", True),
])
def test_content_words_keep_names_whole(text: str, word: str, has: bool) -> None:
    assert (word in content(text)) is has


@pytest.mark.parametrize(("text", "own"), [
    ("I've forwarded your email to the courier team.", True),
    ("Уточню у коллег и перезвоню вам сегодня до 18:00.", True),
    ("Пришлём данные о возврате в течение дня.", True),
    ("Курьер заберёт энергетики обратно.", False),
    ("Доставка стоит 199 ₽.", False),
])
def test_what_the_agent_does_is_told_from_a_rule(text: str, own: bool) -> None:
    assert own_action(text) is own


@pytest.mark.parametrize(("sentence", "previous", "expected"), [
    ("Yes, you can stack them!", "", 1),
    ("Sure, you can cancel any time before the courier leaves.", "", 1),
    ("No problem, the free trial resets every year.", "", 1),
    ("Да, промокоды можно суммировать.", "", 1),
    ("Конечно, курьер заберёт товар.", "", 1),
    ("You can stack them.", "Yes!", 1),
    ("Можно вернуть в течение 14 дней.", "Конечно.", 1),
    ("No, there's no minimum order.", "", -1),
    ("Unfortunately tips can't be changed once they're added.", "", -1),
    ("К сожалению, оплата наличными недоступна.", "", -1),
    ("Нет, бесплатная доставка — от 1500 ₽.", "", -1),
    # "No need to ..." answers nothing; a rule on its own is no answer either.
    ("No need to send anything back.", "", 0),
    ("You can use one promo code per order.", "", 0),
    ("Доставка стоит 199 ₽.", "", 0),
    # "Happy to help with anything else" closes the conversation; it grants nothing.
    ("Happy to help with anything else, and have a great day, Mei!", "", 0),
    ("Happy to do that for you: the credit is on its way.", "", 1),
    # Only a sentence that is nothing but the answer word carries over.
    ("You can stack them.", "Yes, and thanks for waiting so patiently today.", 0),
])
def test_replies_that_grant_or_refuse_the_request(sentence: str, previous: str, expected: int) -> None:
    assert answer(sentence, previous) == expected


def test_the_answer_reaches_the_verifier_features() -> None:
    text = "You can use one promo code per order."
    statement = Statement("promo-codes", "Promo codes", text, text)
    aligned = [(statement, 0.6)]
    granted = pair_features("you can stack them.", aligned, statement.text, 0.5, previous="Yes!")
    plain = pair_features("you can stack them.", aligned, statement.text, 0.5)
    names = list(FEATURES)
    assert granted[names.index("answers_yes")] == 1.0
    assert plain[names.index("answers_yes")] == 0.0
    assert np.delete(granted, names.index("answers_yes")).tolist() == np.delete(plain, names.index("answers_yes")).tolist()


@pytest.mark.parametrize(("text", "canonical"), [
    ("Yes, Amex is accepted.", "Yes, American Express is accepted."),
    ("We take amex and Master Card.", "We take american express and Mastercard."),
    ("Visa works too.", "Visa works too."),
])
def test_names_are_compared_as_the_kb_spells_them(text: str, canonical: str) -> None:
    assert canonical_names(text) == canonical


@pytest.mark.parametrize(("text", "rule"), [
    ("WELCOME10 works from $40, and you have $38.", "WELCOME10 works from $40"),
    ("Код работает от 2 500 ₽, а у вас 2 480 ₽.", "Код работает от 2 500 ₽"),
    ("Good news: WELCOME10 kicks in from $30, so your $38 basket qualifies.", "Good news: WELCOME10 kicks in from $30"),
    # The rule keeps its own characters: "8:00" stays a time.
    ("Yes, we deliver from 8:00 to 22:00, so 21:00 works.", "Yes, we deliver from 8:00 to 22:00"),
    ("Да, доставляем с 8:00 до 22:00, так что 21:00 подходит.", "Да, доставляем с 8:00 до 22:00"),
    # A case inside a condition is part of the rule.
    ("Yes, courier chat opens as soon as your order is picked.", "Yes, courier chat opens as soon as your order is picked."),
    ("Delivery is free over $35.", "Delivery is free over $35."),
    # Nothing but the case: the whole sentence stays.
    ("So your $38 basket qualifies.", "So your $38 basket qualifies."),
])
def test_the_verifier_reads_the_rule_without_the_customers_case(text: str, rule: str) -> None:
    assert rule_part(text) == rule


@pytest.mark.parametrize(("draft", "context"), [
    ("WELCOME10 works from $40, and you have $38.", "My basket is $38, does WELCOME10 work?"),
    ("Код работает от 2 500 ₽, а у вас 2 480 ₽.", "В корзине 2480, код не срабатывает"),
    ("Yes, Amex is accepted.", "Do you take American Express?"),
])
def test_a_right_rule_beside_the_customers_case_or_an_alias_is_not_flagged(coach: Coach, draft: str,
                                                                          context: str) -> None:
    reply = coach.check(draft, context=context)
    assert not [f for f in reply.flags if f.dimension == "correctness"]
