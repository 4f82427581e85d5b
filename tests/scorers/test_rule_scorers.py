"""The first-version scorers, through ``Coach.check`` and ``Coach.score`` with real-looking replies."""

from __future__ import annotations

import pytest

from coach.types import Transcript, Turn


def markers(reply, dimension: str) -> set[str]:
    return {f.marker for f in reply.flags if f.dimension == dimension}


@pytest.mark.parametrize(("draft", "expected_marker", "evidence"), [
    ("As I already told you, the refund takes 5-10 business days.", "politeness.condescension", "As I already told you"),
    ("Calm down, the courier is on the way.", "politeness.dismissive", "Calm down"),
    ("You should have read the substitution settings before ordering.", "politeness.blame", "You should have"),
    ("Send the screenshot.", "politeness.curt_command", "Send the screenshot."),
    ("THIS IS NOT OUR FAULT, the bank holds the money.", "politeness.shouting", "THIS IS NOT OUR FAULT,"),
    ("Успокойтесь, курьер уже едет.", "politeness.dismissive", "Успокойтесь"),
    ("Я же вам уже писал: возврат занимает 5–10 рабочих дней.", "politeness.condescension", "Я же вам уже писал"),
    ("В который раз повторяю: возврат занимает 5–10 рабочих дней.", "politeness.condescension", "В который раз повторяю"),
    ("For the last time, we don't deliver after 22:00.", "politeness.condescension", "For the last time, we"),
    ("Сами виноваты, надо было выбрать «Не заменять».", "politeness.blame", "Сами виноваты"),
    ("Пришлите фото.", "politeness.curt_command", "Пришлите фото."),
])
def test_discourteous_drafts_are_flagged_with_their_span(coach_no_kb, draft, expected_marker, evidence) -> None:
    reply = coach_no_kb.check(draft)
    flags = [f for f in reply.flags if f.marker == expected_marker]
    assert flags, reply.flags
    assert flags[0].evidence.text == evidence
    assert draft[flags[0].evidence.start:flags[0].evidence.end] == evidence
    assert reply.scores["politeness"] < 1.0


@pytest.mark.parametrize("draft", [
    "I'm sorry, but refunds after 30 days aren't possible. I can offer Basketly credit instead.",
    "Could you please send a photo of the damaged eggs? I'll refund them right away.",
    "Hey! No worries at all, your credit is already on the account.",
    "Извините, но вернуть деньги через 30 дней уже нельзя. Могу начислить бонусы.",
    "Пришлите, пожалуйста, фото товара, и я сразу оформлю возврат.",
    "Glad it made it before your guests! Have a lovely evening, Priya!",
    "Рада была помочь! Обращайтесь.",
    "Мне очень жаль, что вам снова приходится ждать, тем более в третий раз.",
    "I'm so sorry this happened for the third time this month.",
])
def test_courteous_drafts_are_not_flagged(coach_no_kb, draft) -> None:
    reply = coach_no_kb.check(draft)
    assert not markers(reply, "politeness"), reply.flags
    assert reply.scores["politeness"] == 1.0


@pytest.mark.parametrize(("context", "draft", "flagged"), [
    ("This is the third time my order is late!! My kids are hungry.", "Your order will arrive at 7pm.", True),
    ("This is the third time my order is late!! My kids are hungry.",
     "I'm so sorry, that's really frustrating with hungry kids waiting. Your order arrives at 7pm.", False),
    ("My order is an hour late, I'm really annoyed.", "It's just a small delay, it happens.", True),
    ("Заказ опять опоздал, это просто безобразие!", "Заказ приедет в 19:00.", True),
    ("Заказ опять опоздал, это просто безобразие!", "Понимаю, как это неприятно, приношу извинения. Заказ приедет в 19:00.", False),
])
def test_empathy_is_judged_against_the_customer_message(coach_no_kb, context, draft, flagged) -> None:
    reply = coach_no_kb.check(draft, context=context)
    assert bool(markers(reply, "empathy")) is flagged, reply.flags
    assert reply.scores["empathy"] is not None


@pytest.mark.parametrize("context", ["How much is delivery?", "Сколько стоит доставка?"])
def test_empathy_is_null_for_a_neutral_question(coach_no_kb, context) -> None:
    assert coach_no_kb.check("Delivery is $3.99.", context=context).scores["empathy"] is None


@pytest.mark.parametrize(("context", "draft", "flagged", "kb_article"), [
    ("How long do refunds take to reach my card?", "Refunds to your card take 2-3 business days.", True, "refunds"),
    ("How long do refunds take to reach my card?", "A refund to your card takes 5-10 business days.", False, None),
    ("How much is Basketly Plus per month?", "Basketly Plus Monthly is $14.99 a month.", True, "subscription-plans"),
    ("How long do I have to report a missing item?", "You have two days (48 hours) to report it.", False, None),
    ("Сколько идёт возврат на карту?", "Возврат на карту занимает 2–3 рабочих дня.", True, "refunds_ru"),
    ("Сколько стоит подписка Plus в месяц?", "Подписка Plus стоит 299 ₽ в месяц.", False, None),
])
def test_correctness_checks_values_against_the_kb(coach, context, draft, flagged, kb_article) -> None:
    reply = coach.check(draft, context=context)
    flags = [f for f in reply.flags if f.dimension == "correctness"]
    assert bool(flags) is flagged, reply.flags
    assert reply.scores["correctness"] is not None
    if flagged:
        assert flags[0].suggestion.kb_article == kb_article
        assert flags[0].suggestion.kb_passage


def test_correctness_is_null_without_a_fact_or_without_a_kb(coach, coach_no_kb) -> None:
    assert coach.check("Thanks for waiting, I'm on it!", context="Any update?").scores["correctness"] is None
    assert coach_no_kb.check("Refunds take 2 days.").scores["correctness"] is None


def conversation(*turns: tuple[str, str]) -> Transcript:
    return Transcript("t-1", tuple(Turn(s, t) for s, t in turns), language=None, agent="anna.k")  # type: ignore[arg-type]


def test_unkept_vague_promise_is_flagged_and_kept_one_is_not(coach_no_kb) -> None:
    vague = coach_no_kb.score(conversation(
        ("customer", "My eggs arrived smashed."),
        ("agent", "Hi Tom, sorry about that! I'll look into it and get back to you."),
        ("customer", "Ok."),
    ))
    assert "follow_through.open_promise" in markers(vague.replies[0], "follow_through")
    kept = coach_no_kb.score(conversation(
        ("customer", "My eggs arrived smashed."),
        ("agent", "Hi Tom, sorry about that! I'll look into it and get back to you."),
        ("system", "Refund of $4.20 issued to Visa ending 4421"),
        ("agent", "Done: the refund of $4.20 is issued and reaches your card in 5-10 business days. Thanks!"),
    ))
    assert "follow_through.open_promise" not in markers(kept.replies[0], "follow_through")


def test_deflection_greeting_and_close(coach_no_kb) -> None:
    result = coach_no_kb.score(conversation(
        ("customer", "My card was charged twice for one order, what now?"),
        ("agent", "That's another department, contact your bank yourself."),
    ))
    reply = result.replies[0]
    assert "follow_through.deflection" in markers(reply, "follow_through")
    assert {"politeness.missing_greeting", "politeness.missing_close"} <= markers(reply, "politeness")
    assert all(f.severity == "low" for f in reply.flags if f.marker.startswith("politeness.missing"))


def test_skipped_question_among_several_is_flagged_on_that_reply(coach_no_kb) -> None:
    result = coach_no_kb.score(conversation(
        ("customer", "How much does Basketly Plus cost per month? Also, is my account at risk after that phishing email?"),
        ("agent", "Hi! Basketly Plus Monthly costs $9.99 per month and includes free delivery over $20. "
                  "Anything else I can help with?"),
    ))
    flags = [f for f in result.replies[0].flags if f.marker == "follow_through.unanswered_question"]
    assert [f.evidence.text for f in flags] == ["Also, is my account at risk after that phishing email?"]
    assert flags[0].evidence.turn == 0


@pytest.mark.parametrize("turns", [
    (),
    (("agent", "Hi, anyone there?"),),
    (("customer", "Hello?"),),
    tuple(("customer" if i % 2 else "agent", f"Message number {i} about my order?") for i in range(300)),
])
def test_no_crash_on_odd_conversations(coach, turns) -> None:
    result = coach.score(conversation(*turns))
    assert len(result.replies) == sum(1 for s, _ in turns if s == "agent")
