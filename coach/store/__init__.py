"""The embedded store: conversations, scores, flags and the reviewers' and trainers' work.

SQLite by default (a file in the data folder), any SQLAlchemy URL otherwise. Reviewer
decisions are keyed by conversation, turn and a stable flag key, so re-scoring with a newer
model keeps them attached to the replies they judged.
"""
