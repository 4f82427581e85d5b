"""Reading and writing the store. Each conversation is saved in its own transaction, so an
import killed half-way leaves every conversation either fully old or fully new."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from coach import __version__
from coach.io.records import transcript_record
from coach.store.models import Conversation, Decision, FlagRow, ScoreRow, ScoreRun, TurnRow, User
from coach.types import ConversationResult, Flag, Transcript

MODEL_FILES = ("coach/data/markers.toml", "models")


def model_version(root: Path | None = None) -> str:
    """The coach version plus a hash of the rule and model files: what produced a score."""
    root = root or Path(__file__).resolve().parents[2]
    digest = hashlib.sha256(__version__.encode())
    for name in MODEL_FILES:
        path = root / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.suffix in (".toml", ".json"):
                digest.update(file.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def flag_key(conversation_id: str, turn: int, flag: Flag) -> str:
    """A key that stays the same when the same finding is raised again by a newer model."""
    parts = (conversation_id, str(turn), flag.dimension, flag.marker, str(flag.evidence.turn), flag.evidence.text)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def start_run(factory: sessionmaker[Session], version: str) -> int:
    """Record a scoring run and return its id."""
    with factory.begin() as session:
        run = ScoreRun(model_version=version)
        session.add(run)
        session.flush()
        return run.id


def save_result(factory: sessionmaker[Session], run_id: int, result: ConversationResult,
                before_commit: Callable[[], None] | None = None) -> bool:
    """Insert or update one conversation and its scores, all or nothing. Returns True when
    the conversation already existed (re-import updates it instead of duplicating it)."""
    transcript = result.transcript
    record = transcript_record(transcript)
    content_hash = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    with factory.begin() as session:
        conversation = session.get(Conversation, transcript.id)
        existed = conversation is not None
        if conversation is None:
            conversation = Conversation(id=transcript.id)
            session.add(conversation)
        else:
            session.execute(delete(TurnRow).where(TurnRow.conversation_id == transcript.id))
            session.flush()
            session.expire(conversation, ["turns"])
        conversation.language = result.language
        conversation.channel = transcript.channel
        conversation.agent = transcript.agent
        conversation.source = transcript.source
        conversation.content_hash = content_hash
        conversation.raw = record
        conversation.started_at = next((t.time for t in transcript.turns if t.time), None)
        conversation.summary = result.summaries
        session.add_all(TurnRow(conversation_id=transcript.id, index=i, speaker=t.speaker, text=t.text,
                                author=transcript.author_of(i), time=t.time) for i, t in enumerate(transcript.turns))
        for reply in result.replies:
            for dimension, score in reply.scores.items():
                session.add(ScoreRow(run_id=run_id, conversation_id=transcript.id, turn=reply.turn,
                                     agent=reply.agent, dimension=dimension, score=score))
            for flag in reply.flags:
                suggestion = flag.suggestion
                session.add(FlagRow(
                    run_id=run_id, conversation_id=transcript.id, turn=reply.turn,
                    flag_key=flag_key(transcript.id, reply.turn, flag), dimension=flag.dimension,
                    severity=flag.severity, reason=flag.reason, marker=flag.marker,
                    evidence_turn=flag.evidence.turn, evidence_start=flag.evidence.start,
                    evidence_end=flag.evidence.end, evidence_text=flag.evidence.text,
                    suggestion=suggestion.text if suggestion else None,
                    kb_article=suggestion.kb_article if suggestion else None,
                    kb_passage=suggestion.kb_passage if suggestion else None))
        if before_commit:
            before_commit()
    return existed


def import_results(factory: sessionmaker[Session], results: Iterable[ConversationResult],
                   version: str) -> tuple[int, int]:
    """Save scored conversations under one run; returns (new, updated) counts."""
    run_id = start_run(factory, version)
    new = updated = 0
    for result in results:
        if save_result(factory, run_id, result):
            updated += 1
        else:
            new += 1
    return new, updated


def latest_run_ids(session: Session) -> dict[str, int]:
    """For each conversation, the newest run that scored it."""
    rows = session.execute(select(ScoreRow.conversation_id, ScoreRow.run_id).distinct()).all()
    latest: dict[str, int] = {}
    for conversation_id, run_id in rows:
        latest[conversation_id] = max(run_id, latest.get(conversation_id, 0))
    return latest


def current_flags(session: Session) -> list[FlagRow]:
    """Flags of each conversation's newest run."""
    latest = latest_run_ids(session)
    flags = session.scalars(select(FlagRow)).all()
    return [f for f in flags if latest.get(f.conversation_id) == f.run_id]


def record_decision(session: Session, user: User, flag: FlagRow, accepted: bool, reason: str = "") -> Decision:
    """Accept or reject a flag; a second decision by the same reviewer replaces the first."""
    decision = session.scalars(select(Decision).where(
        Decision.user_id == user.id, Decision.conversation_id == flag.conversation_id,
        Decision.turn == flag.turn, Decision.flag_key == flag.flag_key)).first()
    if decision is None:
        decision = Decision(user_id=user.id, conversation_id=flag.conversation_id, turn=flag.turn,
                            flag_key=flag.flag_key, dimension=flag.dimension, accepted=accepted, reason=reason)
        session.add(decision)
    else:
        decision.accepted, decision.reason = accepted, reason
    return decision


def visible_conversations(session: Session, user: User) -> list[Conversation]:
    """Conversations a user may open: agents only their own, everyone else all."""
    query = select(Conversation).order_by(Conversation.id)
    if user.role == "agent":
        query = query.where(Conversation.agent == (user.agent_id or user.username))
    return list(session.scalars(query))


def import_paths(factory: sessionmaker[Session], coach, paths: Iterable[str | Path],  # noqa: ANN001 - a Coach
                 on_problem: Callable[[object], None] | None = None,
                 on_progress: Callable[[int], None] | None = None, workers: int = 1) -> tuple[int, int, int]:
    """Read, score and store transcripts under one run; bad files and records are reported
    through ``on_problem`` and skipped. Returns (new, updated, problems).

    ``workers`` scoring processes (see ``Coach.score_many``); storing stays in this process.
    """
    from coach.errors import InputProblem
    from coach.io import read_transcripts

    problems = 0

    def good() -> Iterable[Transcript]:
        nonlocal problems
        for item in read_transcripts(paths):
            if isinstance(item, InputProblem):
                problems += 1
                if on_problem:
                    on_problem(item)
            else:
                yield item

    run_id = start_run(factory, model_version())
    new = updated = 0
    for done, result in enumerate(coach.score_many(good(), workers=workers), 1):
        if save_result(factory, run_id, result):
            updated += 1
        else:
            new += 1
        if on_progress:
            on_progress(done)
    return new, updated, problems
