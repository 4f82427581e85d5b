"""``coach train politeness``: the learned head that finds discourteous sentences.

Rows are sentences (support replies) or short texts (public requests), each a multilingual
sentence embedding plus politeness strategies; the label is 1 for discourteous. Training
data: the Stanford Politeness Corpus in its binary top/bottom-quartile setting (80% of ids),
the project's binary sets, and the support dev sets, where the sentence holding a flag's
evidence is discourteous and every sentence of a clean reply is courteous.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coach.linear_head import LinearHead, append_logit, choose_c, fit_head
from coach.pipeline import Coach
from coach.tone_features import SURE, head_feature_names, sentence_features, standalone_row, text_rows
from coach.train.public_data import TextExample, jsonl_examples, language_of, split, stanford_binary
from coach.train.tone import ReplyRows, binary_metrics, labelled_transcripts

#: Kinds the rules own: where the reply sits, not how its sentences read.
POSITIONAL = {"missing_greeting", "missing_close"}
C = 0.1
SUPPORT_WEIGHT = 3.0


def support_replies(coach: Coach, folders: list[str], public: LinearHead | None) -> list[ReplyRows]:
    """Sentence rows of each labelled reply, with the rule-only scorer's verdict."""
    transcripts, records = labelled_transcripts(folders)
    out = []
    for analysis in coach.nlp.analyze(transcripts):
        results = coach.score_analysis(analysis)
        flagged = {r.turn for r in results.replies if any(f.dimension == "politeness" for f in r.flags)}
        for turn in analysis.turns:
            record = records.get((analysis.transcript.id, turn.index))
            if turn.speaker != "agent" or record is None or record.get("politeness") is None:
                continue
            features = sentence_features(analysis, turn)
            gold = int(record["politeness"])
            labels: list[int | None] = [0] * len(features) if gold == 0 else [None] * len(features)
            evidence = record.get("evidence") or ""
            at = turn.text.find(evidence) if evidence else -1
            if gold == 1 and at >= 0 and not set(record.get("kinds") or []) <= POSITIONAL:
                for i, item in enumerate(features):
                    if item.sentence.start < at + len(evidence) and at < item.sentence.end:
                        labels[i] = 1
            rows = append_logit(np.stack([f.row for f in features]), public)
            chosen = [i for i, label in enumerate(labels) if label is not None]
            alone = append_logit(np.stack([standalone_row(features[i]) for i in chosen]), public) if chosen else None
            out.append(ReplyRows((analysis.transcript.id, turn.index), analysis.language, rows, labels, gold,
                                 turn.index in flagged, [f.telling for f in features], alone,
                                 [labels[i] for i in chosen]))
    return out


def reply_probability(head: LinearHead, reply: ReplyRows) -> float:
    """A reply is as discourteous as its worst sentence that the head may flag: sentences
    without a telling cue count only when the head is sure (the scorer's rule)."""
    probabilities = head.predict_proba(reply.rows)
    telling = reply.row_telling or [True] * len(probabilities)
    usable = [float(p) for p, t in zip(probabilities, telling, strict=True) if t or p >= SURE]
    return max(usable, default=0.0)


def public_head(coach: Coach, stanford: list[str]) -> tuple[LinearHead | None, list[TextExample], float]:
    """The head fitted on the Stanford requests alone (80% of ids; regularisation chosen by
    5-fold cross-validation on them), the held-out 20%, and the chosen C."""
    if not stanford:
        return None, [], 0.0
    train, heldout = split(stanford_binary([Path(p) for p in stanford]))
    rows = text_rows([e.text for e in train], "en", coach.nlp)
    labels = np.asarray([1 - e.label for e in train])
    c = choose_c(rows, labels)
    return fit_head(rows, labels, head_feature_names(), c=c), heldout, c


def binary_rows(coach: Coach, paths: list[str], public: LinearHead | None) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the project's binary sets (label 1 = impolite), with the public head's logit."""
    xs, ys = [np.zeros((0, len(head_feature_names()) + 1), dtype=np.float32)], [np.zeros(0)]
    for path in paths:
        examples = jsonl_examples(Path(path))
        xs.append(append_logit(text_rows([e.text for e in examples], language_of(path), coach.nlp), public))
        ys.append(np.asarray([1 - e.label for e in examples]))
    return np.vstack(xs), np.concatenate(ys)


def text_metrics(head: LinearHead, coach: Coach, examples: list[TextExample], language: str,
                 public: LinearHead | None = None, stacked: bool = True) -> dict:
    """Binary polite-vs-impolite metrics of a head on texts (label 1 = polite)."""
    rows = text_rows([e.text for e in examples], language, coach.nlp)
    polite = 1.0 - head.predict_proba(append_logit(rows, public) if stacked else rows)
    return binary_metrics(polite, np.asarray([e.label for e in examples]))


def train(coach: Coach, data: list[str], heldout: list[str], stanford: list[str], binary: list[str],
          binary_eval: list[str], out: Path) -> dict:
    """Fit the head, choose its threshold out of fold on ``data``, and write ``head.json`` and
    ``card.json`` to ``out``; returns the card."""
    from dataclasses import replace

    from coach.train.card import write_card
    from coach.train.tone import best_threshold, fit_rows, flag_prf, out_of_fold

    names = (*head_feature_names(), "public_logit")
    public, stanford_held, public_c = public_head(coach, stanford)
    if public is not None:
        public.save(out / "public.json")
    base_x, base_y = binary_rows(coach, binary, public)
    replies = support_replies(coach, data, public)
    oof = out_of_fold(replies, base_x, base_y, names, C, reply_probability, SUPPORT_WEIGHT)
    threshold, _ = best_threshold(replies, oof)
    head = replace(fit_rows(replies, base_x, base_y, names, C, SUPPORT_WEIGHT), threshold=threshold)
    head.save(out / "head.json")
    metrics: dict[str, object] = {}
    for language in sorted({r.language for r in replies}):
        chosen = [i for i, r in enumerate(replies) if r.language == language]
        metrics[f"support_dev_{language}_out_of_fold"] = flag_prf([replies[i] for i in chosen],
                                                                    [oof[i] for i in chosen], threshold)
    held_replies = support_replies(coach, heldout, public) if heldout else []
    for language in sorted({r.language for r in held_replies}):
        chosen = [r for r in held_replies if r.language == language]
        metrics[f"support_heldout_{language}"] = flag_prf(chosen, [reply_probability(head, r) for r in chosen],
                                                          threshold)
    if public is not None:
        metrics["stanford_heldout_binary"] = text_metrics(public, coach, stanford_held, "en", stacked=False)
        metrics["stanford_heldout_binary_support_head"] = text_metrics(head, coach, stanford_held, "en", public)
    for path in binary_eval:
        examples = jsonl_examples(Path(path))
        metrics[f"binary_{Path(path).stem}"] = text_metrics(head, coach, examples, language_of(path), public)
    return write_card(out, "politeness", {
        "model": "public.json: logistic regression over USE sentence embeddings + politeness strategies "
                 "(coach/data/strategies.toml) on Stanford requests; head.json: the same features plus "
                 "public.json's logit, fitted on support sentences and the project's binary sets",
        "label": "1 = discourteous sentence", "C": C, "public_C": public_c,
        "support_weight": SUPPORT_WEIGHT, "threshold": threshold,
        "training_data": {"stanford": stanford, "binary": binary, "support": data,
                          "rows": int(len(base_y) + sum(sum(x is not None for x in r.row_labels) for r in replies))},
        "heldout_data": {"support": heldout, "binary": binary_eval,
                         "stanford": "20% of ids by hash (coach.train.public_data.is_train)"},
        "metrics": metrics,
    })
