"""`coach bench` runs end to end and reports every figure (no timing is asserted here)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from coach.bench import markdown
from coach.bench_corpus import sized_kb, varied_copies, vary
from coach.cli import main
from coach.io import read_transcripts
from coach.kb import load_kb
from coach.types import Transcript

ROOT = Path(__file__).resolve().parent.parent


def test_bench_writes_all_figures(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "bench.json"
    config = tmp_path / "coach.toml"
    config.write_text(f'data_dir = "{tmp_path}"\n', encoding="utf-8")
    assert main(["--config", str(config), "bench", "--data", "transcripts/en/chat-export.jsonl",
                 "--replies", "20", "--checks", "3", "--workers", "2", "--scale", "10,30",
                 "--kb-sizes", "3,40", "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["replies"] >= 20 and result["replies_per_second"] > 0 and result["workers"] == 2
    assert set(result["stage_seconds"]) == {"reading", "language", "spacy", "encoder", "politeness", "empathy",
                                            "correctness", "follow_through", "writing"}
    assert result["check_ms"]["n"] == 3 and result["peak_memory_mb"] > 0
    assert [row["replies"] >= wanted for row, wanted in zip(result["scaling"], (10, 30), strict=True)] == [True, True]
    assert [row["articles"] for row in result["kb_sizes"]] == [3, 40]
    assert result["kb_sizes"][1]["passages"] > result["kb_sizes"][0]["passages"]
    printed = capsys.readouterr().out
    assert "warm, 2 worker(s)" in printed and "KB articles" in printed
    tables = markdown(result)
    assert f"| warm, 2 workers, all four dimensions | {result['replies_per_second']} replies/s" in tables
    row = result["kb_sizes"][1]
    assert f"| {row['articles']} | {row['passages']} | {row['index_build_s']} s |" in tables


def test_bench_refuses_bad_counts(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["bench", "--scale", "10,abc"])
    assert "numbers separated by commas" in capsys.readouterr().err


@pytest.fixture(scope="module")
def samples() -> list[Transcript]:
    return [t for t in read_transcripts([ROOT / "transcripts"]) if isinstance(t, Transcript)]


def test_copies_vary_customer_text_and_keep_the_agents_wording(samples: list[Transcript]) -> None:
    original = next(t for t in samples if any(u.author for u in t.turns if u.speaker == "customer"))
    copies = [vary(original, f"copy{i}", random.Random(i)) for i in range(8)]
    customer_texts = {" ".join(u.text for u in c.turns if u.speaker == "customer") for c in copies}
    assert len(customer_texts) > 4  # new names, order numbers and sign-offs
    for copy in copies:
        assert [u.speaker for u in copy.turns] == [u.speaker for u in original.turns]
        name = next(u.author for u in copy.turns if u.speaker == "customer" and u.author)
        assert all(u.author == name for u in copy.turns if u.speaker == "customer" and u.author)


def test_varied_copies_reach_the_reply_count(samples: list[Transcript]) -> None:
    copies = list(varied_copies(samples, 500, seed=3))
    assert sum(len(t.agent_turn_indices()) for t in copies) >= 500
    assert len({t.id for t in copies}) == len(copies)


@pytest.mark.parametrize("size", [5, 36, 200])
def test_sized_kb_has_both_languages_and_unique_ids(size: int) -> None:
    articles, _ = load_kb(ROOT / "kb")
    grown = sized_kb(articles, size)
    assert len(grown) == size and len({a.id for a in grown}) == size
    assert {a.language for a in grown} == {"en", "ru"}
