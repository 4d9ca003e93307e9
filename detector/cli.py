"""The `spundetect` command: parse, validate, dispatch to the API, print. No scoring here.

Exit codes: 0 success; 1 `scan --fail-on` found what it was told to fail on; 2 usage or
input error (one line on stderr; in a batch, after every other input was processed and the
bad one recorded as an error record).

Everything printed that came from a file name or a file goes through `display.shown`, so a
name's control characters or bidi marks never reach the terminal raw.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from detector import __version__
from detector.display import shown
from detector.errors import InputError, SpundetectError

EXIT_OK = 0
EXIT_FLAGGED = 1
EXIT_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as argparse does, without the usage dump
        self.exit(EXIT_INPUT, f"{self.prog}: error: {shown(message)} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="spundetect", description="Detect machine-spun copies of articles.")
    parser.add_argument("--version", action="version", version=f"spundetect {__version__}")
    parser.add_argument("--model", type=Path, default=None,
                        help="folder of a trained model (default: the shipped one)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("score", help="score one suspect file against one or more originals")
    p.add_argument("suspect", help="the suspect article (UTF-8 text or HTML)")
    p.add_argument("--against", nargs="+", required=True, metavar="ORIGINAL",
                   help="candidate original articles")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--full", action="store_true",
                   help="show the whole highlighted text, not just its first screenful")
    p.add_argument("--no-color", action="store_true",
                   help="no colours in the highlighted text (also: NO_COLOR=1)")

    p = sub.add_parser("pairs", help="score a PAN-style pairs file (suspect<TAB>original a line)")
    p.add_argument("pairs_file")
    _batch_options(p)

    p = sub.add_parser(
        "scan", help="every suspect in a folder against a reference index (or a folder)",
        description="Retrieve each suspect's likeliest originals from the index, score the "
                    "top K with the model, and write one JSON record per suspect.")
    p.add_argument("suspect_dir")
    ref = p.add_mutually_exclusive_group(required=True)
    ref.add_argument("--index", type=Path, metavar="INDEX", help="a reference index file")
    ref.add_argument("--against", metavar="ORIGINALS_DIR",
                     help="a folder of originals (indexed in memory for this scan)")
    _batch_options(p)
    p.add_argument("--top-k", type=_positive, default=10, metavar="K",
                   help="candidates scored per suspect (default 10)")
    p.add_argument("--resume", action="store_true",
                   help="continue a scan that was stopped: append the suspects not yet in --out")
    p.add_argument("--fail-on", choices=("spun", "derived"), default=None,
                   help="exit 1 if any suspect is spun (or, with `derived`, spun or a copy)")
    _scheduler_option(p)

    p = sub.add_parser("index", help="build and maintain a reference index of originals")
    isub = p.add_subparsers(dest="index_command", required=True, parser_class=_Parser)
    q = isub.add_parser("build", help="index every text file in a folder into a new index")
    q.add_argument("originals_dir")
    q.add_argument("index", type=Path)
    q.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    _scheduler_option(q)
    q = isub.add_parser("add", help="add files or folders of originals (one transaction)")
    q.add_argument("index", type=Path)
    q.add_argument("paths", nargs="+", metavar="PATH")
    q.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    _scheduler_option(q)
    q = isub.add_parser("remove", help="remove documents by id (or stored path)")
    q.add_argument("index", type=Path)
    q.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    q = isub.add_parser("info", help="documents, size on disk and build parameters")
    q.add_argument("index", type=Path)
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q = isub.add_parser("check", help="look for damage: the file's structure (PRAGMA "
                                      "quick_check), every stored text, every posting")
    q.add_argument("index", type=Path)

    p = sub.add_parser("report", help="an HTML report, suspects beside their originals, "
                                      "from the results of `pairs` or `scan`")
    p.add_argument("results", help="JSON Lines written by `spundetect pairs` or `scan`")
    p.add_argument("--out", type=Path, default=None, help="the HTML file to write")
    p.add_argument("--csv", type=Path, default=None, metavar="FILE",
                   help="also (or only) write the table of suspects as CSV")
    p.add_argument("--force", action="store_true",
                   help="overwrite --out and --csv if they exist")
    p.add_argument("--index", type=Path, metavar="INDEX", default=None,
                   help="take originals' texts from the index a `scan --index` used")

    sub.add_parser("info", help="show the model's version, features and validation metrics")
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return number


def _scheduler_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="run the work on this Dask scheduler (e.g. tcp://10.0.0.5:8786)")


def _batch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, help="write JSON Lines here instead of stdout")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")


class _LazyFile:
    """An output file created at its first write, so a run that fails before writing anything
    leaves no empty file behind (and, with --force, the file it would replace untouched)."""

    def __init__(self, path: Path, mode: str):
        self.path, self.mode = path, mode
        self._fh: IO[str] | None = None

    def _open(self) -> IO[str]:
        if self._fh is None:
            try:
                self._fh = open(self.path, self.mode, encoding="utf-8")  # noqa: SIM115
            except FileExistsError as err:
                raise InputError(f"{self.path}: already exists; use --force to "
                                 "overwrite it") from err
            except OSError as err:
                raise InputError(f"{self.path}: cannot write ({err.strerror})") from err
        return self._fh

    def write(self, text: str) -> int:
        return self._open().write(text)

    def flush(self) -> None:
        if self._fh is not None:
            self._fh.flush()

    def close(self, *, create: bool) -> None:
        if create:
            self._open()
        if self._fh is not None:
            self._fh.close()

    def undo(self, size: int | None) -> None:
        """Take back what this run wrote: the file it created, or what it appended past `size`."""
        if self._fh is None:
            return
        self._fh.close()
        self._fh = None
        if size is None:
            self.path.unlink(missing_ok=True)
        else:
            os.truncate(self.path, size)


def _check_writable(path: Path, *, replace: bool) -> None:
    """Refuse at once an --out that could not be written, without creating it."""
    folder = path.parent
    if path.exists() and not replace:
        raise InputError(f"{path}: already exists; use --force to overwrite it")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a file to write")
    if not folder.is_dir():
        raise InputError(f"{path}: cannot write (no such directory {folder})")
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise InputError(f"{path}: cannot write (permission denied)")


def _not_an_input(out: Path | None, given: str | Path | None, what: str,
                  option: str = "--out") -> None:
    """Refuse an --out that is one of the command's inputs (the index a scan reads...)."""
    if out is None or given is None:
        return
    with contextlib.suppress(OSError):  # either one missing: not the same file
        if os.path.samefile(out, given):
            raise InputError(f"{out}: is {what} ({given}); {option} takes a file "
                             "of its own (nothing was changed)")


@contextlib.contextmanager
def _output(path: Path | None, force: bool, *, append: bool = False
            ) -> Iterator[IO[str] | _LazyFile]:
    """stdout, or a file created at the first write (appended to with `append`); an existing
    file is never overwritten without --force. A run that fails before writing anything
    leaves no file; a successful run with nothing to write leaves an empty one."""
    if path is None:
        yield sys.stdout
        return
    _check_writable(path, replace=force or append)
    out = _LazyFile(path, "a" if append else "w" if force else "x")
    try:
        yield out
    except BaseException:
        out.close(create=False)
        raise
    out.close(create=True)


def _detector(args):
    from detector.api import Detector
    from detector.model import load_model

    return Detector(model=load_model(args.model))


def cmd_score(args) -> int:
    from detector.report.terminal import TEXT_CHARS, summary, text_block, use_color, write_json
    from detector.text import read_document

    suspect = read_document(args.suspect)
    originals = [read_document(p) for p in args.against]
    result = _detector(args).score_suspect(suspect, originals)
    if args.json:
        write_json(result.to_record(), sys.stdout)
        return EXIT_OK
    print(summary(result))
    best = result.best
    if best is not None:
        original = next(o for o in originals if o.name == best.original)
        print()
        print(text_block(suspect, original, color=use_color(sys.stdout, args.no_color),
                         max_chars=None if args.full else TEXT_CHARS))
    return EXIT_OK


def _run_batch(records, args) -> int:
    from tqdm import tqdm

    from detector.report.terminal import write_jsonl

    counts = {"records": 0, "errors": 0, "spun": 0, "copy": 0}
    start = time.perf_counter()
    with _output(args.out, args.force) as out:
        bar = tqdm(records, unit="rec", disable=not sys.stderr.isatty(), file=sys.stderr)
        for record in bar:
            write_jsonl(record, out)
            counts["records"] += 1
            verdict = record.get("verdict")
            if verdict == "error":
                counts["errors"] += 1
            elif verdict in counts:
                counts[verdict] += 1
    seconds = time.perf_counter() - start
    print(
        f"spundetect: {counts['records']} records, {counts['spun']} spun, {counts['copy']} copies, "
        f"{counts['errors']} errors, {seconds:.1f} s",
        file=sys.stderr,
    )
    return EXIT_INPUT if counts["errors"] else EXIT_OK


def cmd_pairs(args) -> int:
    from detector import batch

    _not_an_input(args.out, args.pairs_file, "the pairs file")
    if args.out is not None:
        _check_writable(args.out, replace=args.force)
    detector = _detector(args)  # fails fast on a missing model, before any input
    return _run_batch(batch.score_pairs_file(args.pairs_file, detector=detector, jobs=args.jobs),
                      args)


def _progress(total: int, initial: int = 0, unit: str = "doc"):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit=unit, file=sys.stderr,
                disable=not sys.stderr.isatty(), dynamic_ncols=True)


def _reference(args):
    """The index to scan against, and error records for originals `--against` could not read."""
    from detector.batch import list_text_files
    from detector.index import ReferenceIndex, build
    from detector.results import error_record

    if args.index is not None:
        return ReferenceIndex.open(args.index, readonly=True), []
    unlisted: dict[Path, str] = {}  # subfolders that could not be listed
    paths = list_text_files(args.against, onerror=unlisted.__setitem__)
    with _progress(len(paths)) as bar:  # originals by absolute path, as an index stores them
        ref, report = build(paths, ":memory:", jobs=args.jobs, scheduler=args.scheduler,
                            progress=bar.update)
    if not len(ref):
        raise InputError(f"{args.against}: no readable original articles")
    errors = [error_record(error, original=str(folder)) for folder, error in unlisted.items()]
    errors += [error_record(e["error"], original=e["original"]) for e in report.errors]
    return ref, errors


def cmd_scan(args) -> int:
    from detector import testhook
    from detector.batch import list_text_files
    from detector.index import scan as scan_mod
    from detector.report.terminal import write_jsonl
    from detector.results import error_record

    if args.resume and args.out is None:
        raise InputError("--resume needs --out, the file the stopped scan was writing")
    if args.resume and args.force:
        raise InputError("--resume appends to --out and --force overwrites it: choose one")
    _not_an_input(args.out, args.index, "the index this scan reads")
    if args.out is not None:
        if args.out.exists() and not (args.force or args.resume):
            raise InputError(f"{args.out}: already exists; use --force to overwrite it "
                             "or --resume to continue it")
        _check_writable(args.out, replace=True)
    # Read what an earlier run wrote, refusing a file scan did not write: no byte changes yet.
    state = scan_mod.resume_state(args.out) if args.resume else scan_mod.ResumeState()
    detector = _detector(args)  # fails fast on a missing model, before any input
    root = Path(args.suspect_dir)
    unlisted: dict[Path, str] = {}  # subfolders that could not be listed: a record each
    suspects = list_text_files(root, onerror=unlisted.__setitem__)
    todo = scan_mod.remaining(suspects, state, root)
    ref, original_errors = _reference(args)
    if state.torn_bytes:
        scan_mod.cut_torn_line(args.out, state)
        print(f"spundetect: dropped an incomplete last line ({state.torn_bytes} bytes) of "
              f"{shown(args.out)}; that suspect is scanned again", file=sys.stderr)
    counts = {"spun": state.verdicts.get("spun", 0), "copy": state.verdicts.get("copy", 0),
              "error": state.verdicts.get("error", 0)}
    earlier = len(suspects) - len(todo)
    start = time.perf_counter()
    kept = args.out.stat().st_size if args.resume and args.out.exists() else None
    with _output(args.out, args.force, append=args.resume) as out, _undone_on_error(out, kept):
        for record in original_errors:
            if shown(record["original"]) not in state.originals_reported:
                write_jsonl(record, out)
                counts["error"] += 1
        for folder in scan_mod.remaining(unlisted, state, root):
            write_jsonl(error_record(unlisted[folder], suspect=str(folder),
                                     name=scan_mod.suspect_name(folder, root), source=None), out)
            counts["error"] += 1
        records = scan_mod.scan(todo, ref, detector, top_k=args.top_k, jobs=args.jobs,
                                scheduler=args.scheduler, root=root)
        # Test hook (SPUNDETECT_TEST_KILL_AFTER_RECORDS=N): SIGKILL this process once it has
        # written N suspect records, so a test can resume a scan stopped at a known point.
        kill = testhook.killer(testhook.KILL_AFTER_RECORDS)
        with _progress(len(suspects), earlier, unit="suspect") as bar:
            for written, record in enumerate(records, start=1):
                write_jsonl(record, out)
                if kill is not None:
                    kill(written)
                bar.update(1)
                if record["verdict"] in counts:
                    counts[record["verdict"]] += 1
    seconds = time.perf_counter() - start
    rate = len(todo) / seconds if seconds > 0 else 0.0
    note = f" ({earlier} from an earlier run)" if args.resume and earlier else ""
    print(
        f"spundetect: scanned {len(suspects)} suspects{note}, {counts['spun']} spun, "
        f"{counts['copy']} copies, {counts['error']} errors, {seconds:.1f} s "
        f"({rate:.1f} suspects/s)",
        file=sys.stderr,
    )
    if counts["error"]:
        return EXIT_INPUT
    flagged = counts["spun"] + (counts["copy"] if args.fail_on == "derived" else 0)
    return EXIT_FLAGGED if args.fail_on and flagged else EXIT_OK


@contextlib.contextmanager
def _undone_on_error(out: IO[str] | _LazyFile, size: int | None) -> Iterator[None]:
    """A scan stopped by an error (a damaged index) leaves no --out, or a resumed one as it was.

    What it wrote was scored against an index found broken. An interrupted scan (Ctrl-C, a
    kill) keeps its records for `--resume`.
    """
    try:
        yield
    except SpundetectError:
        if isinstance(out, _LazyFile):
            out.undo(size)
        raise


def _report_add(report, seconds: float, index, unlisted: dict[Path, str]) -> int:
    errors = [*unlisted.values(), *(error["error"] for error in report.errors)]
    for error in errors:
        print(f"spundetect: skipped {shown(error)}", file=sys.stderr)
    info = index.info()
    print(f"{len(report.added)} added, {len(report.replaced)} replaced, "
          f"{len(report.unchanged)} unchanged, {len(errors)} unreadable in "
          f"{seconds:.1f} s; {shown(info['index'])} holds {info['documents']} documents "
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
    from detector.batch import list_text_files
    from detector.index import ReferenceIndex, add_files, build
    from detector.index.ingest import check_target

    start = time.perf_counter()
    unlisted: dict[Path, str] = {}  # subfolders that could not be listed: "skipped" each
    if args.index_command == "build":
        _clear_dead_builds(args.index)
        check_target(args.index)
        paths = list_text_files(args.originals_dir, onerror=unlisted.__setitem__)
        with _progress(len(paths)) as bar:
            index, report = build(paths, args.index, jobs=args.jobs, scheduler=args.scheduler,
                                  progress=bar.update)
        with index:
            return _report_add(report, time.perf_counter() - start, index, unlisted)
    if args.index_command == "add":
        paths: list[Path] = []
        for given in args.paths:
            p = Path(given)
            paths.extend(list_text_files(p, onerror=unlisted.__setitem__) if p.is_dir() else [p])
        _clear_dead_builds(args.index)
        with ReferenceIndex.open(args.index) as index, _progress(len(paths)) as bar:
            report = add_files(index, paths, jobs=args.jobs, scheduler=args.scheduler,
                               progress=bar.update)
            return _report_add(report, time.perf_counter() - start, index, unlisted)
    if args.index_command == "remove":
        with ReferenceIndex.open(args.index) as index:
            removed = index.remove(args.doc_ids)
            print(f"removed {len(removed)} documents (ids {', '.join(map(str, removed))}); "
                  f"{index.info()['documents']} left")
        return EXIT_OK
    if args.index_command == "check":
        with ReferenceIndex.open(args.index, readonly=True) as index:
            found = index.check()
        print(f"{found['index']}: no damage found (PRAGMA quick_check ok, "
              f"{found['documents']} stored texts and {found['terms']} term rows read)")
        return EXIT_OK
    with ReferenceIndex.open(args.index, readonly=True) as index:
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
          f"format:     {info['format_version']}\n"
          f"parameters: {params}")
    return EXIT_OK


def cmd_info(args) -> int:
    from detector.model import load_model

    model = load_model(args.model)
    print(json.dumps(model.metadata, indent=2, sort_keys=True))
    return EXIT_OK


def cmd_report(args) -> int:
    from detector.index import ReferenceIndex
    from detector.report.html import report_html
    from detector.report.records import group_results, load_results
    from detector.report.table import table_rows, write_csv

    if args.out is None and args.csv is None:
        raise InputError("nothing to write: give --out FILE (the HTML page), --csv FILE "
                         "(the table of suspects) or both")
    if args.out is not None and args.csv is not None and (
            args.out.resolve() == args.csv.resolve()):
        raise InputError(f"{args.csv}: is --out too; give the page and the CSV a file each")
    for path, option in ((args.out, "--out"), (args.csv, "--csv")):
        if path is not None:  # before the work, as _output would after it
            _check_writable(path, replace=args.force)
            _not_an_input(path, args.results, "the results file", option)
            _not_an_input(path, args.index, "the index", option)
    results = load_results(args.results)
    page = None
    if args.out is not None:
        with contextlib.ExitStack() as stack:
            index = (stack.enter_context(ReferenceIndex.open(args.index, readonly=True))
                     if args.index is not None else None)
            page = report_html(results.records, base=Path(args.results).parent,
                               results_name=args.results, problems=results.problems,
                               index=index)
    if page is not None:
        with _output(args.out, args.force) as fh:
            fh.write(page)
        print(f"spundetect: wrote {shown(args.out)}", file=sys.stderr)
    if args.csv is not None:
        rows = table_rows(group_results(results.records)[0])
        with _output(args.csv, args.force) as fh:
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
    args = build_parser().parse_args(argv)
    if getattr(args, "jobs", None) is not None and args.jobs < 1:
        print("spundetect: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_INPUT
    try:
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


if __name__ == "__main__":
    sys.exit(main())
