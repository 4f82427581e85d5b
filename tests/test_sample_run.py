"""End to end on the bundled samples: contract output, dev labels alignment, retrieval."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from coach.cli import main
from coach.devset import load_labels
from coach.evaluate import retrieval_recall
from coach.io import read_transcripts
from coach.types import Transcript

ROOT = Path(__file__).resolve().parent.parent

SCHEMA = json.loads((ROOT / "schemas" / "reply.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_transcripts() -> list[Transcript]:
    items = list(read_transcripts([ROOT / "transcripts"]))
    assert all(isinstance(i, Transcript) for i in items), [str(i) for i in items if not isinstance(i, Transcript)]
    return items


def test_score_prints_one_schema_valid_line_per_agent_reply(capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    config = tmp_path / "coach.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    status = main(["--config", str(config), "score", str(ROOT / "transcripts"), "--kb", str(ROOT / "kb")])
    out = capsys.readouterr().out.splitlines()
    assert status == 0
    labels = load_labels(ROOT / "transcripts")
    assert len(out) == len(labels)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    seen = set()
    for line in out:
        record = json.loads(line)
        validator.validate(record)
        seen.add((record["conversation_id"], record["turn"]))
        for flag in record["flags"]:
            evidence = flag["evidence"]
            assert evidence["end"] > evidence["start"]
    assert seen == {(lab.conversation_id, lab.turn) for lab in labels}


def test_every_label_points_at_its_agent_turn(sample_transcripts: list[Transcript]) -> None:
    by_id = {t.id: t for t in sample_transcripts}
    labels = load_labels(ROOT / "transcripts")
    assert sum(1 for lab in labels if lab.conversation_id.startswith("en")) >= 25
    for label in labels:
        turn = by_id[label.conversation_id].turns[label.turn]
        assert turn.speaker == "agent"
        assert turn.text.startswith(label.text_start.strip()[:30])


def test_kb_retrieval_recall_at_3_is_at_least_90_percent(coach, sample_transcripts) -> None:
    labels = load_labels(ROOT / "transcripts")
    recall = retrieval_recall(coach, sample_transcripts, labels, k=3)
    hit, total = recall["all"]
    assert total >= 60
    assert hit / total >= 0.90, recall
    # Each language on its own stays useful too: a Russian question finds a Russian article.
    for language in ("en", "ru"):
        hit, total = recall[language]
        assert hit / total >= 0.85, recall


def test_html_and_csv_reports_are_written(tmp_path) -> None:
    html_out, csv_out = tmp_path / "r.html", tmp_path / "r.csv"
    source = str(ROOT / "transcripts" / "en" / "chat-export.jsonl")
    assert main(["score", source, "--out", str(html_out)]) == 0
    assert main(["score", source, "--out", str(csv_out)]) == 0
    page = html_out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<mark" in page and "Suggestion:" in page
    header = csv_out.read_text(encoding="utf-8").splitlines()[0]
    assert "politeness_score" in header and "follow_through_flags" in header
