"""The import page: upload transcripts (and optionally a knowledge base), score, store."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from coach.config import Config
from coach.pipeline import Coach
from coach.store.repo import import_paths

TRANSCRIPT_TYPES = ["json", "jsonl", "csv", "txt"]
KB_TYPES = ["md", "txt", "json", "jsonl", "csv"]


def page_import(factory, config: Config, default_coach: Coach) -> None:  # noqa: ANN001 - a sessionmaker
    """Upload, score with a progress bar, and save each conversation in its own transaction."""
    st.subheader("Import conversations")
    files = st.file_uploader("Transcripts (JSON, JSONL, CSV, TXT)", type=TRANSCRIPT_TYPES, accept_multiple_files=True)
    kb_files = st.file_uploader("Knowledge base articles (optional; default: the configured KB)", type=KB_TYPES,
                                accept_multiple_files=True)
    if not st.button("Import") or not files:
        return
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for upload in files:
            path = Path(folder) / "transcripts" / Path(upload.name).name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(upload.getvalue())
            paths.append(path)
        coach = default_coach
        if kb_files:
            kb_folder = Path(folder) / "kb"
            kb_folder.mkdir()
            for upload in kb_files:
                (kb_folder / Path(upload.name).name).write_bytes(upload.getvalue())
            record_kb = kb_files[0].name.lower().endswith((".json", ".jsonl", ".csv")) and len(kb_files) == 1
            kb_path = kb_folder / kb_files[0].name if record_kb else kb_folder
            coach = Coach(config, kb_path=kb_path, nlp=default_coach.nlp)
            for problem in coach.kb_problems:
                st.error(str(problem).replace(folder + "/", ""))
        errors: list[str] = []
        bar = st.progress(0.0, text="Scoring...")
        new, updated, problems = import_paths(
            factory, coach, paths, on_problem=lambda p: errors.append(str(p).replace(folder + "/transcripts/", "")),
            on_progress=lambda done: bar.progress(min(1.0, done / max(1, len(paths) * 10)),
                                                  text=f"Scored {done} conversation(s)"))
        bar.progress(1.0, text="Done")
    for error in errors:
        st.error(error)
    st.success(f"Imported {new} new and {updated} updated conversation(s); {problems} problem(s).")
