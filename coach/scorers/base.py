"""What every scorer is given and returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from coach.config import Config, DimensionConfig
from coach.types import DimensionScore, Evidence, Flag, Suggestion

if TYPE_CHECKING:
    from coach.kb_index import KbIndex
    from coach.nlp import Analysis, NlpToolkit


@dataclass(frozen=True)
class Resources:
    """Shared, loaded-once things a scorer may use."""

    config: Config
    nlp: NlpToolkit
    kb: KbIndex | None = None


class Scorer(ABC):
    """Scores every agent reply of an analysed transcript on one dimension.

    A scorer sees the whole conversation (follow-through needs later turns), so it returns a
    score for each agent turn index at once.
    """

    name: ClassVar[str] = ""

    def __init__(self, settings: DimensionConfig, resources: Resources) -> None:
        self.settings = settings
        self.resources = resources

    def warm_up(self) -> None:
        """Load whatever the scorer loads lazily (heads, indexes). Called before worker
        processes are forked, so they share it instead of each loading its own."""
        return None  # rule-only scorers load nothing

    @abstractmethod
    def score(self, analysis: Analysis) -> dict[int, DimensionScore]:
        """Return a ``DimensionScore`` for every agent turn index of ``analysis``."""

    def score_conversation(self, analysis: Analysis) -> tuple[dict[int, DimensionScore], dict[str, Any] | None]:
        """Per-reply scores plus an optional conversation-level summary (plain data)."""
        return self.score(analysis), None

    def make_flag(self, severity: str, reason: str, turn: int, start: int, end: int, text: str,
                  suggestion: str | Suggestion | None, marker: str) -> Flag:
        """A flag of this dimension with its evidence span."""
        if isinstance(suggestion, str):
            suggestion = Suggestion(suggestion)
        return Flag(self.name, severity, reason, Evidence(turn, start, end, text[start:end]),  # type: ignore[arg-type]
                    suggestion, marker)

    def from_flags(self, flags: list[Flag], bonus: float = 0.0) -> DimensionScore:
        """Score = 1 minus the configured penalty of each flag (plus ``bonus``), in [0, 1]."""
        penalties = self.resources.config.penalties
        value = 1.0 + bonus - sum(penalties.get(f.severity, 0.3) for f in flags)
        return DimensionScore(self.name, round(min(1.0, max(0.0, value)), 3), tuple(flags))

    def not_applicable(self) -> DimensionScore:
        """The dimension does not apply to this reply."""
        return DimensionScore(self.name, None, ())
