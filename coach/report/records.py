"""Result objects as the plain dicts of the output contract."""

from __future__ import annotations

from typing import Any

from coach.types import Flag, ReplyScore


def flag_record(flag: Flag) -> dict[str, Any]:
    """A flag as in ../shared/CONTRACT.md."""
    record: dict[str, Any] = {
        "dimension": flag.dimension,
        "severity": flag.severity,
        "reason": flag.reason,
        "evidence": {"turn": flag.evidence.turn, "start": flag.evidence.start,
                     "end": flag.evidence.end, "text": flag.evidence.text},
        "suggestion": None,
        "marker": flag.marker,
    }
    if flag.suggestion is not None:
        record["suggestion"] = {"text": flag.suggestion.text, "kb_article": flag.suggestion.kb_article,
                                "kb_passage": flag.suggestion.kb_passage}
    return record


def reply_record(reply: ReplyScore, with_conversation: bool = True) -> dict[str, Any]:
    """One output line for an agent reply (``coach score``); ``coach check`` drops the ids."""
    record: dict[str, Any] = {}
    if with_conversation:
        record.update(conversation_id=reply.conversation_id, turn=reply.turn, agent=reply.agent)
    record.update(language=reply.language, text=reply.text, scores=reply.scores,
                  flags=[flag_record(f) for f in reply.flags])
    return record
