"""Plain-data views the app shows (kept here so the app stays a thin layer)."""

from __future__ import annotations

from typing import Any

from coach.types import ConversationResult

SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}


def flag_queue(results: list[ConversationResult]) -> list[dict[str, Any]]:
    """One row per flag, worst first: what a reviewer works through."""
    rows = []
    for result in results:
        first_time = next((t.time for t in result.transcript.turns if t.time), None)
        for reply in result.replies:
            for number, flag in enumerate(reply.flags):
                rows.append({
                    "conversation": reply.conversation_id, "turn": reply.turn, "flag": number,
                    "agent": reply.agent or "", "language": reply.language, "date": (first_time or "")[:10],
                    "dimension": flag.dimension, "severity": flag.severity, "reason": flag.reason,
                    "score": reply.scores.get(flag.dimension),
                })
    rows.sort(key=lambda r: (-SEVERITY_RANK[r["severity"]], r["conversation"], r["turn"]))
    return rows


def conversation_quality(result: ConversationResult, weights: dict[str, float]) -> float | None:
    """Weighted mean of the replies' applicable scores (the rubric's conversation score)."""
    total = weight_sum = 0.0
    for reply in result.replies:
        for dim, score in reply.scores.items():
            if score is not None:
                total += weights.get(dim, 1.0) * score
                weight_sum += weights.get(dim, 1.0)
    return round(total / weight_sum, 3) if weight_sum else None
