"""``coach import`` and ``coach user``: the store side of the command line."""

from __future__ import annotations

import argparse
import os
import sys

from coach.cli import EXIT_BAD_INPUT, EXIT_OK, PROGRESS_AFTER, Problems, load_coach


def database_url(args: argparse.Namespace, config) -> str:  # noqa: ANN001
    """--db, else COACH_DATABASE_URL, else the config, else the SQLite file in the data folder."""
    from coach.store.db import default_url

    return args.db or os.environ.get("COACH_DATABASE_URL") or config.database_url or default_url(config.data_dir)


def cmd_import(args: argparse.Namespace, config) -> int:  # noqa: ANN001
    """``coach import``: score and store; each conversation is committed on its own."""
    from coach.store.db import open_store
    from coach.store.repo import import_paths

    problems = Problems(sys.stderr)
    factory = open_store(database_url(args, config))
    coach = load_coach(config, args.kb, problems)
    bar = None

    def progress(done: int) -> None:
        nonlocal bar
        if sys.stderr.isatty() and done > PROGRESS_AFTER:
            from tqdm import tqdm

            bar = bar or tqdm(unit=" conversations", file=sys.stderr, initial=done - 1)
            bar.update(1)

    workers = config.workers if args.workers is None else args.workers
    new, updated, _ = import_paths(factory, coach, args.paths, on_problem=problems.report, on_progress=progress,
                                   workers=workers)
    if bar is not None:
        bar.close()
    print(f"imported {new} new and {updated} updated conversation(s)")
    return EXIT_BAD_INPUT if problems.count else EXIT_OK


def cmd_user(args: argparse.Namespace, config) -> int:  # noqa: ANN001
    """``coach user add|list|remove``."""
    from coach.store.db import open_store
    from coach.store.users import UserError, add_user, list_users, remove_user

    factory = open_store(database_url(args, config))
    try:
        with factory.begin() as session:
            if args.action == "seed-demo":
                return _seed_demo(session)
            if args.action == "list":
                for user in list_users(session):
                    print(f"{user.username}\t{user.role}\t{user.agent_id or ''}")
                return EXIT_OK
            if not args.username:
                raise UserError("give a username")
            if args.action == "remove":
                remove_user(session, args.username)
                print(f"removed {args.username}")
                return EXIT_OK
            if not args.role:
                raise UserError("give --role")
            _, password = add_user(session, args.username, args.role, args.password, args.agent_id)
        print(f"added {args.username} ({args.role})" + ("" if args.password else f"; password: {password}"))
        return EXIT_OK
    except UserError as exc:
        print(f"coach: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _seed_demo(session) -> int:  # noqa: ANN001
    """Create the demo users that do not exist yet and print their passwords once."""
    from sqlalchemy import select

    from coach.store.models import User
    from coach.store.queries import agents_in_store
    from coach.store.users import add_user

    existing = set(session.scalars(select(User.username)))
    wanted = [("reviewer", "reviewer"), ("trainer", "trainer"), ("admin", "admin")]
    wanted += [(agent, "agent") for agent in agents_in_store(session)]
    for username, role in wanted:
        if username in existing:
            continue
        _, password = add_user(session, username, role)
        print(f"demo user {username:<10} role {role:<9} password {password}")
    return EXIT_OK
