"""spaCy's ``attribute_ruler`` for the English pipeline, with the same rules and results, faster.

en_core_web_sm maps tagger tags to POS and morphology (which the rule lemmatizer needs) with
179 Matcher patterns, and the Matcher tries every pattern at every token: a third of the
English pass here. The first 56 patterns are a plain tag map; they become one array update
per doc. The rest are exceptions for particular words ("'s", "n't", "gon na"), indexed by word
and by tag, so only the tokens they can apply to are checked; rules that need dependency labels
are skipped, as this pipeline has no parser and they could never match. Matching reads
the doc as the tagger left it and rules apply in pattern order, later ones winning, as in
spaCy. ``tests/test_fast_paths.py`` checks tags, POS, morphology and lemmas are identical.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

FACTORY = "coach_fast_attribute_ruler"
_COLUMNS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}


@dataclass(frozen=True)
class _Rule:
    order: int
    #: Per token of the pattern: (column, test of that column's value) pairs.
    tokens: tuple[tuple[tuple[int, Callable[[int], bool]], ...], ...]
    attrs: dict
    index: int

    def matches_at(self, rows: list[tuple[int, ...]], start: int) -> bool:
        if start + len(self.tokens) > len(rows):
            return False
        return all(test(rows[start + j][column]) for j, spec in enumerate(self.tokens) for column, test in spec)


class FastAttributeRuler:
    """Applies an ``AttributeRuler``'s patterns (see the module docstring)."""

    def __init__(self, nlp: Language, patterns: list[dict], attrs: list[dict]) -> None:
        self.strings = nlp.vocab.strings
        self.morphology = nlp.vocab.morphology
        self.tag_map: dict[int, tuple[int, int]] = {}
        self.rules: list[_Rule] = []
        #: Rules whose first token names its word(s) or its tag, by that hash; the others scan.
        self.by_word: dict[int, list[_Rule]] = {}
        self.by_tag: dict[int, list[_Rule]] = {}
        self.scanning: list[_Rule] = []
        #: Rules that cannot match a doc without dependency labels (this pipeline has no parser).
        self.needs_dep: set[int] = set()
        for order, (entry, normalized) in enumerate(zip(patterns, attrs, strict=True)):
            raw = entry["attrs"]
            plain = (len(entry["patterns"]) == 1 and len(entry["patterns"][0]) == 1
                     and set(entry["patterns"][0][0]) == {"TAG"} and isinstance(entry["patterns"][0][0]["TAG"], str)
                     and set(raw) <= {"POS", "MORPH"} and not self.rules)
            if plain:
                tag = self.strings.add(entry["patterns"][0][0]["TAG"])
                pos = self.strings.add(raw["POS"]) if "POS" in raw else None
                morph = self.morphology.add(raw["MORPH"]) if "MORPH" in raw else None
                old_pos, old_morph = self.tag_map.get(tag, (None, None))
                self.tag_map[tag] = (pos if pos is not None else old_pos, morph if morph is not None else old_morph)
                continue
            for pattern in entry["patterns"]:
                tokens = tuple(tuple((_COLUMNS[key], self._test(key, value)) for key, value in spec.items())
                               for spec in pattern)
                rule = _Rule(order, tokens, normalized, entry["index"])
                self.rules.append(rule)
                if any(column == _COLUMNS["DEP"] and not test(0) for spec in tokens for column, test in spec):
                    self.needs_dep.add(id(rule))
                lower, tag = pattern[0].get("LOWER"), pattern[0].get("TAG")
                words = [lower] if isinstance(lower, str) else (lower or {}).get("IN")
                if words:
                    for word in words:
                        self.by_word.setdefault(self.strings.add(word), []).append(rule)
                elif isinstance(tag, str):
                    self.by_tag.setdefault(self.strings.add(tag), []).append(rule)
                else:
                    self.scanning.append(rule)

    def _test(self, key: str, value: Any) -> Callable[[int], bool]:  # noqa: ANN401 - a pattern value
        """A test of one attribute's hash (or flag) for a pattern value, as the Matcher reads it."""
        if key not in _COLUMNS:
            raise ValueError(f"attribute_ruler attribute {key} is not supported")
        if key == "IS_SPACE":
            return lambda v: v == int(bool(value))
        if not isinstance(value, dict):
            wanted = self.strings.add(value) if value else 0
            return lambda v: v == wanted
        (operator, operand), = value.items()
        if operator in ("IN", "NOT_IN"):
            keys = frozenset(self.strings.add(v) if v else 0 for v in operand)
            return (lambda v: v in keys) if operator == "IN" else (lambda v: v not in keys)
        if operator == "REGEX":
            search = re.compile(operand).search
            # Memoised by hash: the same words come back in every doc.
            return lru_cache(maxsize=65536)(lambda v: bool(search(self.strings[v] if v else "")))
        raise ValueError(f"attribute_ruler operator {operator} is not supported")

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        # Every test reads these values as the tagger left them, as the Matcher does.
        rows = [tuple(int(v) for v in row) for row in doc.to_array([TAG, LOWER, DEP, IS_SPACE])]
        values = doc.to_array([POS, MORPH])
        for i, row in enumerate(rows):
            mapped = self.tag_map.get(row[0])
            if mapped:
                for j, new in enumerate(mapped):
                    if new is not None:
                        values[i, j] = new
        doc.from_array([POS, MORPH], values)
        parsed = any(row[2] for row in rows)
        scanning = [r for r in self.scanning if parsed or id(r) not in self.needs_dep]
        matches = []
        for start, row in enumerate(rows):
            for rule in (*self.by_word.get(row[1], ()), *self.by_tag.get(row[0], ()), *scanning):
                if (parsed or id(rule) not in self.needs_dep) and rule.matches_at(rows, start):
                    matches.append((rule.order, start, rule))
        for _, start, rule in sorted(matches, key=lambda m: (m[0], m[1])):
            offset = rule.index if rule.index >= 0 else len(rule.tokens) + rule.index
            set_token_attrs(doc[start + offset], rule.attrs)
        return doc


@Language.factory(FACTORY)
def _make(nlp: Language, name: str) -> FastAttributeRuler:
    # Built from the pipeline's own attribute_ruler, which is still in place at this point.
    ruler = nlp.get_pipe("attribute_ruler")
    return FastAttributeRuler(nlp, ruler.patterns, list(ruler.attrs))


def replace_attribute_ruler(nlp: Language) -> None:
    """Swap ``nlp``'s attribute_ruler for the faster one, keeping its patterns."""
    if "attribute_ruler" in nlp.pipe_names:
        nlp.add_pipe(FACTORY, before="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
