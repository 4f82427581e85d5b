"""Benchmark inputs: transcripts replicated with variation, and knowledge bases of any size.

Plain copies would let every cache answer from the first copy; real traffic repeats agent
macros but not customers' names, order numbers and wording. Each copy here gets its own
customer name, order numbers and sign-off, so customer turns are new text while the agents'
wording repeats as it does in a real contact centre.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from coach.io.records import transcript_record
from coach.types import KbArticle, Transcript, Turn

NAMES = {
    "en": ["Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Chloe", "Omar", "Priya",
           "Daniel", "Grace", "Samuel", "Zoe", "Aisha", "Jack", "Hannah", "Leo", "Maya", "Ben", "Ruth"],
    "ru": ["Анна", "Игорь", "Мария", "Дмитрий", "Ольга", "Сергей", "Елена", "Павел", "Татьяна", "Алексей",
           "Наталья", "Михаил", "Ирина", "Артём", "Светлана", "Никита", "Юлия", "Роман", "Ксения", "Олег"],
}
SIGN_OFFS = {
    "en": ["", " Thanks.", " Thank you!", " Please help.", " Thanks in advance.", " Please let me know.",
           " I'd appreciate a quick answer.", " Cheers.", " This is the second time this month.",
           " I'm at home all day.", " My order was placed this morning.", " I use the iPhone app."],
    "ru": ["", " Спасибо.", " Заранее спасибо.", " Жду ответа.", " Помогите, пожалуйста.",
           " Это уже второй раз за месяц.", " Я дома весь день.", " Заказ делала утром.",
           " Пользуюсь приложением на Android.", " Ответьте побыстрее, пожалуйста."],
}
ORDER_NUMBER = re.compile(r"(?<=[#№])\s?\d{3,}")


def varied_copies(transcripts: list[Transcript], replies: int, seed: int = 0) -> Iterator[Transcript]:
    """Copies of ``transcripts``, each varied, until at least ``replies`` agent replies are made."""
    if not any(t.agent_turn_indices() for t in transcripts):
        raise ValueError("the bench needs transcripts with agent replies")
    rng = random.Random(seed)
    made = copy = 0
    while made < replies:
        for transcript in transcripts:
            if made >= replies:
                return
            yield vary(transcript, f"{transcript.id}~{seed}.{copy}", rng)
            made += len(transcript.agent_turn_indices())
        copy += 1


def vary(transcript: Transcript, new_id: str, rng: random.Random) -> Transcript:
    """One varied copy: another customer name, other order numbers, a different sign-off."""
    language = transcript.language if transcript.language in NAMES else "en"
    old_names = {t.author for t in transcript.turns if t.speaker == "customer" and t.author}
    new_name = rng.choice(NAMES[language])
    customer_turns = [i for i, t in enumerate(transcript.turns) if t.speaker == "customer"]
    sign_off_turn = customer_turns[-1] if customer_turns else -1
    sign_off = rng.choice(SIGN_OFFS[language])
    numbers: dict[str, str] = {}

    def new_number(match: re.Match[str]) -> str:
        old = match.group(0)
        numbers.setdefault(old, (" " if old.startswith(" ") else "")
                           + str(rng.randrange(10 ** (len(old.strip()) - 1), 10 ** len(old.strip()))))
        return numbers[old]

    turns = []
    for index, turn in enumerate(transcript.turns):
        text = ORDER_NUMBER.sub(new_number, turn.text)
        for name in old_names:
            text = re.sub(rf"\b{re.escape(name)}\b", new_name, text)
        if index == sign_off_turn:
            text = text.rstrip() + sign_off
        author = new_name if turn.speaker == "customer" and turn.author else turn.author
        turns.append(Turn(turn.speaker, text, turn.time, author, turn.extra))
    return replace(transcript, id=new_id, turns=tuple(turns))


def write_corpus(transcripts: Iterator[Transcript], path: Path) -> tuple[int, int]:
    """Write transcripts as contract JSONL; returns (conversations, agent replies)."""
    conversations = replies = 0
    with path.open("w", encoding="utf-8") as out:
        for transcript in transcripts:
            out.write(json.dumps(transcript_record(transcript), ensure_ascii=False) + "\n")
            conversations += 1
            replies += len(transcript.agent_turn_indices())
    return conversations, replies


def sized_kb(articles: list[KbArticle], size: int, seed: int = 0) -> list[KbArticle]:
    """A knowledge base of ``size`` articles: a share of ``articles`` in each language, then
    regional variants of them (other title, other numbers) as a large KB's many similar pages."""
    if not articles:
        raise ValueError("the bench needs a knowledge base to grow from")
    rng = random.Random(seed)
    by_language: dict[str, list[KbArticle]] = {}
    for article in articles:
        by_language.setdefault(article.language, []).append(article)
    # Interleave the languages so any size keeps both.
    ordered = [a for group in zip(*by_language.values(), strict=False) for a in group]
    ordered += [a for a in articles if a not in ordered]
    out = list(ordered[:size])
    region = 0
    while len(out) < size:
        region += 1
        for article in ordered:
            if len(out) >= size:
                break
            text = re.sub(r"\d+", lambda m: str(max(1, int(m.group(0)) + rng.randint(-2, 5))), article.text)
            out.append(KbArticle(f"{article.id}-r{region}", f"{article.title} (region {region})", text,
                                 article.language))
    return out
