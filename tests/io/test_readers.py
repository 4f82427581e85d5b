"""Each transcript format of the contract, read through ``coach.io`` as a user would feed it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from coach.errors import InputProblem
from coach.io import iter_input_files, read_path, read_transcripts
from coach.types import Transcript

# A refund chat as the contract shows it: optional fields, unknown fields, a system turn.
REFUND_CHAT = {
    "id": "conv-0001",
    "language": "en",
    "channel": "chat",
    "agent": "anna.k",
    "meta": {"store": "Basketly Berlin", "csat": 4},
    "priority": "high",
    "tags": ["refund", "double-charge"],
    "turns": [
        {"speaker": "customer", "text": "Hi, I was charged twice for order #A-10442.",
         "time": "2026-03-01T10:00:00Z", "author": "Bob Meyer", "sentiment": -0.4},
        {"speaker": "agent", "text": "Hi Bob, sorry about that! Let me check the payment log.",
         "time": "2026-03-01T10:01:12Z"},
        {"speaker": "system", "text": "Ticket #4411 created", "source_system": "zendesk"},
        {"speaker": "agent", "text": "I've refunded the duplicate charge; it takes 3-5 business days.",
         "author": "mark.t"},
        {"speaker": "customer", "text": "Great, thanks!"},
    ],
}
MISSING_ITEM_CHAT = {
    "id": "conv-0002",
    "agent": "olga.s",
    "turns": [
        {"speaker": "Клиент", "text": "В заказе не было молока, хотя оно в чеке."},
        {"speaker": "Оператор", "text": "Здравствуйте! Приношу извинения, верну деньги за молоко."},
    ],
}


def ok(items: list) -> list[Transcript]:
    assert not [i for i in items if isinstance(i, InputProblem)], items
    return items


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def write_jsonl(path: Path, records: list[object], blank_between: bool = False) -> Path:
    sep = "\n\n" if blank_between else "\n"
    path.write_text(sep.join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


# --- JSON / JSONL ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "writer",
    [
        pytest.param(lambda p: write_json(p / "chat.json", REFUND_CHAT), id="json-object"),
        pytest.param(lambda p: write_json(p / "chats.json", [REFUND_CHAT]), id="json-list"),
        pytest.param(lambda p: write_jsonl(p / "chats.jsonl", [REFUND_CHAT]), id="jsonl"),
    ],
)
def test_json_formats_read_the_contract_example(tmp_path: Path, writer) -> None:
    [transcript] = ok(list(read_path(writer(tmp_path))))

    assert transcript.id == "conv-0001"
    assert (transcript.language, transcript.channel, transcript.agent) == ("en", "chat", "anna.k")
    assert [t.speaker for t in transcript.turns] == ["customer", "agent", "system", "agent", "customer"]
    assert transcript.turns[0].text == "Hi, I was charged twice for order #A-10442."
    assert transcript.turns[0].time == "2026-03-01T10:00:00Z"
    assert transcript.turns[0].author == "Bob Meyer"
    assert transcript.turns[4].time is None and transcript.turns[4].author is None
    # Unknown fields are kept, never dropped: transcript meta and extra, turn extra.
    assert transcript.meta == {"store": "Basketly Berlin", "csat": 4}
    assert transcript.extra == {"priority": "high", "tags": ["refund", "double-charge"]}
    assert transcript.turns[0].extra == {"sentiment": -0.4}
    assert transcript.turns[2].extra == {"source_system": "zendesk"}
    assert transcript.turns[1].extra == {}


def test_turn_indices_and_agent_default(tmp_path: Path) -> None:
    [transcript] = ok(list(read_path(write_json(tmp_path / "chat.json", REFUND_CHAT))))

    assert transcript.agent_turn_indices() == [1, 3]
    # An agent turn without an author is the transcript's agent; its own author wins.
    assert transcript.author_of(1) == "anna.k"
    assert transcript.author_of(3) == "mark.t"
    # Customer and system turns never take the agent's name.
    assert transcript.author_of(0) == "Bob Meyer"
    assert transcript.author_of(2) is None
    assert transcript.author_of(4) is None


def test_russian_speaker_words_map_to_roles(tmp_path: Path) -> None:
    [transcript] = ok(list(read_path(write_json(tmp_path / "chat.json", MISSING_ITEM_CHAT))))

    assert [t.speaker for t in transcript.turns] == ["customer", "agent"]
    assert transcript.language is None  # detected later, not guessed by the reader
    assert transcript.author_of(1) == "olga.s"


def test_json_list_yields_records_in_order_with_their_record_number(tmp_path: Path) -> None:
    path = write_json(tmp_path / "export.json", [REFUND_CHAT, MISSING_ITEM_CHAT])

    transcripts = ok(list(read_path(path)))

    assert [t.id for t in transcripts] == ["conv-0001", "conv-0002"]
    assert [t.source for t in transcripts] == [f"{path}:record 1", f"{path}:record 2"]


def test_jsonl_skips_blank_lines_and_keeps_line_numbers(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "export.jsonl", [REFUND_CHAT, MISSING_ITEM_CHAT], blank_between=True)

    transcripts = ok(list(read_path(path)))

    assert [t.id for t in transcripts] == ["conv-0001", "conv-0002"]
    assert [t.source for t in transcripts] == [f"{path}:line 1", f"{path}:line 3"]


@pytest.mark.parametrize(("name", "data"), [("chat.json", MISSING_ITEM_CHAT), ("chats.json", [MISSING_ITEM_CHAT]),
                                          ("chats.jsonl", MISSING_ITEM_CHAT)])
def test_utf8_bom_from_windows_editors_is_accepted(tmp_path: Path, name: str, data: object) -> None:
    path = tmp_path / name
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode("utf-8-sig") + b"\n")

    [transcript] = ok(list(read_path(path)))

    assert transcript.id == "conv-0002"
    assert transcript.turns[0].text == "В заказе не было молока, хотя оно в чеке."


def test_numeric_id_and_time_become_strings(tmp_path: Path) -> None:
    record = {"id": 10442, "turns": [{"speaker": "Customer", "text": "Where is my order?", "time": 1772359200}]}

    [transcript] = ok(list(read_path(write_json(tmp_path / "chat.json", record))))

    assert transcript.id == "10442"
    assert transcript.turns[0].time == "1772359200"
    assert transcript.turns[0].speaker == "customer"


# --- CSV -------------------------------------------------------------------------------------


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


# Two conversations exported by time, so their rows interleave; optional columns and an
# unknown one (ticket_id) are there; one reply spans two lines inside quotes.
INTERLEAVED = [
    ["conversation_id", "time", "speaker", "author", "text", "channel", "language", "ticket_id"],
    ["T-1", "2026-03-01T10:00:00Z", "customer", "", "Hi, my basket was charged twice", "chat", "en", "4411"],
    ["T-2", "2026-03-01T10:00:05Z", "Клиент", "", "Здравствуйте, курьер опаздывает на час", "", "ru", ""],
    ["T-1", "2026-03-01T10:01:00Z", "agent", "anna.k", "Sorry about that!\nI'll refund the duplicate.", "", "", ""],
    ["T-2", "2026-03-01T10:01:30Z", "Оператор", "Мария", "Добрый день! Уточню у курьера.", "email", "", ""],
    ["T-1", "2026-03-01T10:02:00Z", "Agent", "", "Done, the refund is on its way.", "", "", "4411"],
    ["T-2", "2026-03-01T10:03:00Z", "system", "", "Заявка закрыта", "", "", ""],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_csv_groups_interleaved_rows_by_conversation(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "chats.csv", INTERLEAVED, encoding)

    transcripts = {t.id: t for t in ok(list(read_path(path)))}

    assert sorted(transcripts) == ["T-1", "T-2"]
    t1, t2 = transcripts["T-1"], transcripts["T-2"]
    assert [(t.speaker, t.text) for t in t1.turns] == [
        ("customer", "Hi, my basket was charged twice"),
        ("agent", "Sorry about that!\nI'll refund the duplicate."),
        ("agent", "Done, the refund is on its way."),
    ]
    assert [t.speaker for t in t2.turns] == ["customer", "agent", "system"]
    assert [t.time for t in t1.turns] == ["2026-03-01T10:00:00Z", "2026-03-01T10:01:00Z", "2026-03-01T10:02:00Z"]
    # Transcript fields come from the first row that has them.
    assert (t1.language, t1.channel) == ("en", "chat")
    assert (t2.language, t2.channel) == ("ru", "email")
    # The agent is the first agent author; an agent row without an author defaults to it.
    assert t1.agent == "anna.k" and t1.author_of(2) == "anna.k"
    assert t2.agent == "Мария" and t2.author_of(1) == "Мария"
    assert t1.turns[0].author is None
    # An unknown column is kept on the turn where it has a value.
    assert t1.turns[0].extra == {"ticket_id": "4411"}
    assert t1.turns[1].extra == {}
    assert t1.source == f"{path}:line 2"


def test_csv_emits_each_conversation_once_its_last_row_is_read(tmp_path: Path) -> None:
    rows = [
        ["conversation_id", "speaker", "text"],
        ["A", "customer", "Can I change my delivery slot?"],
        ["B", "customer", "Промокод не работает"],
        ["B", "support", "Проверю промокод."],
        ["A", "agent", "Yes, until 2 hours before the slot."],
        ["C", "user", "Thanks"],
    ]

    transcripts = ok(list(read_path(write_csv(tmp_path / "chats.csv", rows))))

    assert [t.id for t in transcripts] == ["B", "A", "C"]
    assert [t.speaker for t in transcripts[0].turns] == ["customer", "agent"]
    assert transcripts[0].agent is None and transcripts[0].language is None


def test_csv_with_only_required_columns_in_another_order(tmp_path: Path) -> None:
    rows = [["text", "speaker", "conversation_id"], ["Where is my order?", "Client", "42"],
            ["On its way!", "Operator", "42"]]

    [transcript] = ok(list(read_path(write_csv(tmp_path / "chats.csv", rows))))

    assert transcript.id == "42"
    assert [(t.speaker, t.text, t.time, t.author) for t in transcript.turns] == [
        ("customer", "Where is my order?", None, None),
        ("agent", "On its way!", None, None),
    ]


# --- TXT -------------------------------------------------------------------------------------

TXT_CASES = [
    pytest.param(
        "Customer: Hi, my order #A-10442 is late.\nAgent: Sorry! It is 10 minutes away.\n",
        [("customer", None, "Hi, my order #A-10442 is late."), ("agent", None, "Sorry! It is 10 minutes away.")],
        None,
        id="plain-english",
    ),
    pytest.param(
        "Bob (Customer): Where is my refund?\nAnna (Agent): Hi Bob, it was sent on Monday.\n",
        [("customer", "Bob", "Where is my refund?"), ("agent", "Anna", "Hi Bob, it was sent on Monday.")],
        "Anna",
        id="name-role-english",
    ),
    pytest.param(
        "Клиент: Здравствуйте, заказ не привезли.\n"
        "Анна (Оператор): Добрый день! Сейчас проверю.\n"
        "Проверила: курьер опаздывает на 20 минут.\n"
        "Клиент: Спасибо\n",
        [
            ("customer", None, "Здравствуйте, заказ не привезли."),
            ("agent", "Анна", "Добрый день! Сейчас проверю.\nПроверила: курьер опаздывает на 20 минут."),
            ("customer", None, "Спасибо"),
        ],
        "Анна",
        id="russian-name-role-with-continuation",
    ),
    pytest.param(
        "CUSTOMER: My promo code SPRING10 fails\n"
        "support: Which error do you see?\n"
        "Error: code expired\n"
        "Order time: 12:30\n"
        "Operator: That code ended on 31 March.\n",
        [
            ("customer", None, "My promo code SPRING10 fails"),
            ("agent", None, "Which error do you see?\nError: code expired\nOrder time: 12:30"),
            ("agent", None, "That code ended on 31 March."),
        ],
        None,
        id="case-insensitive-words-and-colons-in-text",
    ),
    pytest.param(
        "Пользователь: Не могу войти в аккаунт\n"
        "Специалист: Отправила ссылку для сброса пароля.\n"
        "Поддержка: Пароль сброшен.\n"
        "Client: thanks\n"
        "User: bye\n"
        "System: Chat closed\n",
        [
            ("customer", None, "Не могу войти в аккаунт"),
            ("agent", None, "Отправила ссылку для сброса пароля."),
            ("agent", None, "Пароль сброшен."),
            ("customer", None, "thanks"),
            ("customer", None, "bye"),
            ("system", None, "Chat closed"),
        ],
        None,
        id="every-speaker-word",
    ),
    pytest.param(
        "Customer: Hello\r\nMaria (Support): Hi! How can I help?\r\n\r\nCustomer: My eggs arrived broken\r\n",
        [("customer", None, "Hello"), ("agent", "Maria", "Hi! How can I help?"),
         ("customer", None, "My eggs arrived broken")],
        "Maria",
        id="windows-line-endings-and-blank-line",
    ),
]


@pytest.mark.parametrize(("content", "expected", "agent"), TXT_CASES)
def test_txt_speaker_lines(tmp_path: Path, content: str, expected: list, agent: str | None) -> None:
    path = tmp_path / "chat-2026-03-01.txt"
    path.write_bytes(content.encode("utf-8"))

    [transcript] = ok(list(read_path(path)))

    assert transcript.id == "chat-2026-03-01"
    assert [(t.speaker, t.author, t.text) for t in transcript.turns] == expected
    assert transcript.agent == agent
    assert transcript.source == str(path)


def test_txt_agent_turns_default_to_first_named_agent(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("Клиент: Где заказ?\nАнна (Оператор): Уже в пути.\nОператор: Курьер будет в 15:00.\n",
                    encoding="utf-8")

    [transcript] = ok(list(read_path(path)))

    assert transcript.agent_turn_indices() == [1, 2]
    assert transcript.turns[2].author is None
    assert transcript.author_of(2) == "Анна"


# --- Folders ---------------------------------------------------------------------------------


def test_folders_are_read_recursively_and_labels_are_skipped(tmp_path: Path) -> None:
    root = tmp_path / "transcripts"
    (root / "2026-03" / "ru").mkdir(parents=True)
    (root / ".cache").mkdir()
    write_json(root / "a.json", REFUND_CHAT)
    write_jsonl(root / "2026-03" / "b.jsonl", [MISSING_ITEM_CHAT])
    write_csv(root / "2026-03" / "ru" / "c.csv", INTERLEAVED)
    (root / "2026-03" / "ru" / "d.TXT").write_text("Клиент: Привет\nОператор: Здравствуйте!\n", encoding="utf-8")
    # Not transcripts: annotations, hidden files and folders, other file types.
    labels = [{"conversation_id": "conv-0001", "turn": 1, "politeness": 1}]
    write_jsonl(root / "labels.jsonl", labels)
    write_jsonl(root / "2026-03" / "labels.jsonl", labels)
    write_json(root / ".cache" / "old.json", REFUND_CHAT)
    write_json(root / ".hidden.json", REFUND_CHAT)
    (root / "README.md").write_text("# Exports\n", encoding="utf-8")
    (root / "screenshot.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")

    files = list(iter_input_files([root]))
    transcripts = ok(list(read_transcripts([root])))

    assert [p.relative_to(root).as_posix() for p in files] == [
        "2026-03/b.jsonl", "2026-03/ru/c.csv", "2026-03/ru/d.TXT", "a.json",
    ]
    assert sorted(t.id for t in transcripts) == ["T-1", "T-2", "conv-0001", "conv-0002", "d"]


def test_files_and_folders_mix_in_the_order_given(tmp_path: Path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    write_json(folder / "x.json", MISSING_ITEM_CHAT)
    single = write_json(tmp_path / "single.json", REFUND_CHAT)

    transcripts = ok(list(read_transcripts([str(single), folder])))

    assert [t.id for t in transcripts] == ["conv-0001", "conv-0002"]
