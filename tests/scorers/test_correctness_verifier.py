"""The learned correctness verifier: training writes a model and card; scoring uses it; the
KB gaps and explanations stay intact."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from coach.config import DimensionConfig
from coach.grounding import is_negated, menu_paths, path_supported, split_statements
from coach.pipeline import Coach
from coach.train.correctness import train
from coach.verifier import ALL_FEATURES, Forest, Verifier

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("text", "negated"), [
    ("Codes cannot be combined with each other.", True),
    ("No, you're only charged the original item's price.", False),
    ("There is no family plan.", True),
    ("Промокоды нельзя сложить.", True),
    ("Нет, платить ничего не нужно.", True),
    ("Cash on delivery is fine.", False),
])
def test_negation(text: str, negated: bool) -> None:
    assert is_negated(text) is negated


def test_list_items_keep_their_lead_in() -> None:
    statements = split_statements("Promo codes do not apply to:\n\n- alcohol;\n- gift cards.\n")
    assert statements == ["Promo codes do not apply to alcohol;", "Promo codes do not apply to gift cards."]


@pytest.mark.parametrize(("text", "supported"), [
    ("Go to Settings > Privacy > Delete account.", True),
    ("go to Orders > order 5530-1187 > Report a problem, then attach a photo", True),
    ("Go to Settings > Subscriptions > Cancel Plus.", False),
])
def test_menu_paths_are_checked_against_the_kb(coach, text: str, supported: bool) -> None:
    from coach.grounding import StatementIndex

    known = StatementIndex(coach.kb, coach.nlp).all_paths
    assert path_supported(menu_paths(text)[0].group(0), known) is supported


def test_training_writes_a_loadable_model_and_card(coach: Coach, tmp_path: Path) -> None:
    only = {name: DimensionConfig(enabled=(name == "correctness")) for name in coach.config.dimensions}
    rules_only = Coach(replace(coach.config, dimensions=only, models_dir=str(tmp_path / "none")),
                       kb_path=ROOT / "kb", nlp=coach.nlp)
    card = train(rules_only, [str(ROOT / "dev" / "correctness" / "en")], tmp_path / "correctness")
    verifier = Verifier.load(tmp_path / "correctness")
    assert verifier is not None and 0.5 <= verifier.threshold < 1
    assert 0.0 <= verifier.probability(np.zeros(len(ALL_FEATURES))) <= 1.0
    saved = json.loads((tmp_path / "correctness" / "card.json").read_text(encoding="utf-8"))
    assert saved["examples"] == card["examples"] > 50 and saved["positives"] > 10
    assert {"precision", "recall", "f1"} <= set(next(iter(saved["out_of_fold_reply_metrics"].values())))


def test_a_model_with_other_features_is_refused(tmp_path: Path) -> None:
    (tmp_path / "verifier.json").write_text(json.dumps({"features": ["x"], "weights": [1], "intercept": 0,
                                                        "mean": [0], "scale": [1], "threshold": 0.5}))
    with pytest.raises(ValueError, match="retrain"):
        Verifier.load(tmp_path)


def test_uncovered_question_is_a_kb_gap_not_a_flag(coach: Coach) -> None:
    from coach.types import Transcript, Turn

    result = coach.score(Transcript("gap", (
        Turn("customer", "Do you deliver to Canada, and are your cookies vegan?"),
        Turn("agent", "Hi! Shipping abroad is possible, and all cookies are vegan."),
    )))
    assert result.replies[0].scores["correctness"] is None
    assert not [f for f in result.replies[0].flags if f.dimension == "correctness"]
    assert result.summaries["correctness"]["kb_gaps"][0]["question"].startswith("Do you deliver to Canada")


def test_shipped_model_flags_an_affirmed_denial_with_the_kb_passage(coach: Coach) -> None:
    reply = coach.check("Sure, codes work on gift cards too.", context="Do promo codes work on gift cards?")
    flags = [f for f in reply.flags if f.dimension == "correctness"]
    assert flags and flags[0].suggestion.kb_article == "promo-codes"
    assert "Promo codes do not apply to gift cards" in flags[0].reason


@pytest.mark.parametrize(("draft", "context", "flagged"), [
    ("Yes, Discover works as well, just add it as a new card.", "Can I pay with my Discover card?", True),
    ("Yes, Amex is accepted.", "Do you take American Express?", False),
    ("Our Family plan covers up to four accounts.", "Is there a plan for my whole family?", True),
    ("Да, есть семейный тариф Plus.", "А есть семейный тариф?", True),
    ("Sorry, there is no family plan; each Plus subscription is for one account.", "Is there a family plan?", False),
    # The KB names cash only to deny it ("There is no cash on delivery").
    ("Yes, cash on delivery is fine! Have exact change ready.", "Can I pay the courier in cash?", True),
    ("Sorry, we don't take cash; every order is paid in the app.", "Can I pay the courier in cash?", False),
    ("Да, можно оплатить наличными курьеру.", "Можно заплатить курьеру наличными?", True),
    ("Наличными оплатить нельзя, все заказы оплачиваются в приложении.", "Можно заплатить наличными?", False),
])
def test_named_things_the_kb_never_offers(coach: Coach, draft: str, context: str, flagged: bool) -> None:
    reply = coach.check(draft, context=context)
    assert bool([f for f in reply.flags if f.dimension == "correctness"]) is flagged, reply.flags


def test_a_denied_name_cites_the_article_the_reply_is_about(coach: Coach) -> None:
    """"Cash" also appears in "credit cannot be cashed out"; the payment article is the one to quote."""
    reply = coach.check("Yes, cash on delivery is fine!", context="Can I pay the courier in cash?")
    flags = [f for f in reply.flags if f.dimension == "correctness"]
    assert flags and flags[0].suggestion.kb_article == "payment-failures"
    assert "no cash on delivery" in flags[0].reason


def test_threshold_stops_at_the_first_dip_in_precision() -> None:
    """A lucky threshold below a dip is not chosen: precision must hold all the way down."""
    from coach.train.correctness import choose_threshold

    def m(precision: float) -> dict:
        return {"precision": precision, "tp": 10, "fp": 1}

    candidates = [(0.9, m(1.0)), (0.8, m(0.95)), (0.7, m(0.85)), (0.6, m(0.92)), (0.5, m(0.7))]
    assert choose_threshold(candidates) == 0.8
    assert choose_threshold([(0.9, m(0.5)), (0.8, m(0.4))]) == 0.9


def test_the_forest_scores_as_scikit_learn_does_after_a_round_trip() -> None:
    from sklearn.ensemble import RandomForestClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 6))
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype(int)
    fitted = RandomForestClassifier(n_estimators=20, min_samples_leaf=3, class_weight="balanced", random_state=0).fit(x, y)
    forest = Forest.from_json(json.loads(json.dumps(Forest.from_sklearn(fitted).to_json())))
    probe = rng.normal(size=(50, 6))
    ours = np.array([forest.probability(row) for row in probe])
    assert np.allclose(ours, fitted.predict_proba(probe)[:, 1], atol=1e-3)
