"""Users and roles, with passwords hashed by argon2."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coach.store.models import ROLES, Comment, Decision, ScoreOverride, User

_HASHER = PasswordHasher()


class UserError(ValueError):
    """A user command that cannot be carried out; the message says why."""


def add_user(session: Session, username: str, role: str, password: str | None = None,
             agent_id: str | None = None) -> tuple[User, str]:
    """Create a user; returns it and the password (generated when none is given)."""
    if role not in ROLES:
        raise UserError(f"unknown role {role!r} (choose one of {', '.join(ROLES)})")
    if session.scalars(select(User).where(User.username == username)).first():
        raise UserError(f"user {username!r} already exists")
    password = password or secrets.token_urlsafe(9)
    user = User(username=username, role=role, password_hash=_HASHER.hash(password),
                agent_id=agent_id or (username if role == "agent" else None))
    session.add(user)
    return user, password


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user if the password is right, else None."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        return None
    try:
        _HASHER.verify(user.password_hash, password)
    except VerificationError:
        return None
    return user


def remove_user(session: Session, username: str) -> None:
    """Delete a user who has recorded no work; recorded decisions are never thrown away."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise UserError(f"no user {username!r}")
    work = sum(session.scalar(select(func.count()).select_from(model).where(model.user_id == user.id)) or 0
               for model in (Decision, ScoreOverride, Comment))
    if work:
        raise UserError(f"user {username!r} has {work} recorded decision(s), override(s) or comment(s); "
                        "they are kept, so the user cannot be removed")
    session.delete(user)


def list_users(session: Session) -> list[User]:
    """All users by name."""
    return list(session.scalars(select(User).order_by(User.username)))
