"""Frozen, typed records shared by the whole package.

Results are returned as new objects, never written onto inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Speaker = Literal["customer", "agent", "system"]
Severity = Literal["low", "medium", "high"]
SPEAKERS: tuple[str, ...] = ("customer", "agent", "system")
SEVERITIES: tuple[str, ...] = ("low", "medium", "high")


@dataclass(frozen=True)
class Turn:
    """One message of a conversation. ``extra`` keeps fields the contract does not name."""

    speaker: Speaker
    text: str
    time: str | None = None
    author: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Transcript:
    """A whole conversation as read from a file; ``source`` says where (``file:line``)."""

    id: str
    turns: tuple[Turn, ...]
    language: str | None = None
    channel: str | None = None
    agent: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def agent_turn_indices(self) -> list[int]:
        """Indices of the agent turns, in order."""
        return [i for i, turn in enumerate(self.turns) if turn.speaker == "agent"]

    def author_of(self, index: int) -> str | None:
        """The author of turn ``index``; agent turns default to the transcript's agent."""
        turn = self.turns[index]
        if turn.author:
            return turn.author
        return self.agent if turn.speaker == "agent" else None


@dataclass(frozen=True)
class KbArticle:
    """A knowledge-base article."""

    id: str
    title: str
    text: str
    language: str = "en"
    source: str = ""


@dataclass(frozen=True)
class KbPassage:
    """A retrievable piece of an article: one section or paragraph, with its article kept."""

    article_id: str
    title: str
    heading: str
    text: str
    language: str
    position: int


@dataclass(frozen=True)
class Evidence:
    """The span a flag points at: turn index and character offsets into that turn's text."""

    turn: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Suggestion:
    """Better wording, and for correctness the KB passage that gives the right answer."""

    text: str
    kb_article: str | None = None
    kb_passage: str | None = None


@dataclass(frozen=True)
class Flag:
    """A concrete, explainable problem in one reply. ``marker`` names the rule or model."""

    dimension: str
    severity: Severity
    reason: str
    evidence: Evidence
    suggestion: Suggestion | None = None
    marker: str = ""


@dataclass(frozen=True)
class DimensionScore:
    """One dimension's verdict on one reply; ``score`` is None when it does not apply."""

    dimension: str
    score: float | None
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class ReplyScore:
    """All dimensions' verdicts on one agent reply."""

    conversation_id: str
    turn: int
    agent: str | None
    language: str
    text: str
    dimensions: tuple[DimensionScore, ...]

    @property
    def scores(self) -> dict[str, float | None]:
        """Score per dimension name."""
        return {d.dimension: d.score for d in self.dimensions}

    @property
    def flags(self) -> tuple[Flag, ...]:
        """Every flag of every dimension."""
        return tuple(f for d in self.dimensions for f in d.flags)


@dataclass(frozen=True)
class ConversationResult:
    """The scores of every agent reply in one transcript."""

    transcript: Transcript
    language: str
    replies: tuple[ReplyScore, ...]
    #: Conversation-level findings per dimension (follow-through: open promises, unanswered
    #: questions), as plain data for reports and the app.
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
