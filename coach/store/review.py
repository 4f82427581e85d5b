"""Reviewer work beyond accept/reject: score overrides, comments, and calibration between two
reviewers (Cohen's kappa per dimension on the flags both judged)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.store.models import Comment, Decision, ScoreOverride, User


def override_score(session: Session, user: User, conversation_id: str, turn: int, dimension: str,
                   score: float, comment: str) -> ScoreOverride:
    """Record a reviewer's own score for a reply (0-1) with the reason."""
    if not 0.0 <= score <= 1.0:
        raise ValueError("a score is between 0 and 1")
    row = ScoreOverride(user_id=user.id, conversation_id=conversation_id, turn=turn, dimension=dimension,
                        score=score, comment=comment)
    session.add(row)
    return row


def add_comment(session: Session, user: User, conversation_id: str, text: str, turn: int | None = None) -> Comment:
    """A free comment on a conversation or one reply."""
    if not text.strip():
        raise ValueError("a comment needs text")
    row = Comment(user_id=user.id, conversation_id=conversation_id, turn=turn, text=text)
    session.add(row)
    return row


def calibration(session: Session, first: User, second: User) -> dict[str, Any]:
    """Agreement of two reviewers on the flags both judged: kappa per dimension, and the flags
    they disagree on."""
    from sklearn.metrics import cohen_kappa_score

    def decisions(user: User) -> dict[tuple[str, int, str], Decision]:
        rows = session.scalars(select(Decision).where(Decision.user_id == user.id))
        return {(d.conversation_id, d.turn, d.flag_key): d for d in rows}

    mine, theirs = decisions(first), decisions(second)
    shared = sorted(set(mine) & set(theirs))
    by_dimension: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    disagreements = []
    for key in shared:
        a, b = mine[key], theirs[key]
        by_dimension[a.dimension].append((a.accepted, b.accepted))
        if a.accepted != b.accepted:
            disagreements.append({"conversation": key[0], "turn": key[1], "dimension": a.dimension,
                                  first.username: "accept" if a.accepted else "reject",
                                  second.username: "accept" if b.accepted else "reject"})
    kappas = {}
    for dimension, pairs in sorted(by_dimension.items()):
        left, right = [p[0] for p in pairs], [p[1] for p in pairs]
        # Kappa is undefined when both said the same single answer throughout: that is full agreement.
        kappas[dimension] = {"n": len(pairs), "kappa": 1.0 if left == right and len(set(left)) == 1
                             else round(float(cohen_kappa_score(left, right)), 3)}
    return {"shared": len(shared), "kappa": kappas, "disagreements": disagreements}
