"""``coach eval correctness --grounding``: passage-grounded sets in BEGIN and FaithDial form."""

from __future__ import annotations

import csv
from pathlib import Path

from coach.cli import main
from coach.evaluate_grounding import grounding_metrics, load_grounding

ROWS = [
    ("Refunds to a card take 5-10 business days.", "How long do refunds take?",
     "Refunds to your card take 2 business days.", "Not fully attributable"),
    ("Refunds to a card take 5-10 business days.", "How long do refunds take?",
     "A refund to your card takes 5-10 business days.", "Fully attributable"),
    ("Basketly Plus Monthly costs $9.99 a month.", "How much is Plus?", "Plus is $14.99 a month.",
     "Not fully attributable"),
    ("Basketly Plus Monthly costs $9.99 a month.", "How much is Plus?", "Haha, nice.", "Generic"),
]


def write_begin(path: Path) -> Path:
    lines = ["model_name\tdata_source\tknowledge\tmessage\tresponse\tbegin_label"]
    lines += [f"t5\twow\t{k}\t{m}\t{r}\t{label}" for k, m, r, label in ROWS]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def write_faithdial(path: Path) -> Path:
    labels = {"Not fully attributable": "Hallucination", "Fully attributable": "Entailment", "Generic": "Generic"}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["evidence", "history", "response", "BEGIN", "VRM"])
        for k, m, r, label in ROWS:
            writer.writerow([k, m, r, labels[label], "Disclosure"])
    return path


def test_both_formats_load_the_same_labelled_rows(tmp_path: Path) -> None:
    begin = load_grounding(write_begin(tmp_path / "begin.tsv"))
    faithdial = load_grounding(write_faithdial(tmp_path / "audit.csv"))
    assert [(e.response, e.unsupported) for e in begin] == [(e.response, e.unsupported) for e in faithdial]
    assert [e.unsupported for e in begin] == [True, False, True]  # the generic row is skipped


def test_wrong_values_against_their_own_passage_are_flagged(coach_no_kb, tmp_path: Path) -> None:
    metrics = grounding_metrics(coach_no_kb, write_begin(tmp_path / "begin.tsv"))
    assert (metrics["tp"], metrics["fp"], metrics["fn"]) == (2, 0, 0)
    assert metrics["n"] == 3 and metrics["f1"] == 1.0


def test_eval_prints_a_line_per_grounding_file(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    path = write_faithdial(tmp_path / "audit.csv")
    assert main(["eval", "correctness", "--data", "dev/correctness/heldout-en", "--grounding", str(path)]) == 0
    assert "audit.csv" in capsys.readouterr().out
