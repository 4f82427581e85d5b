"""``coach score`` and ``coach check --batch`` given good and bad files together: good records are
scored, each bad input gets one ``coach: error:`` line naming it, and the exit status is 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.cli import main

DIMENSIONS = {"politeness", "empathy", "correctness", "follow_through"}

GOOD_CHATS = [
    {"id": "conv-1", "language": "en", "agent": "anna.k", "turns": [
        {"speaker": "customer", "text": "Hi, my order #A-10442 is 40 minutes late."},
        {"speaker": "agent", "text": "Hi Bob, I'm sorry for the wait! Let me check with the courier."},
        {"speaker": "customer", "text": "Thanks, please hurry, the ice cream will melt."},
        {"speaker": "agent", "text": "The courier will be with you in 5 minutes. Have a nice evening!"},
    ]},
    {"id": "ru-1", "turns": [
        {"speaker": "Клиент", "text": "Здравствуйте, мне привезли кефир вместо молока."},
        {"speaker": "Оператор", "text": "Добрый день! Приносим извинения, вернём деньги за молоко сегодня.",
         "author": "olga.s"},
    ]},
]
#: (conversation_id, turn, agent) of every agent reply in GOOD_CHATS, in order.
GOOD_REPLIES = [("conv-1", 1, "anna.k"), ("conv-1", 3, "anna.k"), ("ru-1", 1, "olga.s")]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray ./coach.toml
    return tmp_path


@pytest.fixture
def good_file(workdir: Path) -> Path:
    path = workdir / "good.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in GOOD_CHATS), encoding="utf-8")
    return path


def truncated_json(tmp: Path) -> Path:
    path = tmp / "cut.json"
    path.write_text(json.dumps(GOOD_CHATS[0])[:120], encoding="utf-8")
    return path


def csv_without_text(tmp: Path) -> Path:
    path = tmp / "export.csv"
    path.write_text("conversation_id,speaker,message\nT-1,customer,Where is my order?\n", encoding="utf-8")
    return path


def txt_unknown_speaker(tmp: Path) -> Path:
    path = tmp / "chat.txt"
    path.write_text("Клиент: Где мой заказ?\nБот (Помощник): Оцените наш чат!\n", encoding="utf-8")
    return path


def cp1251_txt(tmp: Path) -> Path:
    path = tmp / "старый_чат.txt"
    path.write_bytes("Клиент: Где мой заказ?\nОператор: Уже в пути!\n".encode("cp1251"))
    return path


def png_as_json(tmp: Path) -> Path:
    path = tmp / "screenshot.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100))
    return path


def empty_jsonl(tmp: Path) -> Path:
    path = tmp / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    return path


BAD = {
    "truncated-json": (truncated_json, "truncated or invalid JSON"),
    "csv-missing-text": (csv_without_text, "line 1: missing required column(s) text"),
    "txt-unknown-speaker": (txt_unknown_speaker, "line 2: unknown speaker"),
    "cp1251-txt": (cp1251_txt, "not valid UTF-8"),
    "binary": (png_as_json, "binary file"),
    "empty": (empty_jsonl, "file is empty"),
}


def score_lines(out: str) -> list[dict]:
    lines = out.splitlines()
    records = [json.loads(line) for line in lines]
    for record in records:
        assert set(record["scores"]) == DIMENSIONS
        assert isinstance(record["flags"], list)
    return records


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("coach: error:")]


@pytest.mark.parametrize("case", ["truncated-json", "csv-missing-text", "txt-unknown-speaker", "cp1251-txt"])
def test_score_good_and_one_bad_file(workdir: Path, good_file: Path, capsys, case: str) -> None:
    build, problem = BAD[case]
    bad = build(workdir)

    status = main(["score", str(good_file), str(bad)])

    out, err = capsys.readouterr()
    assert status == 2
    [error] = error_lines(err)
    assert error.startswith(f"coach: error: {bad}: ")
    assert problem in error
    assert [(r["conversation_id"], r["turn"], r["agent"]) for r in score_lines(out)] == GOOD_REPLIES


def test_score_every_bad_file_is_reported_once_and_the_good_ones_scored(workdir: Path, good_file: Path,
                                                                         capsys) -> None:
    bad_files = [build(workdir) for build, _ in BAD.values()]
    partly_bad = workdir / "partly_bad.jsonl"
    broken = {"id": "conv-2", "turns": [{"speaker": "manager", "text": "Hello"}]}
    partly_bad.write_text("\n".join(json.dumps(r) for r in [broken, GOOD_CHATS[0] | {"id": "conv-3"}]) + "\n",
                          encoding="utf-8")
    missing = workdir / "no_such_folder"
    # Bad inputs before, between and after the good ones.
    paths = [bad_files[0], good_file, *bad_files[1:], partly_bad, missing]

    status = main(["score", *map(str, paths)])

    out, err = capsys.readouterr()
    assert status == 2
    errors = error_lines(err)
    expected = [*bad_files, partly_bad, missing]
    assert len(errors) == len(expected)
    for path, error in zip(expected, errors, strict=True):
        assert error.startswith(f"coach: error: {path}: ")
    assert f"{partly_bad}: line 1: conversation conv-2: turn 0: unknown speaker 'manager'" in errors[-2]
    assert "no such file or folder" in errors[-1]
    replies = [(r["conversation_id"], r["turn"]) for r in score_lines(out)]
    assert replies == [(c, t) for c, t, _ in GOOD_REPLIES] + [("conv-3", 1), ("conv-3", 3)]


def test_score_good_input_only_exits_zero(workdir: Path, good_file: Path, capsys) -> None:
    status = main(["score", str(good_file)])

    out, err = capsys.readouterr()
    assert status == 0
    assert error_lines(err) == []
    records = score_lines(out)
    assert [(r["conversation_id"], r["turn"], r["agent"]) for r in records] == GOOD_REPLIES
    assert [r["language"] for r in records] == ["en", "en", "ru"]


def test_check_batch_bad_line_between_good_ones(workdir: Path, capsys) -> None:
    lines = [
        json.dumps({"id": "d1", "text": "Hi Maria, sorry for the delay! Your refund was sent today.",
                    "context": "Where is my refund? It's been two weeks."}),
        '{"id": "d2", "text": "Your order is on its wa',  # cut off mid-line
        json.dumps({"id": "d3", "text": "Здравствуйте! Заказ уже в пути, курьер будет через 10 минут.",
                    "language": "ru"}, ensure_ascii=False),
        json.dumps({"id": "d4", "context": "Can I pay by invoice?"}),  # no text
        json.dumps({"id": "d5", "text": "Thanks for waiting! Anything else I can help with?"}),
    ]
    batch = workdir / "drafts.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")

    status = main(["check", "--batch", str(batch)])

    out, err = capsys.readouterr()
    assert status == 2
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["d1", None, "d3", "d4", "d5"]
    for index in (0, 2, 4):
        assert set(records[index]["scores"]) == DIMENSIONS and "error" not in records[index]
    assert "invalid JSON" in records[1]["error"]
    assert "missing required field 'text'" in records[3]["error"]
    errors = error_lines(err)
    assert len(errors) == 2
    assert errors[0].startswith(f"coach: error: {batch}: line 2: invalid JSON")
    assert errors[1] == f"coach: error: {batch}: line 4: missing required field 'text'"
