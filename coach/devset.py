"""The labelled dev sets kept beside the sample transcripts (``labels.jsonl``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from coach.config import DIMENSIONS


@dataclass(frozen=True)
class ReplyLabel:
    """Gold labels for one agent reply: per dimension 1 flagged, 0 clean, None not applicable."""

    conversation_id: str
    turn: int
    agent: str | None
    text_start: str
    labels: dict[str, int | None]
    gold_kb: tuple[str, ...] = ()
    reasons: dict[str, str] = field(default_factory=dict)
    #: Finer gold categories of a flag where the set has them (follow-through: open_promise, ...).
    kinds: tuple[str, ...] = ()


def load_labels(folder: str | Path) -> list[ReplyLabel]:
    """Every ``labels.jsonl`` under ``folder``."""
    out = []
    for path in sorted(Path(folder).rglob("labels.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            raw = json.loads(line)
            try:
                out.append(ReplyLabel(
                    conversation_id=raw["conversation_id"], turn=int(raw["turn"]), agent=raw.get("agent"),
                    text_start=raw.get("text_start", ""),
                    labels={d: raw.get(d) for d in DIMENSIONS}, gold_kb=tuple(raw.get("gold_kb") or ()),
                    reasons=raw.get("reasons") or {}, kinds=tuple(raw.get("kinds") or ()),
                ))
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path}: line {number}: bad label ({exc})") from None
    return out
