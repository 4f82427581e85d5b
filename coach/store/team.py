"""The trainer's view of the team: scores per agent and dimension, weekly trends, frequent flag
reasons, KB gaps, levels (Junior / Middle / Senior) and mentor suggestions."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.store.models import Conversation, FlagRow, ScoreRow
from coach.store.repo import latest_run_ids

#: Experience in years that makes a Middle and a Senior specialist (the team's grading).
MIDDLE_YEARS, SENIOR_YEARS = 1.0, 3.0
#: A sustained mean quality below this keeps an agent Junior; at least this is needed for Senior.
JUNIOR_BELOW, SENIOR_AT_LEAST = 0.6, 0.8
#: Replies needed before scores count as sustained.
MIN_REPLIES = 5


def _current_scores(session: Session) -> list[ScoreRow]:
    latest = latest_run_ids(session)
    return [r for r in session.scalars(select(ScoreRow)) if latest.get(r.conversation_id) == r.run_id]


def agent_dimension_means(session: Session) -> dict[str, dict[str, float]]:
    """Mean applicable score per agent and dimension (latest scoring)."""
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in _current_scores(session):
        if row.agent and row.score is not None:
            sums[(row.agent, row.dimension)].append(row.score)
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (agent, dimension), values in sums.items():
        out[agent][dimension] = round(sum(values) / len(values), 3)
    return dict(out)


def weekly_trends(session: Session, agent: str | None = None) -> list[dict[str, Any]]:
    """Mean score per ISO week, agent and dimension, by the conversation's start date."""
    started = {c.id: c.started_at for c in session.scalars(select(Conversation))}
    buckets: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for row in _current_scores(session):
        when = started.get(row.conversation_id)
        if row.score is None or not when or not row.agent or (agent and row.agent != agent):
            continue
        try:
            day = dt.date.fromisoformat(when[:10])
        except ValueError:
            continue
        week = day - dt.timedelta(days=day.weekday())
        buckets[(week.isoformat(), row.agent, row.dimension)].append(row.score)
    return [{"week": w, "agent": a, "dimension": d, "score": round(sum(v) / len(v), 3)}
            for (w, a, d), v in sorted(buckets.items())]


def frequent_flag_reasons(session: Session, limit: int = 10) -> list[dict[str, Any]]:
    """The most frequent kinds of flag (by rule), with an example reason."""
    latest = latest_run_ids(session)
    counts: Counter[str] = Counter()
    example: dict[str, FlagRow] = {}
    for flag in session.scalars(select(FlagRow)):
        if latest.get(flag.conversation_id) == flag.run_id:
            counts[flag.marker or flag.dimension] += 1
            example.setdefault(flag.marker or flag.dimension, flag)
    return [{"rule": rule, "dimension": example[rule].dimension, "flags": n, "example": example[rule].reason}
            for rule, n in counts.most_common(limit)]


def kb_gaps(session: Session) -> list[dict[str, Any]]:
    """Customer questions the KB could not answer, across the stored conversations."""
    gaps = []
    for conversation in session.scalars(select(Conversation).order_by(Conversation.id)):
        for gap in ((conversation.summary or {}).get("correctness") or {}).get("kb_gaps", []):
            gaps.append({"conversation": conversation.id, "turn": gap["turn"], "question": gap["question"]})
    return gaps


def reply_counts(session: Session) -> Counter[str]:
    """How many replies each agent has in the latest scoring."""
    seen = {(r.agent, r.conversation_id, r.turn) for r in _current_scores(session) if r.agent}
    return Counter(agent for agent, _, _ in seen)


def agent_levels(means: dict[str, dict[str, float]], experience: dict[str, float],
                 replies: Counter[str]) -> dict[str, dict[str, Any]]:
    """Junior / Middle / Senior from configured experience, held back or confirmed by
    sustained scores (enough replies, mean quality)."""
    levels = {}
    for agent, scores in means.items():
        years = experience.get(agent)
        quality = sum(scores.values()) / len(scores) if scores else 0.0
        level = "Junior" if years is None or years < MIDDLE_YEARS else "Middle" if years < SENIOR_YEARS else "Senior"
        sustained = replies.get(agent, 0) >= MIN_REPLIES
        if sustained and quality < JUNIOR_BELOW:
            level = "Junior"
        elif level == "Senior" and sustained and quality < SENIOR_AT_LEAST:
            level = "Middle"
        levels[agent] = {"level": level, "experience_years": years, "quality": round(quality, 3),
                         "replies": replies.get(agent, 0)}
    return levels


def mentor_suggestions(means: dict[str, dict[str, float]], levels: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Pair each Junior with the Senior strongest on the Junior's weakest dimension."""
    seniors = [a for a, info in levels.items() if info["level"] == "Senior"]
    pairs = []
    for junior, info in sorted(levels.items()):
        if info["level"] != "Junior" or not means.get(junior) or not seniors:
            continue
        weakest = min(means[junior], key=means[junior].get)
        mentor = max(seniors, key=lambda s: means.get(s, {}).get(weakest, -1.0))
        pairs.append({"junior": junior, "weakest": weakest, "junior_score": means[junior][weakest],
                      "mentor": mentor, "mentor_score": means.get(mentor, {}).get(weakest)})
    return pairs
