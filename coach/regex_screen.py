"""Run only the regexes that can match: one Aho-Corasick pass over a text rules the rest out.

Markers and strategies are some 600 small patterns, and running each one over every reply
was a quarter of all scoring time. Nearly every pattern needs one of a few literal words
("sorry", "not my", "please") somewhere in any match; those words go into one automaton, and
a pattern runs only when the text contains one of its words. Patterns with no such word run
always, so the results are exactly what running every pattern gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick

try:  # the regex parser's home since Python 3.11
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
if hasattr(sre_constants, "POSSESSIVE_REPEAT"):
    _REPEATS.add(sre_constants.POSSESSIVE_REPEAT)


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Lower-cased strings of which every match of ``pattern`` contains at least one, or None
    when the pattern needs no particular literal (then it must always be run)."""
    try:
        parsed = sre_parse.parse(pattern, flags)
    except (re.error, TypeError):
        return None
    return _sequence(list(parsed))


def _sequence(items: list) -> frozenset[str] | None:
    """The strongest requirement among a sequence's literal runs and its items."""
    options: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is sre_constants.LITERAL:
            run.append(chr(av))
            continue
        if run:
            options.append(frozenset(["".join(run)]))
            run = []
        found = _item(op, av)
        if found:
            options.append(found)
    if run:
        options.append(frozenset(["".join(run)]))
    options = [{s.lower() for s in option} for option in options if all(s.strip() for s in option)]
    if not options:
        return None
    # The best screen needs long words: the shortest word of the set, the longer the better.
    return frozenset(max(options, key=lambda o: (min(len(s) for s in o), -len(o))))


def _item(op, av) -> frozenset[str] | None:  # noqa: ANN001 - the parser's opcode and argument
    if op is sre_constants.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is sre_constants.BRANCH:
        alternatives = [_sequence(list(branch)) for branch in av[1]]
        if any(a is None for a in alternatives):
            return None
        return frozenset().union(*alternatives)  # type: ignore[arg-type]
    if op in _REPEATS:
        low, _, body = av
        return _sequence(list(body)) if low >= 1 else None
    return None  # classes, anchors, look-arounds, back-references: no literal required


class RegexScreen:
    """For a set of compiled patterns, says which can possibly match a given text."""

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        self._always: set[re.Pattern[str]] = set()
        self._by_literal: dict[str, list[re.Pattern[str]]] = {}
        for pattern in patterns:
            literals = required_literals(pattern.pattern, pattern.flags)
            if literals is None:
                self._always.add(pattern)
                continue
            for literal in literals:
                self._by_literal.setdefault(literal, []).append(pattern)
        self._automaton = ahocorasick.Automaton()
        for literal in self._by_literal:
            self._automaton.add_word(literal, literal)
        if self._by_literal:
            self._automaton.make_automaton()
        # Each turn is screened several times (one call per marker group), so remember a few.
        self.candidates = lru_cache(maxsize=2048)(self._candidates)

    def _candidates(self, text: str) -> frozenset[re.Pattern[str]]:
        """The patterns that may match ``text``."""
        found = set(self._always)
        if self._by_literal:
            for _, literal in self._automaton.iter(text.lower()):
                found.update(self._by_literal[literal])
        return frozenset(found)
