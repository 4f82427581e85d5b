"""coach web app: a thin Streamlit view over the coach library and its store.

Run with ``coach app`` (``make run`` imports the samples and seeds demo users first). Log in
as a reviewer to work through the flag queue, as an agent to see your own conversations and
check drafts.
"""

from __future__ import annotations

import os

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.importer import page_import
from app_pages.trainer import page_coaching, page_dashboard
from coach.config import load_config
from coach.kb_index import lexical_tokens
from coach.pipeline import Coach
from coach.report.writers import highlight_html
from coach.store.db import default_url, open_store
from coach.store.models import FlagRow, User
from coach.store.queries import AccessDenied, as_flag, conversation_view, review_queue, scorecard
from coach.store.repo import record_decision
from coach.store.review import add_comment, calibration, override_score
from coach.store.team import weekly_trends
from coach.store.users import authenticate, list_users

CONFIG = load_config(os.environ.get("COACH_CONFIG"))
KB = os.environ.get("COACH_KB", "kb")


@st.cache_resource
def store():  # noqa: ANN201 - sessionmaker
    """The store, opened (and migrated) once per server."""
    return open_store(os.environ.get("COACH_DATABASE_URL") or CONFIG.database_url or default_url(CONFIG.data_dir))


@st.cache_resource
def get_coach() -> Coach:
    """Models and the KB index for the draft checker, loaded once per server."""
    return Coach(CONFIG, kb_path=KB if os.path.exists(KB) else None)


def current_user() -> User | None:
    """The logged-in user, re-read from the store on every run."""
    user_id = st.session_state.get("user_id")
    if user_id is None:
        return None
    with store()() as session:
        return session.get(User, user_id)


def login() -> None:
    """The login form."""
    st.subheader("Log in")
    with st.form("login"):
        username = st.text_input("User name")
        password = st.text_input("Password", type="password")
        if st.form_submit_button("Log in"):
            with store()() as session:
                user = authenticate(session, username, password)
            if user is None:
                st.error("Wrong user name or password.")
            else:
                st.session_state["user_id"] = user.id
                st.rerun()


def show_conversation(user: User, conversation_id: str) -> None:
    """Every turn with highlighted evidence, scores, flags with reasons, suggestions, KB passages."""
    with store()() as session:
        try:
            view = conversation_view(session, user, conversation_id)
        except AccessDenied:
            st.error("You can only open your own conversations.")
            return
        except KeyError:
            st.error(f"No conversation {conversation_id}.")
            return
        rows = view["flags"]
        flags = [as_flag(row) for row in rows]
        conversation = view["conversation"]
        card = scorecard(view["scores"], view["flags"], {d: c.weight for d, c in CONFIG.dimensions.items()})
        st.markdown(f"### {conversation.id} · agent {conversation.agent or '-'} · {conversation.language}")
        quality = "-" if card["quality"] is None else f"{card['quality']:.2f}"
        parts = [f"**Quality score {quality}**"] + [f"{d} {s:.2f}" for d, s in card["dimensions"].items()]
        if card["review"]:
            parts.append(":red[**marked for review** (high-severity flag)]")
        st.markdown(" · ".join(parts))
        for turn in view["turns"]:
            st.markdown(f"**{turn.author or turn.speaker}** ({turn.speaker}): "
                        f"{highlight_html(turn.text, flags, turn.index)}", unsafe_allow_html=True)
            scores = view["scores"].get(turn.index)
            if scores:
                st.caption(" · ".join(f"{d}: {'n/a' if s is None else s}" for d, s in scores.items()))
            # A flag belongs to the reply it was raised on, even when its evidence is elsewhere.
            for flag in [flag for row, flag in zip(rows, flags, strict=True) if row.turn == turn.index]:
                left, right = st.columns(2)
                left.markdown(f"**{flag.severity.upper()} · {flag.dimension}**: {flag.reason}")
                if flag.suggestion:
                    left.info(f"Suggestion: {flag.suggestion.text}")
                    if flag.suggestion.kb_article:
                        right.success(f"KB `{flag.suggestion.kb_article}`:\n\n{flag.suggestion.kb_passage}")


def page_queue(user: User) -> None:
    """Flag queue with filters; accept or reject the selected flag."""
    with store()() as session:
        rows = pd.DataFrame(review_queue(session, user))
    st.subheader("Review queue")
    if rows.empty:
        st.write("No flags to review.")
        return
    cols = st.columns(5)
    filters = {"dimension": cols[0].multiselect("Dimension", sorted(rows.dimension.unique())),
               "severity": cols[1].multiselect("Severity", ["high", "medium", "low"]),
               "agent": cols[2].multiselect("Agent", sorted(rows.agent.unique())),
               "language": cols[3].multiselect("Language", sorted(rows.language.unique()))}
    for column, chosen in filters.items():
        if chosen:
            rows = rows[rows[column].isin(chosen)]
    status = cols[4].selectbox("Status", ["all", "not reviewed", "reviewed"])
    if status != "all":
        rows = rows[rows.reviewed == (status == "reviewed")]
    dated = rows[rows.date != ""]
    if not dated.empty:
        first, last = dated.date.min(), dated.date.max()
        span = st.date_input("Dates", (pd.Timestamp(first).date(), pd.Timestamp(last).date()))
        if isinstance(span, tuple) and len(span) == 2:
            rows = rows[(rows.date == "") | ((rows.date >= span[0].isoformat()) & (rows.date <= span[1].isoformat()))]
    order = st.selectbox("Sort by", ["severity", "date", "agent", "dimension", "conversation"])
    if order != "severity":
        rows = rows.sort_values(order, kind="stable")
    st.dataframe(rows.drop(columns=["flag_id"]), hide_index=True, width="stretch")
    if rows.empty:
        return
    labels = {f"{r.conversation} · turn {r.turn} · {r.dimension} · {r.severity}": r.flag_id for r in rows.itertuples()}
    names = list(labels)
    position = min(st.session_state.get("queue_position", 0), len(names) - 1)
    back, forward = st.columns(2)
    if back.button("Previous (k)", shortcut="k"):
        position = max(0, position - 1)
    if forward.button("Next (j)", shortcut="j"):
        position = min(len(names) - 1, position + 1)
    st.session_state["queue_position"] = position
    chosen = st.selectbox("Flag", names, index=position)
    reason = st.text_input("Reason (optional)")
    accept, reject = st.columns(2)
    for button, accepted in ((accept.button("Accept flag"), True), (reject.button("Reject flag"), False)):
        if button:
            with store().begin() as session:
                record_decision(session, session.get(User, user.id), session.get(FlagRow, labels[chosen]),
                                accepted, reason)
            st.success("Decision saved.")
    with store()() as session:
        flag = session.get(FlagRow, labels[chosen])
        conversation_id, turn, dimension = flag.conversation_id, flag.turn, flag.dimension
    with st.expander("Override the score or comment"):
        score = st.slider(f"Your {dimension} score for this reply", 0.0, 1.0, 0.5, 0.05)
        comment = st.text_input("Comment")
        if st.button("Save override"):
            with store().begin() as session:
                override_score(session, session.get(User, user.id), conversation_id, turn, dimension, score, comment)
            st.success("Override saved.")
        if st.button("Save comment only") and comment.strip():
            with store().begin() as session:
                add_comment(session, session.get(User, user.id), conversation_id, comment, turn)
            st.success("Comment saved.")
    show_conversation(user, conversation_id)


def page_calibration(user: User) -> None:
    """Agreement between two reviewers on the flags both judged."""
    st.subheader("Calibration")
    with store()() as session:
        reviewers = [u for u in list_users(session) if u.role in ("reviewer", "admin", "trainer")]
        names = [u.username for u in reviewers]
        if len(names) < 2:
            st.write("Calibration needs two reviewers.")
            return
        first = st.selectbox("Reviewer", names, index=names.index(user.username) if user.username in names else 0)
        second = st.selectbox("Compared with", [n for n in names if n != first])
        by_name = {u.username: u for u in reviewers}
        report = calibration(session, by_name[first], by_name[second])
    st.write(f"Flags judged by both: {report['shared']}")
    if report["kappa"]:
        st.dataframe(pd.DataFrame([{"dimension": d, **v} for d, v in report["kappa"].items()]), hide_index=True)
    if report["disagreements"]:
        st.markdown("**Where they disagree**")
        st.dataframe(pd.DataFrame(report["disagreements"]), hide_index=True)


def page_draft() -> None:
    """Paste the customer's message and a draft; get scores, flags and suggestions."""
    st.subheader("Check a draft reply")
    context = st.text_area("Customer message")
    draft = st.text_area("Your draft reply")
    if st.button("Check") and draft.strip():
        reply = get_coach().check(draft, context=context or None)
        st.write({d: ("n/a" if s is None else s) for d, s in reply.scores.items()})
        st.markdown(highlight_html(draft, list(reply.flags), reply.turn), unsafe_allow_html=True)
        for flag in reply.flags:
            st.markdown(f"**{flag.severity.upper()} · {flag.dimension}**: {flag.reason}")
            if flag.suggestion:
                st.info(f"Suggestion: {flag.suggestion.text}")
        if not reply.flags:
            st.success("No problems found.")
        coach = get_coach()
        if coach.kb is not None:
            st.markdown("**Matching knowledge-base passages**")
            query = f"{context}\n{draft}".strip()
            doc = coach.nlp.docs([query], reply.language)[0]
            hits = coach.kb.search_articles(lexical_tokens(doc), coach.nlp.encode([query])[0], reply.language)
            for hit in hits:
                st.success(f"`{hit.passage.article_id}` · {hit.passage.title}\n\n{hit.passage.text}")


def page_my_conversations(user: User) -> None:
    """An agent's own conversations."""
    from coach.store.repo import visible_conversations

    with store()() as session:
        mine = [c.id for c in visible_conversations(session, user)]
    st.subheader("My conversations")
    with store()() as session:
        trends = pd.DataFrame(weekly_trends(session, agent=user.agent_id or user.username))
    if not trends.empty:
        st.altair_chart(alt.Chart(trends).mark_line(point=True).encode(
            x="week:T", y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 1])), color="dimension:N"),
            width="stretch")
    if mine:
        show_conversation(user, st.selectbox("Conversation", mine))


def main() -> None:
    """Layout by role."""
    st.set_page_config(page_title="coach", layout="wide")
    st.title("coach: support reply quality")
    user = current_user()
    if user is None:
        login()
        return
    st.sidebar.write(f"{user.username} ({user.role})")
    if st.sidebar.button("Log out"):
        st.session_state.pop("user_id")
        st.rerun()
    requested = st.query_params.get("conversation")
    if requested:
        show_conversation(user, requested)
        return
    pages = {"agent": ["My conversations", "Draft checker"],
             "trainer": ["Team dashboard", "Coaching sessions", "Review queue", "Import", "Draft checker"],
             "admin": ["Review queue", "Calibration", "Team dashboard", "Coaching sessions", "Import", "Draft checker"],
             }.get(user.role, ["Review queue", "Calibration", "Import", "Draft checker"])
    page = st.sidebar.radio("Page", pages)
    if page == "Review queue":
        page_queue(user)
    elif page == "My conversations":
        page_my_conversations(user)
    elif page == "Calibration":
        page_calibration(user)
    elif page == "Team dashboard":
        page_dashboard(store(), CONFIG)
    elif page == "Coaching sessions":
        page_coaching(store(), user)
    elif page == "Import":
        page_import(store(), CONFIG, get_coach())
    else:
        page_draft()


main()
