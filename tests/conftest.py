"""Shared fixtures: one loaded Coach per test session (models load once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.config import Config
from coach.pipeline import Coach

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def coach(tmp_path_factory: pytest.TempPathFactory) -> Coach:
    """A Coach with the sample KB, caching its index in a temporary data folder."""
    data = tmp_path_factory.mktemp("data")
    return Coach(Config(data_dir=str(data)), kb_path=ROOT / "kb")


@pytest.fixture(scope="session")
def coach_no_kb(coach: Coach) -> Coach:
    """A Coach without a knowledge base, sharing the loaded models."""
    return Coach(coach.config, nlp=coach.nlp)
