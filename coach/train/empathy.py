"""``coach train empathy``: the applicability detector and the acknowledgement head.

* Applicability (label 1 = the customer message carries emotion or impact): the project's
  customer-emotion sets plus the contexts of the support dev sets (null = 0).
* EPITOME head (label 1 = no empathy: no mechanism at any level), on 80% of the pair ids.
* Acknowledgement (label 1 = the reply fails to acknowledge): the support dev replies where
  empathy applies, with the EPITOME head's logit as one feature.
Both thresholds are chosen together on out-of-fold predictions over the support dev sets.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from coach.empathy_features import emotion_feature_names, emotion_row, pair_feature_names, pair_row
from coach.evaluate import prf
from coach.linear_head import LinearHead, append_logit, choose_c, fit_head
from coach.nlp import NlpToolkit, parse_word, sentences_of
from coach.pipeline import Coach
from coach.scorers.markers import has
from coach.strategies import find_strategies, imperative_sentences
from coach.tone_features import turn_strategies
from coach.train.card import write_card
from coach.train.public_data import TextExample, epitome_any_empathy, jsonl_examples, split
from coach.train.tone import FOLDS, binary_metrics, calibrated_head, labelled_transcripts

C = 0.03
SUPPORT_WEIGHT = 1.0


@dataclass(eq=False)
class SupportReply:
    """A labelled reply with a customer context: both feature rows and the gold label."""

    key: tuple[str, int]
    language: str
    emotion: np.ndarray
    pair: np.ndarray
    gold: int | None
    rule_flag: bool


def support_replies(coach: Coach, folders: list[str], public: LinearHead | None) -> list[SupportReply]:
    """Rows of every labelled agent reply that follows a customer message."""
    transcripts, records = labelled_transcripts(folders)
    out = []
    for analysis in coach.nlp.analyze(transcripts):
        for turn in analysis.turns:
            record = records.get((analysis.transcript.id, turn.index))
            context = analysis.previous_customer_text(turn.index)
            if turn.speaker != "agent" or record is None or "empathy" not in record or not context:
                continue
            sentences = [s.text for s in turn.sentences] or [turn.text]
            analysis.ensure_vectors([context, *sentences])
            vectors = np.stack([analysis.vector(s) for s in sentences])
            lang = analysis.language
            out.append(SupportReply(
                (analysis.transcript.id, turn.index), lang, emotion_row(analysis.vector(context), context, lang),
                append_logit(pair_row(analysis.vector(context), vectors, context, turn.text,
                                      turn_strategies(turn, lang), lang), public)[0],
                record["empathy"], bool(has("empathy", "minimising", lang, turn.text))))
    return out


def text_pair_rows(nlp: NlpToolkit, examples: list[TextExample], language: str = "en") -> np.ndarray:
    """Acknowledgement rows for public (context, response) pairs."""
    docs = nlp.docs([e.text for e in examples], language)
    per = [[s.text for s in sentences_of(d)] or [e.text] for d, e in zip(docs, examples, strict=True)]
    vectors = nlp.encode([s for group in per for s in group])
    contexts = nlp.encode([e.context for e in examples])
    rows, at = [], 0
    for doc, example, group, context in zip(docs, examples, per, contexts, strict=True):
        hits = find_strategies(example.text, language, imperative_sentences(doc, language, parse_word))
        rows.append(pair_row(context, vectors[at:at + len(group)], example.context, example.text, hits, language))
        at += len(group)
    return np.stack(rows)


def emotion_rows(nlp: NlpToolkit, examples: list[TextExample]) -> np.ndarray:
    """Applicability rows for labelled customer messages."""
    vectors = nlp.encode([e.text for e in examples])
    return np.stack([emotion_row(v, e.text, e.language) for v, e in zip(vectors, examples, strict=True)])


def _fit(base_x: np.ndarray, base_y: np.ndarray, rows: list[np.ndarray], labels: list[int],
         names: tuple[str, ...]) -> LinearHead:
    x = np.vstack([base_x, *([np.stack(rows)] if rows else [])])
    y = np.concatenate([base_y, np.asarray(labels, dtype=float)])
    weights = np.concatenate([np.ones(len(base_y)), np.full(len(labels), SUPPORT_WEIGHT)])
    return fit_head(x, y, names, c=C, sample_weight=weights)


def fit_heads(replies: list[SupportReply], emo: tuple[np.ndarray, np.ndarray]) -> tuple[LinearHead, LinearHead]:
    """(applicability head on the emotion sets plus ``replies``' contexts, acknowledgement head
    on ``replies``, whose pair rows already carry the EPITOME head's logit)."""
    applicability = _fit(*emo, [r.emotion for r in replies], [int(r.gold is not None) for r in replies],
                         emotion_feature_names())
    scored = [r for r in replies if r.gold is not None]
    empty = np.zeros((0, len(pair_feature_names()) + 1), dtype=np.float32)
    acknowledgement = _fit(empty, np.zeros(0), [r.pair for r in scored], [int(r.gold) for r in scored],
                           (*pair_feature_names(), "public_logit"))
    return applicability, acknowledgement


def flag_metrics(replies: list[SupportReply], p_app: np.ndarray, p_ack: np.ndarray, t_app: float,
                 t_ack: float) -> dict[str, float]:
    """Flag P/R/F1 of "applies and (rule or head)" against the gold flag."""
    predicted = (p_app >= t_app) & (np.asarray([r.rule_flag for r in replies]) | (p_ack >= t_ack))
    truth = np.asarray([r.gold == 1 for r in replies])
    return prf(int((predicted & truth).sum()), int((predicted & ~truth).sum()), int((~predicted & truth).sum()))


def train(coach: Coach, data: list[str], heldout: list[str], epitome: str | None, emotion: list[str],
          emotion_eval: list[str], out: Path) -> dict:
    """Fit both heads, choose thresholds out of fold, write ``applicability.json``,
    ``acknowledgement.json`` and ``card.json``; returns the card."""
    nlp = coach.nlp
    emo_examples = [e for path in emotion for e in jsonl_examples(Path(path))]
    emo = (emotion_rows(nlp, emo_examples) if emo_examples else np.zeros((0, len(emotion_feature_names()))),
           np.asarray([e.label for e in emo_examples], dtype=float))
    epitome_train, epitome_held = split(epitome_any_empathy(Path(epitome))) if epitome else ([], [])
    public, public_c = None, 0.0
    if epitome_train:
        # EPITOME (Reddit peer support) teaches what empathy looks like; its logit is one
        # feature of the support head, which decides how far it transfers to support chats.
        rows, labels = text_pair_rows(nlp, epitome_train), np.asarray([1 - e.label for e in epitome_train])
        public_c = choose_c(rows, labels)
        public = calibrated_head(rows, labels, pair_feature_names(), public_c)
        public.save(out / "public.json")
    replies = support_replies(coach, data, public)
    conversations = sorted({r.key[0] for r in replies})
    fold_of = {cid: i % FOLDS for i, cid in enumerate(conversations)}
    p_app, p_ack = np.zeros(len(replies)), np.zeros(len(replies))
    for fold in range(FOLDS):
        app_head, ack_head = fit_heads([r for r in replies if fold_of[r.key[0]] != fold], emo)
        inside = [i for i, r in enumerate(replies) if fold_of[r.key[0]] == fold]
        p_app[inside] = app_head.predict_proba(np.stack([replies[i].emotion for i in inside]))
        p_ack[inside] = ack_head.predict_proba(np.stack([replies[i].pair for i in inside]))
    # Applicability is its own decision (a wrong one makes a score appear or vanish): its
    # threshold maximises out-of-fold accuracy; then the flag threshold maximises flag F1.
    applies = np.asarray([r.gold is not None for r in replies])
    t_app = max((round(float(a), 2) for a in np.arange(0.3, 0.86, 0.05)),
                key=lambda a: (((p_app >= a) == applies).mean(), a))
    t_ack = max((round(float(b), 2) for b in np.arange(0.3, 0.86, 0.05)),
                key=lambda b: (flag_metrics(replies, p_app, p_ack, t_app, b)["f1"], b))
    app_head, ack_head = fit_heads(replies, emo)
    replace(app_head, threshold=t_app).save(out / "applicability.json")
    replace(ack_head, threshold=t_ack).save(out / "acknowledgement.json")
    metrics: dict[str, object] = {}
    for language in sorted({r.language for r in replies}):
        chosen = [i for i, r in enumerate(replies) if r.language == language]
        metrics[f"support_dev_{language}_out_of_fold"] = flag_metrics(
            [replies[i] for i in chosen], p_app[chosen], p_ack[chosen], t_app, t_ack)
    held = support_replies(coach, heldout, public) if heldout else []
    for language in sorted({r.language for r in held}):
        chosen = [r for r in held if r.language == language]
        metrics[f"support_heldout_{language}"] = flag_metrics(
            chosen, app_head.predict_proba(np.stack([r.emotion for r in chosen])),
            ack_head.predict_proba(np.stack([r.pair for r in chosen])), t_app, t_ack)
    if public is not None and epitome_held:
        empathic = 1.0 - public.predict_proba(text_pair_rows(nlp, epitome_held))
        metrics["epitome_heldout_any_empathy"] = binary_metrics(
            empathic, np.asarray([e.label for e in epitome_held]), 1.0 - public.threshold)
    for path in emotion_eval:
        examples = jsonl_examples(Path(path))
        metrics[f"customer_emotion_{Path(path).stem}"] = binary_metrics(
            app_head.predict_proba(emotion_rows(nlp, examples)), np.asarray([e.label for e in examples]), t_app)
    return write_card(out, "empathy", {
        "model": "logistic regressions over USE embeddings and cues: applicability.json (does the customer "
                 "message carry emotion or impact), public.json (EPITOME: does a response show no empathy, pair "
                 "features + EPITOME strategies), acknowledgement.json (the same pair features plus "
                 "public.json's logit, fitted on support replies)",
        "label": "applicability 1 = emotion/impact; acknowledgement 1 = fails to acknowledge (flag)",
        "C": C, "public_C": public_c, "support_weight": SUPPORT_WEIGHT,
        "thresholds": {"applicability": t_app, "acknowledgement": t_ack},
        "training_data": {"epitome": epitome, "emotion": emotion, "support": data,
                          "rows": {"applicability": int(len(emo[1]) + len(replies)),
                                   "epitome": len(epitome_train),
                                   "acknowledgement": int(sum(r.gold is not None for r in replies))}},
        "heldout_data": {"support": heldout, "emotion": emotion_eval,
                         "epitome": "20% of (sp_id, rp_id) pairs by hash (coach.train.public_data.is_train)"},
        "metrics": metrics,
    })
