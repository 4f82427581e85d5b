"""Streaming report writers: each consumes results one conversation at a time."""

from __future__ import annotations

import csv
import html
import json
from collections.abc import Callable, Iterable
from typing import TextIO

from coach.report.records import reply_record
from coach.types import ConversationResult, Flag

SEVERITY_ORDER = {"low": 1, "medium": 2, "high": 3}


def write_jsonl(results: Iterable[ConversationResult], out: TextIO, dimensions: list[str]) -> int:
    """One contract JSON line per agent reply. Returns the number of replies written."""
    count = 0
    for result in results:
        for reply in result.replies:
            out.write(json.dumps(reply_record(reply), ensure_ascii=False) + "\n")
            count += 1
        out.flush()
    return count


def write_csv(results: Iterable[ConversationResult], out: TextIO, dimensions: list[str]) -> int:
    """One row per reply: a score column and a flag-count column per dimension."""
    writer = csv.writer(out)
    writer.writerow(["conversation_id", "turn", "agent", "language",
                     *[f"{d}_score" for d in dimensions], *[f"{d}_flags" for d in dimensions],
                     "max_severity", "text"])
    count = 0
    for result in results:
        for reply in result.replies:
            scores = reply.scores
            counts = {d: sum(f.dimension == d for f in reply.flags) for d in dimensions}
            worst = max((f.severity for f in reply.flags), key=SEVERITY_ORDER.get, default="")
            writer.writerow([reply.conversation_id, reply.turn, reply.agent or "", reply.language,
                             *["" if scores.get(d) is None else scores[d] for d in dimensions],
                             *[counts[d] for d in dimensions], worst, reply.text])
            count += 1
    return count


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
.conv{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1.5rem 0}
.review{border-left:6px solid #c0392b}.turn{margin:.4rem 0;padding:.5rem .8rem;border-radius:6px}
.customer{background:#f1f3f5}.agent{background:#eef6ff}.system{color:#777;font-style:italic}
.flagged{outline:2px solid #e67e22}mark{background:#ffd8a8}mark.high{background:#ffb3b3}
.flag{margin:.3rem 0 .3rem 1.5rem;font-size:.92rem}.sev{font-weight:bold;text-transform:uppercase}
.high .sev{color:#c0392b}.medium .sev{color:#d35400}.low .sev{color:#7f8c8d}
.scores{font-size:.85rem;color:#555}.summary{background:#fff8e1;padding:.3rem .8rem;border-radius:6px}
.kb{background:#fafafa;border-left:3px solid #27ae60;padding:.3rem .6rem}
"""


def highlight_html(text: str, flags: list[Flag], turn: int) -> str:
    spans = sorted({(f.evidence.start, f.evidence.end, f.severity) for f in flags if f.evidence.turn == turn})
    out, pos = [], 0
    for start, end, severity in spans:
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="{severity}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def summary_lines(result: ConversationResult) -> list[str]:
    """Conversation-level findings as short lines: open promises, unanswered questions, KB gaps."""
    summary = result.summaries.get("follow_through") or {}
    lines = [f"Open promise (turn {p['turn']}): {p['text']}" for p in summary.get("open_promises", [])]
    lines += [f"Unanswered question (turn {q['turn']}): {q['text']}" for q in summary.get("unanswered_questions", [])]
    gaps = (result.summaries.get("correctness") or {}).get("kb_gaps", [])
    lines += [f"Not covered by the KB (reply at turn {g['turn']}): {g['question']}" for g in gaps]
    return lines


def _summary_html(result: ConversationResult) -> str:
    lines = summary_lines(result)
    if not lines:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f'<div class="summary"><b>Needs attention</b><ul>{items}</ul></div>'


def _conversation_html(result: ConversationResult, dimensions: list[str]) -> str:
    flags = [f for reply in result.replies for f in reply.flags]
    by_turn = {reply.turn: reply for reply in result.replies}
    applicable = [s for r in result.replies for s in r.scores.values() if s is not None]
    mean = sum(applicable) / len(applicable) if applicable else None
    review = any(f.severity == "high" for f in flags)
    t = result.transcript
    head = (f'<div class="conv{" review" if review else ""}" id="{html.escape(t.id)}"><h2>{html.escape(t.id)}</h2>'
            f'<p class="scores">agent {html.escape(t.agent or "-")} · {result.language} · {t.channel or "-"} · '
            f'quality {"-" if mean is None else f"{mean:.2f}"} · {len(flags)} flag(s)'
            f'{" · <b>marked for review</b>" if review else ""}</p>')
    parts = [head, _summary_html(result)]
    for index, turn in enumerate(t.turns):
        reply = by_turn.get(index)
        css = f"turn {turn.speaker}" + (" flagged" if reply and reply.flags else "")
        parts.append(f'<div class="{css}"><b>{html.escape(t.author_of(index) or turn.speaker)}</b>: '
                     f'{highlight_html(turn.text, flags, index)}')
        if reply:
            scores = " · ".join(f"{d} {'n/a' if reply.scores.get(d) is None else reply.scores[d]}"
                                for d in dimensions)
            parts.append(f'<div class="scores">{scores}</div>')
            for flag in reply.flags:
                parts.append(f'<div class="flag {flag.severity}"><span class="sev">{flag.severity}</span> '
                             f'{flag.dimension}: {html.escape(flag.reason)}')
                if flag.suggestion:
                    parts.append(f'<br>Suggestion: {html.escape(flag.suggestion.text)}')
                    if flag.suggestion.kb_article:
                        parts.append(f'<div class="kb">KB <code>{html.escape(flag.suggestion.kb_article)}</code>: '
                                     f'{html.escape(flag.suggestion.kb_passage or "")}</div>')
                parts.append("</div>")
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def write_html(results: Iterable[ConversationResult], out: TextIO, dimensions: list[str]) -> int:
    """A self-contained page: conversations with flagged replies highlighted."""
    out.write(f"<!doctype html><html><head><meta charset='utf-8'><title>coach report</title>"
              f"<style>{_STYLE}</style></head><body><h1>coach report</h1>"
              "<p>Flagged replies are outlined; evidence is highlighted; red-edged conversations have a "
              "high-severity flag and are marked for review.</p>")
    count = 0
    for result in results:
        out.write(_conversation_html(result, dimensions))
        count += len(result.replies)
    out.write(f"<p class='scores'>{count} agent replies.</p></body></html>\n")
    return count


WRITERS: dict[str, Callable[[Iterable[ConversationResult], TextIO, list[str]], int]] = {
    "jsonl": write_jsonl, "csv": write_csv, "html": write_html,
}


def write_report(results: Iterable[ConversationResult], out: TextIO, fmt: str, dimensions: list[str]) -> int:
    """Write ``results`` in ``fmt`` (jsonl, csv or html); returns the number of replies."""
    return WRITERS[fmt](results, out, dimensions)
