"""The bad inputs a new user really produces: each gives a problem naming the file, the line or
record where that applies, and what is wrong, while the good records around it still come through."""

from __future__ import annotations

import csv
import json
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.errors import InputProblem
from coach.io import read_path, read_transcripts
from coach.io.textfile import MAX_LINE_BYTES
from coach.types import Transcript


def chat(conv_id: str, customer: str = "Hi, my order #A-10442 is 40 minutes late.",
         agent: str = "Sorry for the wait! The courier is 5 minutes away.", **fields: object) -> dict:
    return {"id": conv_id, **fields, "turns": [{"speaker": "customer", "text": customer},
                                               {"speaker": "agent", "text": agent}]}


RU_CHAT = chat("ru-1", "Здравствуйте, мне привезли кефир вместо молока.",
               "Добрый день! Приносим извинения, оформим возврат за молоко.")


def dumps(record: object) -> str:
    return json.dumps(record, ensure_ascii=False)


def split(items: list) -> tuple[list[str], list[InputProblem]]:
    good = [i.id for i in items if isinstance(i, Transcript)]
    bad = [i for i in items if isinstance(i, InputProblem)]
    assert len(good) + len(bad) == len(items)
    return good, bad


# --- builders: each writes one bad file the way a user would end up with it ------------------


def truncated_json_object(tmp: Path) -> Path:
    text = json.dumps(chat("conv-1"), indent=2)
    path = tmp / "chat.json"
    path.write_text(text[: text.index('"agent"') + 20], encoding="utf-8")  # download cut off
    return path


def truncated_json_list_after_two(tmp: Path) -> Path:
    text = json.dumps([chat("conv-1"), chat("conv-2"), chat("conv-3")], indent=2)
    path = tmp / "export.json"
    path.write_text(text[: text.index('"conv-3"') + 30], encoding="utf-8")
    return path


def truncated_jsonl_last_line(tmp: Path) -> Path:
    lines = [dumps(chat("conv-1")), dumps(chat("conv-2")), dumps(chat("conv-3"))[:70]]
    path = tmp / "export.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def csv_without_text_column(tmp: Path) -> Path:
    path = tmp / "helpdesk_export.csv"
    path.write_text("conversation_id,speaker,message,time\n"
                    "T-1,customer,Where is my order?,2026-03-01T10:00:00Z\n"
                    "T-1,agent,It is on its way.,2026-03-01T10:01:00Z\n", encoding="utf-8")
    return path


def csv_with_semicolons(tmp: Path) -> Path:
    # What Excel with a Russian locale saves as "CSV".
    path = tmp / "выгрузка.csv"
    path.write_text("conversation_id;speaker;text\nT-1;Клиент;Где мой заказ?\n", encoding="utf-8")
    return path


def json_unknown_speaker(tmp: Path) -> Path:
    record = chat("conv-7")
    record["turns"].insert(1, {"speaker": "bot", "text": "Hi! I'm Basky, the virtual assistant."})
    path = tmp / "chat.json"
    path.write_text(dumps(record), encoding="utf-8")
    return path


def json_list_unknown_speaker(tmp: Path) -> Path:
    bad = chat("conv-2")
    bad["turns"][1]["speaker"] = "manager"
    path = tmp / "export.json"
    path.write_text(dumps([chat("conv-1"), bad, chat("conv-3")]), encoding="utf-8")
    return path


def jsonl_unknown_speaker(tmp: Path) -> Path:
    bad = chat("conv-2")
    bad["turns"][1]["speaker"] = "Менеджер"
    path = tmp / "export.jsonl"
    path.write_text("\n".join(dumps(r) for r in [chat("conv-1"), bad, chat("conv-3")]) + "\n", encoding="utf-8")
    return path


def csv_unknown_speaker(tmp: Path) -> Path:
    path = tmp / "chats.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([
            ["conversation_id", "speaker", "text"],
            ["T-1", "customer", "My eggs arrived broken"],
            ["T-2", "customer", "Can I pay by invoice?"],
            ["T-2", "bot", "Let me find an agent for you."],
            ["T-1", "agent", "Sorry! I've refunded the eggs."],
            ["T-2", "agent", "Yes, for business accounts."],
        ])
    return path


def txt_unknown_first_speaker(tmp: Path) -> Path:
    path = tmp / "chat.txt"
    path.write_text("Bot: Hi! I'm Basky, how can I help?\nCustomer: My order is late\n", encoding="utf-8")
    return path


def txt_unknown_named_speaker(tmp: Path) -> Path:
    path = tmp / "чат.txt"
    path.write_text("Клиент: Где мой заказ?\nАнна (Оператор): Уже проверяю.\n"
                    "Бот (Помощник): Оцените, пожалуйста, наш чат.\n", encoding="utf-8")
    return path


def txt_without_speakers(tmp: Path) -> Path:
    path = tmp / "notes.txt"
    path.write_text("Called the customer about the late order, promised a voucher.\n", encoding="utf-8")
    return path


def cp1251(name: str, text: str) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(text.encode("cp1251"))
        return path
    return build


def utf16_txt(tmp: Path) -> Path:
    path = tmp / "chat.txt"  # Notepad's "Unicode"
    path.write_bytes("Клиент: Здравствуйте\nОператор: Добрый день!\n".encode("utf-16"))
    return path


def png_as_json(tmp: Path) -> Path:
    path = tmp / "chat.json"  # a screenshot saved under the wrong name
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0\x08\x02" + bytes(200))
    return path


def xlsx_as_csv(tmp: Path) -> Path:
    path = tmp / "chats.csv"  # an Excel workbook renamed to .csv
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return path


def empty(name: str, content: str = "") -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = tmp / name
        path.write_text(content, encoding="utf-8")
        return path
    return build


def csv_with_oversized_cell(tmp: Path) -> Path:
    path = tmp / "chats.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["conversation_id", "speaker", "text"])
        writer.writerow(["T-1", "customer", "Where is my order?"])
        writer.writerow(["T-2", "customer", "Order log: " + "status=delayed; " * 20_000])  # ~320 KB
        writer.writerow(["T-3", "customer", "Can I change the address?"])
    return path


def minified_json_as_csv(tmp: Path) -> Path:
    path = tmp / "dump.csv"  # a 600 KB one-line JSON export renamed to .csv
    path.write_text(dumps([chat(f"conv-{i}") for i in range(3000)]), encoding="utf-8")
    return path


def one_line_log_as_csv(tmp: Path) -> Path:
    path = tmp / "courier.csv"  # a 300 KB one-line log with no commas
    path.write_text("status=delayed; " * 20_000, encoding="utf-8")
    return path


RU_TEXT_CSV = "conversation_id,speaker,text\nc1,Клиент,Здравствуйте, где мой заказ?\nc1,Оператор,Добрый день!\n"
RU_TEXT_TXT = "Клиент: Где мой заказ?\nОператор: Уже в пути!\n"


def first_non_ascii(text: str) -> str:
    """Where a UTF-8 check of ``text`` saved as cp1251 fails: its first non-ASCII byte."""
    return f"byte {next(i for i, ch in enumerate(text) if not ch.isascii())}"

CASES = [
    # (builder, good ids still read, [(where, substrings of the problem)])
    pytest.param(truncated_json_object, [], [("", ["truncated or invalid JSON"])], id="truncated-json-object"),
    pytest.param(truncated_json_list_after_two, ["conv-1", "conv-2"], [("record 3", ["truncated or invalid JSON"])],
                 id="truncated-json-list"),
    pytest.param(truncated_jsonl_last_line, ["conv-1", "conv-2"], [("line 3", ["invalid JSON"])],
                 id="truncated-jsonl"),
    pytest.param(csv_without_text_column, [], [("line 1", ["missing required column(s) text",
                                                          "found conversation_id, speaker, message, time"])],
                 id="csv-missing-text"),
    pytest.param(csv_with_semicolons, [], [("line 1", ["missing required column(s) conversation_id, speaker, text"])],
                 id="csv-semicolons"),
    pytest.param(json_unknown_speaker, [], [("", ["conversation conv-7", "turn 1", "unknown speaker 'bot'"])],
                 id="json-unknown-speaker"),
    pytest.param(json_list_unknown_speaker, ["conv-1", "conv-3"],
                 [("record 2", ["conversation conv-2", "turn 1", "unknown speaker 'manager'"])],
                 id="json-list-unknown-speaker"),
    pytest.param(jsonl_unknown_speaker, ["conv-1", "conv-3"],
                 [("line 2", ["conversation conv-2", "turn 1", "unknown speaker 'Менеджер'"])],
                 id="jsonl-unknown-speaker"),
    pytest.param(csv_unknown_speaker, ["T-1"], [("line 4", ["conversation T-2", "unknown speaker 'bot'"])],
                 id="csv-unknown-speaker"),
    pytest.param(txt_unknown_first_speaker, [], [("line 1", ["unknown speaker 'Bot'"])], id="txt-unknown-speaker"),
    pytest.param(txt_unknown_named_speaker, [], [("line 3", ["unknown speaker 'Бот (Помощник)'"])],
                 id="txt-unknown-named-speaker"),
    pytest.param(txt_without_speakers, [], [("line 1", ["expected 'Speaker: text'"])], id="txt-no-speakers"),
    pytest.param(empty("chat.json"), [], [("", ["file is empty"])], id="empty-json"),
    pytest.param(empty("chats.jsonl", "\n\n  \n"), [], [("", ["file is empty"])], id="blank-jsonl"),
    pytest.param(empty("chats.csv"), [], [("", ["file is empty"])], id="empty-csv"),
    pytest.param(empty("chat.txt"), [], [("", ["file is empty"])], id="empty-txt"),
    pytest.param(cp1251("chat.json", dumps(RU_CHAT)), [],
                 [(first_non_ascii(dumps(RU_CHAT)), ["not valid UTF-8", "cp1251", "save the file as UTF-8"])],
                 id="cp1251-json"),
    pytest.param(cp1251("chats.jsonl", dumps(RU_CHAT) + "\n"), [],
                 [(first_non_ascii(dumps(RU_CHAT)), ["not valid UTF-8", "cp1251"])], id="cp1251-jsonl"),
    pytest.param(cp1251("chats.csv", RU_TEXT_CSV), [], [("byte 32", ["not valid UTF-8", "cp1251"])],
                 id="cp1251-csv"),
    pytest.param(cp1251("chat.txt", RU_TEXT_TXT), [], [("byte 0", ["not valid UTF-8", "cp1251"])], id="cp1251-txt"),
    pytest.param(utf16_txt, [], [("", ["UTF-16", "save it as UTF-8"])], id="utf16-txt"),
    pytest.param(png_as_json, [], [("", ["binary file"])], id="png-as-json"),
    pytest.param(xlsx_as_csv, [], [("", ["binary file"])], id="xlsx-as-csv"),
    pytest.param(csv_with_oversized_cell, ["T-1", "T-3"], [("line 3", ["bad CSV", "field larger than field limit"])],
                 id="csv-oversized-cell"),
    pytest.param(minified_json_as_csv, [], [("line 1", ["missing required column(s) conversation_id, speaker, text",
                                                       '(found [{"id": "conv-0"'])], id="json-as-csv"),
    pytest.param(one_line_log_as_csv, [], [("line 1", ["bad CSV header", "field larger than field limit"])],
                 id="csv-huge-header"),
]


@pytest.mark.parametrize(("build", "good_ids", "problems"), CASES)
def test_bad_input_is_reported_with_file_place_and_reason(tmp_path: Path, build, good_ids, problems) -> None:
    path = build(tmp_path)

    good, bad = split(list(read_path(path)))

    assert good == good_ids
    assert [(p.path, p.where) for p in bad] == [(str(path), where) for where, _ in problems]
    for problem, (where, parts) in zip(bad, problems, strict=True):
        for part in parts:
            assert part in problem.problem
        # The printed form starts with the file and the place, and stays one readable line.
        assert str(problem).startswith(f"{path}: {where}: " if where else f"{path}: ")
        assert "\n" not in str(problem) and len(problem.problem) < 500


@pytest.mark.parametrize(
    ("name", "problem"),
    [("screenshot.png", "unsupported file type"), ("chats.xlsx", "unsupported file type"),
     ("missing/chats.jsonl", "no such file or folder")],
)
def test_paths_that_are_not_transcripts(tmp_path: Path, name: str, problem: str) -> None:
    path = tmp_path / name
    if not name.startswith("missing"):
        path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(64))

    [item] = list(read_transcripts([path]))

    assert isinstance(item, InputProblem)
    assert item.path == str(path)
    assert problem in item.problem


def test_bad_file_in_a_folder_does_not_hide_the_others(tmp_path: Path) -> None:
    truncated_json_object(tmp_path)  # chat.json
    (tmp_path / "later.jsonl").write_text(dumps(chat("conv-9")) + "\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    png_as_json(tmp_path / "sub")

    good, bad = split(list(read_transcripts([tmp_path])))

    assert good == ["conv-9"]
    assert [(Path(p.path).relative_to(tmp_path).as_posix(), p.where) for p in bad] == [
        ("chat.json", ""), ("sub/chat.json", "")]


GIANT_MB = 50


def write_jsonl_with_giant_middle_line(path: Path) -> None:
    """Good line, one ~50 MB record (a pasted log), good line: written 1 MB at a time."""
    piece = b"Courier log: order #A-10442 status=delayed, retry in 5 min. "
    chunk = piece * (2**20 // len(piece))
    with path.open("wb") as out:
        out.write(dumps(chat("conv-before")).encode() + b"\n")
        out.write(b'{"id": "conv-giant", "turns": [{"speaker": "customer", "text": "')
        for _ in range(GIANT_MB):
            out.write(chunk)
        out.write(b'"}, {"speaker": "agent", "text": "Thanks, checking."}]}\n')
        out.write(dumps(RU_CHAT).encode() + b"\n")


def test_50_mb_record_is_refused_and_the_lines_around_it_are_read(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    write_jsonl_with_giant_middle_line(path)
    assert path.stat().st_size > (GIANT_MB - 1) * 2**20

    tracemalloc.start()
    started = time.perf_counter()
    try:
        good, bad = split(list(read_path(path)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started

    assert good == ["conv-before", "ru-1"]
    assert [(p.path, p.where) for p in bad] == [(str(path), "line 2")]
    assert f"longer than {MAX_LINE_BYTES // 2**20} MB" in bad[0].problem
    # Streamed: never holds the giant line, only a few buffers of MAX_LINE_BYTES.
    assert peak < GIANT_MB * 2**20 // 2, f"peak {peak / 2**20:.0f} MB while reading"
    assert elapsed < 10
