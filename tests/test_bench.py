"""`coach bench` runs end to end and reports every figure (no timing is asserted here)."""

from __future__ import annotations

import json
from pathlib import Path

from coach.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_bench_writes_all_figures(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "bench.json"
    config = tmp_path / "coach.toml"
    config.write_text(f'data_dir = "{tmp_path}"\n', encoding="utf-8")
    assert main(["--config", str(config), "bench", "--data", "transcripts/en/chat-export.jsonl",
                 "--replies", "20", "--checks", "3", "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["replies"] >= 20 and result["replies_per_second"] > 0
    assert set(result["stage_seconds"]) == {"nlp", "politeness", "empathy", "correctness", "follow_through"}
    assert result["check_ms"]["n"] == 3 and result["peak_rss_mb"] > 0
    assert "throughput, all dimensions" in capsys.readouterr().out
