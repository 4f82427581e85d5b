"""Loaders for the public training sets (Stanford Politeness, EPITOME) and for the binary
sets written for this project, with a deterministic train / held-out split.

The paths always come from command-line options; nothing here reads ``../shared`` by itself.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

#: Share of ids kept for training; the rest is the held-out split the metrics are reported on.
TRAIN_SHARE = 0.8


@dataclass(frozen=True)
class TextExample:
    """One labelled text, optionally with the context it answers (the customer message)."""

    id: str
    text: str
    label: int
    context: str = ""
    source: str = ""
    language: str = "en"


def is_train(key: str, share: float = TRAIN_SHARE) -> bool:
    """Deterministic split by a hash of the example id (the same id always lands in the same part)."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def split(examples: list[TextExample]) -> tuple[list[TextExample], list[TextExample]]:
    """(train, held-out) by :func:`is_train` on the example ids."""
    train = [e for e in examples if is_train(e.id)]
    held = [e for e in examples if not is_train(e.id)]
    return train, held


def stanford_binary(paths: list[Path]) -> list[TextExample]:
    """Stanford Politeness requests in the 2013 paper's binary setting: per community, the top
    quartile of the normalised score is polite (1) and the bottom quartile impolite (0)."""
    by_community: dict[str, list[dict[str, str]]] = defaultdict(list)
    for path in paths:
        with Path(path).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                by_community[row["Community"]].append(row)
    out = []
    for community, rows in sorted(by_community.items()):
        scores = sorted(float(r["Normalized Score"]) for r in rows)
        # The highest score of the bottom quarter and the lowest of the top quarter.
        quarter = max(1, len(scores) // 4)
        low, high = scores[quarter - 1], scores[len(scores) - quarter]
        for row in rows:
            score = float(row["Normalized Score"])
            if low < score < high:
                continue
            out.append(TextExample(f"{community}:{row['Id']}", row["Request"], int(score >= high), source=community))
    return out


def epitome_any_empathy(folder: Path) -> list[TextExample]:
    """EPITOME (seeker post, response) pairs: 1 when any of the three mechanisms (emotional
    reactions, interpretations, explorations) is communicated at level 1 or 2."""
    files = ["epitome_emotional_reactions_train.csv", "epitome_interpretations_train.csv",
             "epitome_explorations_train.csv"]
    tables = []
    for name in files:
        with (Path(folder) / name).open(encoding="utf-8", newline="") as handle:
            tables.append(list(csv.DictReader(handle)))
    out, seen = [], set()
    # The three files list the same pairs in the same order; the emotional-reactions file has
    # altered texts, so the interpretations file gives the text.
    for reactions, interpretations, explorations in zip(*tables, strict=True):
        key = f"{interpretations['sp_id']}:{interpretations['rp_id']}"
        if key in seen:  # about 60 pairs repeat; keep the first
            continue
        seen.add(key)
        empathic = max(int(reactions["level"]), int(interpretations["level"]), int(explorations["level"])) > 0
        out.append(TextExample(key, interpretations["response_post"], int(empathic),
                               context=interpretations["seeker_post"], source="epitome"))
    return out


def language_of(path: str | Path) -> str:
    """A project set's language, from its file name (``ru-*.jsonl`` is Russian, the rest English)."""
    return "ru" if Path(path).name.startswith("ru") else "en"


def jsonl_examples(path: Path, language: str | None = None) -> list[TextExample]:
    """A project binary set: one ``{"id", "text", "label", "context"?}`` object per line
    (language: a ``language`` field, else ``language``, else the file name)."""
    language = language or language_of(path)
    out = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            out.append(TextExample(str(raw["id"]), raw["text"], int(raw["label"]), raw.get("context", ""),
                                   source=Path(path).stem, language=raw.get("language", language)))
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{path}: line {number}: bad example ({exc})") from None
    return out
