"""Typed values a claim states, which of them it really claims, and the rules that compare
them with the KB (times of day, ages, limits, paths, polarity)."""

from __future__ import annotations

import pytest

from coach.claims import claimed_values, within_hours
from coach.grounding import contacts, is_negated, path_supported, split_statements
from coach.nlp import Sentence
from coach.pipeline import Coach
from coach.scorers.correctness import CorrectnessScorer
from coach.types import Transcript, Turn
from coach.values import extract_values


@pytest.mark.parametrize(("text", "expected"), [
    ("Refunds take 5-10 business days.", [("duration", 120.0), ("duration", 240.0)]),
    ("Delivery is $3.99, free over thirty-five dollars.", [("money:USD", 3.99), ("money:USD", 35.0)]),
    ("Ответ придёт в течение двое суток.", [("duration", 48.0)]),
    ("Our first slot starts at 7:00.", [("time", 7.0)]),
    ("We deliver from 9 am to 9 pm.", [("time", 9.0), ("time", 21.0)]),
    ("Доставляем с 8 утра до 10 вечера.", [("time", 8.0), ("time", 22.0)]),
    ("Call us 24/7.", [("time", 0.0), ("time", 24.0)]),
    ("Поддержка работает круглосуточно.", [("time", 0.0), ("time", 24.0)]),
    ("Линия работает с восьми утра до десяти вечера.", [("time", 8.0), ("time", 22.0)]),
    ("You must be 21+ to buy alcohol.", [("age", 21.0)]),
    ("Yes, you must be 18 or over.", [("age", 18.0)]),
    ("That's fine as long as he's over 18 and shows his license.", [("age", 18.0)]),
    ("Энергетики продаются только покупателям от 18 лет.", [("age", 18.0)]),
    ("Доставка идёт двухчасовыми интервалами.", [("duration", 2.0)]),
    ("Basketly привозит заказы в часовые интервалы.", [("duration", 1.0)]),
    ("Действует двухмесячный пробный период.", [("duration", 1440.0)]),
    # How often: a period, not a duration, and a count of things per period is a limit.
    ("Plus gives 2 free Express deliveries per month.", [("count/720", 2.0), ("period", 720.0)]),
    ("Plus gets you 2 free Express deliveries a month.", [("count/720", 2.0), ("period", 720.0)]),
    ("Раз в неделю мы присылаем подборку.", [("period", 168.0)]),
    ("You have a month to return it.", [("duration", 720.0)]),
    ("С Plus у вас 2 бесплатные экспресс-доставки в неделю.", [("count/168", 2.0), ("period", 168.0)]),
    ("Привезём в день доставки.", []),
    # Rates are prices, not durations.
    ("Plus is $9.99 a month.", [("money:USD", 9.99)]),
    ("Тарифов два: на месяц за 299 ₽ и на год за 2 990 ₽.", [("money:RUB", 299.0), ("money:RUB", 2990.0)]),
    # Sums of money in words.
    ("Доставка стоит двести сорок девять рублей.", [("money:RUB", 249.0)]),
    ("Код действует от двух с половиной тысяч рублей.", [("money:RUB", 2500.0)]),
    ("Бесплатно от полторы тысячи рублей.", [("money:RUB", 1500.0)]),
    ("It's free from two thousand rubles.", [("money:RUB", 2000.0)]),
    ("That's five hundred and fifty dollars.", [("money:USD", 550.0)]),
    ("Стоит 199 рублей.", [("money:RUB", 199.0)]),
    # A bare hour or day is a span only after a word that makes it one.
    ("Экспресс привезёт заказ в течение часа.", [("duration", 1.0)]),
    ("Ответим через день.", [("duration", 24.0)]),
    ("Не звоните в час пик.", []),
    # «месячный» names the monthly plan; a number makes it a span.
    ("Есть месячный тариф за 299 ₽.", [("money:RUB", 299.0)]),
    ("Действует 14-дневный пробный период.", [("duration", 336.0)]),
    # A unit after an adjective names a period, it does not measure one.
    ("Подписка действует до конца оплаченного года.", []),
    ("Пробный период длится целый месяц.", [("duration", 720.0)]),
    # Not values: counts, a price with cents, a duration after "over".
    ("Orders over 20 items are split in two bags.", []),
    ("Подождите от 10 дней.", [("duration", 240.0)]),
])
def test_values_are_typed_and_normalised(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(v.kind, v.amount) for v in extract_values(text)] == expected


@pytest.mark.parametrize(("text", "claimed"), [
    # Arithmetic for this customer is not a policy claim.
    ("It drops to zero once your basket reaches $35, so you're only $7 short.", ["$35"]),
    ("Plus Annual is $99 a year, which works out to $8.25 a month.", ["$99"]),
    ("Итого 978 ₽.", []),
    ("Если добавите товаров хотя бы на 20 ₽, доплата исчезнет.", []),
    ("Бесплатно от 2 000 ₽, так что вам не хватает всего 150 ₽.", ["2 000 ₽"]),
    ("Delivery is $3.99, which makes $42.97 in total.", ["$3.99"]),
    ("So the $7.50 is used first and the remaining $18.50 goes on your card.", ["$7.50"]),
    ("Both come out of your credit, leaving you $4.01.", []),
    ("Together that's the $5.99 difference.", []),
    # What the customer's case falls short of is theirs, not a rule.
    ("Fresh produce should arrive with at least 3 days to its use-by date, and 2 days falls short.", ["3 days"]),
    # A time ruled out beside the one given is not claimed.
    ("Our first slot starts at 8:00, so 7am isn't possible, sorry.", ["8:00"]),
    # The time of the agent's own promise to report back is theirs; a promise to act on the
    # order, or what "we" do, still claims something.
    ("Уточню у коллег и перезвоню вам сегодня до 18:00.", []),
    ("I'll get back to you within 15 minutes.", []),
    ("Я продлю его ещё на неделю.", ["неделю"]),
    ("Пишите на почту, ответим в течение двух суток.", ["двух суток"]),
    # A negated value on its own is still the claim.
    ("You can't return items after 30 days.", ["30 days"]),
])
def test_claimed_values_leave_out_arithmetic_and_ruled_out_values(text: str, claimed: list[str]) -> None:
    assert [v.text for v in claimed_values(text, set())] == claimed


@pytest.mark.parametrize(("claim", "kb", "within"), [
    ("Delivery at 10:00 works.", "Slots run between 8:00 and 22:00.", True),
    ("The last slot is 21:00-22:00.", "Slots run between 8:00 and 22:00.", True),
    ("We deliver from 9:00 to 21:00.", "Slots run between 8:00 and 22:00.", False),
    ("You could pick the 10:00-11:00 slot on Saturday.", "Slots run between 8:00 and 22:00.", True),
    ("The 21:00-22:00 slot is the latest you can book.", "Alcohol cannot be delivered between 22:00 and 8:00.", True),
    ("We deliver from 8:00 to 23:00.", "Slots run between 8:00 and 22:00.", False),
    ("Our first slot starts at 7:00.", "Slots run between 8:00 and 22:00.", False),
])
def test_times_within_the_kb_hours(claim: str, kb: str, within: bool) -> None:
    assert within_hours(extract_values(claim), extract_values(kb)) is within


@pytest.mark.parametrize(("text", "negated"), [
    ("Yes, alcohol can come by Express too, so it'll be with you in no time.", False),
    ("No problem, the trial starts today.", False),
    ("Для хлеба мы гарантируем не меньше 3 дней.", False),
    ("It arrives in no more than 2 days.", False),
    ("Alcohol is not available with Express delivery.", True),
    # A condition ends at a dash: what follows it is the statement, and it is negative.
    ("Если позвонят снова — ничего не сообщайте и прекращайте разговор.", True),
    ("Если не получится — напишите нам.", False),
])
def test_idioms_and_bounds_negate_nothing(text: str, negated: bool) -> None:
    assert is_negated(text) is negated


@pytest.mark.parametrize(("path", "supported"), [
    ("Account > Plus > Add members", False),
    ("Account > Plus", True),
    ("Orders > the order > Report a problem", True),
    # Russian menu items are inflected in a sentence: «в Настройках > Безопасность».
    ("Настройках > Безопасность", True),
    ("Настройках > Уведомления", False),
    # The KB sentence opens with its verb: «Откройте Настройки > Конфиденциальность > …».
    ("Настройки > Конфиденциальность > Удалить аккаунт", True),
])
def test_paths_going_past_a_kb_path_must_end_in_a_known_item(coach: Coach, path: str, supported: bool) -> None:
    from coach.grounding import StatementIndex

    assert path_supported(path, StatementIndex(coach.kb, coach.nlp).all_paths) is supported


def test_only_the_sentence_introducing_a_list_leads_its_items() -> None:
    statements = split_statements("We want food to last. Each product has a shelf life:\n\n- dairy: 3 days.\n")
    assert statements == ["We want food to last.", "Each product has a shelf life dairy: 3 days."]


@pytest.mark.parametrize(("draft", "context", "flagged"), [
    ("Our first slot starts at 7:00.", "What's the earliest delivery slot?", True),
    # "over 18" before "and" is still an age.
    ("Yes, that's fine as long as he's over 18 and shows his license at the door.",
     "Can my nephew take in the wine delivery for me?", True),
    ("The earliest slot starts at 8:00.", "What's the earliest delivery slot?", False),
    ("We deliver in 2-hour slots from 9:00 to 21:00.", "When do you deliver?", True),
    ("We deliver in 1-hour slots between 8 am and 10 pm, every day.", "When do you deliver?", False),
    ("You can call us on +1 800 555 0142, 24/7.", "Can I phone you at night?", True),
    ("Yes, you must be 18 or over and show a photo ID at the door.", "How old do I need to be to order beer?", True),
    ("You need to be 21 or older and show ID.", "How old do I need to be to order beer?", False),
    ("Go to Account > Plus > Add members and invite them by email.", "Can I add my roommate to Plus?", True),
    ("Yes, alcohol can come by Express too, so it'll be with you in no time.", "Can beer come by Express?", True),
    ("Only one code can go on each order, so pick the one that saves you more.", "Can I use two codes?", False),
    ("Интервалы доставки у нас двухчасовые, с 8:00 до 22:00 каждый день.", "Какие у вас интервалы доставки?", True),
    ("Интервалы доставки у нас часовые, с 8:00 до 22:00 каждый день.", "Какие у вас интервалы доставки?", False),
    ("С Plus у вас 2 бесплатные экспресс-доставки в неделю.", "Сколько экспресс-доставок даёт Plus?", True),
    ("С Plus у вас 2 бесплатные экспресс-доставки в месяц.", "Сколько экспресс-доставок даёт Plus?", False),
])
def test_value_time_age_path_and_polarity_claims(coach: Coach, draft: str, context: str, flagged: bool) -> None:
    reply = coach.check(draft, context=context)
    assert bool([f for f in reply.flags if f.dimension == "correctness"]) is flagged, reply.flags


def test_a_wrong_time_gets_the_kb_hours_as_its_correction(coach: Coach) -> None:
    reply = coach.check("You can call us on +1 800 555 0142, 24/7.", context="Can I phone you at night?")
    flag = next(f for f in reply.flags if f.dimension == "correctness")
    assert flag.suggestion.text == "You can call us on +1 800 555 0142, 8:00-20:00."
    assert flag.suggestion.kb_article == "contact-support"


def test_a_slot_inside_the_hours_is_not_compared_with_the_hours_it_avoids(coach: Coach) -> None:
    # The alcohol article governs the conversation; its "not between 22:00 and 8:00" still
    # leaves the 21:00-22:00 slot inside the hours.
    transcript = Transcript("gin", (
        Turn("customer", "ordering gin for my dad's retirement party. can i use my passport as ID?"),
        Turn("agent", "Yes, a passport is fine! Any valid photo ID works."),
        Turn("customer", "and could it come at 10:30pm? party's at 11 lol"),
        Turn("agent", "Sorry, alcohol can't be delivered between 22:00 and 8:00. "
                      "The 21:00-22:00 slot is the latest you can book.")))
    scored = next(iter(coach.score_many([transcript])))
    assert [f for reply in scored.replies for f in reply.flags if f.dimension == "correctness"] == []


@pytest.mark.parametrize(("draft", "context", "suggestion"), [
    # A range is one claim even when the customer typed one of its ends, and its correction
    # keeps the reply's own "from ... to".
    ("Yes, we deliver from 8:00 to 23:00, so that slot works.", "how late do you deliver? I want 23:00",
     "Yes, we deliver from 8:00 to 22:00, so that slot works."),
    ("Интервалы доставки — с 8:00 до 23:00, так что последний час как раз ваш.",
     "вы до скольки возите? хочу на 23:00 заказ",
     "Интервалы доставки — с 8:00 до 22:00, так что последний час как раз ваш."),
    ("Yes, we deliver from 8:00 to 22:00, so 21:00 works.", "how late do you deliver? I want 21:00", None),
])
def test_a_range_of_hours_is_checked_whole(coach: Coach, draft: str, context: str, suggestion: str | None) -> None:
    flags = [f for f in coach.check(draft, context=context).flags if f.dimension == "correctness"]
    assert [f.suggestion.text for f in flags] == ([suggestion] if suggestion else [])


@pytest.mark.parametrize(("draft", "context", "suggestion"), [
    # The bread line also says "1 day", but only the dairy line shares "dairy" with the claim.
    ("Dairy only needs 1 day left at delivery, so that's within our guarantee.",
     "My yogurt arrived close to its use-by date, is that ok?",
     "Dairy only needs 3 days left at delivery, so that's within our guarantee."),
    ("Bread only needs 1 day left at delivery, so that's within our guarantee.",
     "My bread arrived close to its use-by date, is that ok?", None),
    # "24 hours" is in the late-orders article too, which shares no word about rejecting.
    ("You have 24 hours after delivery to reject it in the app.", "How long do I have to reject a substitute?",
     "You have 48 hours after delivery to reject it in the app."),
    ("You have 48 hours after delivery to reject it in the app.", "How long do I have to reject a substitute?", None),
    ("Молочке достаточно 1 дня до конца срока при доставке.", "Йогурт привезли почти просроченный, это нормально?",
     "Молочке достаточно 3 дней до конца срока при доставке."),
    # «хлеба» and «хлеб» share a stem: the bread line, not the dairy line, governs.
    ("Нет, для хлеба мы гарантируем не меньше 3 дней срока годности.", "Хлеб привезли почти просроченный. Это нормально?",
     "Нет, для хлеба мы гарантируем не меньше 1 дня срока годности."),
    # «30 дней» alone names nothing: the clause before it says it is the trial, not account deletion.
    ("Пробный период — 30 дней, и его можно взять повторно через год.", "А пробный период сколько длится?",
     "Пробный период — 14 дней, и его можно взять повторно через год."),
    # A range is an estimate: "within 30 days" does not back it, and the KB's estimate corrects it.
    ("Refunds take 2-3 days.", "I returned the spoiled milk, when do I get my money?",
     "Refunds take 5-10 business days."),
    ("Возврат на карту занимает 2-3 дня.", "Когда вернутся деньги за испорченное молоко?",
     "Возврат на карту занимает 5–10 рабочих дней."),
    # The 30-day quality line is closer in meaning, but the 48-hour line is the one about
    # missing items: it shares more of the claim's words.
    ("Missing items can be reported within 30 days of delivery, so you're still in time.",
     "A week ago a pack of milk was missing from my order, I only noticed now. Can I get my money back?",
     "Missing items can be reported within 48 hours of delivery, so you're still in time."),
    ("Конечно, о недостающих товарах можно сообщить в течение 30 дней после доставки, так что вы вполне успеваете.",
     "Неделю назад нам недовезли пакет молока, заметила только сейчас, по чеку. Можно вернуть деньги?",
     "Конечно, о недостающих товарах можно сообщить в течение 48 часов после доставки, так что вы вполне успеваете."),
    # The length of a window is its bound: a shorter one is not backed by "within 30 days".
    ("For quality problems the refund window is 14 days from delivery.",
     "How long can I ask for a refund for quality problems?",
     "For quality problems the refund window is 30 days from delivery."),
    ("For quality problems the refund window is 30 days from delivery.",
     "How long can I ask for a refund for quality problems?", None),
    ("По качеству срок другой — 14 дней после доставки.", "Сколько есть времени на возврат по качеству?",
     "По качеству срок другой — 30 дней после доставки."),
    ("Экспресс привезёт заказ в течение часа.", "Как быстро приедет экспресс?",
     "Экспресс привезёт заказ в течение 30 минут."),
    # An hour-long slot is compared with the slot length, not with "2 hours before the slot".
    ("Можно выбрать ближайший свободный часовой интервал.", "Экспресс недоступен. Как тогда быстрее получить заказ?",
     None),
    # A count per period is a limit the KB states.
    ("Plus includes 4 free Express deliveries a month; once you've used those, the fee applies.",
     "How many free Express deliveries do I get with Plus?",
     "Plus includes 2 free Express deliveries a month; once you've used those, the fee applies."),
    # «месячный» is the plan, not a month to compare with the 14-day trial.
    ("Семейного тарифа у нас нет: есть только месячный за 299 ₽ и годовой за 2 990 ₽.",
     "А семейный тариф Plus есть?", None),
])
def test_a_value_is_backed_only_by_the_statement_about_its_subject(coach: Coach, draft: str, context: str,
                                                                    suggestion: str | None) -> None:
    flags = [f for f in coach.check(draft, context=context).flags if f.dimension == "correctness"]
    assert [f.suggestion.text for f in flags] == ([suggestion] if suggestion else [])


@pytest.mark.parametrize(("customer", "draft"), [
    # The customer's own amounts, typed as bare numbers, are not the agent's claims.
    ("Позвала подругу, она заказала на 1200. Где мои 500 рублей?",
     "Заказ подруги на 1 200 ₽ до порога не дотянул, поэтому награды нет."),
    ("В корзине 2480, код не срабатывает", "Код работает от 2 500 ₽, а у вас 2 480 ₽."),
])
def test_amounts_the_customer_typed_are_not_flagged(coach: Coach, customer: str, draft: str) -> None:
    flags = [f for f in coach.check(draft, context=customer).flags if f.dimension == "correctness"]
    assert flags == [], flags


@pytest.mark.parametrize(("draft", "context"), [
    # The express line states 249 ₽ though the free-delivery line is closer in meaning.
    ("Экспресс обойдётся в двести сорок девять рублей — заказ привезут в течение получаса.",
     "Сколько стоит экспресс?"),
    ("Plus Monthly costs $9.99 and Plus Annual costs $99.", "How much is Plus?"),
    # Several values: each is compared with the statement about it, not the one for the sentence.
    ("Доставка — 199 ₽, и поскольку корзина меньше 700 ₽, добавится ещё доплата за маленький заказ 99 ₽.",
     "Сколько я заплачу за доставку?"),
])
def test_a_value_the_kb_states_is_supported(coach: Coach, draft: str, context: str) -> None:
    flags = [f for f in coach.check(draft, context=context).flags if f.dimension == "correctness"]
    assert flags == [], flags


@pytest.mark.parametrize(("claim", "kb", "same"), [
    ("one to two weeks", "5-10 business days", True),
    ("5-10 days", "5-10 business days", False),
    ("a week", "5 business days", True),
    ("48 hours", "two days", True),
])
def test_business_days_match_the_calendar_weeks_they_make(claim: str, kb: str, same: bool) -> None:
    from coach.claims import same_claim

    assert same_claim(extract_values(claim), extract_values(kb)) is same


@pytest.mark.parametrize(("text", "negated"), [
    ("No need to delete anything: you can cancel Plus on its own in Account > Plus.", True),
    ("No, you can cancel Plus on its own.", False),
])
def test_a_leading_no_answers_only_when_it_stands_alone(text: str, negated: bool) -> None:
    assert is_negated(text) is negated


@pytest.mark.parametrize(("draft", "context", "flagged"), [
    ("To verify you, could you send me the one-time code we just texted you?", "I can't log in.", True),
    ("Please reply with the full card number and expiry date so I can match the charge.", "A charge I don't know.", True),
    ("If you like, just tell us your current password here and we'll reset it.", "I forgot my password.", True),
    ("Продиктуйте, пожалуйста, код из SMS — я проверю, откуда был запрос.", "Мне пришёл код, я не входил.", True),
    ("Пришлите, пожалуйста, полный номер карты, и я найду платёж.", "Списали деньги дважды.", True),
    # Warning about scams, or asking for what may be asked, is right.
    ("Never share your one-time code with anyone, even us.", "Someone called asking for my code.", False),
    ("Could you send me your order number?", "My order is missing.", False),
])
def test_asking_for_a_secret_contradicts_the_kb(coach: Coach, draft: str, context: str, flagged: bool) -> None:
    flags = [f for f in coach.check(draft, context=context).flags if f.dimension == "correctness"]
    assert bool(flags) is flagged, flags
    if flagged:
        assert flags[0].severity == "high" and flags[0].reason.startswith("Asks the customer for")


@pytest.mark.parametrize(("draft", "flagged"), [
    ("You can email us at help@basketly.example and we'll reply within 24 hours.", False),
    ("Please email our fraud team at fraud@basketly.example with the caller's number.", True),
])
def test_contact_details_are_checked_even_without_a_claim_word(coach: Coach, draft: str, flagged: bool) -> None:
    flags = [f for f in coach.check(draft, context="How do I report a scam call?").flags if f.dimension == "correctness"]
    assert bool(flags) is flagged, flags


@pytest.mark.parametrize(("text", "claim"), [
    ("Substitutes are charged at the price of the item you ordered.", True),
    # What the agent looked up in this customer's order states the case, not a rule.
    ("I've checked: you were charged $6.49 for the cheese, the price of the one you ordered.", False),
    ("Проверила: за сыр с вас списали 489 ₽ — ровно как за «Ламбер», разницу мы не брали.", False),
    ("Does that answer your question about the $5 credit?", False),
    # A top-up worked out for the customer claims nothing.
    ("Если добавить товаров ещё на 400 ₽, скидка применится.", False),
    ("Add another $7 and delivery is free.", True),
    # The customer's own case after a rule leaves the rule a claim.
    ("Good news: WELCOME10 kicks in from $30, so your $38 basket already qualifies.", True),
    ("So your $38 basket already qualifies for the discount.", False),
    # The rule before the case keeps its own characters: "8:00-22:00" stays a range of times.
    ("We deliver 8:00-22:00, so your order of $30 arrives today.", True),
    # A direct answer affirms or denies what the customer asked, whatever its words.
    ("Yes, courier chat opens as soon as the shopper starts picking.", True),
    ("Of course, one Plus membership covers everyone in the household.", True),
    ("Да, вся история заказов удаляется сразу вместе с аккаунтом.", True),
    ("Courier chat opens as soon as the shopper starts picking.", False),
    ("Sure!", False),
    # The Russian forms of the money verbs are claims as "we'll refund" is.
    ("Деньги за оставшиеся дни вернём пропорционально на карту.", True),
    ("Заблокируем ровно сумму заказа, без каких-либо надбавок.", True),
    ("We'll refund the remaining months of your Annual plan.", True),
    ("Спасибо, что написали нам!", False),
])
def test_what_counts_as_a_claim(text: str, claim: bool) -> None:
    assert CorrectnessScorer.claim_like(Sentence(0, len(text), text)) is claim


@pytest.mark.parametrize(("text", "found"), [
    ("Call us on +1 800 555 0142.", ["+1 800 555 0142"]),
    ("Звоните: 8 800 555-01-42.", ["8 800 555-01-42"]),
    ("Write to help@basketly.example.", ["help@basketly.example."]),
    # Order numbers and dates are not phone numbers.
    ("Go to Orders > order 5530-1187 > Report a problem.", []),
    ("It was delivered on 2026-10-05.", []),
])
def test_what_counts_as_a_contact_detail(text: str, found: list[str]) -> None:
    assert [m.group(0) for m in contacts(text)] == found


@pytest.mark.parametrize(("text", "asks"), [
    ("Could you read me the six-digit code we just texted you?", True),
    ("Продиктуйте, пожалуйста, код из SMS.", True),
    ("Никому не сообщайте код из SMS, даже нам.", False),
    ("Never share your password with anyone.", False),
    ("Please send me a photo of the receipt.", False),
])
def test_what_counts_as_asking_for_a_secret(text: str, asks: bool) -> None:
    from coach.sensitive import asks_for_secret

    assert asks_for_secret(text) is asks
