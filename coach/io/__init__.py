"""Reading transcripts and knowledge bases from the formats in the contract."""

from __future__ import annotations

from coach.io.readers import iter_input_files, read_path, read_transcripts

__all__ = ["iter_input_files", "read_path", "read_transcripts"]
