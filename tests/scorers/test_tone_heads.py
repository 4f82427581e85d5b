"""The trained politeness and empathy heads, through ``Coach.check`` with real-looking replies."""

from __future__ import annotations

import pytest


def flags_of(reply, dimension: str) -> list:
    return [f for f in reply.flags if f.dimension == dimension]


@pytest.mark.parametrize("draft", [
    "I'm not going to explain this again.",
    "Is there a reason you didn't check the app first?",
    "We get this question a hundred times a day.",
    "Вам что, сложно в приложение зайти?",
    "Не выдумывайте, курьер всё привёз.",
])
def test_rudeness_without_a_known_phrase_is_flagged_with_its_cues(coach_no_kb, draft) -> None:
    flags = flags_of(coach_no_kb.check(draft), "politeness")
    assert flags, draft
    for flag in flags:
        assert flag.evidence.text and flag.evidence.text in draft
        assert flag.suggestion is not None and flag.suggestion.text
    tone = [f for f in flags if f.marker == "politeness.tone"]
    if tone:  # the head names its probability and the words behind it
        assert "model" in tone[0].reason or "модель" in tone[0].reason


@pytest.mark.parametrize("draft", [
    "Your refund has been issued.",
    "I'll refund them right away.",
    "The courier is about 10 minutes away.",
    "1. Open Orders.\n2. Tap Report a problem.\n3. Choose the missing item.",
    "Ваш возврат оформлен, деньги придут в течение 5–10 рабочих дней.",
    "Откройте, пожалуйста, раздел «Заказы» и нажмите «Сообщить о проблеме».",
])
def test_plain_courteous_drafts_are_not_flagged(coach_no_kb, draft) -> None:
    reply = coach_no_kb.check(draft)
    assert not flags_of(reply, "politeness"), reply.flags


@pytest.mark.parametrize(("context", "draft", "kinds"), [
    ("Third time this month my order is late and my kids had nothing for dinner. I'm so fed up.",
     "Orders can be rescheduled in the app up to 2 hours before the slot.", {"empathy.no_acknowledgement"}),
    ("Someone logged into my account and placed an order, I'm really scared.",
     "Please contact your bank about the charge.", {"empathy.deflection", "empathy.no_acknowledgement"}),
    ("Курьер опоздал на два часа, гости сидели без ужина. Я в бешенстве!",
     "Заказы можно переносить в приложении.", {"empathy.no_acknowledgement"}),
])
def test_cold_reply_to_an_upset_customer_is_flagged_with_the_customer_cue(coach_no_kb, context, draft, kinds) -> None:
    reply = coach_no_kb.check(draft, context=context)
    flags = flags_of(reply, "empathy")
    assert flags and flags[0].marker in kinds, reply.flags
    assert flags[0].suggestion is not None and len(flags[0].suggestion.text) > 20
    assert reply.scores["empathy"] is not None and reply.scores["empathy"] < 0.8


@pytest.mark.parametrize(("context", "draft"), [
    ("Third time this month my order is late and my kids had nothing for dinner. I'm so fed up.",
     "Three late orders and hungry kids, I'd be fed up too. I've booked the 5pm express slot for you at no fee."),
    ("Курьер опоздал на два часа, гости сидели без ужина. Я в бешенстве!",
     "Понимаю вас: гости ждали, а ужина нет — это очень неприятно. Я уже вернул стоимость доставки."),
])
def test_acknowledging_reply_is_not_flagged(coach_no_kb, context, draft) -> None:
    reply = coach_no_kb.check(draft, context=context)
    assert not flags_of(reply, "empathy"), reply.flags


@pytest.mark.parametrize("context", [
    "Hi, what time do you stop delivering on Sundays?",
    "Можно ли изменить адрес доставки после оформления заказа?",
])
def test_empathy_does_not_apply_to_a_neutral_question(coach_no_kb, context) -> None:
    assert coach_no_kb.check("Deliveries run until 22:00.", context=context).scores["empathy"] is None


def test_hints_differ_by_the_customer_situation(coach_no_kb) -> None:
    late = coach_no_kb.check("Your order will arrive at 7pm.",
                             context="My order is an hour late and I'm furious, this is ridiculous.")
    hacked = coach_no_kb.check("Your order will arrive at 7pm.",
                               context="I think my account was hacked, I'm really worried someone used my card.")
    hints = [flags_of(r, "empathy")[0].suggestion.text for r in (late, hacked)]
    assert hints[0] != hints[1]


def test_a_tone_flag_alone_is_never_high_severity(coach_no_kb) -> None:
    reply = coach_no_kb.check("We get this question a hundred times a day.")
    tone = [f for f in reply.flags if f.marker == "politeness.tone"]
    assert tone and all(f.severity == "medium" for f in tone), reply.flags
