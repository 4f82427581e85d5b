"""Features for the two empathy heads, shared by training and scoring.

* Applicability: does the customer's message carry emotion or problem impact? A row is the
  message's embedding plus counts of emotion and situation cues.
* Acknowledgement: given that message, does the reply fail to acknowledge it? A row describes
  the PAIR: the reply's embedding, its element-wise product with the message's embedding,
  their similarity, the reply's strategies (EPITOME's emotional reactions, interpretations and
  explorations among them) and how much of the customer's own situation the reply takes up.
"""

from __future__ import annotations

import re

import numpy as np

from coach.nlp import ENCODER_DIM
from coach.phrasebook import situation_cue_count
from coach.scorers.markers import has
from coach.strategies import StrategyHit, feature_names, feature_vector

_CONTENT = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
#: Words too common in support chats to show that a reply took up the customer's situation.
_COMMON = {"order", "basketly", "please", "thank", "thanks", "hello", "would", "could", "there", "about",
           "заказ", "пожал", "спаси", "здрав", "можно", "очень", "будет"}


def _stems(text: str) -> set[str]:
    return {w.lower()[:5] for w in _CONTENT.findall(text)} - _COMMON


def emotion_feature_names() -> tuple[str, ...]:
    """Columns of an applicability row."""
    return (*(f"emb{i}" for i in range(ENCODER_DIM)), "emotion_cues", "situation_cues", "exclamations",
            "capitals", "question_only")


def emotion_row(embedding: np.ndarray, text: str, language: str) -> np.ndarray:
    """Applicability features of one customer message."""
    situations = situation_cue_count(text, language)
    words = text.split()
    capitals = sum(1 for w in words if len(w) > 2 and w.isupper()) / max(1, len(words))
    extra = [min(3.0, len(has("empathy", "customer_emotion", language, text))), min(5.0, situations) / 2.0,
             min(3.0, text.count("!")), capitals * 5.0, float(text.rstrip().endswith("?") and "!" not in text)]
    return np.concatenate([embedding.astype(np.float32), np.asarray(extra, dtype=np.float32)])


def pair_feature_names() -> tuple[str, ...]:
    """Columns of an acknowledgement row."""
    return (*(f"emb_r{i}" for i in range(ENCODER_DIM)), *(f"emb_x{i}" for i in range(ENCODER_DIM)),
            "similarity_best", "similarity_mean", *feature_names(), "length", "questions", "ends_with_question",
            "takes_up_situation", "minimising", "empathy_phrases", "customer_emotion")


def pair_row(context_vector: np.ndarray, sentence_vectors: np.ndarray, context: str, reply: str,
             hits: list[StrategyHit], language: str) -> np.ndarray:
    """Acknowledgement features of a (customer message, reply) pair."""
    mean = sentence_vectors.mean(axis=0)
    mean = mean / (np.linalg.norm(mean) or 1.0)
    similarities = sentence_vectors @ context_vector
    wanted = _stems(context)
    overlap = len(wanted & _stems(reply)) / max(1, min(len(wanted), 8))
    extra = [float(similarities.max()), float(similarities.mean())]
    tail = [min(1.5, overlap), min(3.0, len(has("empathy", "minimising", language, reply))),
            min(3.0, len(has("empathy", "empathy_expression", language, reply))),
            min(3.0, len(has("empathy", "customer_emotion", language, context)))]
    return np.concatenate([mean.astype(np.float32), (mean * context_vector).astype(np.float32) * 10.0,
                           np.asarray(extra, dtype=np.float32), feature_vector(hits, reply),
                           np.asarray(tail, dtype=np.float32)])
