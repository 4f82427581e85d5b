"""The claim/evidence pair model: training reads every kind of source and writes a loadable
model and card; the shipped model tells a contradicted claim from a supported one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from coach.cli import main
from coach.pair_model import PairModel, pair_matrix, scalar_features
from coach.pipeline import Coach
from coach.train.pairs import consistency_pairs, grounding_pairs, train

ROOT = Path(__file__).resolve().parents[2]

BEGIN_ROWS = [
    ("Paris is the capital of France, with 2 million residents.", "Tell me about Paris",
     "Paris has about 2 million residents.", "Fully attributable"),
    ("Paris is the capital of France, with 2 million residents.", "Tell me about Paris",
     "Paris has 10 million residents and is in Spain.", "Not fully attributable"),
    ("The Nile is the longest river in Africa.", "Rivers?", "The Nile is Africa's longest river.", "Fully attributable"),
    ("The Nile is the longest river in Africa.", "Rivers?", "The Nile is the shortest river in Europe.",
     "Not fully attributable"),
    ("The Nile is the longest river in Africa.", "Rivers?", "I love rivers!", "Generic"),
]


def _write_sources(folder: Path) -> tuple[Path, Path]:
    begin = folder / "begin_dev_demo.tsv"
    lines = ["model_name\tdata_source\tknowledge\tmessage\tresponse\tbegin_label"]
    lines += [f"t5\twow\t{k}\t{m}\t{r}\t{label}" for k, m, r, label in BEGIN_ROWS * 4]
    begin.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    dialogue = [{"turn": "driver", "utterance": "when is my dentist appointment"}]
    records = [
        {"id": i, "dialogue": [*dialogue, {"turn": "assistant", "utterance": f"your dentist appointment is at {t}"}],
         "scenario": {"kb": {"items": [{"event": "dentist_appointment", "time": "5pm"}]}, "kbi": label,
                      "qi": "0", "hi": "0"}, "HIPosition": []}
        for i, (t, label) in enumerate([("5pm", "0"), ("9am", "1")] * 6)
    ]
    records.append({"id": 99, "dialogue": dialogue, "scenario": {"kb": {"items": []}, "kbi": "0"}, "HIPosition": []})
    tod = folder / "ci_tod_calendar_dev.json"
    tod.write_text(json.dumps(records), encoding="utf-8")
    return begin, tod


def test_sources_are_read_with_their_labels_and_splits(tmp_path: Path) -> None:
    begin, tod = _write_sources(tmp_path)
    pairs = grounding_pairs(begin)
    assert len(pairs) == 16 and sum(p.label for p in pairs) == 8  # "Generic" rows make no claim
    consistency = consistency_pairs(tod)
    assert len(consistency) == 12 and all(p.scored for p in consistency)  # a *_dev file is scored only
    assert "event: dentist appointment, time: 5pm" in consistency[0].evidence


def test_training_writes_a_loadable_model_and_card(coach: Coach, tmp_path: Path) -> None:
    begin, tod = _write_sources(tmp_path)
    card = train(coach, [str(begin)], [str(tod)], [str(ROOT / "dev" / "correctness" / "train-en")],
                 tmp_path / "pairs")
    model = PairModel.load(tmp_path / "pairs")
    assert model is not None
    assert "support:train-en" in card["scored_metrics_at_0.5"]
    assert card["pairs_fitted"] > 50
    vector = coach.nlp.encode(["Delivery is free over $35."])[0]
    assert 0.0 <= model.probability("Delivery is free over $35.", "Delivery is free over $35.", vector, vector) <= 1.0


def test_train_without_any_set_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "correctness", "--out", str(tmp_path / "x")]) == 2
    assert "--data" in capsys.readouterr().err


def test_scalar_signals_see_negation_values_and_overpromising() -> None:
    names = ["cosine", "jaccard", "novel_share", "claim_denies", "evidence_denies", "value_differs", "value_agrees",
             "unknown_numbers", "overpromise"]
    signals = dict(zip(names, scalar_features("Credit never expires.", "Credit expires 12 months after it is issued.",
                                              0.6), strict=True))
    assert signals["claim_denies"] == 1.0 and signals["evidence_denies"] == 0.0
    signals = dict(zip(names, scalar_features("Delivery is free over $50.", "Delivery is free over $35.", 0.9),
                       strict=True))
    assert signals["value_differs"] == 1.0 and signals["value_agrees"] == 0.0
    signals = dict(zip(names, scalar_features("You can cancel any time.",
                                              "You can cancel up to 2 hours before the slot.", 0.7), strict=True))
    assert signals["overpromise"] == 1.0


@pytest.mark.parametrize(("claim", "evidence", "supported_claim"), [
    ("Yes, alcohol can come by Express too.", "Alcohol is not available with Express delivery.",
     "Alcohol can't be delivered by Express."),
    ("Basketly credit never expires.", "Basketly credit expires 12 months after it is issued.",
     "Your credit is valid for 12 months from the day it was issued."),
    ("You can combine WELCOME10 with any other code.", "Codes cannot be combined with each other.",
     "Only one code can be used per order."),
])
def test_shipped_model_rates_a_contradiction_above_the_supported_claim(coach: Coach, claim: str, evidence: str,
                                                                        supported_claim: str) -> None:
    model = PairModel.load(ROOT / "models" / "pairs")
    assert model is not None
    vectors = coach.nlp.encode([claim, supported_claim, evidence])
    rows = pair_matrix([claim, supported_claim], [evidence, evidence], vectors[:2], np.stack([vectors[2]] * 2))
    contradicted, supported = model.probabilities(rows)
    assert contradicted > supported


@pytest.mark.parametrize("extra", [[], ["--grounding", "/no/such/begin.tsv"]])
def test_train_pairs_names_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]) -> None:
    assert main(["train", "pairs", "--out", str(tmp_path / "pairs"), *extra]) == 2
    err = capsys.readouterr().err
    assert "no pairs" in err or "/no/such/begin.tsv" in err
