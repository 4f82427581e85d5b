"""The correctness rules on their own (no learned verifier): what they flag and what they leave
alone. Each row is a reply the rules once got wrong on the written training sets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from coach.claim_features import denies_what_is_claimed
from coach.claims import claimed_values
from coach.entities import mentions
from coach.grounding import is_negated, menu_paths
from coach.pipeline import Coach
from coach.sensitive import asks_for_secret
from coach.values import extract_values

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rules_only(coach: Coach, tmp_path_factory: pytest.TempPathFactory) -> Coach:
    """The sample KB's Coach without trained models: every correctness flag comes from a rule."""
    models = tmp_path_factory.mktemp("no-models")
    return Coach(replace(coach.config, models_dir=str(models)), kb_path=ROOT / "kb", nlp=coach.nlp)


def _rule_flags(coach: Coach, draft: str, context: str) -> list:
    return [f for f in coach.check(draft, context=context).flags if f.dimension == "correctness"]


@pytest.mark.parametrize(("draft", "context", "suggestion"), [
    # "Don't" names no subject: the late-credit line's "24 hours" does not back the hold.
    ("Don't worry, we hold the order for 24 hours so you can update your card.",
     "I got a notification that my payment failed. What happens to my order now?",
     "Don't worry, we hold the order for 30 minutes so you can update your card."),
    # A claim that only one KB statement comes close to is still checked.
    ("Да, первые 30 дней бесплатно.", "Сколько стоит Basketly Plus? А попробовать бесплатно можно?",
     "Да, первые 14 дней бесплатно."),
])
def test_the_rules_catch(rules_only: Coach, draft: str, context: str, suggestion: str) -> None:
    assert [f.suggestion.text for f in _rule_flags(rules_only, draft, context)] == [suggestion]


@pytest.mark.parametrize(("draft", "context", "cited"), [
    ("No, Plus members get unlimited free Express deliveries.", "Do I pay for Express with Plus?",
     "2 free express deliveries per month"),
    ("Basketly credit never expires, so there's no hurry.", "Does my credit expire?", "expires 12 months"),
    ("Средства на балансе не сгорают, пользуйтесь, когда удобно.", "Деньги на балансе сгорают?", "12"),
    ("Приглашать можно сколько угодно, награда начисляется за каждого друга без ограничений.",
     "Скольких друзей можно пригласить?", "не больше 10 наград"),
    ("Sure, you can cancel any time before the courier leaves the store, free of charge.", "Can I cancel my order?",
     "Up to 2 hours before the slot starts"),
    ("Добавлять товары можно в любой момент, пока курьер не выехал.", "Можно ещё добавить товары в заказ?",
     "не меньше 2 часов"),
    ("No, there's no minimum order, you can check out with any amount.", "Is there a minimum order?",
     "The minimum order is $10."),
    # What the customer asks about ("24/7?", «за 15 минут?») is what the answer affirms.
    ("Our phone line is open around the clock, so feel free to ring us at +1 800 555 0142 whenever suits you.",
     "Is your phone support 24/7? Need to call at 11pm after my shift", "8:00-20:00"),
    ("Да, всё так: экспресс-заказ привозим в течение 15 минут после оформления.",
     "видел рекламу экспресс за 15 минут, это правда чтоли?", "30 минут"),
    # The phone number says which line the hours are about, though no other word is shared.
    ("Телефон 8 800 555-01-42 работает круглосуточно.", "Можно позвонить вам ночью?", "8:00 до 20:00"),
])
def test_unlimited_and_any_time_claims_meet_the_kbs_cap(rules_only: Coach, draft: str, context: str, cited: str) -> None:
    flags = _rule_flags(rules_only, draft, context)
    assert len(flags) == 1 and cited in flags[0].suggestion.text, flags


@pytest.mark.parametrize(("draft", "context"), [
    # A claim that names its own cap lifts nothing.
    ("You can share your link with as many people as you like, but rewards are capped at 10 per year.",
     "How many friends can I refer?"),
    ("Приглашать можно сколько угодно, но наград за год — не больше десяти.", "Скольких друзей можно пригласить?"),
    # A time of day in the customer's question is their slot, not a claim to check.
    ("Your slot starts at 18:00, so you're still more than 2 hours out and can move it for free.",
     "hi, can i push my delivery from 6pm to later tonight? it's 3:30 now"),
    # The KB says "any time" about this very thing.
    ("You can cancel Plus any time in Account > Plus.", "How do I cancel Plus?"),
    ("Нет, удалять аккаунт не нужно: подписку можно отменить отдельно в разделе Аккаунт > Plus, в любой момент.",
     "Чтобы не платить за Plus, надо удалить аккаунт?"),
    # The $3.99 is the fee its own clause names, not the Plus threshold the sentence is about.
    ("Plus free delivery starts on orders over $20, so at $18 the usual $3.99 fee applies.",
     "I'm on Plus and my basket is $18. Why is there a fee?"),
    ("Да, при заказе меньше 700 ₽ добавляется доплата за маленький заказ — 99 ₽, плюс доставка 199 ₽.",
     "У меня заказ на 500 ₽, будет доплата?"),
    # A sum or an estimate worked out for the customer is not a price.
    ("Right now it's the $3.99 delivery fee plus the $2 small-order fee, so $5.99 in fees.",
     "My basket is $12. What will I pay in fees?"),
    ("Годовой выходит дешевле — около 250 ₽ в месяц вместо 299 ₽.", "Какой тариф Plus выгоднее?"),
    # The KB denies the hand-over, not the refund the reply promises.
    ("Да, деньги за энергетики, которые курьер забрал, вернутся, а остальной заказ остаётся у вас как обычно.",
     "Курьер забрал энергетики, сын не показал паспорт. Деньги за них вернут?"),
    # The path ends at the dash.
    ("Если хотите просто не платить за Plus, отмените подписку в разделе Аккаунт > Plus — удалять аккаунт "
     "для этого не нужно.", "Хочу удалить аккаунт, чтобы не платить за Plus."),
    ("Да, преимущества у обоих тарифов одни и те же.", "У месячного и годового Plus одинаковые преимущества?"),
    ("Смените пароль по ссылке из письма и напишите нам в чат, если увидите что-то странное.",
     "Кажется, мой аккаунт взломали."),
])
def test_the_rules_leave_alone(rules_only: Coach, draft: str, context: str) -> None:
    assert _rule_flags(rules_only, draft, context) == []


@pytest.mark.parametrize(("statement", "claim", "denies"), [
    ("Если документ не показан, курьер не передаст энергетики и заберёт их обратно, а деньги за них вернутся.",
     "Да, деньги за энергетики, которые курьер забрал, вернутся.", False),
    ("Если документ не показан, курьер не передаст энергетики и заберёт их обратно, а деньги за них вернутся.",
     "Курьер передаст энергетики и без документа.", True),
    ("Promo codes cannot be combined.", "Yes, you can combine two codes.", True),
    ("Credit can't be withdrawn or paid back to a card; it can only be spent on orders.",
     "I can send the credit to your card.", True),
])
def test_a_kb_statement_denies_only_in_the_clause_about_the_claim(statement: str, claim: str, denies: bool) -> None:
    assert denies_what_is_claimed(statement, claim) is denies


@pytest.mark.parametrize(("text", "claimed"), [
    ("Right now it's the $3.99 delivery fee plus the $2 small-order fee, so $5.99 in fees.", ["$3.99", "$2"]),
    ("Доставка 199 ₽ и доплата 99 ₽, итого 298 ₽.", ["199 ₽", "99 ₽"]),
    ("Twelve months of Monthly at $9.99 comes to almost $120.", ["Twelve months", "$9.99"]),
    ("Годовой выходит дешевле — около 250 ₽ в месяц вместо 299 ₽.", ["299 ₽"]),
    ("Delivery costs $5.99 and the small-order fee is $2.", ["$5.99", "$2"]),
])
def test_sums_and_estimates_are_not_claimed(text: str, claimed: list[str]) -> None:
    assert [v.text for v in claimed_values(text, set())] == claimed


@pytest.mark.parametrize(("text", "paths"), [
    ("Отмените подписку в разделе Аккаунт > Plus — удалять аккаунт не нужно.", ["Аккаунт > Plus"]),
    ("Tap Cancel in Account > Plus - that is all.", ["Account > Plus"]),
    ("Go to Account > Privacy > Two-step login and toggle it on.", ["Account > Privacy > Two-step login"]),
])
def test_a_dash_ends_a_menu_path(text: str, paths: list[str]) -> None:
    assert [m.group(0) for m in menu_paths(text)] == paths


@pytest.mark.parametrize(("text", "asks"), [
    ("Смените пароль, проверьте последние заказы и напишите нам в чат, если увидите что-то не так.", False),
    ("Смените пароль по ссылке из письма, а затем продиктуйте мне код из новой СМС.", True),
    ("Назовите код, который мы отправили.", True),
    ("I'll need your password to check.", True),
])
def test_the_secret_must_be_what_is_asked_for(text: str, asks: bool) -> None:
    assert asks_for_secret(text) is asks


@pytest.mark.parametrize(("text", "names"), [
    ("Да, преимущества у обоих тарифов одни и те же.", []),
    ("На тарифе Семейный можно добавить 5 человек.", ["Семейный"]),
    ("Тариф «Годовой» дешевле.", ["Годовой"]),
])
def test_a_plan_name_after_the_word_tariff_is_quoted_or_capitalised(text: str, names: list[str]) -> None:
    assert [m.text for m in mentions(text, "ru")] == names


@pytest.mark.parametrize(("text", "hours"), [("a full day", 24), ("a whole week", 168), ("within a day", 24)])
def test_a_full_day_is_a_day(text: str, hours: float) -> None:
    assert [v.amount for v in extract_values(text)] == [hours]


@pytest.mark.parametrize("text", ["Don't worry, we hold the order for 30 minutes.", "Не беспокойтесь, заказ ждёт вас."])
def test_reassurance_negates_nothing(text: str) -> None:
    assert not is_negated(text)

