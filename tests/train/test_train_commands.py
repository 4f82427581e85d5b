"""``coach train politeness|empathy`` and ``coach eval`` on small real-looking sets, end to end."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from coach.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent


def subset(source: Path, target: Path, conversations: int) -> Path:
    """The first conversations of a dev set, with their labels."""
    target.mkdir(parents=True)
    lines = source.joinpath("conversations.jsonl").read_text(encoding="utf-8").splitlines()[:conversations]
    keep = {json.loads(line)["id"] for line in lines}
    labels = [line for line in source.joinpath("labels.jsonl").read_text(encoding="utf-8").splitlines()
              if json.loads(line)["conversation_id"] in keep]
    target.joinpath("conversations.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    target.joinpath("labels.jsonl").write_text("\n".join(labels) + "\n", encoding="utf-8")
    return target


def stanford_like(path: Path) -> Path:
    requests = [("Could you please take a look at my edit when you have a moment? Thanks!", 1.5),
                ("Would you mind explaining why the section was removed? I appreciate it.", 1.2),
                ("Thanks for the quick fix! Could you also check the references?", 1.0),
                ("Why did you delete my paragraph?", -1.5), ("What is wrong with you?", -2.0),
                ("Stop reverting my changes.", -1.8), ("Is this a joke?", -1.2), ("Hi, any news on this?", 0.1)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Community", "Id", "Request", "Normalized Score"])
        for copy in range(6):
            for i, (text, score) in enumerate(requests):
                writer.writerow(["Wikipedia", f"{copy}-{i}", text, score + copy * 0.01])
    return path


@pytest.mark.slow
def test_train_politeness_writes_a_deterministic_head_and_a_card(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    data = subset(ROOT / "dev/politeness/en", tmp_path / "support", 10)
    stanford = stanford_like(tmp_path / "stanford.csv")
    args = ["train", "politeness", "--data", str(data), "--stanford", str(stanford),
            "--binary", "dev/politeness_binary/en-train.jsonl", "--binary-eval", "dev/politeness_binary/ru-dev.jsonl"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "support_dev_en_out_of_fold" in out and "binary_ru-dev" in out and "ECE" in out
    for name in ("head.json", "public.json"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()
    card = json.loads((tmp_path / "a" / "card.json").read_text())
    assert card["name"] == "politeness" and card["versions"]["scikit-learn"]
    assert 0 < card["threshold"] < 1 and "stanford_heldout_binary" in card["metrics"]


@pytest.mark.slow
def test_train_empathy_and_eval_print_public_metrics(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    data = subset(ROOT / "dev/empathy/en", tmp_path / "support", 10)
    out = tmp_path / "models" / "empathy"
    assert main(["train", "empathy", "--data", str(data), "--emotion", "dev/customer_emotion/en-train.jsonl",
                 "--emotion-eval", "dev/customer_emotion/en-test.jsonl", "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {"applicability.json", "acknowledgement.json", "card.json"}
    assert "customer_emotion_en-test" in capsys.readouterr().out
    assert main(["eval", "politeness", "--data", "dev/politeness/heldout-en",
                 "--binary-eval", "dev/politeness_binary/ru-dev.jsonl"]) == 0
    printed = capsys.readouterr().out
    assert "dev/politeness/heldout-en" in printed and "binary_ru-dev" in printed and "accuracy" in printed
