"""Overrides, comments and reviewer calibration."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.io import read_transcripts
from coach.store.db import open_store
from coach.store.repo import current_flags, import_results, record_decision
from coach.store.review import add_comment, calibration, override_score
from coach.store.users import add_user
from coach.types import Transcript

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def factory(tmp_path: Path, coach_no_kb):
    factory = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    transcripts = [t for t in read_transcripts([ROOT / "transcripts" / "en" / "chat-export.jsonl"])
                   if isinstance(t, Transcript)]
    import_results(factory, coach_no_kb.score_many(transcripts), "v1")
    return factory


def test_calibration_kappa_and_disagreements(factory) -> None:
    with factory.begin() as session:
        rita, _ = add_user(session, "rita", "reviewer", "pw")
        max_, _ = add_user(session, "max", "reviewer", "pw")
        flags = current_flags(session)[:6]
        assert len(flags) >= 4
        for i, flag in enumerate(flags):
            record_decision(session, rita, flag, accepted=i % 2 == 0)
            record_decision(session, max_, flag, accepted=i % 2 == 0 if i < len(flags) - 1 else i % 2 != 0)
    with factory() as session:
        report = calibration(session, rita, max_)
    assert report["shared"] == len(flags)
    assert len(report["disagreements"]) == 1
    assert all(-1.0 <= v["kappa"] <= 1.0 for v in report["kappa"].values())
    assert sum(v["n"] for v in report["kappa"].values()) == len(flags)


def test_override_and_comment_are_stored_and_validated(factory) -> None:
    with factory.begin() as session:
        rita, _ = add_user(session, "rita", "reviewer", "pw")
        flag = current_flags(session)[0]
        override_score(session, rita, flag.conversation_id, flag.turn, flag.dimension, 0.8, "too harsh")
        add_comment(session, rita, flag.conversation_id, "Good recovery later on.", turn=flag.turn)
        with pytest.raises(ValueError):
            override_score(session, rita, flag.conversation_id, flag.turn, flag.dimension, 1.5, "")
        with pytest.raises(ValueError):
            add_comment(session, rita, flag.conversation_id, "  ")
