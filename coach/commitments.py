"""Agent commitments ("I'll email you the label", "я перезвоню завтра") and whether later turns
fulfil them. Grammar finds them: an English first-person "will / 'll / let me / going to" with
a base verb; a Russian first-person perfective future verb ("уточню", "проверим")."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from coach.nlp import Analysis, Sentence, TurnAnalysis, parse_word
from coach.scorers.markers import has

#: A later agent or system sentence this similar to the promise (and past/done) fulfils it.
FULFIL_SIMILARITY = 0.45
#: A system event this similar to the promise is about it ("Label emailed to customer").
SYSTEM_SIMILARITY = 0.3
#: A report back after "let me check" has at least this many words...
REPORT_MIN_WORDS = 8
#: ... and is this close in meaning to the promise, unless it says what was found.
REPORT_SIMILARITY = 0.35
_FINDINGS = re.compile(
    r"\b(?:i(?:\x27ve| have)? (?:checked|looked|found|confirmed|heard back|spoken|asked)|(?:it )?turns out|"
    r"(?:the|our) \w+ team (?:says|said|confirmed)|according to|i can (?:now )?see|good news|"
    r"уточнил\w*|выяснил\w*|проверил\w*|посмотрел\w*|узнал\w*|по информации|оказалось)\b", re.IGNORECASE)
#: Promises to find something out; kept by reporting back, not by a separate action.
INFO_ACTIONS = {"check", "look", "find", "investigate", "see", "ask", "confirm", "review", "get", "verify",
                "уточнить", "проверить", "выяснить", "узнать", "посмотреть", "разобраться", "вернуться",
                "спросить", "связаться"}
_STILL = re.compile(r"\b(?:still (?:checking|looking|waiting)|bear with me|one moment|give me a (?:moment|minute|sec)|"
                    r"ещё (?:проверяю|уточняю|жду)|минуту|секунду|одну минуту)\b", re.IGNORECASE)
_CONDITIONAL = re.compile(r"^\W*(?:if|when|once|should|если|когда|как только|в случае)\b", re.IGNORECASE)
_EN_MODALS = {"will", "'ll", "shall"}
#: Promises with no verb phrase of their own ("Will do.", "On it!", "Сделаю.").
_BARE_PROMISE = re.compile(r"^\W*(?:(?:ok(?:ay)?|sure|yes)[,!.]?\s+)?(?:will do|on it|i\'m on it)\W*$", re.IGNORECASE)
_EN_SUBJECTS = {"i", "we"}
#: Third parties that promise on the agent's behalf ("the team will get back to you").
_EN_THIRD_PARTY_VERBS = {"contact", "call", "email", "reach", "get", "follow", "reply", "respond", "update"}
_RU_THIRD_PARTY_VERBS = {"перезвонить", "связаться", "ответить", "написать", "прислать", "сообщить",
                         "позвонить", "уточнить", "вернуться"}
#: Verbs that promise nothing to do ("I'll be honest", "мы будем рады").
_EN_NOT_ACTIONS = {"be", "have", "need", "want", "like", "see", "wait", "try",
                   # done in the very message that says them ("let me explain: ...")
                   "answer", "explain", "clarify", "recap", "tell", "say", "apologise", "apologize", "start",
                   "summarise", "summarize", "walk", "introduce", "know"}
#: System events that carry out a promised action ("Conversation transferred to Billing").
SYSTEM_EVIDENCE = {
    "escalate": ("transfer", "escalat", "forward", "передан"), "pass": ("transfer", "forward", "escalat"),
    "transfer": ("transfer",), "forward": ("forward", "transfer"), "email": ("email", "e-mail", "sent"),
    "send": ("sent", "email"), "refund": ("refund",), "issue": ("issued", "credit", "refund"),
    "credit": ("credit",), "create": ("ticket", "case", "created"), "open": ("ticket", "case"),
    "передать": ("передан", "переведён", "переведен"), "отправить": ("отправлен",), "вернуть": ("возврат",),
    "начислить": ("начислен",), "оформить": ("оформлен",), "создать": ("создан",), "выслать": ("отправлен", "выслан"),
}
_RU_NOT_ACTIONS = {"быть", "мочь", "хотеть", "стать", "рад", "продолжить", "начать", "представиться",
                   # done in the very message that says them ("сразу успокою: ...")
                   "успокоить", "пояснить", "объяснить", "напомнить", "подсказать", "рассказать", "ответить",
                   "поправить"}
_DONE = re.compile(
    r"\b(?:done|here(?:'s| is| are)|attached|i(?:'ve| have) (?:\w+ )?(?:sent|emailed|issued|checked|escalated|"
    r"created|added|called|forwarded|confirmed|refunded|credited|processed|arranged|passed|spoken)|"
    r"i (?:just )?(?:sent|emailed|issued|checked|escalated|created|added|called|forwarded|confirmed|"
    r"refunded|credited|processed|arranged|passed|spoke)|вот |готово|прикрепил\w*|"
    r"(?:отправил|уточнил|проверил|оформил|начислил|передал|создал|вернул|выслал|связал|узнал|перезвонил)\w*)",
    re.IGNORECASE)


@dataclass(frozen=True)
class Commitment:
    """A promise in an agent turn, with what would let the customer hold the agent to it."""

    turn: int
    sentence: Sentence
    action: str
    timeframe: str | None
    fulfilled_by: int | None
    #: What the action is about ("the return label", "на складе"): the words after the verb.
    object: str = ""

    @property
    def open(self) -> bool:
        """Never fulfilled and nothing concrete to hold the agent to."""
        return self.fulfilled_by is None and self.timeframe is None


def _english_action(span) -> str | None:  # noqa: ANN001 - a spaCy Span
    tokens = list(span)
    for i, token in enumerate(tokens):
        lower = token.lower_
        if lower == "let" and i + 2 < len(tokens) and tokens[i + 1].lower_ == "me" and tokens[i + 2].tag_ == "VB":
            lemma = tokens[i + 2].lemma_.lower()
            if lemma not in _EN_NOT_ACTIONS:
                return lemma
        after_be = tokens[i - 1].lower_ in ("i'm", "am", "'m", "we're", "are", "'re")
        if lower == "going" and i + 2 < len(tokens) and tokens[i + 1].lower_ == "to" and after_be:
            return tokens[i + 2].lemma_.lower() if tokens[i + 2].tag_ == "VB" else None
        if lower in _EN_MODALS and i + 1 < len(tokens):
            verb = next((t for t in tokens[i + 1:i + 3] if t.tag_ == "VB"), None)
            if verb is None or verb.lemma_.lower() in _EN_NOT_ACTIONS:
                continue
            if verb.lemma_.lower() in ("take", "have") and "look" in span.text.lower():
                return "look"  # "I'll take a look" promises to look
            subject = tokens[i - 1].lower_ if i else ""
            if subject in _EN_SUBJECTS or verb.lemma_.lower() in _EN_THIRD_PARTY_VERBS and subject not in ("you", "it"):
                return verb.lemma_.lower()
    return None


def _russian_action(text: str) -> str | None:
    words = re.findall(r"[а-яё]+", text.lower())
    if len(words) <= 2 and words[-1:] in (["посмотрим"], ["посмотрю"], ["подумаем"]):
        return None  # "Посмотрим." commits to nothing: it is a vague close, not a promise.
    for previous, word in zip([""] + words, words, strict=False):
        if previous == "не":
            continue  # "не сделаю" refuses, it does not promise
        parses = parse_word(word)
        parse = parses[0]
        tag = parse.tag
        if any(p.tag.tense == "pres" for p in parses[:3]):
            continue  # "мы блокируем" (both aspects) describes a rule, it promises nothing
        if tag.POS != "VERB" or tag.tense != "futr" or tag.mood != "indc":
            continue
        lemma = parse.normal_form
        if lemma in _RU_NOT_ACTIONS:
            continue
        if tag.person == "1per" and tag.aspect == "perf":
            return lemma
        if tag.person == "3per" and tag.number == "plur" and lemma in _RU_THIRD_PARTY_VERBS:
            return lemma
    return None


def commitments_in(turn: TurnAnalysis, analysis: Analysis) -> list[Commitment]:
    """The commitments an agent turn makes, each checked against the rest of the conversation."""
    language = analysis.language
    asked = _customer_lemmas(analysis, turn.index)
    found: list[tuple[Sentence, str, str | None]] = []
    for sentence, span in zip(turn.sentences, _spans(turn), strict=False):
        if _CONDITIONAL.search(sentence.text) or sentence.text.rstrip().endswith("?"):
            continue
        action = _russian_action(sentence.text) if language == "ru" else _english_action(span)
        if action is None and _BARE_PROMISE.match(sentence.text):
            action = "do"
        # "Will you refund it?" - "We'll refund it as credit." answers; it promises nothing new.
        if action is None or (action in asked and action not in INFO_ACTIONS):
            continue
        timeframe = has("follow_through", "timeframe_or_reference", language, sentence.text)
        found.append((sentence, action, timeframe[0].text if timeframe else None))
    # A dated promise to report back covers the other promises of the same message ("I'll
    # check with the courier. I'll write back here within 30 minutes.").
    dated = next((t for _, _, t in found if t), None)
    return [Commitment(turn.index, sentence, action, timeframe or dated,
                       fulfilment(sentence, action, turn.index, analysis), object_of(sentence.text, action))
            for sentence, action, timeframe in found]


_OBJECT_END = re.compile(r"[,.;:!?()\n]|\s(?:and|but|so|because|once|when|if|и|но|а|чтобы|как только|когда|если)\s",
                         re.IGNORECASE)
_PRONOUNS = re.compile(r"^(?:(?:you|to you|for you|вам|вас|тебе|с вами|к вам)\s+)+", re.IGNORECASE)


def object_of(text: str, action: str) -> str:
    """The words right after the promised verb, up to the end of the clause (at most 8 words)."""
    stem = action[: max(3, len(action) - 3)].lower()
    match = re.search(rf"\b{re.escape(stem)}\w*", text.lower())
    if not match:
        return ""
    rest = text[match.end():]
    rest = rest[: (m.start() if (m := _OBJECT_END.search(rest)) else len(rest))].strip()
    rest = _PRONOUNS.sub("", rest)
    return " ".join(rest.split()[:8])


def _customer_lemmas(analysis: Analysis, index: int) -> set[str]:
    """Lemmas of the verbs in the customer's message(s) right before turn ``index``."""
    lemmas: set[str] = set()
    for turn in reversed(analysis.turns[:index]):
        if turn.speaker == "agent":
            break
        if turn.speaker == "customer":
            lemmas |= _verb_lemmas(turn, analysis.language)
    return lemmas


def _verb_lemmas(turn: TurnAnalysis, language: str) -> frozenset[str]:
    # Each agent turn after a customer message asks again; walking the tokens once is enough.
    def compute() -> frozenset[str]:
        if language == "ru":
            return frozenset(parse_word(w)[0].normal_form for w in re.findall(r"[а-яё]+", turn.text.lower()))
        return frozenset(t.lemma_.lower() for t in turn.doc if t.tag_.startswith("VB"))

    return turn.remember(f"verb_lemmas:{language}", compute)


def _spans(turn: TurnAnalysis) -> list:
    return [turn.doc.char_span(s.start, s.end, alignment_mode="expand") or turn.doc[0:0] for s in turn.sentences]


def fulfilment(promise: Sentence, action: str, index: int, analysis: Analysis) -> int | None:
    """The first later turn that shows the promised action done, or None.

    A promise to find something out ("let me check", "я уточню") is kept by the next agent
    turn that reports back with substance. A promise to do something (email, refund, call) is
    kept by a related system event, or by an agent turn that reports it done ("Here is the
    label", "I've issued the refund") about the same thing.
    """
    vector = analysis.vector(promise.text)
    seeking = action in INFO_ACTIONS
    for turn in analysis.turns[index + 1:]:
        if turn.speaker == "customer":
            continue
        if turn.speaker == "system":
            cues = (action[:5], *SYSTEM_EVIDENCE.get(action, ()))
            related = any(any(c in s.text.lower() for c in cues)
                          or float(analysis.vector(s.text) @ vector) >= SYSTEM_SIMILARITY for s in turn.sentences)
            if related or not turn.sentences:
                return turn.index
            continue
        if (seeking and len(turn.text.split()) >= REPORT_MIN_WORDS and not commitments_pending(turn)
                and _reports_on(promise, turn, vector, analysis)):
            return turn.index
        for sentence in turn.sentences:
            similar = float(analysis.vector(sentence.text) @ vector) >= FULFIL_SIMILARITY
            same_action = action[:5] in sentence.text.lower()
            if _DONE.search(sentence.text) and (similar or same_action):
                return turn.index
    return None


def _reports_on(promise: Sentence, turn: TurnAnalysis, vector: np.ndarray, analysis: Analysis) -> bool:
    """Whether a later agent turn reports back on what the promise was to find out."""
    if _DONE.search(turn.text) or _FINDINGS.search(turn.text):
        return True
    return any(float(analysis.vector(s.text) @ vector) >= REPORT_SIMILARITY for s in turn.sentences)


def commitments_pending(turn: TurnAnalysis) -> bool:
    """Whether a turn only puts the customer off again ("Still checking, bear with me")."""
    return bool(_STILL.search(turn.text)) and len(turn.text.split()) < 25


def best_similarity(analysis: Analysis, question: Sentence, sentences: list[Sentence]) -> float:
    """Highest cosine similarity between a question and any of ``sentences``."""
    if not sentences:
        return 0.0
    matrix = np.stack([analysis.vector(s.text) for s in sentences])
    return float(np.max(matrix @ analysis.vector(question.text)))
