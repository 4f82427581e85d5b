"""Building KB queries from a conversation: the customer's latest words plus what they said
earlier, because follow-ups ("Order 4471-2290", "So can I get it on my card?") name no topic."""

from __future__ import annotations

import numpy as np

from coach.kb_index import Hit, KbIndex
from coach.nlp import Analysis

#: Weight of the customer's latest message against the earlier ones in the query vector.
LATEST_WEIGHT = 0.6


def conversation_query(analysis: Analysis, index: int, extra: str | None = None) -> tuple[list[str], np.ndarray]:
    """BM25 tokens and unit query vector for the customer text before turn ``index``.

    ``extra`` (for example a claim sentence of the reply) joins the latest message. Every
    text used was encoded in the NLP pass except ``extra``, which the caller must have encoded.
    """
    customer = [t for t in analysis.turns[:index] if t.speaker == "customer"]
    latest_start = index
    for turn in reversed(analysis.turns[:index]):
        if turn.speaker == "agent":
            break
        latest_start = turn.index
    latest = [t for t in customer if t.index >= latest_start]
    earlier = [t for t in customer if t.index < latest_start]
    tokens: list[str] = []
    for turn in customer:
        tokens.extend(turn.content_words())
    latest_vectors = [analysis.vector(t.text) for t in latest]
    if extra:
        latest_vectors.append(analysis.vector(extra))
    vector = np.zeros_like(next(iter(analysis.vectors.values()))) if analysis.vectors else np.zeros(512, np.float32)
    if latest_vectors:
        vector = vector + LATEST_WEIGHT * np.mean(latest_vectors, axis=0)
    if earlier:
        vector = vector + (1 - LATEST_WEIGHT if latest_vectors else 1.0) * np.mean(
            [analysis.vector(t.text) for t in earlier], axis=0)
    norm = float(np.linalg.norm(vector))
    return tokens, (vector / norm if norm else vector)


def retrieve_for_reply(kb: KbIndex, analysis: Analysis, index: int, k: int = 3,
                       extra: str | None = None, extra_tokens: list[str] | None = None) -> list[Hit]:
    """Top ``k`` KB articles for the customer's question before turn ``index``."""
    tokens, vector = conversation_query(analysis, index, extra)
    return kb.search_articles(tokens + (extra_tokens or []), vector, analysis.language, k=k)
