"""Held-out metrics of the committed politeness and empathy heads on public and binary sets:
accuracy, macro-F1 and calibration (expected calibration error and a reliability table)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coach.empathy_features import emotion_feature_names, pair_feature_names
from coach.linear_head import LinearHead, load_head
from coach.pipeline import Coach
from coach.tone_features import head_feature_names
from coach.train.public_data import epitome_any_empathy, jsonl_examples, language_of, split, stanford_binary
from coach.train.tone import binary_metrics


def _head(models_dir: str, name: str, file: str, names: tuple[str, ...]) -> LinearHead:
    head = load_head(str(Path(models_dir) / name / file), names)
    if head is None:
        raise FileNotFoundError(f"{Path(models_dir) / name / file} is missing: run coach train {name} first")
    return head


def politeness_metrics(coach: Coach, stanford: list[str], binary: list[str]) -> dict[str, dict]:
    """Stanford held-out split (the public head) and binary sets (the support head)."""
    from coach.train.politeness import text_metrics

    models = coach.config.models_dir
    public = _head(models, "politeness", "public.json", head_feature_names())
    head = _head(models, "politeness", "head.json", (*head_feature_names(), "public_logit"))
    out = {}
    if stanford:
        _, held = split(stanford_binary([Path(p) for p in stanford]))
        out["stanford_heldout_binary"] = text_metrics(public, coach, held, "en", stacked=False)
    for path in binary:
        examples = jsonl_examples(Path(path))
        out[f"binary_{Path(path).stem}"] = text_metrics(head, coach, examples, language_of(path), public)
    return out


def empathy_metrics(coach: Coach, epitome: str | None, emotion: list[str]) -> dict[str, dict]:
    """EPITOME held-out split (any empathy vs none) and customer-emotion sets (applicability)."""
    from coach.train.empathy import emotion_rows, text_pair_rows

    models = coach.config.models_dir
    out = {}
    if epitome:
        public = _head(models, "empathy", "public.json", pair_feature_names())
        _, held = split(epitome_any_empathy(Path(epitome)))
        empathic = 1.0 - public.predict_proba(text_pair_rows(coach.nlp, held))
        out["epitome_heldout_any_empathy"] = binary_metrics(empathic, np.asarray([e.label for e in held]),
                                                            1.0 - public.threshold)
    if emotion:
        applicability = _head(models, "empathy", "applicability.json", emotion_feature_names())
        for path in emotion:
            examples = jsonl_examples(Path(path))
            out[f"customer_emotion_{Path(path).stem}"] = binary_metrics(
                applicability.predict_proba(emotion_rows(coach.nlp, examples)),
                np.asarray([e.label for e in examples]), applicability.threshold)
    return out
