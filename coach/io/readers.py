"""Transcript readers, one per format, chosen by file extension.

Every reader yields ``Transcript`` objects and ``InputProblem``s in file order, so a bad record
never hides the good ones after it. Files are streamed: a huge JSONL, CSV or JSON list never
sits in memory whole.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from coach.errors import InputProblem
from coach.io.records import RecordError, build_transcript, build_turn, role_of
from coach.io.textfile import check_readable, iter_lines
from coach.types import Transcript, Turn

log = logging.getLogger(__name__)

ReadItem = Transcript | InputProblem
SUFFIXES = (".json", ".jsonl", ".csv", ".txt")
#: Dev-set annotations may live beside sample transcripts; a folder scan leaves them out.
ANNOTATION_FILES = frozenset({"labels.jsonl"})
CSV_REQUIRED = ("conversation_id", "speaker", "text")
CSV_TURN_COLUMNS = ("speaker", "text", "time", "author")
CSV_TRANSCRIPT_COLUMNS = ("conversation_id", "language", "channel")


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path | InputProblem]:
    """Expand files and folders (recursively, sorted) into the transcript files to read."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in SUFFIXES:
                    if child.name in ANNOTATION_FILES:
                        log.info("skipping annotation file %s", child)
                        continue
                    yield child
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                yield path
            else:
                expected = ", ".join(SUFFIXES)
                yield InputProblem(str(path), "", f"unsupported file type (expected {expected})")
        else:
            yield InputProblem(str(path), "", "no such file or folder")


def read_transcripts(paths: Iterable[str | Path]) -> Iterator[ReadItem]:
    """Read every transcript under ``paths``; problems are yielded, never raised."""
    for item in iter_input_files(paths):
        if isinstance(item, InputProblem):
            yield item
        else:
            yield from read_path(item)


def read_path(path: Path) -> Iterator[ReadItem]:
    """Read one file with the reader its extension names."""
    problem = check_readable(path)
    if problem:
        yield problem
        return
    reader = {".json": read_json, ".jsonl": read_jsonl, ".csv": read_csv, ".txt": read_txt}
    try:
        yield from reader[path.suffix.lower()](path)
    except UnicodeDecodeError as exc:
        yield InputProblem(str(path), f"byte {exc.start}", "text is not valid UTF-8")


def read_jsonl(path: Path) -> Iterator[ReadItem]:
    """One transcript object per line; blank lines are allowed."""
    name = str(path)
    for number, line in iter_lines(path):
        if isinstance(line, InputProblem):
            yield line
            continue
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputProblem(name, where, f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        yield _transcript_or_problem(record, name, where)


def read_json(path: Path) -> Iterator[ReadItem]:
    """One transcript object, or a list of them (streamed with ijson)."""
    import ijson

    name = str(path)
    with path.open("rb") as handle:
        if handle.read(3) != b"\xef\xbb\xbf":  # ijson refuses a UTF-8 BOM (Windows editors write one)
            handle.seek(0)
        first = _first_significant_byte(handle)
        prefix = "item" if first == b"[" else ""
        count = 0
        try:
            for record in ijson.items(handle, prefix, use_float=True):
                count += 1
                where = f"record {count}" if prefix else ""
                yield _transcript_or_problem(record, name, where)
        except ijson.JSONError as exc:
            where = f"record {count + 1}" if prefix else ""
            detail = str(exc).splitlines()[0] if str(exc) else "parse error"
            yield InputProblem(name, where, f"truncated or invalid JSON ({detail})")


def _first_significant_byte(handle) -> bytes:  # noqa: ANN001 - a binary file object
    start = handle.tell()
    while True:
        byte = handle.read(1)
        if not byte or not byte.isspace() and byte not in (b"\xef", b"\xbb", b"\xbf"):
            handle.seek(start)
            return byte


def _transcript_or_problem(record: object, name: str, where: str) -> ReadItem:
    try:
        return build_transcript(record, source=f"{name}:{where}" if where else name)
    except RecordError as exc:
        return InputProblem(name, where, str(exc))


def read_csv(path: Path) -> Iterator[ReadItem]:
    """One row per turn. Conversations may interleave: a first pass notes where each one ends,
    so the second pass can emit each as soon as its last row is read."""
    name = str(path)
    last_row: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = [0]
        reader = csv.DictReader(_counted(handle, lines))
        try:
            header = reader.fieldnames or []
        except csv.Error as exc:
            yield InputProblem(name, "line 1", f"bad CSV header: {exc}")
            return
        missing = [column for column in CSV_REQUIRED if column not in header]
        if missing:
            found = ", ".join(header) if header else "nothing"
            found = found if len(found) <= 200 else found[:200] + "..."  # one readable error line
            yield InputProblem(name, "line 1", f"missing required column(s) {', '.join(missing)} (found {found})")
            return
        for row_number, (_, row) in enumerate(_csv_rows(reader, lines)):
            if isinstance(row, dict):
                last_row[(row.get("conversation_id") or "").strip()] = row_number
    yield from _csv_conversations(path, last_row)


def _counted(handle: Iterable[str], lines: list[int]) -> Iterator[str]:
    """Pass a file's lines to csv, counting them in ``lines[0]`` (csv's own ``line_num``
    lags one line behind on a row it rejects)."""
    for line in handle:
        lines[0] += 1
        yield line


def _csv_rows(reader: csv.DictReader, lines: list[int]) -> Iterator[tuple[int, dict[str, str] | str]]:
    """``(line, row)`` per row, or ``(line, message)`` for a row csv refuses (say a field over
    csv's size limit): one bad row must not hide the good rows around it."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield lines[0], f"bad CSV: {exc}"
            continue
        yield lines[0], row


def _csv_conversations(path: Path, last_row: dict[str, int]) -> Iterator[ReadItem]:
    name = str(path)
    open_turns: dict[str, list[Turn]] = {}
    open_fields: dict[str, dict[str, str]] = {}
    broken: dict[str, InputProblem] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = [0]
        reader = csv.DictReader(_counted(handle, lines))
        for row_number, (line_number, row) in enumerate(_csv_rows(reader, lines)):
            where = f"line {line_number}"
            if isinstance(row, str):
                yield InputProblem(name, where, row)
                continue
            conv_id = (row.get("conversation_id") or "").strip()
            if not conv_id:
                yield InputProblem(name, where, "empty conversation_id")
                continue
            if conv_id not in broken:
                try:
                    turn_raw = {k: v for k, v in row.items() if k not in CSV_TRANSCRIPT_COLUMNS and k}
                    turn_raw = {k: v for k, v in turn_raw.items() if v not in (None, "") or k in ("speaker", "text")}
                    turns = open_turns.setdefault(conv_id, [])
                    turns.append(build_turn(turn_raw, len(turns)))
                    fields = open_fields.setdefault(conv_id, {"first_line": where})
                    for column in ("language", "channel"):
                        if row.get(column) and column not in fields:
                            fields[column] = row[column].strip()
                except RecordError as exc:
                    broken[conv_id] = InputProblem(name, where, f"conversation {conv_id}: {exc}")
                    open_turns.pop(conv_id, None)
            if row_number == last_row.get(conv_id):
                if conv_id in broken:
                    yield broken.pop(conv_id)
                    continue
                fields = open_fields.pop(conv_id)
                turns = open_turns.pop(conv_id)
                agents = [t.author for t in turns if t.speaker == "agent" and t.author]
                yield Transcript(
                    id=conv_id,
                    turns=tuple(turns),
                    language=fields.get("language"),
                    channel=fields.get("channel"),
                    agent=agents[0] if agents else None,
                    source=f"{name}:{fields['first_line']}",
                )


_SPEAKER_LINE = re.compile(r"^\s*(?P<label>[^:\n]{1,60}?)\s*:\s?(?P<text>.*)$")
_NAME_ROLE = re.compile(r"^(?P<name>.+?)\s*\((?P<role>[^()]+)\)$")


def parse_speaker_label(label: str) -> tuple[str | None, str | None, bool]:
    """Return ``(role, author, looks_like_label)`` for the text before a ``:``.

    ``Anna (Agent)`` gives ("agent", "Anna", True); ``Customer`` gives ("customer", None, True);
    ``Bot (Helper)`` gives (None, "Bot", True): a label with an unknown role.
    """
    named = _NAME_ROLE.match(label.strip())
    if named:
        return role_of(named.group("role")), named.group("name").strip(), True
    return role_of(label), None, False


def read_txt(path: Path) -> Iterator[ReadItem]:
    """One conversation per file, ``Speaker: text`` per turn; other lines continue a turn."""
    name = str(path)
    turns: list[dict[str, str]] = []
    for number, line in iter_lines(path):
        if isinstance(line, InputProblem):
            yield line
            return
        line = line.rstrip("\r\n")
        match = _SPEAKER_LINE.match(line)
        role, author, is_label = parse_speaker_label(match.group("label")) if match else (None, None, False)
        if match and role:
            turn = {"speaker": role, "text": match.group("text").strip()}
            if author:
                turn["author"] = author
            turns.append(turn)
        elif is_label or (not turns and line.strip()):
            label = match.group("label") if match else line.strip()[:40]
            problem = f"unknown speaker {label!r}" if match else "expected 'Speaker: text'"
            yield InputProblem(name, f"line {number}", problem)
            return
        elif turns:
            turns[-1]["text"] += "\n" + line
    if not turns:
        yield InputProblem(name, "", "no 'Speaker: text' lines found")
        return
    built = []
    for index, raw in enumerate(turns):
        raw["text"] = raw["text"].strip()
        built.append(build_turn(raw, index))
    agents = [t.author for t in built if t.speaker == "agent" and t.author]
    yield Transcript(
        id=path.stem, turns=tuple(built), agent=agents[0] if agents else None, source=name
    )
