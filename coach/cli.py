"""The ``coach`` command line (see ../shared/CONTRACT.md). No scoring logic lives here."""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2
#: More conversations than this get a progress bar on stderr.
PROGRESS_AFTER = 5
DESCRIPTION = """\
coach scores support agents' replies for politeness, empathy, correctness (against your
knowledge base) and follow-through, and explains every flag with the evidence and a better
wording.

examples:
  coach score transcripts/ --kb kb/                  JSON lines on stdout, one per agent reply
  coach score chats.csv --kb kb/ --out report.html   a report to open in a browser
  coach check "Refunds take 14 days." --context "How long do refunds take?" --kb kb/
  coach check --batch drafts.jsonl --kb kb/
  coach app                                          the web app for reviewers, agents, trainers

Exit status: 0 success; 2 bad input (good records are still scored); 1 internal error.
"""


class Problems:
    """Counts input problems and prints each as one line on stderr."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.count = 0

    def report(self, problem: object) -> None:
        """Print a problem line."""
        self.count += 1
        print(f"coach: error: {problem}", file=self.stream, flush=True)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with a help text a new user can follow."""
    parser = argparse.ArgumentParser(prog="coach", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="TOML config file (default: ./coach.toml if present)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    score = commands.add_parser("score", help="score every agent reply in transcript files or folders",
                                description="Score every agent reply in the given files and folders "
                                            "(.json, .jsonl, .csv, .txt; folders are read recursively).")
    score.add_argument("paths", nargs="+", metavar="PATH", help="transcript file or folder")
    score.add_argument("--kb", help="knowledge base: a folder of .md/.txt or a .json/.jsonl/.csv file")
    score.add_argument("--out", help="write the report to FILE instead of stdout")
    add_workers_option(score)
    score.add_argument("--format", choices=["jsonl", "csv", "html"],
                       help="report format (default: from --out's extension, else jsonl)")

    check = commands.add_parser("check", help="score one draft reply (or a batch of them)",
                                description="Score a draft reply before sending it.")
    check.add_argument("text", nargs="?", help="the draft reply")
    check.add_argument("--context", help="the customer message the draft answers")
    check.add_argument("--kb", help="knowledge base to check facts against")
    check.add_argument("--language", help="language code (default: detected)")
    check.add_argument("--batch", metavar="FILE.jsonl",
                       help='JSON lines {"id", "text", "context"?, "knowledge"?, "language"?}')

    evaluate = commands.add_parser(
        "eval", help="measure the scorers on a labelled dev set",
        description="Print flag precision/recall/F1 per dimension and language, and KB retrieval "
                    "recall@1/@3, on transcripts with labels.jsonl files beside them.")
    evaluate.add_argument("target", choices=["dev", "politeness", "empathy", "correctness", "follow_through"],
                          help="dev: every dimension on the labelled sample transcripts; a dimension: "
                               "that dimension on its own dev sets (default dev/<dimension>/)")
    evaluate.add_argument("--data", action="append",
                          help="folder of transcripts with labels.jsonl (repeatable; "
                               "default: transcripts/ for dev, dev/<dimension>/en and /ru otherwise)")
    evaluate.add_argument("--kb", default="kb", help="knowledge base (default: kb)")
    held = evaluate.add_argument_group("public held-out splits (accuracy, macro-F1, calibration)")
    add_public_data_options(held)
    held.add_argument("--grounding", action="append", default=[],
                      help="correctness: a BEGIN .tsv or FaithDial audit .csv; each response is checked "
                           "against its own knowledge passage (repeatable)")

    train = commands.add_parser("train", help="fit a learned head and write models/<name>/",
                                description="Fit a scorer's learned head on labelled sets and write it, with "
                                            "a card.json of data, date, versions and out-of-fold metrics.")
    train.add_argument("target", choices=["politeness", "empathy", "correctness", "pairs"],
                       help="which head to train (pairs: the claim/evidence model the correctness verifier uses)")
    train.add_argument("--data", action="append", default=[],
                       help="labelled support set folder (repeatable; required but for pairs); out-of-fold "
                            "on it chooses the threshold")
    train.add_argument("--kb", default="kb", help="knowledge base the sets are checked against")
    train.add_argument("--heldout", action="append", default=[],
                       help="labelled set scored only with the final model, for the card (repeatable)")
    train.add_argument("--out", help="output folder (default: <models_dir>/<target>)")
    public = train.add_argument_group("public and binary data (politeness, empathy)")
    add_public_data_options(public)
    public.add_argument("--binary", action="append", default=[],
                        help='politeness: JSON lines {"id", "text", "label"} (1 = polite) to train on (repeatable)')
    public.add_argument("--emotion", action="append", default=[],
                        help="empathy: customer messages labelled emotional (1) or not, for the applicability "
                             "detector (repeatable)")

    pairs = train.add_argument_group("claim/evidence pairs (pairs)")
    pairs.add_argument("--grounding", action="append", default=[],
                       help="a BEGIN .tsv or FaithDial audit .csv of responses and their knowledge (repeatable)")
    pairs.add_argument("--kb-consistency", action="append", default=[],
                       help="a CI-ToD .json of dialogues, KB rows and consistency labels (repeatable)")

    importer = commands.add_parser("import", help="score transcripts and store them for the app",
                                   description="Score transcripts and save them, with their scores and flags, "
                                               "in the store (re-importing a conversation updates it).")
    importer.add_argument("paths", nargs="+", metavar="PATH", help="transcript file or folder")
    importer.add_argument("--kb", help="knowledge base to check facts against")
    importer.add_argument("--db", help="SQLAlchemy URL (default: COACH_DATABASE_URL, config, data/coach.sqlite)")
    add_workers_option(importer)

    user = commands.add_parser("user", help="manage app users (reviewer, trainer, agent, admin)")
    user.add_argument("action", choices=["add", "list", "remove", "seed-demo"],
                      help="seed-demo: one user per role plus one per agent in the store, passwords printed once")
    user.add_argument("username", nargs="?")
    user.add_argument("--role", choices=["reviewer", "trainer", "agent", "admin"])
    user.add_argument("--agent-id", help="for agents: the agent id their replies carry (default: username)")
    user.add_argument("--password", help="default: a generated one, printed once")
    user.add_argument("--db", help="SQLAlchemy URL (default as for import)")

    bench = commands.add_parser("bench", help="measure speed and memory on this machine",
                                description="Cold start, warm throughput with all dimensions, per-stage time, "
                                            "coach check latency and peak memory, in one run.")
    bench.add_argument("--data", default="transcripts", help="transcripts to replicate (default: transcripts)")
    bench.add_argument("--kb", default="kb", help="knowledge base (default: kb)")
    bench.add_argument("--replies", type=int, default=1000, help="agent replies to score (default: 1000)")
    bench.add_argument("--checks", type=int, default=50, help="draft checks to time (default: 50)")
    bench.add_argument("--out", default="bench.json", help="JSON results file (default: bench.json)")
    add_workers_option(bench)
    bench.add_argument("--markdown", action="store_true", help="print the tables as Markdown (as in the README)")
    bench.add_argument("--scale", type=_counts, default=(), metavar="N,N,...",
                       help="also time N-reply runs end to end, with peak memory (e.g. 1000,10000,50000)")
    bench.add_argument("--kb-sizes", type=_counts, default=(), metavar="N,N,...",
                       help="also time scoring against KBs of N articles grown from --kb (e.g. 20,200,2000)")

    app = commands.add_parser("app", help="start the web app (same as streamlit run app.py)")
    app.add_argument("--port", type=int, default=8501)
    app.add_argument("--kb", help="knowledge base for the draft checker (default: kb)")
    app.add_argument("--db", help="SQLAlchemy URL of the store (default as for import)")
    return parser


def add_workers_option(command: argparse.ArgumentParser) -> None:
    """``--workers N``: scoring processes (default: the config's ``workers``, 0 = one per core)."""
    command.add_argument("--workers", type=_non_negative, metavar="N",
                         help="scoring processes: 0 = one per CPU core, at most 4 (default: config, 0)")


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {number}")
    return number


def _counts(value: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, not {value!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"expected positive numbers, not {value!r}")
    return counts


def add_public_data_options(group: argparse._ArgumentGroup) -> None:
    """Options naming public sets (80% of ids train, 20% are reported) and sets only reported;
    shared by ``coach train`` and ``coach eval``."""
    group.add_argument("--stanford", action="append", default=[],
                       help="politeness: Stanford Politeness CSV (repeatable); 80%% of ids train, 20%% are scored")
    group.add_argument("--epitome", help="empathy: folder of the EPITOME CSV files (80%%/20%% split by pair id)")
    group.add_argument("--binary-eval", action="append", default=[],
                       help='politeness: JSON lines {"id", "text", "label"} (1 = polite), only reported '
                            "(repeatable; ru-*.jsonl is Russian)")
    group.add_argument("--emotion-eval", action="append", default=[],
                       help="empathy: customer messages labelled emotional (1) or not, only reported (repeatable)")


def _handler(command: str):  # noqa: ANN202 - a command function
    """The function behind a subcommand; store and quality commands live in their own modules."""
    if command in ("import", "user"):
        from coach import cli_store as module
    elif command in ("eval", "train", "bench"):
        from coach import cli_quality as module
    else:
        module = sys.modules[__name__]
    return getattr(module, f"cmd_{command}")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="coach: %(levelname)s: %(message)s", stream=sys.stderr)
    from coach.config import ConfigError, load_config

    try:
        config = load_config(args.config)
        handler = _handler(args.command)
        return handler(args, config)
    except ConfigError as exc:
        print(f"coach: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence prints, not a trace
        logging.getLogger("coach").debug("internal error", exc_info=True)
        print(f"coach: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


def load_coach(config, kb: str | None, problems: Problems):  # noqa: ANN001, ANN201
    """A Coach for the command, reporting knowledge-base problems as input problems."""
    from coach.pipeline import Coach

    coach = Coach(config, kb_path=kb)
    for problem in coach.kb_problems:
        problems.report(problem)
    return coach


def _with_progress(items: Iterable, enabled: bool) -> Iterator:  # noqa: ANN001
    """Pass items through, showing a progress bar once more than a handful went by."""
    bar = None
    for count, item in enumerate(items, 1):
        if enabled and bar is None and count > PROGRESS_AFTER:
            from tqdm import tqdm

            bar = tqdm(unit=" conversations", file=sys.stderr, initial=count - 1)
        if bar is not None:
            bar.update(1)
        yield item
    if bar is not None:
        bar.close()


def cmd_score(args: argparse.Namespace, config) -> int:  # noqa: ANN001
    """``coach score``: stream transcripts through the scorers into a report."""
    from coach.errors import InputProblem
    from coach.io import read_transcripts
    from coach.report import write_report

    problems = Problems(sys.stderr)
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "jsonl")
    if fmt not in ("jsonl", "csv", "html"):
        fmt = "jsonl"
    coach = load_coach(config, args.kb, problems)

    def good_transcripts() -> Iterator:
        for item in read_transcripts(args.paths):
            if isinstance(item, InputProblem):
                problems.report(item)
            else:
                yield item

    workers = config.workers if args.workers is None else args.workers
    results = _with_progress(coach.score_many(good_transcripts(), workers=workers), enabled=sys.stderr.isatty())
    dimensions = config.enabled_dimensions()
    if args.out:
        target = Path(args.out)
        partial = target.with_name(target.name + ".partial")
        with partial.open("w", encoding="utf-8", newline="") as out:
            write_report(results, out, fmt, dimensions)
        partial.replace(target)  # a finished report only ever replaces the old one whole
    else:
        write_report(results, sys.stdout, fmt, dimensions)
    return EXIT_BAD_INPUT if problems.count else EXIT_OK


def cmd_check(args: argparse.Namespace, config) -> int:  # noqa: ANN001
    """``coach check``: one draft, or a JSONL batch of drafts."""
    from coach.report import reply_record

    problems = Problems(sys.stderr)
    if args.batch:
        return _check_batch(args, config, problems)
    if not args.text:
        print("coach: error: give the draft TEXT, or --batch FILE.jsonl", file=sys.stderr)
        return EXIT_BAD_INPUT
    coach = load_coach(config, args.kb, problems)
    reply = coach.check(args.text, context=args.context, language=args.language)
    print(json.dumps(reply_record(reply, with_conversation=False), ensure_ascii=False))
    return EXIT_BAD_INPUT if problems.count else EXIT_OK


def _check_batch(args: argparse.Namespace, config, problems: Problems) -> int:  # noqa: ANN001
    from coach.errors import InputProblem
    from coach.io.textfile import check_readable, iter_lines
    from coach.report import reply_record

    path = Path(args.batch)
    unreadable = check_readable(path) if path.is_file() else InputProblem(str(path), "", "no such file")
    if unreadable:
        problems.report(unreadable)
        return EXIT_BAD_INPUT
    coach = load_coach(config, args.kb, problems)
    for number, line in iter_lines(path):
        if isinstance(line, str) and not line.strip():
            continue
        record, problem = _batch_record(line, str(path), number)
        if problem:
            problems.report(problem)
            print(json.dumps({"id": record.get("id") if record else None, "error": problem.problem},
                             ensure_ascii=False), flush=True)
            continue
        reply = coach.check(record["text"], context=record.get("context"), language=record.get("language"),
                            knowledge=record.get("knowledge"))
        out = {"id": record["id"], **{k: v for k, v in reply_record(reply, False).items() if k in ("scores", "flags")}}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return EXIT_BAD_INPUT if problems.count else EXIT_OK


def _batch_record(line: object, name: str, number: int) -> tuple[dict | None, object]:
    from coach.errors import InputProblem

    where = f"line {number}"
    if isinstance(line, InputProblem):
        return None, line
    try:
        record = json.loads(line)  # type: ignore[arg-type]
    except json.JSONDecodeError as exc:
        return None, InputProblem(name, where, f"invalid JSON: {exc.msg}")
    if not isinstance(record, dict):
        return None, InputProblem(name, where, "expected a JSON object")
    for key in ("id", "text"):
        if not isinstance(record.get(key), (str, int)) or record.get(key) == "":
            return record, InputProblem(name, where, f"missing required field '{key}'")
    for key in ("context", "knowledge", "language"):
        if record.get(key) is not None and not isinstance(record[key], str):
            return record, InputProblem(name, where, f"'{key}' must be a string")
    return record, None


def cmd_app(args: argparse.Namespace, config) -> int:  # noqa: ANN001
    """``coach app``: run the Streamlit app in this process's place."""
    app = Path(__file__).resolve().parent.parent / "app.py"
    if not app.is_file():
        print(f"coach: error: {app} not found (run from a source checkout)", file=sys.stderr)
        return EXIT_INTERNAL
    env = dict(os.environ)
    from coach.cli_store import database_url

    env["COACH_DATABASE_URL"] = database_url(args, config)
    if args.kb:
        env["COACH_KB"] = args.kb
    if args.config:
        env["COACH_CONFIG"] = args.config
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    if os.name != "posix":
        return subprocess.call(command, env=env)
    # Replace this process, so stopping `coach app` (Ctrl-C, a service manager's SIGTERM)
    # stops the server too instead of leaving an orphaned Streamlit behind.
    sys.stdout.flush()
    os.execve(sys.executable, command, env)
    return EXIT_INTERNAL  # not reached


if __name__ == "__main__":
    sys.exit(main())
