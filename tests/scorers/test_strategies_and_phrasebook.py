"""Politeness strategies with spans, and phrasebook hints chosen for the situation."""

from __future__ import annotations

import pytest

from coach.phrasebook import customer_situation, fill_name, phrases, suggest
from coach.strategies import feature_names, feature_vector, find_strategies


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("Thanks so much for waiting!", "en", {("gratitude", "Thanks")}),
    ("Could you send a photo of the eggs?", "en", {("indirect_request", "Could you")}),
    ("I'm so sorry about the mix-up.", "en", {("apology", "sorry"), ("emotional_reaction", "I'm so sorry")}),
    ("Why did you order it then?", "en", {("direct_question", "Why did you order it then?")}),
    ("Obviously the code expired.", "en", {("factuality", "Obviously"), ("rude_condescension", "Obviously")}),
    ("READ THE EMAIL WE SENT.", "en", {("all_caps", "READ THE EMAIL WE SENT")}),
    ("Use WELCOME10 at checkout.", "en", set()),
    ("Please stop writing to us.", "en", {("please_start", "Please")}),
    ("Не могли бы вы прислать фото, пожалуйста?", "ru", {("indirect_request", "Не могли бы вы"), ("please", "пожалуйста")}),
    ("Ну и что ты от меня хочешь?", "ru", {("direct_start", "Ну"), ("informal_you", "ты")}),
    ("Спасибо, что написали!", "ru", {("gratitude", "Спасибо")}),
    ("Понимаю, как это неприятно.", "ru", {("interpretation", "Понимаю")}),
])
def test_strategies_return_the_span_they_matched(text, language, expected) -> None:
    hits = find_strategies(text, language)
    found = {(h.name, h.text) for h in hits}
    assert expected <= found, found
    for hit in hits:
        assert text[hit.start:hit.end] == hit.text
    if not expected:
        assert not {h.name for h in hits} & {"all_caps", "rude_condescension"}


def test_feature_vector_counts_each_strategy_capped() -> None:
    hits = find_strategies("Thanks! Thanks! Thanks! Thanks! Thanks!", "en")
    vector = feature_vector(hits, "Thanks! Thanks! Thanks! Thanks! Thanks!")
    assert vector[feature_names().index("gratitude")] == 3.0
    assert len(vector) == len(feature_names()) + 3


@pytest.mark.parametrize(("message", "language", "situation"), [
    ("My order is two hours late and I'm still waiting.", "en", "delay"),
    ("Someone logged into my account and I can't get in, I think I was hacked.", "en", "security_worry"),
    ("You charged me twice, that's $80 of my money.", "en", "money_loss"),
    ("This is the third time the milk is missing!", "en", "repeat_problem"),
    ("Гости придут через час, а продуктов нет.", "ru", "urgency"),
    ("Курьер опаздывает уже на час, жду до сих пор.", "ru", "delay"),
    ("Где можно посмотреть историю заказов?", "ru", "general_upset"),
])
def test_customer_situation(message, language, situation) -> None:
    assert customer_situation(message, language) == situation


def test_every_flag_kind_has_phrases_in_both_languages() -> None:
    kinds = ("condescension", "dismissive", "blame", "sarcasm", "profanity", "curt_command", "shouting",
             "passive_aggressive", "missing_greeting", "missing_close", "minimising", "hollow_apology",
             "deflection", "delay", "missing_or_damaged", "money_loss", "urgency", "security_worry", "general_upset")
    for kind in kinds:
        assert len(phrases(kind, "en")) >= 3 and len(phrases(kind, "ru")) >= 3, kind


def test_hint_fits_the_customer_message_and_names_the_move() -> None:
    refund = suggest("delay", "en", "My refund still hasn't reached my card after two weeks.")
    courier = suggest("delay", "en", "The courier is 40 minutes late with my order.")
    assert refund is not None and courier is not None
    assert refund.text != courier.text
    assert "refund" in refund.text.lower()
    assert refund.text.endswith(")")  # the pattern, e.g. "(acknowledge + own + next step)"


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("Hi {name}, thanks for waiting.", "Maria", "Hi Maria, thanks for waiting."),
    ("Hi {name}, thanks for waiting.", None, "Hi, thanks for waiting."),
    ("{name}, I'm on it.", None, "I'm on it."),
    ("Здравствуйте, {name}!", None, "Здравствуйте!"),
])
def test_fill_name(text, name, expected) -> None:
    assert fill_name(text, name) == expected


def test_name_placeholder_between_commas_leaves_one_comma() -> None:
    assert fill_name("You have every reason to be upset, {name}, and I'm sorry.", None) == \
        "You have every reason to be upset, and I'm sorry."


def test_every_phrase_reads_cleanly_without_a_name() -> None:
    from coach.phrasebook import all_phrases

    for phrase in all_phrases():
        text = fill_name(phrase.text, None)
        assert "{" not in text and ",," not in text and " ," not in text and not text.startswith(","), phrase.text
        assert "Maria" in fill_name(phrase.text, "Maria") or "{name}" not in phrase.text
