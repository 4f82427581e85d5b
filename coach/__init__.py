"""coach: score support agents' replies for politeness, empathy, correctness and follow-through.

Heavy modules (spaCy, encoders) are imported lazily so that ``coach --help`` starts fast.
"""

from __future__ import annotations

__version__ = "0.1.0"
