"""The store and quality commands through the real command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coach.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def test_user_add_list_remove(db: str, capsys) -> None:
    assert main(["user", "add", "rita", "--role", "reviewer", "--db", db]) == 0
    assert "password:" in capsys.readouterr().out
    assert main(["user", "add", "rita", "--role", "reviewer", "--db", db]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["user", "add", "anna.k", "--role", "agent", "--password", "pw", "--db", db]) == 0
    capsys.readouterr()
    assert main(["user", "list", "--db", db]) == 0
    assert capsys.readouterr().out.splitlines() == ["anna.k\tagent\tanna.k", "rita\treviewer\t"]
    assert main(["user", "remove", "rita", "--db", db]) == 0
    assert main(["user", "remove", "nobody", "--db", db]) == 2


def test_import_then_seed_demo_users_prints_passwords_once(db: str, capsys, tmp_path: Path) -> None:
    source = str(ROOT / "transcripts" / "en" / "chat-export.jsonl")
    assert main(["import", source, "--db", db]) == 0
    assert "imported 6 new and 0 updated" in capsys.readouterr().out
    assert main(["import", source, "--db", db]) == 0
    assert "imported 0 new and 6 updated" in capsys.readouterr().out
    assert main(["user", "seed-demo", "--db", db]) == 0
    first = capsys.readouterr().out
    assert "demo user reviewer" in first and "role agent" in first
    assert main(["user", "seed-demo", "--db", db]) == 0
    assert capsys.readouterr().out == ""


def test_eval_prints_metrics_per_set(capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["eval", "follow_through", "--data", "dev/follow_through/en"]) == 0
    out = capsys.readouterr().out
    assert "dev/follow_through/en" in out and "recall of kind open_promise" in out


def test_stopping_coach_app_stops_the_streamlit_server(tmp_path: Path) -> None:
    """`coach app` becomes the server: a SIGTERM to it leaves no orphaned Streamlit behind."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    health = f"http://127.0.0.1:{port}/_stcore/health"
    env = {**os.environ, "COACH_DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}"}
    process = subprocess.Popen([sys.executable, "-m", "coach.cli", "app", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def answers() -> bool:
        try:
            urllib.request.urlopen(health, timeout=2)
            return True
        except OSError:
            return False

    try:
        deadline = time.time() + 60
        while not answers():
            assert time.time() < deadline, "the app did not start"
            time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(timeout=20)
    time.sleep(1)
    assert not answers(), "a Streamlit server outlived `coach app`"
