"""End to end in headless Chromium: the real `coach app` server, a reviewer logs in and accepts
a flag, and the decision is in the store. Saves a screenshot (docs/screenshot.png with
COACH_SCREENSHOT=1, else in the test's temp folder)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from coach.io import read_transcripts
from coach.store.db import open_store
from coach.store.models import Decision
from coach.store.repo import import_results
from coach.store.users import add_user
from coach.types import Transcript

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                                   reason="Debian chromium is not installed (make test installs it)")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def server(tmp_path: Path, coach):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    factory = open_store(url)
    transcripts = [t for t in read_transcripts([ROOT / "transcripts"]) if isinstance(t, Transcript)]
    import_results(factory, coach.score_many(transcripts), "test")
    with factory.begin() as session:
        add_user(session, "rita", "reviewer", "review-pw")
    port = free_port()
    env = {**os.environ, "COACH_DATABASE_URL": url}
    process = subprocess.Popen([sys.executable, "-m", "coach.cli", "app", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    yield f"http://127.0.0.1:{port}/", url
    process.terminate()
    process.wait(timeout=20)


def test_reviewer_logs_in_and_accepts_a_flag_in_a_real_browser(server, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    address, url = server
    shot = ROOT / "docs" / "screenshot.png" if os.environ.get("COACH_SCREENSHOT") else tmp_path / "app.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(address)
        page.get_by_label("User name").fill("rita")
        page.locator("input[type=password]").fill("review-pw")
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("Review queue").first.wait_for(timeout=120_000)
        page.get_by_role("button", name="Accept flag").click()
        page.get_by_text("Decision saved.").wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(shot), full_page=False)
        browser.close()
    assert shot.stat().st_size > 10_000
    with open_store(url)() as session:
        assert session.scalars(select(Decision)).one().accepted
