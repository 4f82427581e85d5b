"""``Coach``: reads config, loads models and the KB index once, and scores transcripts."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from time import perf_counter

from coach.config import Config
from coach.errors import InputProblem
from coach.kb import load_kb
from coach.kb_index import KbIndex
from coach.nlp import DRAFT_META, Analysis, NlpToolkit
from coach.scorers import discover
from coach.scorers.base import Resources, Scorer
from coach.types import ConversationResult, DimensionScore, KbArticle, ReplyScore, Transcript, Turn

log = logging.getLogger(__name__)
#: Conversations scored in this process before workers are forked (loads the models they share).
WARM_UP = 8


class Coach:
    """Composes the scorers enabled in config over one shared NLP pass per batch."""

    def __init__(self, config: Config | None = None, kb_path: str | Path | None = None,
                 nlp: NlpToolkit | None = None) -> None:
        self.config = config or Config()
        self.nlp = nlp or NlpToolkit(self.config.default_language)
        self.kb_problems: list[InputProblem] = []
        kb = None
        if kb_path is not None:
            articles, self.kb_problems = load_kb(kb_path)
            if articles:
                cache = Path(self.config.data_dir) / "cache"
                kb = KbIndex.build(articles, self.nlp, self.config.kb, cache_dir=cache)
        self.kb = kb
        self.scorers = self._make_scorers(kb)

    def _make_scorers(self, kb: KbIndex | None) -> list[Scorer]:
        resources = Resources(self.config, self.nlp, kb)
        registry = discover()
        unknown = [name for name in self.config.enabled_dimensions() if name not in registry]
        if unknown:
            raise ValueError(f"config enables unknown dimension(s): {', '.join(unknown)}; "
                             f"available: {', '.join(sorted(registry))}")
        return [registry[name](self.config.dimensions[name], resources)
                for name in self.config.enabled_dimensions()]

    def score_many(self, transcripts: Iterable[Transcript], workers: int = 1) -> Iterator[ConversationResult]:
        """Score transcripts in batches; results come out in input order, lazily.

        With ``workers`` > 1 (0 = one per core), batches after the first are scored in that
        many forked processes. Keep the default of 1 inside a threaded server such as the app.
        """
        from coach.parallel import can_fork, resolve_workers, score_in_workers

        workers = resolve_workers(workers)
        iterator = iter(transcripts)
        parallel = workers > 1 and can_fork()
        # With workers, this process scores only a few conversations itself, enough to load
        # the models the forked workers then share; the rest is theirs.
        first = list(islice(iterator, WARM_UP if parallel else self.config.batch_size))
        if not first:
            return
        yield from self.score_batch(first)
        batches: Iterator[list[Transcript]] = iter(lambda: list(islice(iterator, self.config.batch_size)), [])
        if parallel:
            ahead = list(islice(batches, 2))
            batches = chain(ahead, batches)
            if len(ahead) == 2:  # a single batch left is not worth starting a pool
                self.nlp.warm_up(self.config.languages)
                for scorer in self.scorers:
                    scorer.warm_up()
                yield from score_in_workers(self, batches, workers)
                return
        for batch in batches:
            yield from self.score_batch(batch)

    def score_batch(self, batch: list[Transcript]) -> Iterator[ConversationResult]:
        """Score one batch with one NLP pass."""
        for analysis in self.nlp.analyze(batch):
            yield self.score_analysis(analysis)

    def score(self, transcript: Transcript) -> ConversationResult:
        """Score one transcript."""
        return next(self.score_many([transcript]))

    def score_analysis(self, analysis: Analysis, scorers: list[Scorer] | None = None,
                       timings: dict[str, float] | None = None) -> ConversationResult:
        """Run every enabled scorer over an analysed transcript (adding each one's seconds to
        ``timings`` when given, for ``coach bench``)."""
        per_scorer, summaries = [], {}
        for scorer in scorers or self.scorers:
            started = perf_counter()
            scores, summary = scorer.score_conversation(analysis)
            if timings is not None:
                timings[scorer.name] = timings.get(scorer.name, 0.0) + perf_counter() - started
            per_scorer.append(scores)
            if summary is not None:
                summaries[scorer.name] = summary
        transcript = analysis.transcript
        replies = []
        for index in transcript.agent_turn_indices():
            dims: tuple[DimensionScore, ...] = tuple(scores[index] for scores in per_scorer)
            replies.append(ReplyScore(transcript.id, index, transcript.author_of(index), analysis.language,
                                      transcript.turns[index].text, dims))
        return ConversationResult(transcript, analysis.language, tuple(replies), summaries)

    def check(self, text: str, context: str | None = None, language: str | None = None,
              knowledge: str | None = None, conversation_id: str = "draft") -> ReplyScore:
        """Score one draft reply, optionally after the customer message it answers.

        With ``knowledge``, correctness is judged against that passage instead of the KB.
        """
        turns = ([Turn("customer", context)] if context else []) + [Turn("agent", text)]
        transcript = Transcript(conversation_id, tuple(turns), language=language, meta={DRAFT_META: True})
        analysis = self.nlp.analyze([transcript])[0]
        scorers = None
        if knowledge:
            article = KbArticle("knowledge", "Provided knowledge", knowledge, analysis.language)
            scorers = self._make_scorers(KbIndex.build([article], self.nlp, self.config.kb))
        return self.score_analysis(analysis, scorers).replies[-1]
