"""The store: upserting imports, versioned scores with decisions kept, users, and crash safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coach.io import read_transcripts
from coach.store.db import open_store
from coach.store.models import Conversation, Decision, TurnRow
from coach.store.repo import (
    current_flags,
    import_results,
    record_decision,
    save_result,
    start_run,
    visible_conversations,
)
from coach.store.users import UserError, add_user, authenticate, remove_user
from coach.types import Transcript

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "transcripts" / "en" / "chat-export.jsonl"


@pytest.fixture()
def factory(tmp_path: Path):
    return open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")


@pytest.fixture(scope="module")
def results(coach_no_kb):
    transcripts = [t for t in read_transcripts([SAMPLE]) if isinstance(t, Transcript)]
    return list(coach_no_kb.score_many(transcripts))


def count(factory, model) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_reimport_updates_instead_of_duplicating(factory, results) -> None:
    assert import_results(factory, results, "v1") == (len(results), 0)
    assert import_results(factory, results, "v1") == (0, len(results))
    assert count(factory, Conversation) == len(results)
    assert count(factory, TurnRow) == sum(len(r.transcript.turns) for r in results)
    with factory() as session:
        stored = session.get(Conversation, results[0].transcript.id)
        assert stored.raw["turns"][0]["text"] == results[0].transcript.turns[0].text


def test_decisions_stay_attached_after_rescoring_with_a_new_model(factory, results) -> None:
    import_results(factory, results, "v1")
    with factory.begin() as session:
        reviewer, _ = add_user(session, "rita", "reviewer", "pw")
        flag = current_flags(session)[0]
        record_decision(session, reviewer, flag, accepted=True, reason="clearly curt")
        key = (flag.conversation_id, flag.turn, flag.flag_key)
    import_results(factory, results, "v2")
    with factory() as session:
        now = {(f.conversation_id, f.turn, f.flag_key) for f in current_flags(session)}
        decision = session.scalars(select(Decision)).one()
        assert (decision.conversation_id, decision.turn, decision.flag_key) == key
        assert key in now and decision.accepted and decision.reason == "clearly curt"


def test_a_failed_save_leaves_no_half_conversation(factory, results) -> None:
    run_id = start_run(factory, "v1")
    save_result(factory, run_id, results[0])

    def crash() -> None:
        raise RuntimeError("killed mid-import")

    with pytest.raises(RuntimeError):
        save_result(factory, run_id, results[1], before_commit=crash)
    with factory() as session:
        assert [c.id for c in session.scalars(select(Conversation))] == [results[0].transcript.id]
        assert session.scalar(select(func.count()).select_from(TurnRow)) == len(results[0].transcript.turns)


def test_users_roles_and_agent_visibility(factory, results) -> None:
    import_results(factory, results, "v1")
    with factory.begin() as session:
        _, password = add_user(session, "sara.l", "agent")
        with pytest.raises(UserError, match="unknown role"):
            add_user(session, "x", "boss")
        with pytest.raises(UserError, match="already exists"):
            add_user(session, "sara.l", "agent")
    with factory() as session:
        agent = authenticate(session, "sara.l", password)
        assert agent is not None and authenticate(session, "sara.l", "wrong") is None
        visible = visible_conversations(session, agent)
        assert visible and all(c.agent == "sara.l" for c in visible)
        assert len(visible) < count(factory, Conversation)


def test_a_user_with_recorded_decisions_cannot_be_removed(factory, results) -> None:
    import_results(factory, results, "v1")
    with factory.begin() as session:
        reviewer, _ = add_user(session, "rita", "reviewer", "pw")
        record_decision(session, reviewer, current_flags(session)[0], accepted=False)
    with factory.begin() as session, pytest.raises(UserError, match="recorded"):
        remove_user(session, "rita")
    with factory.begin() as session:
        add_user(session, "temp", "trainer", "pw")
    with factory.begin() as session:
        remove_user(session, "temp")
    assert count(factory, Decision) == 1


def test_killing_an_import_keeps_every_stored_conversation_whole(tmp_path: Path, results) -> None:
    """A real `coach import` killed with SIGKILL part-way: what was committed is whole, and a
    reviewer's decision recorded before stays."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as out:
        for copy in range(80):
            for line in lines:
                record = json.loads(line)
                record["id"] = f"{record['id']}-copy{copy}"
                out.write(json.dumps(record) + "\n")
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    before = open_store(url)
    import_results(before, results, "v1")
    with before.begin() as session:
        reviewer, _ = add_user(session, "rita", "reviewer", "pw")
        record_decision(session, reviewer, current_flags(session)[0], accepted=True, reason="kept")
    config = tmp_path / "coach.toml"
    config.write_text(f'data_dir = "{tmp_path}"\nbatch_size = 4\n', encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "coach.cli", "--config", str(config), "import", str(big),
                                "--db", url], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    factory = None
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(0.5)
        if (tmp_path / "store.sqlite").exists():
            factory = factory or open_store(url)
            if count(factory, Conversation) >= len(results) + 8:
                break
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    factory = factory or open_store(url)
    stored = count(factory, Conversation)
    assert len(results) + 8 <= stored < len(results) + 80 * len(lines), "the import was killed part-way"
    with factory() as session:
        assert session.scalars(select(Decision)).one().reason == "kept"
    with factory() as session:
        for conversation in session.scalars(select(Conversation)):
            turns = session.scalar(select(func.count()).select_from(TurnRow).where(
                TurnRow.conversation_id == conversation.id))
            assert turns == len(conversation.raw["turns"])


def test_import_paths_reports_bad_files_and_stores_good_ones(factory, coach_no_kb, tmp_path: Path) -> None:
    from coach.store.repo import import_paths

    bad = tmp_path / "broken.csv"
    bad.write_text("conversation_id,speaker,message\nT-1,customer,hi\n", encoding="utf-8")
    seen: list[str] = []
    done: list[int] = []
    new, updated, problems = import_paths(factory, coach_no_kb, [SAMPLE, bad], on_problem=lambda p: seen.append(str(p)),
                                          on_progress=done.append)
    assert (new, updated, problems) == (6, 0, 1)
    assert "broken.csv" in seen[0] and "text" in seen[0]
    assert done[-1] == 6
