"""Building KB queries from a conversation: the customer's latest words plus what they said
earlier and the agent's last answer, because follow-ups ("Order 4471-2290", "what about
Discover?") name no topic."""

from __future__ import annotations

import numpy as np

from coach.kb_index import Hit, KbIndex
from coach.nlp import Analysis

#: Weight of the customer's latest message against the earlier ones in the query vector.
LATEST_WEIGHT = 0.6
#: Weight of the agent's last answer before it: it names the topic a follow-up ("what about
#: Discover?") leaves out (recall@3 on the dev and training sets 0.955 to 0.968 with its words
#: in the BM25 query too; 0.1 to 0.3 all helped).
AGENT_WEIGHT = 0.15


def conversation_query(analysis: Analysis, index: int, extra: str | None = None) -> tuple[list[str], np.ndarray]:
    """BM25 tokens and unit query vector for the customer text before turn ``index`` and the
    agent's answer before the customer's latest message.

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
    answer = next((t for t in reversed(analysis.turns[:latest_start]) if t.speaker == "agent"), None)
    if answer is not None and answer.sentences:
        # The mean of its sentences' vectors, which the NLP pass encoded (the whole turn was not).
        answer_vector = np.mean([analysis.vector(s.text) for s in answer.sentences], axis=0)
        norm = float(np.linalg.norm(answer_vector))
        vector = vector + AGENT_WEIGHT * (answer_vector / norm if norm else answer_vector)
        tokens.extend(answer.content_words())
    norm = float(np.linalg.norm(vector))
    return tokens, (vector / norm if norm else vector)


def retrieve_for_reply(kb: KbIndex, analysis: Analysis, index: int, k: int = 3,
                       extra: str | None = None, extra_tokens: list[str] | None = None) -> list[Hit]:
    """Top ``k`` KB articles for the customer's question before turn ``index``."""
    tokens, vector = conversation_query(analysis, index, extra)
    return kb.search_articles(tokens + (extra_tokens or []), vector, analysis.language, k=k)
