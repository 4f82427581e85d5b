"""Features of a (reply sentence, KB statements) pair for the learned correctness verifier.

Each feature says something a reviewer would check: how close the KB statement is in meaning
and words, whether one side negates what the other affirms, whether stated values agree,
and whether the reply names things (plans, codes, numbers) the governing article never does.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import snowballstemmer

from coach.grounding import Statement, clauses, is_negated
from coach.names import canonical_names
from coach.values import extract_values

FEATURES = (
    "similarity", "similarity_2nd", "shared_words", "jaccard", "kb_negative", "reply_negative",
    "kb_denies", "reply_denies", "values_in_reply", "same_kind_in_kb", "value_agrees", "value_differs",
    "unknown_numbers", "unknown_names", "retrieval_similarity", "bias", "acknowledges", "own_action",
    "novel_words", "overpromise", "answers_yes", "answers_no",
)
#: Sentences that acknowledge feelings or thank, which rarely state a rule ("I'm sorry, that's
#: frustrating"), and sentences about what the agent does or did ("I've forwarded your email").
_ACKNOWLEDGES = re.compile(r"\b(?:sorry|apologi[sz]e|understand|frustrat\w*|appreciate|thank\w*|"
                           r"понима\w+|извин\w+|сожале\w+|спасибо|неприятно|разочаров\w+|благодар\w+)\b", re.IGNORECASE)
_OWN_ACTION = re.compile(r"^\W*(?:(?:and|so|but|и|а)\s+)?(?:I|I'm|I've|I'll|I'd|we've|we'll|я|мы уже)\b", re.IGNORECASE)
#: Russian often drops the pronoun: «Уточню у коллег и перезвоню», «Пришлём данные».
_RU_LEAD = re.compile(r"^\W*(?:(?:и|а|но|так что|тогда|сейчас|сегодня|я|мы|обязательно)\s+)*([а-яё]+)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{3,}")
_NAME = re.compile(r"\b[A-ZА-ЯЁ][\w-]*(?:\s+[A-ZА-ЯЁ][\w-]*)*\b|\b[A-ZА-ЯЁ0-9]{4,}\b")
#: Words that promise without limit ("any time", "unlimited", "everyone", «в любой момент»).
UNRESTRICTED = re.compile(
    r"\b(?:any(?:time| time| of| other|one)?|every(?:one|body| time| year| month)?|all|whole|unlimited|no limit|"
    r"as many|as much|always|immediately|instantly|right away|everywhere|anywhere|regardless|"
    r"люб\w+|вс[еёя]\w*|всегда|сразу|мгновенно|без ограничений|неограниченн\w+|сколько угодно|"
    r"кажд\w+|везде|по всему)\b", re.IGNORECASE)
#: Words that limit a rule ("only", "once", "up to", "within", «только», «не более»).
RESTRICTED = re.compile(
    r"\b(?:only|once|up to|within|at most|maximum|limit\w*|must|except|unless|until|before|per|first|single|"
    r"at least|только|один раз|однократно|не более|не больше|максимум|до|в течение|кроме|если|пока|"
    r"не позднее|перв\w+|не меньше|не менее|лимит\w*)\b", re.IGNORECASE)
#: A reply that opens by granting the customer's request ("Yes, you can stack them", «Конечно,
#: можно») or refusing it. Granting is where agents overreach to please: 60% of the claims in
#: the written sets that open with a yes-word are contradicted, against 30% of those that open
#: with no answer word. Part of that is how the sets were written, so the fifth sets were
#: written with as many right as wrong replies opening with "Yes"; there it is still 31%
#: against 17%. "No problem", "no rush" grant; "no need to" answers nothing.
#: "Happy to help with anything else" closes the conversation; it grants nothing.
_GRANTS = re.compile(r"^\W*(?:yes|yeah|yep|yup|sure|of course|absolutely|certainly|definitely|good news|great news|"
                     r"no problem|no worries|no stress|no rush|happy to(?!\s+(?:help|assist))|"
                     r"да|конечно|разумеется|безусловно|без проблем|хорошая новость|не волнуйтесь|не переживайте)\b",
                     re.IGNORECASE)
_REFUSES = re.compile(r"^\W*(?:no(?!\s+(?:problem|worries|stress|rush|need))|nope|unfortunately|sadly|I'm afraid|"
                      r"нет|к сожалению|увы)\b", re.IGNORECASE)
#: A sentence that is only the answer word ("Yes!", «Конечно.»): the next sentence carries it.
_ANSWER_ONLY = re.compile(r"^\W*[^\W\d_]+(?:\s+[^\W\d_]+)?\W*$")
#: Numbers as written, to tell which a sentence names that its KB article never does.
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_STOP = {"the", "and", "you", "your", "for", "can", "are", "with", "our", "that", "this", "not", "any", "all",
         # What is left of a contraction ("don't", "won't") names no subject: "Don't worry, we
         # hold the order for 24 hours" shared "don" with a late-credit line and took its value.
         "don", "doesn", "didn", "isn", "aren", "wasn", "weren", "won", "haven", "hasn", "hadn",
         "couldn", "wouldn", "shouldn",
         "для", "это", "что", "как", "вам", "ваш", "при", "или", "так", "нет", "можно", "нельзя"}


_STEMMERS = {"latin": snowballstemmer.stemmer("english"), "cyrillic": snowballstemmer.stemmer("russian")}


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A Snowball stem cut to five letters: "хлеба" and "хлеб", "takes" and "take", "delivery"
    and "deliver" meet, which a bare five-letter prefix would not (or would, wrongly, for
    "orders" and "order" but not "хлеба" and "хлеб")."""
    stemmer = _STEMMERS["cyrillic" if "\u0400" <= word[0] <= "\u04ff" else "latin"]
    return stemmer.stemWord(word)[:5]


#: What may come before the first word of a sentence, whose capital says nothing.
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n])[\s\"«(*-]*$")


def _token(match: re.Match[str]) -> str:
    """A word's stem, or the whole word for a name the stemmer would cut into a common word:
    "Basketly" is not "basket" (a capital inside a sentence marks a name; "Express" keeps its
    stem, which is the word itself). Russian names inflect («Самоката»), so they keep stems."""
    word = match.group(0).lower()
    if (match.group(0)[0].isupper() and word.isascii() and not _SENTENCE_START.search(match.string[:match.start()])
            and _STEMMERS["latin"].stemWord(word) != word):
        return word
    return _stem(word)


@lru_cache(maxsize=65536)
def content(text: str) -> frozenset[str]:
    """Crude content words (lower-cased stems), comparable across word forms.

    Cached: the same KB statements are compared with claim after claim.
    """
    return frozenset(_token(m) for m in _WORD.finditer(text) if m.group(0).lower() not in _STOP)


def denies_what_is_claimed(statement: str, claim: str) -> bool:
    """Whether a KB statement is negative where it speaks of what the claim speaks of: its
    clauses sharing the most content words with the claim are all negated.

    «Если документ не показан, курьер не передаст энергетики и заберёт их обратно, а деньги за
    них вернутся» denies the hand-over, not the refund that «деньги за энергетики вернутся»
    states.
    """
    words = content(claim)
    parts = [(len(content(part) & words), is_negated(part)) for part in clauses(statement)]
    most = max((shared for shared, _ in parts), default=0)
    if not most:
        return is_negated(statement)
    return all(negated for shared, negated in parts if shared == most)


def overpromises(claim: str, evidence: str) -> bool:
    """Whether a claim promises without limit ("any time", «в любой момент») what the evidence
    limits ("only", "within", «не позднее»)."""
    return bool(UNRESTRICTED.search(claim)) and bool(RESTRICTED.search(evidence)) and not RESTRICTED.search(claim)


def _russian_lead(text: str) -> Any:  # noqa: ANN401 - a pymorphy3 Parse
    """pymorphy3's first parse of the word a Russian sentence opens with (after «и», «я»,
    «сейчас» ...), or None."""
    lead = _RU_LEAD.match(text)
    if not lead:
        return None
    from coach.nlp import parse_word  # pymorphy3 loads only for Russian text

    return parse_word(lead.group(1).lower())[0]


def own_action(sentence: str) -> bool:
    """Whether a sentence opens with what the agent does or will do ("I've forwarded your
    email", «Уточню у коллег и перезвоню»), which states no rule of the KB."""
    if _OWN_ACTION.search(sentence):
        return True
    lead = _russian_lead(sentence)
    return lead is not None and lead.tag.POS == "VERB" and lead.tag.person == "1per"


#: The agent promising to report back: "I'll get back to you within 15 minutes", «перезвоню до
#: 18:00», in the first person singular. Its time is the agent's own, not the KB's ("we reply
#: within 24 hours" is a rule; a promise to act on the order, "I'll extend the code by a week",
#: still claims something the KB may deny).
_REPORT_BACK = re.compile(r"^\W*(?:(?:and|so|but|ok(?:ay)?|sure)[,\s]+)?(?:I'll|I will|let me)\s+(?:get back|call|"
                          r"ring|email|message|write|reply|update|check|look into|find out|let you know|follow up)\b",
                          re.IGNORECASE)
_RU_REPORT_BACK = frozenset({"уточнить", "перезвонить", "вернуться", "ответить", "написать", "связаться", "проверить",
                             "сообщить", "узнать"})


def reports_back(clause: str) -> bool:
    """Whether a clause is the agent's promise to report back ("I'll call you back by 6pm",
    «Уточню у коллег и перезвоню»)."""
    if _REPORT_BACK.search(clause):
        return True
    lead = _russian_lead(clause)
    return (lead is not None and lead.tag.person == "1per" and lead.tag.number == "sing"
            and lead.tag.tense == "futr" and lead.normal_form in _RU_REPORT_BACK)


def answer(sentence: str, previous: str = "") -> int:
    """1 when the sentence opens by granting the customer's request ("Yes, ...", «Конечно, ...»),
    -1 when it opens by refusing ("No, ...", «К сожалению, ...»), else 0. ``previous`` is the
    sentence before it in the reply: "Yes! You can stack them." grants in its second sentence."""
    for text in (sentence, previous if _ANSWER_ONLY.match(previous) else ""):
        if _GRANTS.search(text):
            return 1
        if _REFUSES.search(text):
            return -1
    return 0


def pair_features(sentence: str, aligned: list[tuple[Statement, float]], article_text: str,
                  retrieval_similarity: float, not_claimed: list[tuple[int, int]] | None = None,
                  previous: str = "") -> np.ndarray:
    """The feature vector (in ``FEATURES`` order) for a claim sentence and its top statements.

    ``not_claimed`` are spans of values the sentence states without claiming them (the
    customer's own amounts, sums worked out for them): their numbers are not "unknown".
    ``previous`` is the reply's sentence before this one (see ``answer``).
    """
    opening = answer(sentence, previous)
    for start, end in sorted(not_claimed or [], reverse=True):
        sentence = sentence[:start] + " " * (end - start) + sentence[end:]
    sentence = canonical_names(sentence)  # "Amex" is the "American Express" its article names
    best, similarity = aligned[0] if aligned else (None, 0.0)
    kb_text = best.text if best else ""
    shared = content(sentence) & content(kb_text)
    union = content(sentence) | content(kb_text)
    kb_neg, reply_neg = is_negated(kb_text), is_negated(sentence)
    values = extract_values(sentence)
    kinds = {v.kind for v in values}
    stated = [v for s, _ in aligned for v in extract_values(s.text) if v.kind in kinds]
    agrees = any(abs(v.amount - c.amount) < 1e-6 for c in values for v in stated if v.kind == c.kind)
    differs = bool(stated) and any(all(abs(v.amount - c.amount) > 1e-6 for v in stated if v.kind == c.kind)
                                   for c in values if any(v.kind == c.kind for v in stated))
    article_numbers = set(NUMBER.findall(article_text))
    unknown_numbers = sum(1 for n in NUMBER.findall(sentence) if n not in article_numbers)
    article_lower = article_text.lower()
    names = [n for n in _NAME.findall(sentence)[1:] if len(n) > 2]  # the first word is capitalised anyway
    unknown_names = sum(1 for n in names if n.lower() not in article_lower)
    return np.array([
        similarity, aligned[1][1] if len(aligned) > 1 else 0.0, len(shared),
        len(shared) / len(union) if union else 0.0, float(kb_neg), float(reply_neg),
        float(kb_neg and not reply_neg), float(reply_neg and not kb_neg), float(len(values)),
        float(bool(stated)), float(agrees), float(differs), float(unknown_numbers), float(unknown_names),
        retrieval_similarity, 1.0,
        float(bool(_ACKNOWLEDGES.search(sentence))), float(own_action(sentence)),
        len(content(sentence) - content(article_text)) / max(1, len(content(sentence))),
        float(overpromises(sentence, kb_text)), float(opening == 1), float(opening == -1),
    ], dtype=np.float64)
