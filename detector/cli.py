"""The `spundetect` command: parse, validate, dispatch to the API, print. No scoring here.

Exit codes: 0 success; 1 `scan --fail-on` found what it was told to fail on; 2 usage or
input error (one line on stderr; in a batch, after every other input was processed and the
bad one recorded as an error record).

Everything printed that came from a file name or a file goes through `display.shown`, so a
name's control characters or bidi marks never reach the terminal raw.

Suspects and originals may be `http(s)://` URLs (`score`, `pairs`, `scan --urls`): fetched by
`detector.fetch`, kept in the page cache unless `--no-cache`.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from detector import __version__, collector
from detector.display import count, shown
from detector.errors import InputError, OutputError, SpundetectError, WorkerLostError
from detector.output import (
    LazyFile,
    check_writable,
    not_an_input,
    not_one_of,
    output,
    whole_file,
)
from detector.verdict import FAIL_ON

EXIT_OK = 0
EXIT_FLAGGED = 1
EXIT_INPUT = 2


GLOBAL_OPTIONS = {"--model": "DIR"}  # options of `spundetect` itself, before the command


class _Formatter(argparse.HelpFormatter):
    """Wraps each line of a description or epilog on its own; indented lines (the examples)
    are kept as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        return "\n".join(
            indent + line if not line or line.startswith(" ") else
            textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent)
            for line in text.splitlines())


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # one line, exit 2, as argparse does, without the usage dump
        self.exit(EXIT_INPUT, f"{self.prog}: error: {shown(message)}{_hint(message)} "
                              "(see --help)\n")


def _hint(message: str) -> str:
    """The likely fix for a common mistake argparse reports, or ""."""
    if message.startswith("unrecognized arguments:"):
        given = message.split(":", 1)[1].split()
        for option, metavar in GLOBAL_OPTIONS.items():
            if any(g == option or g.startswith(option + "=") for g in given):
                return (f"; put {option} before the command: spundetect {option} {metavar} "
                        "COMMAND ...")
    return ""


def _examples(*commands: str, note: str = "") -> str:
    """An epilog: example command lines, then a note."""
    return "examples:\n" + "\n".join(f"  {c}" for c in commands) + (f"\n\n{note}" if note else "")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="spundetect",
        description="Detect machine-spun copies of articles: align a suspect with candidate "
                    "originals and say how likely it is copied or spun from each.",
        epilog=_examples(
            "spundetect score suspect.txt --against original.txt",
            "spundetect scan suspects/ --against originals/ --out scan.jsonl",
            "spundetect --model build/model-small score suspect.txt --against original.txt",
            note="spundetect COMMAND --help describes each command."))
    parser.add_argument("--version", action="version", version=f"spundetect {__version__}")
    parser.add_argument("--model", type=Path, default=None, metavar="DIR",
                        help="folder of a trained model (default: the shipped one); goes "
                             "before the command")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                metavar="COMMAND", help="what to do (one of those below)")

    p = sub.add_parser(
        "score", help="score one suspect against originals (files, URLs or the top K of an "
                      "index)",
        description="Score one suspect against each original: a summary (verdict, how much "
                    "of each text matches, the swaps, the other candidates ranked by the "
                    "probability of being derived), then the suspect's matching text with "
                    "every swap marked.",
        epilog=_examples(
            "spundetect score suspect.txt --against original.txt",
            "spundetect score suspect.txt --against a.txt b.txt c.txt --full",
            "spundetect score https://example.org/page.html --against original.txt",
            "spundetect score suspect.txt --index ref.sqlite --top-k 5",
            "spundetect score suspect.html --against original.txt --json | jq .evidence.swaps",
            note="To compare a folder of suspects with a folder of originals, use "
                 "`spundetect scan`."))
    p.add_argument("suspect", help="the suspect article: a UTF-8 text or HTML file, or an "
                                   "http(s) URL")
    ref = p.add_mutually_exclusive_group(required=True)
    ref.add_argument("--against", nargs="+", metavar="ORIGINAL",
                     help="one or more candidate original articles (files or URLs, not folders)")
    ref.add_argument("--index", type=Path, metavar="INDEX",
                     help="a reference index: score the suspect against its top K candidates")
    p.add_argument("--top-k", type=_positive, default=None, metavar="K",
                   help="with --index: candidates scored (default 10)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object (the record described in the README) instead")
    p.add_argument("--full", action="store_true",
                   help="show the whole highlighted text, paragraphs with no match included, not "
                        "just the first screenful of matching ones")
    p.add_argument("--no-color", action="store_true",
                   help="no colours in the highlighted text (also: NO_COLOR=1)")
    _fetch_options(p)

    p = sub.add_parser(
        "pairs", help="score a PAN-style pairs file (suspect<TAB>original a line)",
        description="Score each suspect<TAB>original line of a pairs file and write one JSON "
                    "record per line, in input order; a summary goes to stderr. Blank lines "
                    "and # comments are skipped; relative paths resolve against the current "
                    "folder.",
        epilog=_examples(
            "spundetect pairs pairs.tsv --out results.jsonl",
            "spundetect pairs pairs.tsv --jobs 4 | jq -c '[.suspect, .verdict, .derived]'",
            "spundetect pairs pairs.tsv --format pan --out detections/"))
    p.add_argument("pairs_file", help="a text file of suspect<TAB>original lines")
    _batch_options(p)
    _fetch_options(p)
    p.add_argument("--format", choices=("jsonl", "pan"), default="jsonl",
                   help="jsonl: one JSON record a line (default); pan: PAN's text-alignment "
                        "XML, one file a pair in the folder --out names")

    p = sub.add_parser(
        "scan", help="every suspect in a folder (or a list of URLs) against a reference index "
                     "(or a folder)",
        description="Retrieve each suspect's likeliest originals from the index, score the "
                    "top K with the model, and write one JSON record per suspect (JSON Lines "
                    "to --out or to a pipe). Every scan ends with a table of the flagged "
                    "suspects, likeliest copy first; on a terminal without --out that table is "
                    "all it prints.",
        epilog=_examples(
            "spundetect scan suspects/ --against originals/",
            "spundetect scan suspects/ --index ref.sqlite --out scan.jsonl",
            "spundetect scan suspects/ --index ref.sqlite --out scan.jsonl --resume",
            "spundetect scan --urls pages.txt --index ref.sqlite --out scan.jsonl",
            "spundetect scan suspects/ --index ref.sqlite --fail-on spun > scan.jsonl"))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("suspect_dir", nargs="?",
                      help="a folder of suspect articles (subfolders included)")
    what.add_argument("--urls", metavar="LIST",
                      help="instead of a folder: a file listing suspects, one http(s) URL (or "
                           "path) a line")
    ref = p.add_mutually_exclusive_group(required=True)
    ref.add_argument("--index", type=_location, metavar="INDEX",
                     help="a reference index made by `spundetect index build`: a file, or a "
                          "partitioned index's folder or URL (scanned as a distributed join "
                          "on Dask)")
    ref.add_argument("--against", metavar="ORIGINALS_DIR",
                     help="a folder of originals (indexed in memory for this scan)")
    _batch_options(p)
    p.add_argument("--top-k", type=_positive, default=None, metavar="K",
                   help="candidates scored per suspect (default 10)")
    p.add_argument("--resume", action="store_true",
                   help="continue a scan that was stopped: append the suspects not yet in --out")
    p.add_argument("--round", type=_positive, default=None, metavar="N",
                   help="with a partitioned index: suspects joined at once; each round reads "
                        "every anchor part once (default 4096)")
    p.add_argument("--fail-on", choices=tuple(FAIL_ON), default=None,
                   help="exit 1 if any suspect is spun (`paraphrase`: spun or rewritten; "
                        "`derived`: spun, rewritten or a copy)")
    _scheduler_option(p)
    _fetch_options(p)

    p = sub.add_parser(
        "index", help="build and maintain a reference index of originals",
        description="A reference index holds originals' texts and the anchors `scan --index` "
                    "retrieves candidates by.",
        epilog=_examples(
            "spundetect index build originals/ ref.sqlite",
            "spundetect index add ref.sqlite new-article.txt more-originals/",
            "spundetect index info ref.sqlite",
            note="spundetect index SUBCOMMAND --help describes each subcommand."))
    isub = p.add_subparsers(dest="index_command", required=True, parser_class=_Parser,
                            metavar="SUBCOMMAND", help="what to do with the index")
    q = isub.add_parser("build", help="index every text file in a folder into a new index",
                        description="Index every text or HTML file under a folder into a new "
                                    "index file (an existing one is refused).",
                        epilog=_examples(
                            "spundetect index build originals/ ref.sqlite --jobs 4",
                            "spundetect index build originals/ ref-parts --format parquet"))
    q.add_argument("originals_dir", help="the folder of originals (subfolders included)")
    q.add_argument("index", type=_location,
                   help="the index file to create (with --format parquet: a folder or URL)")
    q.add_argument("--format", choices=("sqlite", "parquet"), default="sqlite",
                   help="sqlite: one file (default); parquet: a folder of partitioned files "
                        "for a cluster where no machine holds the whole index")
    q.add_argument("--docs-per-part", type=_positive, default=None, metavar="N",
                   help="with --format parquet: originals per document part (default 5000)")
    q.add_argument("--anchor-parts", type=_positive, default=None, metavar="N",
                   help="with --format parquet: anchor parts (default: about 2 million "
                        "terms each)")
    _jobs_option(q)
    _scheduler_option(q)
    q = isub.add_parser("add", help="add files or folders of originals (one transaction)",
                        description="Add files or folders of originals; a path already in the "
                                    "index keeps its id (changed bytes replace its text).",
                        epilog=_examples("spundetect index add ref.sqlite a.txt more/"))
    q.add_argument("index", type=Path, help="the index file to add to")
    q.add_argument("paths", nargs="+", metavar="PATH", help="original files or folders")
    _jobs_option(q)
    _scheduler_option(q)
    q = isub.add_parser("remove", help="remove documents by id (or stored path)",
                        description="Remove documents from the index by id or by stored path.",
                        epilog=_examples("spundetect index remove ref.sqlite 3 17"))
    q.add_argument("index", type=Path, help="the index file")
    q.add_argument("doc_ids", nargs="+", metavar="DOC_ID",
                   help="document ids (a scan record's `source_id`, a candidate's `id`) or "
                        "stored paths")
    q = isub.add_parser("info", help="documents, size on disk and build parameters",
                        description="Documents, words, anchor terms, size on disk, dates and "
                                    "build parameters of an index.",
                        epilog=_examples("spundetect index info ref.sqlite --json"))
    q.add_argument("index", type=_location, help="the index file (or partitioned folder)")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q = isub.add_parser("check", help="look for damage: the file's structure (PRAGMA "
                                      "integrity_check), every stored text, every posting",
                        description="Read the whole index looking for damage; exit 0 when "
                                    "there is none.",
                        epilog=_examples("spundetect index check ref.sqlite"))
    q.add_argument("index", type=_location, help="the index file (or partitioned folder)")

    p = sub.add_parser(
        "report", help="an HTML report, suspects beside their originals, "
                       "from the results of `pairs` or `scan`",
        description="Write a self-contained HTML page: each suspect beside its original with "
                    "every swap marked, from the records `pairs` or `scan` wrote.",
        epilog=_examples(
            "spundetect report results.jsonl --out report.html",
            "spundetect report scan.jsonl --index ref.sqlite --out report.html --force"))
    p.add_argument("results", help="JSON Lines written by `spundetect pairs` or `scan`")
    p.add_argument("--out", type=Path, default=None, help="the HTML file to write")
    p.add_argument("--csv", type=Path, default=None, metavar="FILE",
                   help="also (or only) write the table of suspects as CSV")
    p.add_argument("--force", action="store_true",
                   help="overwrite --out and --csv if they exist")
    p.add_argument("--index", type=_location, metavar="INDEX", default=None,
                   help="take originals' texts from the index a `scan --index` used (an "
                        "SQLite index, or a partitioned one's folder or URL)")

    sub.add_parser("info", help="show the model's version, features and validation metrics",
                   description="Print the model's metadata as JSON: version, scikit-learn "
                               "version, features, training-data hash, validation metrics.",
                   epilog=_examples("spundetect info",
                                    "spundetect --model build/model-small info"))
    return parser


def _location(value: str) -> Path | str:
    """An index's location: a path, or (kept as written) a URL such as s3://bucket/ref."""
    return value if "://" in value else Path(value)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return number


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not 0 < number < 1e6:
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0 and below "
                                         f"1000000, got {value!r}")
    return number


def _fetch_options(p: argparse.ArgumentParser) -> None:
    from detector.fetch import TIMEOUT_S, TOTAL_TIMEOUT_S

    p.add_argument("--no-cache", action="store_true",
                   help="fetch URLs afresh, neither reading nor writing the page cache")
    p.add_argument("--timeout", type=_seconds, default=TIMEOUT_S, metavar="S",
                   help=f"seconds a server may take to connect or to send more of a page "
                        f"(default {TIMEOUT_S:g}); a whole page within 3 times that, "
                        f"and at least {TOTAL_TIMEOUT_S:g}")


def _fetcher(args):
    from detector.fetch import Fetcher

    options = {"cache_dir": None} if args.no_cache else {}
    return Fetcher(timeout=args.timeout, **options)


def _scheduler_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="run the work on this Dask scheduler (e.g. tcp://10.0.0.5:8786)")


def _jobs_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes (default: all cores, at most 8)")


def _batch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="write JSON Lines here instead of stdout (never overwritten "
                        "without --force)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    _jobs_option(p)


def _detector(args):
    from detector.api import Detector
    from detector.model import load_model

    return Detector(model=load_model(args.model))


def cmd_score(args) -> int:
    from detector.api import open_index
    from detector.fetch import read_input
    from detector.index.scan import DEFAULT_TOP_K, own_path, retrieve, score_retrieved
    from detector.language import warning as language_warning
    from detector.report.terminal import TEXT_CHARS, summary, text_block, use_color, write_json

    if args.top_k is not None and args.index is None:
        raise InputError("--top-k goes with --index (the candidates retrieved); with --against "
                         "every original given is scored")
    if Path(args.suspect).is_dir():
        raise InputError(f"{args.suspect}: is a folder; to score every file in it use "
                         f"`spundetect scan` (spundetect scan {args.suspect} --against ...)")
    for given in args.against or ():
        if Path(given).is_dir():
            raise InputError(f"{given}: is a folder; to compare with every file in it use "
                             f"`spundetect scan` (spundetect scan SUSPECTS_DIR --against "
                             f"{given})")
    fetcher = _fetcher(args)
    suspect = read_input(args.suspect, fetcher)
    if args.index is not None:
        from detector.index.partitioned import is_partitioned

        if is_partitioned(args.index):
            raise InputError(f"{shown(args.index)}: a partitioned index; `score --index` reads "
                             "an SQLite one. Scan the suspect against it instead: spundetect "
                             f"scan --urls LIST --index {shown(args.index)}")
        with open_index(args.index, readonly=True) as index:
            retrieved = retrieve(suspect, index, args.top_k or DEFAULT_TOP_K,
                                 own_path(args.suspect))
        originals = [original for _, original in retrieved]
        result = score_retrieved(_detector(args), suspect, retrieved)
    else:
        originals = [read_input(p, fetcher) for p in args.against]
        result = _detector(args).score_suspect(suspect, originals)
    warning = language_warning(result.language)
    if warning:
        print(f"spundetect: {warning}", file=sys.stderr)
    if args.json:
        write_json(result.to_record(), sys.stdout)
        return EXIT_OK
    if args.index is not None and not originals:
        print(f"{shown(result.suspect)}: no original in {shown(args.index)} shares a name, "
              "number or rare word with it")
        return EXIT_OK
    print(summary(result))
    best = result.best
    if best is not None:
        original = next(o for o in originals if o.name == best.original)
        print()
        print(text_block(suspect, original, color=use_color(sys.stdout, args.no_color),
                         max_chars=None if args.full else TEXT_CHARS, unmatched=args.full))
    return EXIT_OK


def _run_batch(lines, args) -> int:
    """Write a batch's records (`detector.report.terminal.Line`s) and end with its summary."""
    from detector.report.terminal import write_line

    counts: Counter[str] = Counter()
    start = time.perf_counter()
    with output(args.out, args.force) as out:
        for line in _progress_over(lines):
            write_line(line, out)
            _tally(counts, line.verdict, line.language)
    print(_pairs_summary(counts, time.perf_counter() - start), file=sys.stderr)
    return EXIT_INPUT if counts["error"] else EXIT_OK


def _tally(counts: Counter[str], verdict: str | None, language: str | None) -> None:
    """Count a batch's record: its verdict, and whether its suspect is not in English."""
    from detector.language import not_english

    counts[str(verdict)] += 1
    counts["not_english"] += not_english(language)


def _verdicts_note(counts: Counter[str]) -> str:
    """What a batch's summary line says of its verdicts: "3 spun, 0 rewritten, 1 copy,
    0 errors", and ", 2 not in English" when some suspects were not."""
    others = counts["not_english"]
    return (f"{counts['spun']} spun, {counts['rewritten']} rewritten, "
            f"{count(counts['copy'], 'copy', 'copies')}, {count(counts['error'], 'error')}"
            + (f", {others} not in English" if others else ""))


def _pairs_summary(counts: Counter[str], seconds: float) -> str:
    """The line a `pairs` run ends with on stderr, whichever format it wrote."""
    records = counts.total() - counts["not_english"]  # one verdict a record
    return f"spundetect: {count(records, 'record')}, {_verdicts_note(counts)}, {seconds:.1f} s"


def cmd_pairs(args) -> int:
    from detector import batch

    if args.format == "pan":
        return _pairs_pan(args)
    not_an_input(args.out, args.pairs_file, "the pairs file")
    not_one_of(args.out, batch.pairs_inputs(args.pairs_file), "an article the pairs file names")
    if args.out is not None:
        check_writable(args.out, replace=args.force)
    detector = _detector(args)  # fails fast on a missing model, before any input
    from detector.report.terminal import jsonl_line

    return _run_batch(batch.score_pairs_file(args.pairs_file, detector=detector, jobs=args.jobs,
                                             fetcher=_fetcher(args), encode=jsonl_line), args)


def _pairs_pan(args) -> int:
    """`pairs --format pan`: one PAN XML file per pair in the folder --out names."""
    from detector import batch
    from detector.report.pan import pan_name, pan_xml

    folder = args.out
    if folder is None:
        raise InputError("--format pan writes one file a pair: give the folder for them "
                         "with --out DIR")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: is a file; --format pan writes into a folder")
    if folder.is_dir() and any(folder.iterdir()) and not args.force:
        raise InputError(f"{folder}: already holds files; use --force to write among them "
                         "(same names are overwritten) or give an empty folder")
    if not folder.parent.is_dir():
        raise InputError(f"{folder}: cannot write (no such directory {folder.parent})")
    detector = _detector(args)
    counts: Counter[str] = Counter()
    taken: set[str] = set()  # file names this run wrote
    start = time.perf_counter()
    records = batch.score_pairs_file(args.pairs_file, detector=detector, jobs=args.jobs,
                                       fetcher=_fetcher(args))
    for record in _progress_over(records):
        _tally(counts, record.get("verdict"), record.get("language"))
        if record.get("verdict") == "error":
            print(f"spundetect: skipped {shown(record['error'])}", file=sys.stderr)
            continue
        folder.mkdir(exist_ok=True)
        try:
            (folder / pan_name(record, taken)).write_text(pan_xml(record), encoding="utf-8")
        except OSError as err:
            raise InputError(f"{folder}: cannot write ({err.strerror or err})") from err
    print(f"{_pairs_summary(counts, time.perf_counter() - start)}; PAN XML in {shown(folder)}",
          file=sys.stderr)
    return EXIT_INPUT if counts["error"] else EXIT_OK


class _NoBar:
    """What `_progress` gives when stderr is not a terminal: nothing drawn, and tqdm not
    imported (its import is a tenth of a second of a short command's start)."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def update(self, n: int = 1) -> None:
        return None


def _progress(total: int, initial: int = 0, unit: str = "doc"):
    """A progress bar on stderr when it is a terminal (`bar.update(n)`)."""
    if not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit=unit, file=sys.stderr, dynamic_ncols=True)


def _progress_over(items: Iterable, unit: str = "rec") -> Iterable:
    """`items`, drawn as a progress bar on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, unit=unit, file=sys.stderr, dynamic_ncols=True)


def _reference(args):
    """The index to scan against, and error records for originals `--against` could not read."""
    from detector.api import open_index
    from detector.batch import in_memory_reference, list_text_files

    if args.index is not None:
        return open_index(args.index, readonly=True), []
    unlisted: dict[Path, str] = {}  # subfolders that could not be listed
    paths = list_text_files(args.against, onerror=unlisted.__setitem__)
    with _progress(len(paths)) as bar:  # originals by absolute path, as an index stores them
        return in_memory_reference(args.against, paths, unlisted, jobs=args.jobs,
                                   scheduler=args.scheduler, progress=bar.update)


def _not_an_article(out: Path | None, suspects: list, ref) -> None:
    """Refuse an --out that is one of the suspects or originals a scan reads (even with
    --force or --resume): their files are the user's, not ours to write."""
    not_one_of(out, suspects, "a suspect this scan reads")
    if ref is None or out is None or not out.exists():
        return
    from detector.index.ingest import stored_path

    if ref.id_of(stored_path(out)) is not None:
        raise InputError(f"{out}: is an original this scan reads; --out takes a file of its "
                         "own (nothing was changed)")


def cmd_scan(args) -> int:
    from detector import testhook
    from detector.batch import list_suspects, read_list_file, unlisted_record
    from detector.index import scan as scan_mod
    from detector.report.terminal import TABLE_ROWS, scan_table, table_entry, write_jsonl

    if args.resume and args.out is None:
        raise InputError("--resume needs --out, the file the stopped scan was writing")
    if args.resume and args.force:
        raise InputError("--resume appends to --out and --force overwrites it: choose one")
    not_an_input(args.out, args.index, "the index this scan reads", sqlite=True)
    not_an_input(args.out, args.urls, "the list of suspects")
    if args.out is not None:
        if args.out.exists() and not (args.force or args.resume):
            raise InputError(f"{args.out}: already exists; use --force to overwrite it "
                             "or --resume to continue it")
        check_writable(args.out, replace=True)
    # Read what an earlier run wrote, refusing a file scan did not write: no byte changes yet.
    state = (scan_mod.resume_state(args.out, table_entry) if args.resume
             else scan_mod.ResumeState())
    detector = _detector(args)  # fails fast on a missing model, before any input
    # A folder's files named inside `root`, or a list's URLs and paths named as listed;
    # subfolders that could not be listed get a record each.
    suspects, root, unlisted = list_suspects(
        read_list_file(args.urls) if args.urls is not None else args.suspect_dir)
    todo = scan_mod.remaining(suspects, state, root)
    from detector.index.partitioned import is_partitioned

    partitioned = args.index is not None and is_partitioned(args.index)
    if args.round is not None and not partitioned:
        raise InputError("--round is for a partitioned index (scan --index FOLDER)")
    if partitioned:
        from detector.index.partitioned import PartitionedIndex

        # refuse a missing or foreign one before any write
        ref, original_errors = PartitionedIndex.open(args.index), []
    else:
        ref, original_errors = _reference(args)
    _not_an_article(args.out, suspects, ref)
    if state.torn_bytes:
        scan_mod.cut_torn_line(args.out, state)
        print(f"spundetect: dropped an incomplete last line ({state.torn_bytes} bytes) of "
              f"{shown(args.out)}; that suspect is scanned again", file=sys.stderr)
    # The earlier run's records of this scan's suspects count (a record of a suspect no longer
    # among them stays in --out, but neither counts nor shows in the table)
    current = {scan_mod.suspect_name(p, root) for p in [*suspects, *unlisted]}
    counts: Counter[str] = Counter()
    entries = []  # what the table lists, from the earlier run's records on
    for record in state.of(current):
        _tally(counts, record.verdict, record.language)
        if record.entry is not None:
            entries.append(record.entry)
    others = len(state.done - current)
    if others:
        print(f"spundetect: warning: {shown(args.out)} holds {count(others, 'record')} of "
              "suspects not in this scan; kept, but neither counted nor listed", file=sys.stderr)
    earlier = len(suspects) - len(todo)
    start = time.perf_counter()
    kept = args.out.stat().st_size if args.resume and args.out.exists() else None
    # On a terminal, without --out, the records (kilobytes each) would bury the progress bar:
    # only the table is printed. Otherwise the table follows the records, on stderr when the
    # records take stdout.
    interactive = args.out is None and sys.stdout.isatty()

    def write(record: dict, out) -> None:
        if not interactive:
            write_jsonl(record, out)
        entry = table_entry(record)
        if entry is not None:
            entries.append(entry)

    with (output(args.out, args.force, append=args.resume) as out,
          _undone_on_error(out, kept, state.torn)):
        for record in original_errors:
            if shown(record["original"]) not in state.originals_reported:
                write(record, out)
                counts["error"] += 1
        for folder in scan_mod.remaining(unlisted, state, root):
            write(unlisted_record(folder, unlisted[folder], root), out)
            counts["error"] += 1
        top_k = args.top_k or scan_mod.DEFAULT_TOP_K
        if partitioned:
            from detector.index.distributed import scan_partitioned

            records = scan_partitioned(todo, args.index, detector.model, top_k=top_k,
                                       scheduler=args.scheduler, jobs=args.jobs, root=root,
                                       fetcher=_fetcher(args),
                                       **({"round_size": args.round} if args.round else {}))
        else:
            records = scan_mod.scan(todo, ref, detector, top_k=top_k, jobs=args.jobs,
                                    scheduler=args.scheduler, root=root,
                                    fetcher=_fetcher(args))
        # Test hook (SPUNDETECT_TEST_KILL_AFTER_RECORDS=N): signal this process once it has
        # written N suspect records, so a test can resume a scan stopped at a known point.
        kill = testhook.killer(testhook.KILL_AFTER_RECORDS)
        with _progress(len(suspects), earlier, unit="suspect") as bar:
            for written, record in enumerate(records, start=1):
                write(record, out)
                if kill is not None:
                    kill(written)
                bar.update(1)
                _tally(counts, record["verdict"], record.get("language"))
    seconds = time.perf_counter() - start
    rate = len(todo) / seconds if seconds > 0 else 0.0
    note = f" ({earlier} from an earlier run)" if args.resume and earlier else ""
    records_out = sys.stderr if args.out is None and not interactive else sys.stdout
    kept_in = str(args.out) if args.out is not None else "the records on stdout"
    print(scan_table(entries, len(suspects), limit=None if interactive else TABLE_ROWS,
                     kept_in=kept_in), file=records_out, flush=True)
    if interactive:
        print("spundetect: stdout is a terminal, so the JSON records were not printed; "
              "use --out FILE or a pipe to keep them", file=sys.stderr)
    print(
        f"spundetect: scanned {count(len(suspects), 'suspect')}{note}, "
        f"{_verdicts_note(counts)}, {seconds:.1f} s ({rate:.1f} suspects/s)",
        file=sys.stderr,
    )
    if counts["error"]:
        return EXIT_INPUT
    flagged = args.fail_on and sum(counts[v] for v in FAIL_ON[args.fail_on])
    return EXIT_FLAGGED if flagged else EXIT_OK


@contextlib.contextmanager
def _undone_on_error(out: IO[str] | LazyFile, size: int | None, torn: bytes = b""
                     ) -> Iterator[None]:
    """A scan stopped by an error (a damaged index) leaves no --out, or a resumed one as it was:
    its first `size` bytes, and the incomplete last line (`torn`) the resume had cut.

    What it wrote was scored against an index found broken. An interrupted scan (Ctrl-C, a
    kill) keeps its records for `--resume`.
    """
    try:
        yield
    except SpundetectError as err:
        if isinstance(out, LazyFile) and not isinstance(err, OutputError | WorkerLostError):
            out.undo(size)  # kept as an interrupted scan keeps them: not scored against damage
            if torn:
                with open(out.path, "ab") as fh:
                    fh.write(torn)
        raise


def _report_add(report, seconds: float, index, unlisted: dict[Path, str]) -> int:
    errors = [*unlisted.values(), *(error["error"] for error in report.errors)]
    for error in errors:
        print(f"spundetect: skipped {shown(error)}", file=sys.stderr)
    info = index.info()
    print(f"{len(report.added)} added, {len(report.replaced)} replaced, "
          f"{len(report.unchanged)} unchanged, {len(errors)} unreadable in "
          f"{seconds:.1f} s; {shown(info['index'])} holds {count(info['documents'], 'document')} "
          f"({_size(info['size_bytes'])})")
    return EXIT_INPUT if errors else EXIT_OK


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def _clear_dead_builds(location: Path) -> None:
    from detector.display import shown
    from detector.index.ingest import clear_dead_builds

    for leftover in clear_dead_builds(location):
        print(f"spundetect: removed {shown(leftover)}, left by an interrupted build",
              file=sys.stderr)


def cmd_index(args) -> int:
    from detector.api import add_to_index, build_index, open_any_index, open_index
    from detector.batch import list_originals, list_text_files
    from detector.index.ingest import check_target

    start = time.perf_counter()
    unlisted: dict[Path, str] = {}  # subfolders that could not be listed: "skipped" each
    from detector.index.partitioned import is_partitioned

    partitioned = is_partitioned(args.index) or getattr(args, "format", None) == "parquet"
    if args.index_command == "build":
        if args.format == "sqlite":
            if args.docs_per_part or args.anchor_parts:
                raise InputError("--docs-per-part and --anchor-parts are for --format parquet")
            if isinstance(args.index, str):
                raise InputError(f"{args.index}: a URL holds only a partitioned index; "
                                 "add --format parquet")
            _clear_dead_builds(args.index)
            check_target(args.index)
        else:
            from detector.index.partitioned import clear_dead_build

            if clear_dead_build(args.index):
                print(f"spundetect: removed {shown(args.index)}, left by an interrupted build",
                      file=sys.stderr)
        paths = list_text_files(args.originals_dir, onerror=unlisted.__setitem__)
        with _progress(len(paths)) as bar:
            index, report = build_index(paths, args.index, jobs=args.jobs,
                                        scheduler=args.scheduler, progress=bar.update,
                                        format=args.format, docs_per_part=args.docs_per_part,
                                        anchor_parts=args.anchor_parts)
        with index:
            return _report_add(report, time.perf_counter() - start, index, unlisted)
    if partitioned and args.index_command in ("add", "remove"):
        from detector.index.partitioned import written_whole

        raise written_whole(args.index)
    if args.index_command == "add":
        paths, unlisted = list_originals(args.paths)  # listed here to size the progress bar
        _clear_dead_builds(args.index)
        with open_index(args.index) as index, _progress(len(paths)) as bar:
            report = add_to_index(index, paths, jobs=args.jobs, scheduler=args.scheduler,
                                  progress=bar.update)
            return _report_add(report, time.perf_counter() - start, index, unlisted)
    if args.index_command == "remove":
        with open_index(args.index) as index:
            removed = index.remove(args.doc_ids)
            ids = ", ".join(map(str, removed))
            print(f"removed {count(len(removed), 'document')} (ids {ids}); "
                  f"{index.info()['documents']} left")
        return EXIT_OK
    if args.index_command == "check":
        with open_any_index(args.index) as index:
            found = index.check()
        checked = "every part read" if partitioned else "PRAGMA integrity_check ok"
        print(f"{shown(found['index'])}: no damage found ({checked}, "
              f"{count(found['documents'], 'stored text')} and {count(found['terms'], 'term row')} "
              "read)")
        return EXIT_OK
    with open_any_index(args.index) as index:
        info = index.info()
    if args.json:
        print(json.dumps(info, indent=2, sort_keys=True))
        return EXIT_OK
    params = " ".join(f"{k}={','.join(v) if isinstance(v, list) else v}"
                      for k, v in sorted(info["params"].items()))
    print(f"index:      {shown(info['index'])}\n"
          f"documents:  {info['documents']} ({info['words']} words)\n"
          f"terms:      {info['terms']} anchor terms, {info['postings']} postings\n"
          f"size:       {_size(info['size_bytes'])} on disk\n"
          f"created:    {info['created']}\n"
          f"updated:    {info['updated']}\n"
          f"format:     {_format_line(info)}\n"
          f"parameters: {params}")
    return EXIT_OK


def _format_line(info: dict) -> str:
    if "anchor_parts" not in info:
        return str(info["format_version"])
    parts = (count(info["document_parts"], "document part"),
             count(info["anchor_parts"], "anchor part"))
    return f"{info['format_version']} (parquet: {parts[0]}, {parts[1]})"


def cmd_info(args) -> int:
    from detector.model import load_model

    model = load_model(args.model)
    print(json.dumps(model.metadata, indent=2, sort_keys=True))
    return EXIT_OK


def cmd_report(args) -> int:
    from detector.api import report_page
    from detector.report.records import group_results, load_results, named_files
    from detector.report.table import table_rows, write_csv

    if args.out is None and args.csv is None:
        raise InputError("nothing to write: give --out FILE (the HTML page), --csv FILE "
                         "(the table of suspects) or both")
    if args.out is not None and args.csv is not None and (
            args.out.resolve() == args.csv.resolve()):
        raise InputError(f"{args.csv}: is --out too; give the page and the CSV a file each")
    for path, option in ((args.out, "--out"), (args.csv, "--csv")):
        if path is not None:  # before the work, as output() would after it
            check_writable(path, replace=args.force)
            not_an_input(path, args.results, "the results file", option)
            not_an_input(path, args.index, "the index", option, sqlite=True)
    results = load_results(args.results)
    for path, option in ((args.out, "--out"), (args.csv, "--csv")):
        not_one_of(path, named_files(results.records, Path(args.results).parent),
                   "an article the results name", option)
    page = None
    if args.out is not None:
        page = report_page(results.records, base=Path(args.results).parent,
                           results_name=args.results, problems=results.problems,
                           index=args.index)
    if page is not None:
        with whole_file(args.out, args.force) as fh:
            fh.write(page)
        print(f"spundetect: wrote {shown(args.out)}", file=sys.stderr)
    if args.csv is not None:
        rows = table_rows(group_results(results.records)[0])
        with whole_file(args.csv, args.force) as fh:
            write_csv(rows, fh)
        print(f"spundetect: wrote {shown(args.csv)}", file=sys.stderr)
    skipped = len(results.problems)
    if skipped:
        where = "listed in the report" if args.out is not None else "not in the CSV"
        print(f"spundetect: skipped {skipped} bad record{'' if skipped == 1 else 's'} of "
              f"{shown(args.results)}, {where} (first: {results.problems[0]})",
              file=sys.stderr)
    return EXIT_INPUT if skipped else EXIT_OK


COMMANDS = {"score": cmd_score, "pairs": cmd_pairs, "scan": cmd_scan, "info": cmd_info,
            "report": cmd_report,
            "index": cmd_index}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (tests call this in-process)."""
    argv = sys.argv[1:] if argv is None else argv
    if sys.stdout is None:  # started with its standard output closed (`>&-`)
        print("spundetect: error: standard output is closed; redirect it to a file or to "
              "/dev/null", file=sys.stderr)
        return EXIT_INPUT
    if "" in argv:  # would read as the working folder: `scan "$DIR"` with DIR unset scans it
        print(f"spundetect: error: argument {argv.index('') + 1} is empty (an unset shell "
              "variable?); give a file, a folder or a value", file=sys.stderr)
        return EXIT_INPUT
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "jobs", None) is not None and not getattr(args, "scheduler", None):
            from detector.parallel import check_jobs  # (with a scheduler, Dask's workers run)

            check_jobs(args.jobs)
        with collector.for_batch():
            return COMMANDS[args.command](args)
    except SpundetectError as err:
        print(f"spundetect: error: {shown(err)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("spundetect: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`): not an error of ours
        return EXIT_OK
    except OSError as err:
        if err.errno in _CANNOT_WRITE:  # standard output: a full disk, a closed stdout
            _drop_stdout()
            print(f"spundetect: error: cannot write the output ({err.strerror or err})",
                  file=sys.stderr)
            return EXIT_INPUT
        return _unexpected(err)
    except Exception as err:  # a failure no message above foresaw: still one line
        return _unexpected(err)


# errno values of a write that cannot go on: no space, quota, I/O error, closed or read-only
_CANNOT_WRITE = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EBADF, errno.EROFS, errno.EFBIG}
DEBUG = "SPUNDETECT_DEBUG"  # set: an unexpected failure shows its traceback


def _unexpected(err: Exception) -> int:
    """One line for an error spundetect did not foresee (a Dask cluster that went away, say),
    or, with SPUNDETECT_DEBUG set, the traceback."""
    if os.environ.get(DEBUG):
        raise err
    first = str(err).splitlines()[0] if str(err) else ""
    if type(err).__module__.split(".")[0] == "distributed":  # the cluster, not spundetect
        print(f"spundetect: error: the Dask cluster failed ({type(err).__name__}: "
              f"{shown(first)}); what was written before is kept", file=sys.stderr)
        return EXIT_INPUT
    print(f"spundetect: error: {type(err).__name__}: {shown(first)} (unexpected; run again "
          f"with {DEBUG}=1 to see where, and report it)", file=sys.stderr)
    return EXIT_INPUT


def _drop_stdout() -> None:
    """Send what is left in stdout's buffer nowhere, so exit does not try it again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)


def run() -> None:
    """The `spundetect` command: `main`, then exit with its code (`collector.for_exit`)."""
    import signal

    # `kill` (SIGTERM) stops a run as Ctrl-C does: what it writes is cleaned up or kept as
    # for an interrupt (a build's temporary file removed, a scan's records kept), exit 143
    signal.signal(signal.SIGTERM, _terminated)
    try:
        _load_quietly()
        code = main()
    except KeyboardInterrupt:  # Ctrl-C while starting up, before `main` handles it itself
        print("spundetect: interrupted", file=sys.stderr)
        code = 130
    collector.for_exit()
    sys.exit(code)


def _terminated(number, frame) -> None:
    raise SystemExit(128 + number)


def _load_quietly() -> None:
    """Import what every command needs (numpy, the API: a few tenths of a second) with Ctrl-C
    held back until it is done: an import cut short prints a traceback, or an ImportError of
    a module that was present (numpy turns KeyboardInterrupt into one)."""
    import signal

    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: held.append(number))
    try:
        import detector.api  # noqa: F401
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


if __name__ == "__main__":
    run()
