"""The Streamlit app, driven headless with AppTest on the bundled samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def app(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def test_queue_lists_flags_and_opens_a_conversation(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert app.dataframe, "the review queue shows a table of flags"
    assert len(app.dataframe[0].value) > 10
    app.multiselect[1].select("high").run()
    assert set(app.dataframe[0].value["severity"]) == {"high"}
    assert app.selectbox[0].value in set(app.dataframe[0].value["conversation"])


def test_draft_checker_flags_a_rude_draft(app: AppTest) -> None:
    app.run()
    app.sidebar.radio[0].set_value("Draft checker").run()
    app.text_area[0].input("My order is two hours late and the ice cream melted!")
    app.text_area[1].input("Calm down. Send the photo.")
    app.button[0].click().run()
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "politeness" in text.lower() and "calm down" in text.lower()
