"""Scoring in worker processes gives the same results, in the same order, as in one process."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import pytest

from coach.cli import main
from coach.config import ConfigError, config_from_dict
from coach.io import read_transcripts
from coach.parallel import MAX_AUTO_WORKERS, resolve_workers
from coach.types import Transcript

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def samples() -> list[Transcript]:
    return [t for t in read_transcripts([ROOT / "transcripts"]) if isinstance(t, Transcript)]


def test_two_workers_score_exactly_as_one_process(coach, samples: list[Transcript]) -> None:
    small_batches = copy.copy(coach)
    small_batches.config = replace(coach.config, batch_size=4)  # many batches: the pool really runs
    alone = list(small_batches.score_many(samples, workers=1))
    together = list(small_batches.score_many(samples, workers=2))
    assert [r.transcript.id for r in together] == [t.id for t in samples]
    assert [r.replies for r in together] == [r.replies for r in alone]
    assert [r.summaries for r in together] == [r.summaries for r in alone]


def test_a_short_input_never_needs_a_pool(coach, samples: list[Transcript]) -> None:
    results = list(coach.score_many(samples[:3], workers=2))
    assert [r.transcript.id for r in results] == [t.id for t in samples[:3]]


def test_score_command_with_workers_reports_bad_records_and_scores_the_rest(tmp_path: Path, samples, capsys) -> None:
    config = tmp_path / "coach.toml"
    config.write_text(f'data_dir = "{tmp_path}"\nbatch_size = 3\n', encoding="utf-8")
    good = [json.dumps({"id": t.id, "turns": [{"speaker": x.speaker, "text": x.text} for x in t.turns]},
                       ensure_ascii=False) for t in samples[:12]]
    source = tmp_path / "mixed.jsonl"
    source.write_text("\n".join(good[:6] + ['{"id": "broken", "turns": "nope"}'] + good[6:]) + "\n", encoding="utf-8")
    code = main(["--config", str(config), "score", str(source), "--kb", str(ROOT / "kb"), "--workers", "2"])
    captured = capsys.readouterr()
    assert code == 2
    assert "mixed.jsonl" in captured.err and "line 7" in captured.err
    ids = [json.loads(line)["conversation_id"] for line in captured.out.splitlines()]
    assert list(dict.fromkeys(ids)) == [t.id for t in samples[:12] if t.agent_turn_indices()]


@pytest.mark.parametrize(("workers", "expected"), [(1, 1), (3, 3)])
def test_worker_counts(workers: int, expected: int) -> None:
    assert resolve_workers(workers) == expected
    assert 1 <= resolve_workers(0) <= MAX_AUTO_WORKERS


def test_negative_workers_are_refused_in_config_and_on_the_command_line(capsys) -> None:
    with pytest.raises(ConfigError, match="workers"):
        config_from_dict({"workers": -2})
    with pytest.raises(SystemExit):
        main(["score", "transcripts", "--workers", "-1"])
    assert "must be 0 or more" in capsys.readouterr().err
