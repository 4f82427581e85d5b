"""coach web app: a thin Streamlit view over the coach library.

Run with ``coach app`` (or ``streamlit run app.py``). It scores the configured transcripts
against the knowledge base once (cached), then offers the review queue, the conversation view
and the draft checker.
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from coach.config import load_config
from coach.errors import InputProblem
from coach.io import read_transcripts
from coach.pipeline import Coach
from coach.report.writers import highlight_html, summary_lines
from coach.views import conversation_quality, flag_queue

TRANSCRIPTS = os.environ.get("COACH_TRANSCRIPTS", "transcripts")
KB = os.environ.get("COACH_KB", "kb")
CONFIG = os.environ.get("COACH_CONFIG")


@st.cache_resource
def get_coach() -> Coach:
    """Models and the KB index, loaded once per server."""
    return Coach(load_config(CONFIG), kb_path=KB if os.path.exists(KB) else None)


@st.cache_resource
def get_results() -> tuple[list, list[str]]:
    """Score the transcripts once per server; problems are kept to show, not dropped."""
    transcripts, problems = [], []
    for item in read_transcripts([TRANSCRIPTS]):
        (problems if isinstance(item, InputProblem) else transcripts).append(item)
    return list(get_coach().score_many(transcripts)), [str(p) for p in problems]


def show_reply_flags(reply) -> None:  # noqa: ANN001
    """Flags of one reply with reason, suggestion and KB passage side by side."""
    for flag in reply.flags:
        left, right = st.columns(2)
        left.markdown(f"**{flag.severity.upper()} · {flag.dimension}**: {flag.reason}")
        if flag.suggestion:
            left.info(f"Suggestion: {flag.suggestion.text}")
            if flag.suggestion.kb_article:
                right.success(f"KB `{flag.suggestion.kb_article}`:\n\n{flag.suggestion.kb_passage}")


def page_queue(results: list) -> None:
    """Reviewer queue with filters, and the selected conversation."""
    rows = pd.DataFrame(flag_queue(results))
    st.subheader("Flagged replies")
    if rows.empty:
        st.write("No flags.")
        return
    cols = st.columns(4)
    dims = cols[0].multiselect("Dimension", sorted(rows.dimension.unique()))
    sev = cols[1].multiselect("Severity", ["high", "medium", "low"])
    agents = cols[2].multiselect("Agent", sorted(rows.agent.unique()))
    langs = cols[3].multiselect("Language", sorted(rows.language.unique()))
    for column, chosen in (("dimension", dims), ("severity", sev), ("agent", agents), ("language", langs)):
        if chosen:
            rows = rows[rows[column].isin(chosen)]
    st.dataframe(rows, hide_index=True, use_container_width=True)
    ids = list(dict.fromkeys(rows.conversation))
    if ids:
        page_conversation(results, st.selectbox("Open conversation", ids))


def page_conversation(results: list, conversation_id: str) -> None:
    """Every turn, scores, highlighted evidence, reasons, suggestions and KB passages."""
    result = next(r for r in results if r.transcript.id == conversation_id)
    weights = {d: c.weight for d, c in get_coach().config.dimensions.items()}
    quality = conversation_quality(result, weights)
    st.markdown(f"### {conversation_id} · agent {result.transcript.agent or '-'} · quality "
                f"{'-' if quality is None else quality}")
    for line in summary_lines(result):
        st.warning(line)
    flags = [f for r in result.replies for f in r.flags]
    replies = {r.turn: r for r in result.replies}
    for index, turn in enumerate(result.transcript.turns):
        who = result.transcript.author_of(index) or turn.speaker
        st.markdown(f"**{who}** ({turn.speaker}): {highlight_html(turn.text, flags, index)}",
                    unsafe_allow_html=True)
        reply = replies.get(index)
        if reply:
            st.caption(" · ".join(f"{d}: {'n/a' if s is None else s}" for d, s in reply.scores.items()))
            show_reply_flags(reply)


def page_draft() -> None:
    """Paste the customer's message and a draft; get scores, flags and suggestions."""
    st.subheader("Check a draft reply")
    context = st.text_area("Customer message")
    draft = st.text_area("Your draft reply")
    if st.button("Check") and draft.strip():
        reply = get_coach().check(draft, context=context or None)
        st.write({d: ("n/a" if s is None else s) for d, s in reply.scores.items()})
        st.markdown(highlight_html(draft, list(reply.flags), reply.turn), unsafe_allow_html=True)
        show_reply_flags(reply)
        if not reply.flags:
            st.success("No problems found.")


def main() -> None:
    """Page layout."""
    st.set_page_config(page_title="coach", layout="wide")
    st.title("coach: support reply quality")
    results, problems = get_results()
    for problem in problems:
        st.error(problem)
    page = st.sidebar.radio("Page", ["Review queue", "Draft checker"])
    if page == "Review queue":
        page_queue(results)
    else:
        page_draft()


main()
