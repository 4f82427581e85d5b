"""Trainer pages: the team dashboard and the coaching session builder."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import select

from coach.config import Config
from coach.store.coaching import ItemSpec, create_session, to_html, to_markdown
from coach.store.models import CoachingSession, User
from coach.store.queries import exemplary_replies, review_queue
from coach.store.team import (
    agent_dimension_means,
    agent_levels,
    frequent_flag_reasons,
    kb_gaps,
    mentor_suggestions,
    reply_counts,
    weekly_trends,
)


def page_dashboard(factory, config: Config) -> None:  # noqa: ANN001 - a sessionmaker
    """Agents x dimensions heat map, weekly trends, frequent flag reasons, KB gaps, levels, mentors."""
    st.subheader("Team dashboard")
    experience = {agent: table.get("experience_years") for agent, table in config.agents.items()}
    with factory() as session:
        means = agent_dimension_means(session)
        trends = pd.DataFrame(weekly_trends(session))
        reasons = pd.DataFrame(frequent_flag_reasons(session))
        gaps = pd.DataFrame(kb_gaps(session))
        levels = agent_levels(means, experience, reply_counts(session))
    if not means:
        st.write("No scored conversations yet: import some with `coach import`.")
        return
    grid = pd.DataFrame([{"agent": a, "dimension": d, "score": s}
                         for a, dims in means.items() for d, s in dims.items()])
    colour = alt.Color("score:Q", scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen"))
    st.altair_chart(alt.Chart(grid).mark_rect().encode(
        x="dimension:N", y="agent:N", color=colour, tooltip=["agent", "dimension", "score"]),
        width="stretch")
    if not trends.empty:
        dimension = st.selectbox("Trend of", sorted(trends.dimension.unique()))
        st.altair_chart(alt.Chart(trends[trends.dimension == dimension]).mark_line(point=True).encode(
            x="week:T", y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 1])), color="agent:N"),
            width="stretch")
    st.markdown("**Levels and mentors**")
    st.dataframe(pd.DataFrame([{"agent": a, **info} for a, info in sorted(levels.items())]), hide_index=True)
    pairs = mentor_suggestions(means, levels)
    if pairs:
        st.dataframe(pd.DataFrame(pairs), hide_index=True)
    st.markdown("**Most frequent flag reasons**")
    st.dataframe(reasons, hide_index=True)
    st.markdown("**KB gaps: customer questions the knowledge base could not answer**")
    st.dataframe(gaps, hide_index=True) if not gaps.empty else st.write("None.")


def page_coaching(factory, user: User) -> None:  # noqa: ANN001 - a sessionmaker
    """Pick flagged and exemplary replies, add notes and exercises, save, export."""
    st.subheader("Coaching sessions")
    with factory() as session:
        queue = pd.DataFrame(review_queue(session, user))
    search = st.text_input("Search flagged replies (reason, agent, conversation)")
    if not queue.empty and search:
        mask = queue.apply(lambda r: search.lower() in " ".join(map(str, r.values)).lower(), axis=1)
        queue = queue[mask]
    options = [f"{r.conversation} · reply {r.turn} · {r.dimension}: {r.reason[:60]}" for r in queue.itertuples()]
    picked = st.multiselect("Flagged replies to work on", options)
    with factory() as session:
        good = exemplary_replies(session, user)
    good_options = [f"{r['conversation']} · reply {r['turn']} · {r['agent']} · quality {r['quality']}" for r in good]
    exemplary = st.multiselect("Exemplary replies to learn from", good_options)
    title = st.text_input("Session title")
    notes = st.text_area("Notes")
    exercise = st.text_input("Exercise for each flagged reply", "Rewrite this reply.")
    if st.button("Save session"):
        items = [ItemSpec(o.split(" · ")[0], int(o.split(" · ")[1].split()[1]), "flagged", exercise) for o in picked]
        try:
            items += [ItemSpec(o.split(" · ")[0], int(o.split(" · ")[1].split()[1]), "exemplary") for o in exemplary]
            with factory.begin() as session:
                create_session(session, session.get(User, user.id), title, notes, items)
            st.success("Session saved.")
        except (ValueError, IndexError) as exc:
            st.error(f"Not saved: {exc}")
    with factory() as session:
        saved = list(session.scalars(select(CoachingSession).order_by(CoachingSession.id.desc())))
        if not saved:
            return
        titles = {s.id: s.title for s in saved}
        chosen_id = st.selectbox("Saved sessions", list(titles), format_func=lambda i: f"{i}: {titles[i]}")
        chosen = session.get(CoachingSession, chosen_id)
        st.download_button("Export as Markdown", to_markdown(session, chosen), file_name=f"session-{chosen.id}.md")
        st.download_button("Export as printable HTML", to_html(session, chosen), file_name=f"session-{chosen.id}.html")
