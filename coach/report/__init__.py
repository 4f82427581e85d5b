"""Report writers: JSONL (the contract), CSV and a self-contained HTML page."""

from __future__ import annotations

from coach.report.records import flag_record, reply_record
from coach.report.writers import WRITERS, write_report

__all__ = ["WRITERS", "flag_record", "reply_record", "write_report"]
