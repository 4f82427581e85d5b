"""Coaching sessions: flagged and exemplary replies with notes and exercises, exported as
Markdown and as a printable HTML page."""

from __future__ import annotations

import html
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.store.models import CoachingItem, CoachingSession, Conversation, FlagRow, User
from coach.store.repo import latest_run_ids

KINDS = ("flagged", "exemplary")


@dataclass(frozen=True)
class ItemSpec:
    """A reply to put in a session."""

    conversation_id: str
    turn: int
    kind: str
    exercise: str = ""


def create_session(session: Session, trainer: User, title: str, notes: str, items: list[ItemSpec]) -> CoachingSession:
    """Save a coaching session with its items, in order."""
    if not title.strip():
        raise ValueError("a session needs a title")
    for item in items:
        if item.kind not in KINDS:
            raise ValueError(f"item kind must be one of {', '.join(KINDS)}")
        if session.get(Conversation, item.conversation_id) is None:
            raise ValueError(f"no conversation {item.conversation_id}")
    row = CoachingSession(trainer_id=trainer.id, title=title, notes=notes)
    row.items = [CoachingItem(position=i, conversation_id=it.conversation_id, turn=it.turn, kind=it.kind,
                              exercise=it.exercise) for i, it in enumerate(items)]
    session.add(row)
    return row


def _context(session: Session, item: CoachingItem) -> tuple[str, str, list[FlagRow]]:
    conversation = session.get(Conversation, item.conversation_id)
    turns = {t.index: t for t in conversation.turns} if conversation else {}
    customer = next((turns[i].text for i in range(item.turn - 1, -1, -1)
                     if i in turns and turns[i].speaker == "customer"), "")
    reply = turns[item.turn].text if item.turn in turns else ""
    run_id = latest_run_ids(session).get(item.conversation_id)
    flags = list(session.scalars(select(FlagRow).where(FlagRow.conversation_id == item.conversation_id,
                                                       FlagRow.turn == item.turn, FlagRow.run_id == run_id)))
    return customer, reply, flags


def to_markdown(session: Session, coaching: CoachingSession) -> str:
    """The session as Markdown, for sharing or printing."""
    lines = [f"# {coaching.title}", "", coaching.notes, ""]
    for number, item in enumerate(coaching.items, 1):
        customer, reply, flags = _context(session, item)
        lines += [f"## {number}. {'To improve' if item.kind == 'flagged' else 'Good example'}: "
                  f"{item.conversation_id}, reply {item.turn}", "", f"> **Customer:** {customer}", ">",
                  f"> **Agent:** {reply}", ""]
        for flag in flags:
            lines.append(f"- **{flag.dimension}** ({flag.severity}): {flag.reason}")
            if flag.suggestion:
                lines.append(f"  - Better: {flag.suggestion}")
        if item.exercise:
            lines += ["", f"**Exercise:** {item.exercise}"]
        lines.append("")
    return "\n".join(lines)


def to_html(session: Session, coaching: CoachingSession) -> str:
    """The session as a self-contained, printable HTML page."""
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(coaching.title)}</title>"
             "<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto}"
             "blockquote{border-left:4px solid #ccc;margin:0;padding:.2rem 1rem;color:#333}"
             ".item{page-break-inside:avoid;margin:1.5rem 0}@media print{body{margin:0}}</style></head><body>",
             f"<h1>{html.escape(coaching.title)}</h1><p>{html.escape(coaching.notes)}</p>"]
    for number, item in enumerate(coaching.items, 1):
        customer, reply, flags = _context(session, item)
        label = "To improve" if item.kind == "flagged" else "Good example"
        title = f"{number}. {label}: {html.escape(item.conversation_id)}, reply {item.turn}"
        parts.append(f"<div class='item'><h2>{title}</h2>"
                     f"<blockquote><b>Customer:</b> {html.escape(customer)}<br><b>Agent:</b> {html.escape(reply)}"
                     "</blockquote><ul>")
        for flag in flags:
            better = f"<br>Better: {html.escape(flag.suggestion)}" if flag.suggestion else ""
            parts.append(f"<li><b>{flag.dimension}</b> ({flag.severity}): {html.escape(flag.reason)}{better}</li>")
        parts.append("</ul>")
        if item.exercise:
            parts.append(f"<p><b>Exercise:</b> {html.escape(item.exercise)}</p>")
        parts.append("</div>")
    parts.append("</body></html>")
    return "".join(parts)
