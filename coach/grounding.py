"""Aligning a reply's claim with the knowledge-base statement about the same thing, and
comparing them: typed values, polarity (can / cannot), menu paths and contact details.

KB statements are the sentences of the passages; a list item is joined to the line that
introduces it ("Promo codes do not apply to: alcohol"), so its negation is not lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from coach.kb_index import KbIndex
from coach.nlp import NlpToolkit

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁ\"«(])")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_MARKUP = re.compile(r"\*\*|__|`")
#: Words that turn a statement into its opposite.
NEGATION = re.compile(
    r"\b(?:not|no|never|cannot|can't|won't|don't|doesn't|isn't|aren't|wasn't|without|none|nothing|neither|nor|"
    r"n't|не|нет|нельзя|никогда|ни|без|невозможно|запрещ\w+|никому|ничего|никто|никого|нигде|никуда|ничем|"
    r"никак\w*)\b|n't\b", re.IGNORECASE)
#: Menu paths ("Settings > Privacy > Delete account", "Настройки > Безопасность").
#: A dash ends a path: "Аккаунт > Plus — удалять аккаунт не нужно" names the path "Аккаунт > Plus".
_SEGMENT = r"[^>.,;:!?()\s—–-][^>.,;:!?()\s—–]*(?:\s+[^>.,;:!?()\s—–-][^>.,;:!?()\s—–]*){0,3}?"
MENU_PATH = re.compile(
    rf"[«\"]?[A-ZА-ЯЁ][\w'&-]*(?:\s+[A-ZА-ЯЁ&][\w'&-]*)*[»\"]?(?:\s*>\s*{_SEGMENT})+"
    r"(?=\s*(?:[.,;:!?()\n—–]|-\s|$|\b(?:or|and|for|to|then|in|within|where|so|и|или|для|чтобы|и)\b))")
#: E-mail addresses and phone numbers. A phone number has ten digits or more: "order
#: 5530-1187" and "2026-10-05" are not phone numbers.
CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\+?\d(?:[ ()-]*\d){9,}")


@dataclass(frozen=True)
class Statement:
    """One KB sentence, with the article it belongs to."""

    article_id: str
    title: str
    text: str
    passage: str


#: Conditions ("if it isn't enabled yet", "если она ещё не включена") do not negate the claim.
#: ... wherever the condition starts: "Turn it on in Settings > Security if it isn't on already."
_CONDITION = re.compile(r"(?:^|[,;(]|\s-\s|\s—\s|\s)\s*(?:if|unless|when|once|если|когда|пока|как только)\b[^,.;)—–]*",
                        re.IGNORECASE)
#: "No," answers the customer; "No need to delete anything" is a negation of its own.
_ANSWER_PARTICLE = re.compile(r"^\W*(?:no|nope|yes|yep|нет|да)\s*(?:[,.!:—–-]+|$)\s*", re.IGNORECASE)
#: Set phrases with a negation word that negate nothing ("in no time", "no problem", "не за что").
_IDIOM = re.compile(r"\b(?:in no time|no problem|no worries|no rush|no hurry|not only|no doubt|"
                    r"don't worry|do not worry|not to worry|don't hesitate|do not hesitate|"
                    r"нет проблем|не за что|не волнуйтесь|не переживайте|не беспокойтесь|не торопитесь|не только)\b|"
                    # Bounds: "no more than 7 days", «не меньше 3 дней» limit a value, they deny nothing.
                    r"\b(?:no|not) (?:more|less|later|earlier|fewer|longer) than\b|"
                    r"\bне (?:меньше|менее|больше|более|позднее|позже|раньше|ранее|дольше)\b", re.IGNORECASE)
#: Where a sentence splits into clauses that can differ in polarity.
_CLAUSE_BREAK = re.compile(r"\s*[,;:()—–]\s*|\s+-\s+|"
                           r"\s+(?:but|so|and|because|while|though|а|но|так что|потому что|и)\s+", re.IGNORECASE)


@lru_cache(maxsize=65536)
def is_negated(text: str) -> bool:
    """Whether a statement is negative ("cannot be combined", "нельзя оплатить наличными").

    A leading "No," or "Нет," answers the customer, and a condition ("if it is not enabled
    yet") qualifies it; neither negates the statement itself.
    """
    main = _CONDITION.sub(" ", _ANSWER_PARTICLE.sub("", _IDIOM.sub(" ", text.replace("\u2019", "'"))))
    return bool(NEGATION.search(main))


def clauses(text: str) -> list[str]:
    """The clauses of a sentence, roughly: split at punctuation and joining conjunctions."""
    return [c for c in _CLAUSE_BREAK.split(text) if c and c.strip()]


def clauses_before(text: str, position: int) -> str:
    """``text`` up to the end of its last whole clause before ``position`` ("WELCOME10 kicks in
    from $30" before ", so your $38 basket qualifies"), in its own characters: clauses are cut
    at colons too, and "8:00" must stay a time. Empty when no clause ends before it."""
    end = offset = 0
    for part in clauses(text):
        at = text.find(part, offset)
        if at + len(part) > position:
            break
        end = offset = at + len(part)
    return text[:end].rstrip(" ,;:-\u2014")


def split_statements(passage_text: str) -> list[str]:
    """Sentences of a passage; list items keep the line that introduces them."""
    out: list[str] = []
    lead = ""
    for raw in passage_text.splitlines():
        line = _MARKUP.sub("", raw).strip()
        if not line:
            continue
        if _BULLET.match(line):
            item = _BULLET.sub("", line)
            out.extend(f"{lead} {part}".strip() for part in _SENTENCE_END.split(item) if part.strip())
            continue
        sentences = [part.strip() for part in _SENTENCE_END.split(line) if part.strip()]
        # Only the sentence that introduces the list leads its items; the ones before it are
        # statements of their own.
        lead = sentences[-1].rstrip(":") if line.endswith(":") else ""
        out.extend(sentences[:-1] if lead else sentences)
    return out


class StatementIndex:
    """KB statements per article with their embeddings, built lazily once per KB index."""

    def __init__(self, kb: KbIndex, nlp: NlpToolkit) -> None:
        self.by_article: dict[str, list[Statement]] = {}
        #: Per language, every statement with its lower-cased text (for names the KB mentions).
        self.lowered: dict[str, list[tuple[Statement, str]]] = {}
        #: (name, language) -> (the statements naming it, whether every one of them denies it).
        self.named: dict[tuple[str, str], tuple[list[Statement], bool]] = {}
        for passage in kb.passages:
            for text in split_statements(passage.text):
                statement = Statement(passage.article_id, passage.title, text, passage.text)
                self.by_article.setdefault(passage.article_id, []).append(statement)
                self.lowered.setdefault(passage.language, []).append((statement, text.lower()))
        texts = list(dict.fromkeys(s.text for group in self.by_article.values() for s in group))
        self._matrix = kb.cached_vectors("statements", texts, nlp)
        self.vectors = dict(zip(texts, self._matrix, strict=True))
        # Each article's rows in the one statement matrix: aligning a claim gathers its articles'
        # rows, with no per-call stacking and no copy of the matrix kept per article set.
        row = {text: i for i, text in enumerate(texts)}
        self._rows = {aid: np.array([row[s.text] for s in group], dtype=np.int64)
                      for aid, group in self.by_article.items()}
        self.paths = {aid: {_norm_path(m.group(0)) for s in group for m in MENU_PATH.finditer(s.text)}
                      for aid, group in self.by_article.items()}
        self.contacts = {aid: {normalise_contact(m.group(0)) for s in group for m in CONTACT.finditer(s.text)}
                         for aid, group in self.by_article.items()}
        self._with_contacts: dict[str, list[Statement]] = {}
        #: Every menu path and contact the KB names, whatever the article.
        self.all_paths = set().union(*self.paths.values())
        self.all_contacts = set().union(*self.contacts.values())

    def with_contacts(self, language: str) -> list[Statement]:
        """The statements in ``language`` that give an e-mail address or phone number (found once)."""
        if language not in self._with_contacts:
            self._with_contacts[language] = [s for s, _ in self.lowered.get(language, []) if CONTACT.search(s.text)]
        return self._with_contacts[language]

    def align(self, vector: np.ndarray, article_ids: list[str], k: int = 3) -> list[tuple[Statement, float]]:
        """The ``k`` statements of ``article_ids`` closest in meaning to a claim."""
        key = [aid for aid in dict.fromkeys(article_ids) if aid in self._rows]
        if not key:
            return []
        pool = [s for aid in key for s in self.by_article[aid]]
        rows = self._rows[key[0]] if len(key) == 1 else np.concatenate([self._rows[aid] for aid in key])
        scores = self._matrix[rows] @ vector
        order = np.argsort(-scores)[:k]
        return [(pool[i], float(scores[i])) for i in order]


def _norm_path(path: str) -> str:
    # Words cut to five letters: «Настройках > Безопасность» is the KB's «Настройки > Безопасность».
    return " > ".join(" ".join(word[:5] for word in part.strip(" «»\"'").lower().split())
                      for part in path.split(">"))


def normalise_contact(text: str) -> str:
    """A phone number or e-mail address as compared: lower case, no spaces or dashes."""
    return re.sub(r"[^\w@.+]", "", text.lower()).rstrip(".")


def menu_paths(text: str) -> list[re.Match[str]]:
    """Menu paths mentioned in a text."""
    return list(MENU_PATH.finditer(text))


def path_supported(path: str, known: set[str]) -> bool:
    """A claimed path is right when its first and last menu items are those of a KB path, or
    it is the start or end of one ("Orders > order 5530 > Report a problem" matches
    "Orders > the order > Report a problem": the middle names the customer's own order)."""
    claimed = _norm_path(path)
    parts = claimed.split(" > ")
    # A path that goes on past a KB path must end in a menu item the KB names somewhere:
    # "Account > Plus > Add members" is not backed by "Account > Plus".
    named_items = {item for k in known for item in k.split(" > ")}
    for k in known:
        items = k.split(" > ")
        if k.startswith(claimed) or claimed.endswith(k) or (claimed.startswith(k) and parts[-1] in named_items):
            return True
        # The first item may carry a word before it on either side: "in Settings" in a reply,
        # «Откройте Настройки» in a KB sentence that opens with the verb.
        if parts[-1] == items[-1] and (parts[0] == items[0] or parts[0].endswith(" " + items[0])
                                       or items[0].endswith(" " + parts[0])):
            return True
    return False


def contacts(text: str) -> list[re.Match[str]]:
    """E-mail addresses and phone numbers in a text."""
    return list(CONTACT.finditer(text))


def contact_supported(contact: str, known: set[str]) -> bool:
    """A claimed e-mail or phone number is right when the KB gives the same one."""
    return normalise_contact(contact) in known
