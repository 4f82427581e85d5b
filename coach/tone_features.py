"""Per-sentence features of an agent reply for the learned politeness head: the sentence's
multilingual embedding (computed once in the NLP pass) plus its politeness strategies.

The trainer and the scorer both build features here, so what the head was fitted on is
exactly what it sees at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from coach.nlp import ENCODER_DIM, Analysis, Sentence, TurnAnalysis, parse_word
from coach.strategies import StrategyHit, feature_names, feature_vector, find_strategies, imperative_sentences

#: Cues that can explain a "discourteous" verdict. A sentence with none of them ("Your refund
#: has been issued.") is not flagged on the model's word alone: a reviewer must be able to see
#: why, and short plain sentences are exactly where the model is least reliable (rude
#: replies in the training data are short, so length alone reads as rude to it) unless sure.
#: Second-person starts are left out: they open most plain answers.
TELLING_CUES = frozenset({"please_start", "direct_question", "direct_start", "informal_you", "factuality",
                          "negative_lexicon", "negation", "repeated_punctuation", "all_caps", "repetition_complaint",
                          "imperative_start", "policy_citation", "pointing_elsewhere", "direct_request",
                          "rude_condescension", "rude_dismissive", "rude_blame", "rude_sarcasm", "rude_profanity",
                          "brush_off", "sarcasm_cue", "not_my_job"})
#: Above this probability the head may flag a sentence without a telling cue. Chosen with C
#: on out-of-fold F1 of the support dev sets, among settings that flag none of a dozen plain
#: one-sentence drafts ("Your refund has been issued.").
SURE = 0.95


@dataclass(frozen=True)
class SentenceFeatures:
    """One sentence of a reply: where it is, which strategies it uses, its feature row."""

    sentence: Sentence
    hits: tuple[StrategyHit, ...]
    row: np.ndarray

    @property
    def telling(self) -> bool:
        """Whether the sentence has a cue that can explain a discourteous verdict."""
        return any(h.name in TELLING_CUES for h in self.hits)


def flaggable(probability: float, telling: bool, threshold: float) -> bool:
    """The head flags a sentence at ``threshold`` with a telling cue, or when it is sure."""
    return probability >= threshold and (telling or probability >= SURE)


#: Courtesy around a sentence changes how it reads: "Tap Orders." after a warm greeting is an
#: instruction, alone it is an order. These reply-level cues go into every sentence's row.
REPLY_CUES = ("greeting", "gratitude", "apology", "please", "positive_lexicon", "emotional_reaction",
              "interpretation", "rude_condescension", "rude_dismissive", "rude_blame", "rude_sarcasm")
_LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-•*])\s")


def head_feature_names() -> tuple[str, ...]:
    """Column names of a feature row: embedding dimensions, strategies, length cues, and the
    courtesy of the reply around the sentence."""
    return (*(f"emb{i}" for i in range(ENCODER_DIM)), *feature_names(), "length", "questions", "ends_with_question",
            *(f"reply_{c}" for c in REPLY_CUES), "list_item", "reply_sentences")


def row_for(embedding: np.ndarray, hits: list[StrategyHit], text: str,
            reply_hits: list[StrategyHit] | None = None, reply_sentences: int = 1) -> np.ndarray:
    """One feature row from an embedding, the strategies found in ``text`` and those of the
    whole reply (``text`` itself when it stands alone)."""
    around = {h.name for h in (hits if reply_hits is None else reply_hits)}
    context = [float(c in around) for c in REPLY_CUES]
    context += [float(bool(_LIST_ITEM.match(text))), float(np.log1p(reply_sentences))]
    return np.concatenate([embedding.astype(np.float32), feature_vector(hits, text),
                           np.asarray(context, dtype=np.float32)])


def turn_strategies(turn: TurnAnalysis, language: str) -> tuple[StrategyHit, ...]:
    """Every strategy in a turn, imperative sentences included (from the pass's spaCy doc).

    Found once per turn: the politeness and empathy scorers both read a turn's strategies.
    """
    return turn.remember(f"strategies:{language}", lambda: tuple(
        find_strategies(turn.text, language, imperative_sentences(turn.doc, language, parse_word))))


def sentence_features(analysis: Analysis, turn: TurnAnalysis) -> list[SentenceFeatures]:
    """Feature rows for each sentence of ``turn`` (hits are assigned by their start offset)."""
    hits = turn_strategies(turn, analysis.language)
    sentences = turn.sentences or (Sentence(0, len(turn.text), turn.text),)
    analysis.ensure_vectors([s.text for s in sentences])
    out = []
    for sentence in sentences:
        inside = [h for h in hits if sentence.start <= h.start < sentence.end]
        shifted = [StrategyHit(h.name, h.start - sentence.start, h.end - sentence.start, h.text, h.polarity)
                   for h in inside]
        row = row_for(analysis.vector(sentence.text), shifted, sentence.text, hits, len(sentences))
        out.append(SentenceFeatures(sentence, tuple(inside), row))
    return out


def standalone_row(item: SentenceFeatures) -> np.ndarray:
    """The row the sentence would have as a reply of its own (no courtesy around it): used
    in training so that a plain one-sentence draft is judged by its own words."""
    shifted = [StrategyHit(h.name, h.start - item.sentence.start, h.end - item.sentence.start, h.text, h.polarity)
               for h in item.hits]
    return row_for(item.row[:ENCODER_DIM], shifted, item.sentence.text)


def text_rows(texts: list[str], language: str, nlp) -> np.ndarray:  # noqa: ANN001 - NlpToolkit
    """Feature rows for standalone texts (public training sets): the mean of the text's
    sentence embeddings, as a reply's sentences would be embedded, plus its strategies."""
    docs = nlp.docs(texts, language)
    from coach.nlp import sentences_of

    per_text = [[s.text for s in sentences_of(doc)] or [text] for doc, text in zip(docs, texts, strict=True)]
    vectors = nlp.encode([s for sentences in per_text for s in sentences])
    rows, position = [], 0
    for doc, text, sentences in zip(docs, texts, per_text, strict=True):
        mean = vectors[position:position + len(sentences)].mean(axis=0)
        position += len(sentences)
        mean = mean / (np.linalg.norm(mean) or 1.0)
        hits = find_strategies(text, language, imperative_sentences(doc, language, parse_word))
        rows.append(row_for(mean, hits, text, hits, len(sentences)))
    return np.stack(rows) if rows else np.zeros((0, len(head_feature_names())), dtype=np.float32)
