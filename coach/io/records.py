"""Turning parsed records (dicts) into validated ``Transcript`` objects."""

from __future__ import annotations

from typing import Any

from coach.types import Transcript, Turn

#: Speaker words mapped to roles, case-insensitively (the contract's TXT list, used everywhere).
SPEAKER_ROLES: dict[str, str] = {
    "agent": "agent",
    "support": "agent",
    "operator": "agent",
    "оператор": "agent",
    "специалист": "agent",
    "поддержка": "agent",
    "customer": "customer",
    "client": "customer",
    "user": "customer",
    "клиент": "customer",
    "пользователь": "customer",
    "system": "system",
    "система": "system",
}
TURN_FIELDS = ("speaker", "text", "time", "author")
TRANSCRIPT_FIELDS = ("id", "turns", "language", "channel", "agent", "meta")
#: Longer single messages are refused: they are broken exports, not something a person wrote.
MAX_TURN_CHARS = 100_000
MAX_TURNS = 5_000


class RecordError(ValueError):
    """A record that cannot become a transcript; the message says what is wrong."""


def role_of(word: str) -> str | None:
    """The role (customer/agent/system) a speaker word stands for, or None if unknown."""
    return SPEAKER_ROLES.get(word.strip().lower())


def _optional_str(record: dict[str, Any], key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise RecordError(f"{where}'{key}' must be a string, got {type(value).__name__}")
    return str(value)


def build_turn(raw: Any, index: int) -> Turn:
    """Validate one turn object; ``index`` is only used in messages."""
    where = f"turn {index}: "
    if not isinstance(raw, dict):
        raise RecordError(f"{where}must be an object, got {type(raw).__name__}")
    speaker_word = raw.get("speaker")
    if not isinstance(speaker_word, str) or not speaker_word.strip():
        raise RecordError(f"{where}missing required field 'speaker'")
    role = role_of(speaker_word)
    if role is None:
        raise RecordError(
            f"{where}unknown speaker {speaker_word!r} (expected customer, agent or system)"
        )
    text = raw.get("text")
    if text is None:
        raise RecordError(f"{where}missing required field 'text'")
    if not isinstance(text, str):
        raise RecordError(f"{where}'text' must be a string, got {type(text).__name__}")
    if len(text) > MAX_TURN_CHARS:
        raise RecordError(f"{where}text is {len(text):,} characters; the limit is {MAX_TURN_CHARS:,}")
    extra = {k: v for k, v in raw.items() if k not in TURN_FIELDS}
    return Turn(
        speaker=role,  # type: ignore[arg-type]
        text=text,
        time=_optional_str(raw, "time", where),
        author=_optional_str(raw, "author", where),
        extra=extra,
    )


def build_transcript(raw: Any, source: str) -> Transcript:
    """Validate a transcript object from JSON/JSONL; unknown fields are kept in ``extra``."""
    if not isinstance(raw, dict):
        raise RecordError(f"expected a transcript object, got {type(raw).__name__}")
    conv_id = raw.get("id")
    if conv_id is None or (isinstance(conv_id, str) and not conv_id.strip()):
        raise RecordError("missing required field 'id'")
    if not isinstance(conv_id, (str, int)) or isinstance(conv_id, bool):
        raise RecordError(f"'id' must be a string, got {type(conv_id).__name__}")
    turns = raw.get("turns")
    if turns is None:
        raise RecordError(f"conversation {conv_id}: missing required field 'turns'")
    if not isinstance(turns, list):
        raise RecordError(f"conversation {conv_id}: 'turns' must be a list")
    if len(turns) > MAX_TURNS:
        raise RecordError(f"conversation {conv_id}: {len(turns):,} turns; the limit is {MAX_TURNS:,}")
    try:
        built = tuple(build_turn(turn, i) for i, turn in enumerate(turns))
    except RecordError as exc:
        raise RecordError(f"conversation {conv_id}: {exc}") from None
    meta = raw.get("meta") or {}
    if not isinstance(meta, dict):
        raise RecordError(f"conversation {conv_id}: 'meta' must be an object")
    where = f"conversation {conv_id}: "
    return Transcript(
        id=str(conv_id),
        turns=built,
        language=_optional_str(raw, "language", where),
        channel=_optional_str(raw, "channel", where),
        agent=_optional_str(raw, "agent", where),
        meta=meta,
        extra={k: v for k, v in raw.items() if k not in TRANSCRIPT_FIELDS},
        source=source,
    )


def transcript_record(transcript: Transcript) -> dict:
    """The transcript as a contract object, unknown fields included (nothing is dropped)."""
    turns = []
    for turn in transcript.turns:
        item = {"speaker": turn.speaker, "text": turn.text, **turn.extra}
        if turn.time:
            item["time"] = turn.time
        if turn.author:
            item["author"] = turn.author
        turns.append(item)
    record = {"id": transcript.id, **transcript.extra, "turns": turns}
    for key in ("language", "channel", "agent"):
        if getattr(transcript, key):
            record[key] = getattr(transcript, key)
    if transcript.meta:
        record["meta"] = transcript.meta
    return record
