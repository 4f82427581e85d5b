"""Knowledge-base loading, passage splitting, the on-disk index cache, and config loading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.config import Config, ConfigError, load_config
from coach.kb import load_kb, split_passages
from coach.kb_index import KbIndex

ARTICLE = """# Refunds and how long they take

Intro line about refunds.

## Refund to card

Refunds to card take 5-10 business days.

## Refund as credit

Basketly credit is instant.
"""


def test_folder_articles_split_by_heading_keep_id_and_title(tmp_path: Path) -> None:
    (tmp_path / "refunds.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "vozvrat_ru.txt").write_text("Возврат на карту занимает 5–10 рабочих дней.", encoding="utf-8")
    articles, problems = load_kb(tmp_path)
    assert not problems
    by_id = {a.id: a for a in articles}
    assert by_id["refunds"].title == "Refunds and how long they take"
    assert by_id["refunds"].language == "en" and by_id["vozvrat_ru"].language == "ru"
    passages = split_passages(by_id["refunds"])
    assert [p.heading for p in passages] == ["", "Refund to card", "Refund as credit"]
    assert all(p.article_id == "refunds" and p.title == by_id["refunds"].title for p in passages)


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("kb.jsonl", '{"id": "a", "title": "A", "text": "Alpha"}\n{"title": "no id"}\n', "missing required field(s) id"),
    ("kb.csv", "id,title,text\na,A,Alpha\nb,B,\n", "missing required field(s) text"),
    ("kb.json", '[{"id": "a", "text": "Alpha"}, {"id": "a", "text": "Again"}]', "duplicate article id"),
])
def test_record_files_keep_good_articles_and_name_bad_ones(tmp_path: Path, name: str, content: str, problem: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    articles, problems = load_kb(path)
    assert [a.id for a in articles] == ["a"]
    assert len(problems) == 1 and problem in str(problems[0]) and name in str(problems[0])


def test_index_is_cached_by_content_hash_and_rebuilt_on_change(tmp_path: Path, coach) -> None:
    kb_dir, cache = tmp_path / "kb", tmp_path / "cache"
    kb_dir.mkdir()
    (kb_dir / "refunds.md").write_text(ARTICLE, encoding="utf-8")
    articles, _ = load_kb(kb_dir)
    first = KbIndex.build(articles, coach.nlp, Config().kb, cache_dir=cache)
    assert len(list(cache.iterdir())) == 1
    again = KbIndex.build(articles, coach.nlp, Config().kb, cache_dir=cache)
    assert again.content_hash == first.content_hash and len(list(cache.iterdir())) == 1
    # Loaded from disk: same passages and vectors.
    assert [p.text for p in again.passages] == [p.text for p in first.passages]
    (kb_dir / "refunds.md").write_text(ARTICLE.replace("5-10", "3-5"), encoding="utf-8")
    changed, _ = load_kb(kb_dir)
    rebuilt = KbIndex.build(changed, coach.nlp, Config().kb, cache_dir=cache)
    assert rebuilt.content_hash != first.content_hash and len(list(cache.iterdir())) == 2


def test_russian_question_finds_the_russian_article(coach) -> None:
    from coach.kb_index import lexical_tokens

    for question, expected in (("Сколько стоит подписка Plus?", "subscription-plans_ru"),
                               ("How much is Basketly Plus?", "subscription-plans")):
        language = "ru" if expected.endswith("_ru") else "en"
        doc = coach.nlp.docs([question], language)[0]
        hits = coach.kb.search_articles(lexical_tokens(doc), coach.nlp.encode([question])[0], language)
        assert hits[0].passage.article_id == expected


def test_config_from_toml_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "coach.toml"
    path.write_text('[dimensions.empathy]\nenabled = false\n[dimensions.politeness]\nweight = 2.0\n'
                    '[kb]\ntop_k = 5\n', encoding="utf-8")
    config = load_config(path)
    assert config.enabled_dimensions() == ["politeness", "correctness", "follow_through"]
    assert config.dimensions["politeness"].weight == 2.0 and config.kb.top_k == 5
    path.write_text("[kb]\ntopk = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="topk"):
        load_config(path)
    path.write_text("not toml = = =", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(path)


def test_disabled_dimension_is_left_out_of_the_output(tmp_path: Path, capsys) -> None:
    from coach.cli import main

    config = tmp_path / "coach.toml"
    config.write_text("[dimensions.correctness]\nenabled = false\n", encoding="utf-8")
    source = tmp_path / "c.jsonl"
    source.write_text(json.dumps({"id": "c1", "turns": [{"speaker": "customer", "text": "Hi"},
                                                        {"speaker": "agent", "text": "Hello! How can I help?"}]}),
                      encoding="utf-8")
    assert main(["--config", str(config), "score", str(source)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record["scores"]) == {"politeness", "empathy", "follow_through"}
