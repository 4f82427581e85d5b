"""Read models for the app: the review queue and a conversation with its latest scores.

Access rules live here, not in the app: an agent only ever gets their own conversations.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.store.models import Conversation, Decision, FlagRow, ScoreRow, User
from coach.store.repo import current_flags, latest_run_ids

SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}


class AccessDenied(PermissionError):
    """The user may not see this conversation."""


def _may_see(user: User, conversation: Conversation) -> bool:
    return user.role != "agent" or conversation.agent == (user.agent_id or user.username)


def review_queue(session: Session, user: User) -> list[dict[str, Any]]:
    """Current flags the user may see, worst first, with whether this user has judged them."""
    conversations = {c.id: c for c in session.scalars(select(Conversation))}
    judged = {(d.conversation_id, d.turn, d.flag_key): d.accepted
              for d in session.scalars(select(Decision).where(Decision.user_id == user.id))}
    rows = []
    for flag in current_flags(session):
        conversation = conversations.get(flag.conversation_id)
        if conversation is None or not _may_see(user, conversation):
            continue
        decision = judged.get((flag.conversation_id, flag.turn, flag.flag_key))
        rows.append({
            "flag_id": flag.id, "conversation": flag.conversation_id, "turn": flag.turn,
            "agent": conversation.agent or "", "language": conversation.language or "",
            "date": (conversation.started_at or "")[:10], "dimension": flag.dimension, "severity": flag.severity,
            "reason": flag.reason, "reviewed": decision is not None,
            "decision": "" if decision is None else ("accepted" if decision else "rejected"),
        })
    rows.sort(key=lambda r: (-SEVERITY_RANK.get(r["severity"], 0), r["conversation"], r["turn"]))
    return rows


def conversation_view(session: Session, user: User, conversation_id: str) -> dict[str, Any]:
    """Turns, latest scores per reply and current flags of one conversation."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise KeyError(conversation_id)
    if not _may_see(user, conversation):
        raise AccessDenied(f"{user.username} may not open conversation {conversation_id}")
    run_id = latest_run_ids(session).get(conversation_id)
    scores: dict[int, dict[str, float | None]] = {}
    for row in session.scalars(select(ScoreRow).where(ScoreRow.conversation_id == conversation_id,
                                                      ScoreRow.run_id == run_id)):
        scores.setdefault(row.turn, {})[row.dimension] = row.score
    flags = list(session.scalars(select(FlagRow).where(FlagRow.conversation_id == conversation_id,
                                                       FlagRow.run_id == run_id)))
    return {"conversation": conversation, "turns": list(conversation.turns), "scores": scores, "flags": flags}


def agents_in_store(session: Session) -> list[str]:
    """Every agent id that has conversations."""
    return sorted({a for a in session.scalars(select(Conversation.agent)) if a})


def as_flag(row: FlagRow):  # noqa: ANN201 - coach.types.Flag
    """A stored flag as the library's ``Flag`` (for rendering with the report helpers)."""
    from coach.types import Evidence, Flag, Suggestion

    suggestion = Suggestion(row.suggestion, row.kb_article, row.kb_passage) if row.suggestion else None
    return Flag(row.dimension, row.severity, row.reason,  # type: ignore[arg-type]
                Evidence(row.evidence_turn, row.evidence_start, row.evidence_end, row.evidence_text),
                suggestion, row.marker)


def scorecard(scores: dict[int, dict[str, float | None]], flags: list[FlagRow],
              weights: dict[str, float]) -> dict[str, Any]:
    """A conversation's internal quality score: the weighted mean of its replies' applicable
    scores; any high-severity flag marks it for review whatever the mean (the rubric)."""
    total = weight_sum = 0.0
    per_dimension: dict[str, list[float]] = {}
    for reply in scores.values():
        for dimension, score in reply.items():
            if score is None:
                continue
            weight = weights.get(dimension, 1.0)
            total += weight * score
            weight_sum += weight
            per_dimension.setdefault(dimension, []).append(score)
    return {
        "quality": round(total / weight_sum, 3) if weight_sum else None,
        "dimensions": {d: round(sum(v) / len(v), 3) for d, v in per_dimension.items()},
        "review": any(f.severity == "high" for f in flags),
    }


def exemplary_replies(session: Session, user: User, minimum: float = 0.9) -> list[dict[str, Any]]:
    """Replies with no current flag whose applicable scores are all at least ``minimum``."""
    latest = latest_run_ids(session)
    flagged = {(f.conversation_id, f.turn) for f in current_flags(session)}
    conversations = {c.id: c for c in session.scalars(select(Conversation))}
    replies: dict[tuple[str, int], list[float]] = {}
    for row in session.scalars(select(ScoreRow)):
        if latest.get(row.conversation_id) == row.run_id and row.score is not None:
            replies.setdefault((row.conversation_id, row.turn), []).append(row.score)
    out = []
    for (conversation_id, turn), scores in sorted(replies.items()):
        conversation = conversations.get(conversation_id)
        if (conversation_id, turn) in flagged or conversation is None or not _may_see(user, conversation):
            continue
        if len(scores) >= 2 and min(scores) >= minimum:
            out.append({"conversation": conversation_id, "turn": turn, "agent": conversation.agent or "",
                        "quality": round(sum(scores) / len(scores), 3)})
    return out
