"""Opening text inputs safely: empty, binary and non-UTF-8 files get a clear problem."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path

from coach.errors import InputProblem

SNIFF_BYTES = 64 * 1024
#: A record (a JSONL line, a CSV row, a TXT line) longer than this is refused: it is almost
#: certainly not a message but a broken export, and holding it would cost memory.
MAX_LINE_BYTES = 4 * 1024 * 1024


def guess_encoding(sample: bytes) -> str | None:
    """Name the likely encoding of bytes that are not UTF-8 (for the error message)."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return best.encoding if best else None


def check_readable(path: Path) -> InputProblem | None:
    """Return a problem if the file is empty, binary or not UTF-8 at its start; else None."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        return InputProblem(name, "", f"cannot read file: {exc.strerror or exc}")
    if not head.strip():
        return InputProblem(name, "", "file is empty")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return InputProblem(name, "", "file is UTF-16; save it as UTF-8")
    if b"\x00" in head:
        return InputProblem(name, "", "binary file, not a text transcript")
    try:
        # A multi-byte character may be cut at the end of the sample: decode incrementally.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        return InputProblem(name, f"byte {exc.start}", _not_utf8(head))
    return None


def _not_utf8(sample: bytes) -> str:
    guessed = guess_encoding(sample)
    hint = f" (looks like {guessed})" if guessed and guessed.lower() not in ("utf_8", "utf-8") else ""
    return f"text is not valid UTF-8{hint}; save the file as UTF-8"


def iter_lines(path: Path) -> Iterator[tuple[int, str | InputProblem]]:
    """Yield ``(line_number, line)`` lazily; over-long or undecodable lines become problems.

    Lines are read as bytes and decoded one by one so a bad line does not stop the file.
    """
    name = str(path)
    with path.open("rb") as handle:
        number = 0
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                _skip_rest_of_line(handle)
                yield number, InputProblem(
                    name, f"line {number}", f"record is longer than {MAX_LINE_BYTES // 2**20} MB"
                )
                continue
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, InputProblem(name, f"line {number}", _not_utf8(raw))


def _skip_rest_of_line(handle: io.BufferedReader) -> None:
    while True:
        chunk = handle.readline(MAX_LINE_BYTES)
        if not chunk or chunk.endswith(b"\n"):
            return
