"""Which KB articles a conversation's question retrieves (``coach.retrieval``)."""

from __future__ import annotations

import pytest

from coach.pipeline import Coach
from coach.retrieval import retrieve_for_reply
from coach.types import Transcript, Turn


@pytest.mark.parametrize(("turns", "language", "article"), [
    # The follow-up names no topic; the agent's answer before it does.
    ((("customer", "Do you take PayPal?"),
      ("agent", "PayPal isn't one of our payment methods, sorry. You can pay by Visa, Mastercard or Apple Pay."),
      ("customer", "what about Discover?")), "en", "payment-failures"),
    ((("customer", "Можно заказать бутылку вина к ужину с экспресс-доставкой?"),
      ("agent", "Алкоголь можно заказать только с обычной доставкой, экспрессом мы его не возим."),
      ("customer", "То есть обычной доставкой можно?")), "ru", "alcohol-and-age-restricted_ru"),
    ((("customer", "Is delivery free for Plus members?"),), "en", "delivery-fees"),
])
def test_a_follow_up_finds_the_article_the_conversation_is_about(coach: Coach, turns: tuple[tuple[str, str], ...],
                                                               language: str, article: str) -> None:
    transcript = Transcript("follow-up", tuple(Turn(s, t) for s, t in turns), language=language)  # type: ignore[arg-type]
    analysis = coach.nlp.analyze([transcript])[0]
    hits = retrieve_for_reply(coach.kb, analysis, len(turns), k=3)
    assert article in [h.passage.article_id for h in hits]


@pytest.mark.parametrize(("question", "article"), [
    # "Express" in the card's name is not Express delivery; "Amex" is the same card.
    ("Do you take American Express?", "payment-failures"),
    ("Can I pay with Amex?", "payment-failures"),
    ("Is Express delivery available on Sundays?", "delivery-windows"),
])
def test_a_payment_brand_is_searched_as_one_name(coach: Coach, question: str, article: str) -> None:
    transcript = Transcript("brand", (Turn("customer", question), Turn("agent", "Let me check.")), language="en")
    hits = retrieve_for_reply(coach.kb, coach.nlp.analyze([transcript])[0], 1, k=1)
    assert hits[0].passage.article_id == article


@pytest.mark.parametrize(("text", "tokens"), [
    ("Do you take American Express?", ["american_express"]),
    ("Yes, Amex is accepted.", ["american_express", "accept"]),
    ("Pay with Apple Pay.", ["pay", "apple_pay"]),
    ("Express delivery costs $4.99.", ["express", "delivery", "cost", "4.99"]),
])
def test_names_in_several_words_are_one_search_token(coach: Coach, text: str, tokens: list[str]) -> None:
    transcript = Transcript("tokens", (Turn("agent", text),), language="en")
    words = coach.nlp.analyze([transcript])[0].turns[0].content_words()
    assert [w for w in words if w != "yes"] == tokens
