"""Marker phrases (``coach/data/markers.toml``): explainable rules that return the spans they
matched, in English and Russian."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coach.regex_screen import RegexScreen

MARKERS_FILE = Path(__file__).resolve().parent.parent / "data" / "markers.toml"
#: Typographic apostrophes become ASCII ones (same length, so offsets stay valid).
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


@dataclass(frozen=True)
class Marker:
    """A named group of patterns for one dimension and language."""

    name: str
    dimension: str
    kind: str
    lang: str
    patterns: tuple[re.Pattern[str], ...]
    severity: str = "medium"
    reason: str = ""
    suggestion: str = ""


@dataclass(frozen=True)
class MarkerHit:
    """Where a marker matched: character offsets into the searched text."""

    marker: Marker
    start: int
    end: int
    text: str

    @property
    def reason(self) -> str:
        """The marker's reason with the matched words filled in."""
        return self.marker.reason.format(match=self.text)


@cache
def load_markers(path: Path = MARKERS_FILE) -> tuple[Marker, ...]:
    """Parse and compile the marker file once."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    markers = []
    for raw in data["marker"]:
        flags = re.IGNORECASE | re.MULTILINE
        markers.append(Marker(
            name=raw["name"], dimension=raw["dimension"], kind=raw["kind"], lang=raw["lang"],
            patterns=tuple(re.compile(p, flags) for p in raw["patterns"]),
            severity=raw.get("severity", "medium"), reason=raw.get("reason", ""),
            suggestion=raw.get("suggestion", ""),
        ))
    return tuple(markers)


@cache
def markers_for(dimension: str, language: str, kind: str | None = None, name: str | None = None) -> tuple[Marker, ...]:
    """Markers of a dimension for ``language`` (English ones when the language has none)."""
    pool = [m for m in load_markers() if m.dimension == dimension
            and (kind is None or m.kind == kind) and (name is None or m.name == name)]
    own = tuple(m for m in pool if m.lang == language)
    return own or tuple(m for m in pool if m.lang == "en")


@cache
def _screen() -> RegexScreen:
    return RegexScreen(p for marker in load_markers() for p in marker.patterns)


def find(markers: Sequence[Marker], text: str) -> list[MarkerHit]:
    """Every non-overlapping match of ``markers`` in ``text``, in text order."""
    normalised = text.translate(_APOSTROPHES)
    possible = _screen().candidates(normalised)
    hits: list[MarkerHit] = []
    for marker in markers:
        for pattern in marker.patterns:
            if pattern not in possible:
                continue
            for match in pattern.finditer(normalised):
                if match.end() > match.start():
                    hits.append(MarkerHit(marker, match.start(), match.end(), text[match.start():match.end()]))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[MarkerHit] = []
    for hit in hits:
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def has(dimension: str, name: str, language: str, text: str) -> list[MarkerHit]:
    """Shortcut: hits of the cue or flag ``name`` of ``dimension`` in ``text``."""
    return find(markers_for(dimension, language, name=name), text)
