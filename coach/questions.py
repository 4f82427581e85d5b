"""Customer questions and whether later agent turns address them.

A customer message often holds several questions; each is matched to the agent's later
sentences by shared content words, by meaning (sentence embeddings) and by the kind of answer
the question asks for (an amount for "how much", a duration for "how long", yes/no for "can I").
"""

from __future__ import annotations

import re

from coach.commitments import best_similarity
from coach.nlp import Analysis, Sentence, TurnAnalysis
from coach.values import extract_values

#: Questions shorter than this are mostly rhetorical ("Seriously?", "Где он?").
MIN_QUESTION_WORDS = 4
#: Among several questions, an agent sentence at least this similar to one addresses it...
ANSWER_SIMILARITY = 0.35
#: ... and so does sharing more than this many content words with it.
SIBLING_OVERLAP = 1
#: A lone question is addressed by any reply sentence this similar (or sharing a word).
LONE_SIMILARITY = 0.1
#: Words too generic to show that an answer is about the question.
GENERIC = {"order", "get", "can", "do", "make", "go", "need", "want", "know", "tell", "help", "basketly",
           "заказ", "мочь", "сделать", "нужно", "хотеть", "знать", "подсказать", "сказать", "помочь", "быть"}
_HOW_MUCH = re.compile(r"\b(?:how much|cost|price|fee|charged?|сколько сто|стоимост|цен|плат)", re.IGNORECASE)
_HOW_LONG = re.compile(r"\b(?:how long|when|what time|until|сколько (?:времени|дней|ждать)|когда|как долго|до скольки)",
                       re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d{1,2}:\d{2}\b|\b(?:today|tomorrow|tonight|сегодня|завтра)\b",
                   re.IGNORECASE)


_OPENER = (r"(?:can|could|is|are|do|does|did|will|would|should|how|what|when|where|why|"
           r"можно|могу|когда|сколько|почему|зачем|как|где|куда|есть ли|будет ли|нужно ли)")
#: Where one sentence holds several questions joined by "and"/"also"/";": "How much is
#: express, and can I get it today?" Bare commas do not split ("if it's later, do I get ...").
_CLAUSE_BREAK = re.compile(rf"(?:,?\s+(?:and|also|plus|и|а|ещё|еще)\s+|;\s*)(?={_OPENER}\b)", re.IGNORECASE)
_STARTS_AS_QUESTION = re.compile(rf"^\W*(?:\d+[.)]\s*)?(?:(?:and|also|so|oh|ok|okay|plus|hi|hello|hey|thanks|а|и|ещё|еще|тогда|здравствуйте)\W+)*{_OPENER}\b",
                                 re.IGNORECASE)
_TRAILING_JOINER = re.compile(r"[\s,;]*(?:\b(?:and|also|but|plus|и|а)\b)?[\s,;]*$", re.IGNORECASE)


def customer_questions(turn: TurnAnalysis) -> list[Sentence]:
    """The questions of a customer turn worth an answer (several per message are common).

    A sentence ending in "?" is split where another question starts inside it; a sentence or
    clause that opens like a question counts even without the question mark.
    """
    found = []
    for sentence in turn.sentences:
        asked = sentence.text.rstrip().endswith("?")
        starts = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(sentence.text)]
        for begin, end in zip(starts, starts[1:] + [len(sentence.text)], strict=False):
            raw = _TRAILING_JOINER.sub("", sentence.text[begin:end])
            text = raw.strip()
            if len(re.findall(r"\w+", text)) < MIN_QUESTION_WORDS:
                continue
            last = end == len(sentence.text)
            opens = bool(_STARTS_AS_QUESTION.search(text))
            # Without a "?" only a sentence that opens like a question counts, as a whole.
            if (asked and (last or opens)) or (not asked and opens and len(starts) == 1):
                offset = sentence.start + begin + (len(raw) - len(raw.lstrip()))
                found.append(Sentence(offset, offset + len(text), text))
    return found


def content_words(turn: TurnAnalysis, sentence: Sentence) -> set[str]:
    """Lemmas of a sentence's content words, without the generic ones."""
    return {w for w in turn.content_words(sentence.start, sentence.end) if w not in GENERIC and not w.isdigit()}


def addressed(question: Sentence, turn: TurnAnalysis, replies: list[TurnAnalysis], analysis: Analysis,
              siblings: int = 1) -> bool:
    """Whether any of ``replies`` (later agent turns) addresses ``question`` of ``turn``.

    ``siblings`` is how many questions the customer's message holds. A lone question answered
    by anything close is taken as addressed (a reply that only promises or deflects is caught
    by those rules); among several, one the replies barely touch was skipped, which is the
    case the rubric describes ("answered the others but skipped one").
    """
    sentences = [s for reply in replies for s in reply.sentences]
    if not sentences:
        return False
    words = content_words(turn, question)
    overlap = max((len(words & content_words(reply, s)) for reply in replies for s in reply.sentences), default=0)
    similarity = best_similarity(analysis, question, sentences)
    answer_text = " ".join(s.text for s in sentences)
    kinds = {v.kind for v in extract_values(answer_text)}
    if _HOW_MUCH.search(question.text) and any(k.startswith("money") for k in kinds):
        return True
    if _HOW_LONG.search(question.text) and ("duration" in kinds or _TIME.search(answer_text)):
        return True
    if siblings <= 1:
        return overlap > 0 or similarity >= LONE_SIMILARITY
    return overlap > SIBLING_OVERLAP or similarity >= ANSWER_SIMILARITY
