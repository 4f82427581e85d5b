"""Would a model of how a claim is worded help the correctness verifier? Tried and not shipped.

The wording model is a logistic regression over TF-IDF of a claim's function words (spaCy's
English and Russian stop words plus answer words such as "yes", «конечно», «любой») and pairs
of neighbouring ones ("yes you", "we ll"); content words are left out so that it cannot learn
which topics of one KB were often got wrong. Its out-of-fold probability is stacked into the
forest as one more feature. For the forest with and without it, this prints:

- the threshold chosen out of fold as training chooses it, and pooled P / R / F1 there;
- leave-one-set-out pooled P / R / F1 at that threshold (each set scored by models that never
  saw its writer);
- each held-out set scored by the model fitted on all training sets.

    python experiments/wording_model.py \\
      --data dev/correctness/en --data dev/correctness/ru \\
      --data dev/correctness/train-en --data dev/correctness/train-ru \\
      --data dev/correctness/train2-en --data dev/correctness/train2-ru \\
      --data dev/correctness/train3-en --data dev/correctness/train3-ru \\
      --data dev/correctness/train4-en --data dev/correctness/train4-ru \\
      --data dev/correctness/train5-en --data dev/correctness/train5-ru \\
      --heldout dev/correctness/heldout-en --heldout dev/correctness/heldout-ru --heldout transcripts
"""

from __future__ import annotations

import argparse
import re
from dataclasses import replace
from functools import cache

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from coach.config import Config
from coach.pipeline import Coach
from coach.train.correctness import Example, _fit, choose_threshold, collect, gold_replies, out_of_fold, reply_metrics

_WORD = re.compile(r"[^\W\d_]+")
_ANSWER_WORDS = {"yes", "sure", "course", "absolutely", "unlimited", "whole", "да", "конечно", "разумеется",
                 "любой", "любая", "любое", "любые", "любую", "любом"}


@cache
def _function_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH
    from spacy.lang.ru.stop_words import STOP_WORDS as RUSSIAN

    return frozenset(ENGLISH) | frozenset(RUSSIAN) | _ANSWER_WORDS


def wording_terms(text: str) -> list[str]:
    """A claim's function words and pairs of neighbouring ones."""
    words = [w for w in _WORD.findall(text.lower()) if w in _function_words()]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _wording_model(train: list[Example]):  # noqa: ANN202 - a fitted (vectorizer, regression) pair
    fitted = [e for e in train if e.fit]
    vectorizer = TfidfVectorizer(analyzer=wording_terms, min_df=2, sublinear_tf=True)
    matrix = vectorizer.fit_transform([e.text for e in fitted])
    return vectorizer, LogisticRegression(max_iter=2000, class_weight="balanced").fit(matrix, [e.label for e in fitted])


def _wording(model, examples: list[Example]) -> np.ndarray:  # noqa: ANN001
    vectorizer, regression = model
    return regression.predict_proba(vectorizer.transform([e.text for e in examples]))[:, 1]


def _with(examples: list[Example], column: np.ndarray) -> list[Example]:
    return [replace(e, features=np.append(e.features, p)) for e, p in zip(examples, column, strict=True)]


def stacked(train: list[Example], test: list[Example]) -> tuple[list[Example], list[Example]]:
    """``train`` with the wording probability out of fold, ``test`` with it from all of ``train``."""
    column = np.zeros(len(train))
    for inner, outer in GroupKFold(n_splits=5).split(train, groups=[e.group for e in train]):
        column[outer] = _wording(_wording_model([train[i] for i in inner]), [train[i] for i in outer])
    return _with(train, column), _with(test, _wording(_wording_model(train), test))


def _probabilities(train: list[Example], test: list[Example], wording: bool) -> np.ndarray:
    if wording:
        train, test = stacked(train, test)
    model = _fit(train)
    return np.array([model.probability(e.features) for e in test])



def _line(name: str, m: dict) -> str:
    return f"{name}: {m['precision']:.2f} / {m['recall']:.2f} / {m['f1']:.3f} ({m['tp']} found, {m['fp']} false)"


def main() -> None:
    """Print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", action="append", required=True, help="training set (repeatable)")
    parser.add_argument("--heldout", action="append", default=[], help="scored only (repeatable)")
    parser.add_argument("--kb", default="kb")
    args = parser.parse_args()
    coach = Coach(Config(), kb_path=args.kb)
    per_set = {folder: collect(coach, folder) for folder in args.data}
    examples = [e for group in per_set.values() for e in group]
    replies = {key: gold for folder in args.data for key, gold in gold_replies(folder).items()}
    heldout = {folder: collect(coach, folder) for folder in args.heldout}
    for wording in (False, True):
        oof = out_of_fold(examples, lambda train, test, w=wording: _probabilities(train, test, w))
        threshold = round(choose_threshold([(t, reply_metrics(examples, oof, t, replies))
                                            for t in np.arange(0.5, 0.99, 0.01)]), 2)
        lines = [f"{'with' if wording else 'without'} the wording model, threshold {threshold:.2f}",
                 _line("  out of fold, pooled", reply_metrics(examples, oof, threshold, replies))]
        by_set = np.zeros(len(examples))
        start = 0
        for folder, group in per_set.items():
            rest = [e for other, g in per_set.items() if other != folder for e in g]
            by_set[start:start + len(group)] = _probabilities(rest, group, wording)
            start += len(group)
        lines.append(_line("  leave one set out, pooled", reply_metrics(examples, by_set, threshold, replies)))
        for folder, group in heldout.items():
            probabilities = _probabilities(examples, group, wording)
            lines.append(_line(f"  {folder}", reply_metrics(group, probabilities, threshold, gold_replies(folder))))
        print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
