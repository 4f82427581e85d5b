"""Trainer features: team figures, levels and mentors, coaching sessions and their exports."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from coach.io import read_transcripts
from coach.store.coaching import ItemSpec, create_session, to_html, to_markdown
from coach.store.db import open_store
from coach.store.repo import current_flags, import_results
from coach.store.team import (
    agent_dimension_means,
    agent_levels,
    frequent_flag_reasons,
    kb_gaps,
    mentor_suggestions,
    reply_counts,
    weekly_trends,
)
from coach.store.users import add_user
from coach.types import Transcript

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def factory(tmp_path_factory: pytest.TempPathFactory, coach):
    factory = open_store(f"sqlite:///{tmp_path_factory.mktemp('team') / 'store.sqlite'}")
    transcripts = [t for t in read_transcripts([ROOT / "transcripts"]) if isinstance(t, Transcript)]
    import_results(factory, coach.score_many(transcripts), "v1")
    return factory


def test_team_figures(factory) -> None:
    with factory() as session:
        means = agent_dimension_means(session)
        assert {"anna.k", "mike.t", "olga.s"} <= set(means)
        assert all(0 <= v <= 1 for scores in means.values() for v in scores.values())
        trends = weekly_trends(session, agent="anna.k")
        assert trends and {t["agent"] for t in trends} == {"anna.k"}
        assert all(t["week"] <= "2026-12-01" for t in trends)
        reasons = frequent_flag_reasons(session, limit=5)
        assert len(reasons) == 5 and reasons[0]["flags"] >= reasons[-1]["flags"]
        gaps = kb_gaps(session)
        assert all(g["question"] for g in gaps)


@pytest.mark.parametrize(("years", "quality", "replies", "level"), [
    (0.3, 0.9, 20, "Junior"), (1.5, 0.9, 20, "Middle"), (4.0, 0.9, 20, "Senior"),
    (4.0, 0.7, 20, "Middle"), (1.5, 0.5, 20, "Junior"), (4.0, 0.7, 2, "Senior"), (None, 0.95, 20, "Junior"),
])
def test_levels_follow_experience_held_back_by_sustained_scores(years, quality, replies, level) -> None:
    means = {"agent": {"politeness": quality, "empathy": quality}}
    experience = {} if years is None else {"agent": years}
    assert agent_levels(means, experience, Counter({"agent": replies}))["agent"]["level"] == level


def test_mentor_is_the_senior_strongest_where_the_junior_is_weakest() -> None:
    means = {"jun": {"empathy": 0.3, "politeness": 0.9}, "s1": {"empathy": 0.6, "politeness": 1.0},
             "s2": {"empathy": 0.95, "politeness": 0.8}}
    levels = agent_levels(means, {"jun": 0.2, "s1": 5, "s2": 4}, Counter({"jun": 9, "s1": 9, "s2": 9}))
    assert mentor_suggestions(means, levels) == [
        {"junior": "jun", "weakest": "empathy", "junior_score": 0.3, "mentor": "s2", "mentor_score": 0.95}]


def test_sample_team_levels_from_config(factory) -> None:
    from coach.config import load_config

    experience = {a: t["experience_years"] for a, t in load_config(ROOT / "coach.toml").agents.items()}
    with factory() as session:
        means = agent_dimension_means(session)
        levels = agent_levels(means, experience, reply_counts(session))
    assert levels["mike.t"]["level"] == "Junior" and levels["olga.s"]["level"] in ("Senior", "Middle")


def test_coaching_session_saved_and_exported(factory) -> None:
    with factory.begin() as session:
        trainer, _ = add_user(session, "tom", "trainer", "pw")
        flag = current_flags(session)[0]
        coaching = create_session(session, trainer, "Owning the next step", "Week 46 team session", [
            ItemSpec(flag.conversation_id, flag.turn, "flagged", "Rewrite this reply with a timeframe."),
        ])
        with pytest.raises(ValueError):
            create_session(session, trainer, " ", "", [])
        session.flush()
        markdown, page = to_markdown(session, coaching), to_html(session, coaching)
    assert markdown.startswith("# Owning the next step") and "**Exercise:** Rewrite this reply" in markdown
    assert flag.reason.split(":")[0] in markdown
    assert page.startswith("<!doctype html>") and "@media print" in page and "Rewrite this reply" in page
