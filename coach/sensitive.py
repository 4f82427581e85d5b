"""Requests for secrets: an agent asking for a password, a one-time code or a full card number.

Support KBs state plainly that the company never asks for these ("Basketly never asks for your
password, one-time codes or your full card number"), because asking is how account takeover
scams work. A reply that asks for one contradicts that statement even though it is a question
and states no fact, so it is checked apart from the claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.grounding import Statement, StatementIndex, is_negated

#: Secrets by kind, with the words a KB statement about them uses.
SECRETS = {
    "password": (re.compile(r"\b(?:password|passcode|парол\w*)\b", re.IGNORECASE), ("password", "парол")),
    "code": (re.compile(r"\b(?:one-time code|verification code|security code|sms code|login code|"
                        r"(?:six|6|four|4)-digit code|code (?:we|I) (?:just )?(?:texted|sent)|"
                        r"the code from the (?:sms|text)|"
                        r"одноразов\w+ код\w*|код\w* из (?:нов\w+ |последн\w+ |этого |той )?(?:смс|sms|сообщени\w+)|"
                        r"код\w* подтверждения|проверочн\w+ код\w*|"
                        r"код\w*,? (?:который|что) (?:мы )?(?:отправили|прислали))\b", re.IGNORECASE),
             ("code", "код")),
    "card": (re.compile(r"\b(?:full card number|(?:whole|complete|entire|long) card number|card number and (?:the )?"
                        r"(?:expiry|cvv|cvc)|cvv|cvc|security digits|полн\w+ номер\w* карты|номер\w* карты целиком|"
                        r"cvv-код|cvc-код|трёхзначный код|трехзначный код)\b", re.IGNORECASE),
             ("card number", "номер карт")),
}
#: Asking for something: a question or a request to send, read out or tell.
REQUEST = re.compile(
    r"\b(?:could|can|would|will) you (?:please )?(?:send|read|tell|give|share|confirm|provide|type|text|email|dictate)|"
    r"\bplease (?:send|reply with|tell|share|provide|give|read|confirm|type|text|include)|"
    r"\b(?:send|tell|read|give) (?:me|us)\b|\b(?:reply|respond) with\b|\bshare (?:your|the)\b|"
    r"\bI(?:'ll| will)? need (?:your|the)\b|\bwhat(?:'s| is) (?:your|the)\b|\bjust tell us\b|"
    r"\b(?:пришлите|продиктуйте|назовите|сообщите|отправьте|напишите|скажите|укажите|введите сюда|"
    r"пришлёте|продиктуете|назовёте|сообщите)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SecretRequest:
    """Where a reply sentence asks for a secret, and the KB statement that says it never would."""

    start: int
    end: int
    statement: Statement


#: Where what a request asks for ends: «Смените пароль ..., и напишите нам в чат, если ...» asks
#: the customer to write in, not for the password they are told to change.
_REQUEST_END = re.compile(r"[;!?—–]|\.(?:\s|$)|,\s*(?:если|чтобы|и|а|но|тогда|if|so|and|then|but)\b", re.IGNORECASE)


def asks_for_secret(text: str) -> bool:
    """Whether a sentence asks for a password, a one-time code or a card number (KB aside): the
    secret is what a request in it asks for."""
    if is_negated(text):
        return False
    for request in REQUEST.finditer(text):
        asked = text[request.end():]
        end = _REQUEST_END.search(asked)
        asked = asked[:end.start()] if end else asked
        if any(p.search(asked) for p, _ in SECRETS.values()):
            return True
    return False


def secret_request(text: str, index: StatementIndex, language: str, articles: list[str]) -> SecretRequest | None:
    """The request for a secret in ``text`` with the KB's denial of it, or None (no request,
    or a KB that never says it does not ask for that secret)."""
    if not asks_for_secret(text):
        return None
    for kind, (pattern, words) in SECRETS.items():
        match = pattern.search(text)
        if match is None:
            continue
        statement = _denial(index, language, kind, words, articles)
        if statement is not None:
            return SecretRequest(match.start(), match.end(), statement)
    return None


def _denial(index: StatementIndex, language: str, kind: str, words: tuple[str, ...],
            articles: list[str]) -> Statement | None:
    """A negative KB statement naming the secret, from the reply's article when it has one."""
    key = (f"secret:{kind}", language)
    if key not in index.named:
        pairs = index.lowered.get(language) or [p for ps in index.lowered.values() for p in ps]
        found = [s for s, lowered in pairs if any(w in lowered for w in words) and is_negated(s.text)
                 and re.search(r"\b(?:ask|request|need|see|попрос|прос|понадоб|видят)", lowered)]
        index.named[key] = (found, bool(found))
    found, _ = index.named[key]
    return next((s for s in found if s.article_id in articles), found[0] if found else None)
