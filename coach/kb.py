"""Knowledge-base loading and splitting articles into passages."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

from coach.errors import InputProblem
from coach.io.textfile import check_readable, iter_lines
from coach.lang import detect_language
from coach.types import KbArticle, KbPassage

ARTICLE_SUFFIXES = (".md", ".txt")
RECORD_SUFFIXES = (".json", ".jsonl", ".csv")
_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")


def load_kb(path: str | Path) -> tuple[list[KbArticle], list[InputProblem]]:
    """Load a folder of Markdown/text articles or a JSON/JSONL/CSV file of records.

    Returns the good articles and the problems; one bad article never drops the others.
    """
    path = Path(path)
    problems: list[InputProblem] = []
    articles: list[KbArticle] = []
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
        for file in files:
            if file.name.lower() == "readme.md":
                continue
            problem = check_readable(file)
            if problem:
                problems.append(problem)
                continue
            text = file.read_text(encoding="utf-8-sig")
            articles.append(_article(file.stem, None, text, None, str(file)))
        if not files:
            problems.append(InputProblem(str(path), "", "no .md or .txt articles in the folder"))
    elif path.is_file() and path.suffix.lower() in RECORD_SUFFIXES:
        problem = check_readable(path)
        if problem:
            problems.append(problem)
        else:
            for item in _read_records(path):
                (problems if isinstance(item, InputProblem) else articles).append(item)
    elif path.exists():
        problems.append(InputProblem(str(path), "",
                                     "a knowledge base is a folder of .md/.txt or a .json/.jsonl/.csv file"))
    else:
        problems.append(InputProblem(str(path), "", "no such file or folder"))
    seen: set[str] = set()
    unique = []
    for article in articles:
        if article.id in seen:
            problems.append(InputProblem(article.source, "", f"duplicate article id {article.id!r}"))
            continue
        seen.add(article.id)
        unique.append(article)
    return unique, problems


def _article(article_id: str, title: str | None, text: str, language: str | None, source: str) -> KbArticle:
    if title is None:
        first = next((m for m in map(_HEADING.match, text.splitlines()) if m and len(m.group(1)) == 1), None)
        title = first.group(2) if first else article_id
    return KbArticle(
        id=article_id,
        title=title,
        text=text,
        language=language or detect_language(f"{title}\n{text[:2000]}"),
        source=source,
    )


def _read_records(path: Path) -> Iterator[KbArticle | InputProblem]:
    name = str(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = ((f"line {reader.line_num}", row) for row in reader)
            yield from _records_to_articles(rows, name)
    elif suffix == ".jsonl":
        def jsonl_rows() -> Iterator[tuple[str, object]]:
            for number, line in iter_lines(path):
                if isinstance(line, InputProblem):
                    yield f"line {number}", line
                elif line.strip():
                    try:
                        yield f"line {number}", json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield f"line {number}", InputProblem(name, f"line {number}", f"invalid JSON: {exc.msg}")
        yield from _records_to_articles(jsonl_rows(), name)
    else:
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as exc:
            yield InputProblem(name, f"line {exc.lineno}", f"invalid JSON: {exc.msg}")
            return
        records = data if isinstance(data, list) else [data]
        yield from _records_to_articles(((f"record {i + 1}", r) for i, r in enumerate(records)), name)


def _records_to_articles(rows, name: str) -> Iterator[KbArticle | InputProblem]:  # noqa: ANN001
    for where, record in rows:
        if isinstance(record, InputProblem):
            yield record
            continue
        if not isinstance(record, dict):
            yield InputProblem(name, where, "expected an object with id, title, text")
            continue
        missing = [k for k in ("id", "text") if not str(record.get(k) or "").strip()]
        if missing:
            yield InputProblem(name, where, f"missing required field(s) {', '.join(missing)}")
            continue
        title = str(record.get("title") or "").strip() or None
        yield _article(str(record["id"]), title, str(record["text"]), record.get("language"), f"{name}:{where}")


def split_passages(article: KbArticle, max_chars: int = 1200) -> list[KbPassage]:
    """Split an article into passages by heading, then by paragraph when a section is long.

    Each passage keeps its article id, title and section heading, so a citation can name them.
    """
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in article.text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            if len(heading.group(1)) == 1 and heading.group(2) == article.title:
                continue
            sections.append((heading.group(2), []))
        else:
            sections[-1][1].append(line)
    passages: list[KbPassage] = []
    for heading, lines in sections:
        for chunk in _chunks("\n".join(lines), max_chars):
            passages.append(
                KbPassage(article.id, article.title, heading, chunk, article.language, len(passages))
            )
    if not passages:
        passages.append(KbPassage(article.id, article.title, "", article.title, article.language, 0))
    return passages


def _chunks(text: str, max_chars: int) -> list[str]:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    chunks: list[str] = []
    for paragraph in paragraphs:
        if chunks and len(chunks[-1]) + len(paragraph) + 2 <= max_chars:
            chunks[-1] += "\n\n" + paragraph
        else:
            chunks.append(paragraph)
    return chunks
