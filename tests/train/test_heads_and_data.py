"""Linear heads (JSON, calibration, stale features) and the public-data loaders and split."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from coach.linear_head import LinearHead, append_logit, calibration_table, choose_c, fit_head, load_head
from coach.train.public_data import epitome_any_empathy, is_train, jsonl_examples, split, stanford_binary


def test_head_round_trips_through_json_and_explains_itself(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3)).astype(np.float32)
    y = (x[:, 0] + 0.1 * rng.normal(size=200) > 0).astype(int)
    head = fit_head(x, y, ("emb0", "emb1", "gratitude"), c=1.0)
    head.save(tmp_path / "head.json")
    loaded = LinearHead.load(tmp_path / "head.json")
    assert np.allclose(loaded.predict_proba(x), head.predict_proba(x), atol=1e-4)
    assert ((loaded.predict_proba(x) >= 0.5) == y).mean() > 0.9
    assert set(loaded.contributions(x[0])) == {"embedding", "gratitude"}
    assert append_logit(x[:2], loaded).shape == (2, 4)
    assert np.all(append_logit(x[:2], None)[:, -1] == 0)


def test_stale_head_is_refused_with_a_fix(tmp_path: Path) -> None:
    LinearHead(("a", "b"), np.ones(2), 0.0, np.zeros(2), np.ones(2)).save(tmp_path / "old.json")
    with pytest.raises(ValueError, match="retrain"):
        load_head(str(tmp_path / "old.json"), ("a", "b", "c"))
    assert load_head(str(tmp_path / "missing.json")) is None


def test_calibration_table_and_c_choice() -> None:
    probabilities = np.array([0.05, 0.15, 0.85, 0.95])
    ece, rows = calibration_table(probabilities, np.array([0, 0, 1, 1]))
    assert ece == pytest.approx(0.1)
    assert [r[1] for r in rows] == [1, 1, 1, 1]
    rng = np.random.default_rng(1)
    x = rng.normal(size=(120, 4))
    assert choose_c(x, (x[:, 1] > 0).astype(int)) in (0.001, 0.003, 0.01, 0.03, 0.1)


def test_split_is_deterministic_and_about_80_percent() -> None:
    keys = [f"Wikipedia:{i}" for i in range(2000)]
    share = sum(is_train(k) for k in keys) / len(keys)
    assert 0.77 < share < 0.83
    assert [is_train(k) for k in keys[:50]] == [is_train(k) for k in keys[:50]]


def write_stanford(path: Path, community: str, scores: list[float]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Community", "Id", "Request", "Normalized Score"])
        for i, score in enumerate(scores):
            writer.writerow([community, str(i), f"request {i}?", score])


def test_stanford_binary_keeps_top_and_bottom_quartile_per_community(tmp_path: Path) -> None:
    write_stanford(tmp_path / "a.csv", "Wikipedia", [float(i) for i in range(8)])
    write_stanford(tmp_path / "b.csv", "Stack Exchange", [float(i) / 10 for i in range(8)])
    examples = stanford_binary([tmp_path / "a.csv", tmp_path / "b.csv"])
    wiki = sorted((e.text, e.label) for e in examples if e.source == "Wikipedia")
    assert wiki == [("request 0?", 0), ("request 1?", 0), ("request 6?", 1), ("request 7?", 1)]
    train, held = split(examples)
    assert len(train) + len(held) == len(examples) == 8


def test_epitome_any_empathy_joins_the_three_files(tmp_path: Path) -> None:
    for name, levels in (("emotional_reactions", [0, 2]), ("interpretations", [0, 0]), ("explorations", [0, 0])):
        with (tmp_path / f"epitome_{name}_train.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["sp_id", "rp_id", "seeker_post", "response_post", "level", "rationales"])
            for i, level in enumerate(levels):
                writer.writerow([f"s{i}", f"r{i}", f"seeker {i}", f"response {i}", level, ""])
    examples = epitome_any_empathy(tmp_path)
    assert [(e.context, e.text, e.label) for e in examples] == [("seeker 0", "response 0", 0),
                                                                ("seeker 1", "response 1", 1)]


def test_bad_binary_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Hi", "label": 1}) + "\n" + json.dumps({"id": "b"}) + "\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match=r"set.jsonl: line 2"):
        jsonl_examples(path)


def test_bad_support_label_names_file_and_line(tmp_path: Path) -> None:
    from coach.train.tone import labelled_transcripts

    (tmp_path / "labels.jsonl").write_text('{"conversation_id": "c1", "turn": 1}\n{"turn": 2}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"labels.jsonl: line 2: bad label"):
        labelled_transcripts([str(tmp_path)])
