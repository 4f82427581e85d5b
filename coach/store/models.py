"""SQLAlchemy tables of the store."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("reviewer", "trainer", "agent", "admin")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base with JSON for dict columns."""

    type_annotation_map = {dict[str, Any]: JSON}


class User(Base):
    """A person using the app; agents are tied to the agent id their replies carry."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    agent_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class Conversation(Base):
    """An imported transcript; ``raw`` keeps every field it came with, unknown ones included."""

    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(10), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(40), nullable=True)
    agent: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    source: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    #: Conversation-level findings of the latest scoring (open promises, KB gaps, ...).
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    imported_at: Mapped[dt.datetime] = mapped_column(default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=_now, onupdate=_now)
    turns: Mapped[list[TurnRow]] = relationship(back_populates="conversation", cascade="all, delete-orphan",
                                                order_by="TurnRow.index")


class TurnRow(Base):
    """One turn of a stored conversation."""

    __tablename__ = "turns"
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    index: Mapped[int] = mapped_column(Integer, primary_key=True)
    speaker: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(120), nullable=True)
    time: Mapped[str | None] = mapped_column(String(40), nullable=True)
    conversation: Mapped[Conversation] = relationship(back_populates="turns")


class ScoreRun(Base):
    """One scoring of some conversations by one model version."""

    __tablename__ = "score_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    model_version: Mapped[str] = mapped_column(String(80), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class ScoreRow(Base):
    """A reply's score on one dimension in one run (``score`` None: not applicable)."""

    __tablename__ = "scores"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("score_runs.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    agent: Mapped[str | None] = mapped_column(String(120), nullable=True)
    dimension: Mapped[str] = mapped_column(String(40))
    score: Mapped[float | None] = mapped_column(Float, nullable=True)


class FlagRow(Base):
    """A flag raised in one run; ``flag_key`` is stable across runs for the same finding."""

    __tablename__ = "flags"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("score_runs.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    flag_key: Mapped[str] = mapped_column(String(64), index=True)
    dimension: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    marker: Mapped[str] = mapped_column(String(80), default="")
    evidence_turn: Mapped[int] = mapped_column(Integer)
    evidence_start: Mapped[int] = mapped_column(Integer)
    evidence_end: Mapped[int] = mapped_column(Integer)
    evidence_text: Mapped[str] = mapped_column(Text)
    suggestion: Mapped[str | None] = mapped_column(Text, nullable=True)
    kb_article: Mapped[str | None] = mapped_column(String(200), nullable=True)
    kb_passage: Mapped[str | None] = mapped_column(Text, nullable=True)


class Decision(Base):
    """A reviewer accepting or rejecting a flag."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("user_id", "conversation_id", "turn", "flag_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    flag_key: Mapped[str] = mapped_column(String(64))
    dimension: Mapped[str] = mapped_column(String(40))
    accepted: Mapped[bool] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class ScoreOverride(Base):
    """A reviewer's own score for a reply on a dimension, with a comment."""

    __tablename__ = "score_overrides"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    dimension: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class Comment(Base):
    """A free comment on a conversation or one of its replies."""

    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    turn: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class CoachingSession(Base):
    """A trainer's coaching session built from flagged and exemplary replies."""

    __tablename__ = "coaching_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    items: Mapped[list[CoachingItem]] = relationship(cascade="all, delete-orphan", order_by="CoachingItem.position")


class CoachingItem(Base):
    """A reply in a coaching session, flagged or exemplary, with an exercise."""

    __tablename__ = "coaching_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_sessions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    conversation_id: Mapped[str] = mapped_column(String(200))
    turn: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    exercise: Mapped[str] = mapped_column(Text, default="")
