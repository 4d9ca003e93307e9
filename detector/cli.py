"""The `spundetect` command: parse, validate, dispatch to the API, print. No scoring here.

Exit codes: 0 success; 2 usage or input error (one line on stderr; in a batch, after every
other input was processed and the bad one recorded as an error record).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from detector import __version__
from detector.errors import InputError, SpundetectError

EXIT_OK = 0
EXIT_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as argparse does, without the usage dump
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see --help)\n")


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

    p = sub.add_parser("scan", help="every suspect in a folder against a folder of originals")
    p.add_argument("suspect_dir")
    p.add_argument("--against", required=True, metavar="ORIGINALS_DIR")
    _batch_options(p)
    p.add_argument("--html", type=Path, metavar="REPORT",
                   help="also write the side-by-side HTML report here (--force overwrites)")

    p = sub.add_parser("report", help="an HTML report, suspects beside their originals, "
                                      "from the results of `pairs` or `scan`")
    p.add_argument("results", help="JSON Lines written by `spundetect pairs` or `scan`")
    p.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")

    sub.add_parser("info", help="show the model's version, features and validation metrics")
    return parser


def _batch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, help="write JSON Lines here instead of stdout")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")


@contextlib.contextmanager
def _output(path: Path | None, force: bool) -> Iterator[IO[str]]:
    """stdout, or a new file; an existing file is never overwritten without --force."""
    if path is None:
        yield sys.stdout
        return
    try:
        fh = open(path, "w" if force else "x", encoding="utf-8")  # noqa: SIM115
    except FileExistsError as err:
        raise InputError(f"{path}: already exists; use --force to overwrite it") from err
    except OSError as err:
        raise InputError(f"{path}: cannot write ({err.strerror})") from err
    with fh:
        yield fh


def _detector(args):
    from detector.api import Detector
    from detector.model import MODEL_DIR, load_model

    return Detector(model=load_model(args.model or MODEL_DIR))


def cmd_score(args) -> int:
    from detector.report import TEXT_CHARS, summary, text_block, use_color, write_json
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

    from detector.report import write_jsonl

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

    batch._detector = _detector(args)  # fails fast on a missing model, before any input
    return _run_batch(batch.score_pairs_file(args.pairs_file, jobs=args.jobs), args)


def cmd_scan(args) -> int:
    from detector import batch

    if args.html and args.html.exists() and not args.force:
        raise InputError(f"{args.html}: already exists; use --force to overwrite it")
    batch._detector = _detector(args)
    records: list[dict] = []
    scanned = batch.scan_folder(args.suspect_dir, args.against, jobs=args.jobs)
    code = _run_batch(_kept(scanned, records) if args.html else scanned, args)
    if args.html:
        _write_report(records, args.html, args.force, Path.cwd(), "scan")
    return code


def _kept(records: Iterable[dict], into: list[dict]) -> Iterator[dict]:
    """Pass records through, keeping a copy (for the HTML report written after a scan)."""
    for record in records:
        into.append(record)
        yield record


def _write_report(records: list[dict], out: Path, force: bool, base: Path, name: str) -> None:
    from detector.render import report_html

    page = report_html(records, base=base, results_name=name)
    with _output(out, force) as fh:
        fh.write(page)
    print(f"spundetect: wrote {out}", file=sys.stderr)


def cmd_report(args) -> int:
    from detector.evidence import load_results

    records = load_results(args.results)
    if args.out.exists() and not args.force:  # before the work, as _output would after it
        raise InputError(f"{args.out}: already exists; use --force to overwrite it")
    _write_report(records, args.out, args.force, Path(args.results).parent, args.results)
    return EXIT_OK


def cmd_info(args) -> int:
    from detector.model import MODEL_DIR, load_model

    model = load_model(args.model or MODEL_DIR)
    print(json.dumps(model.metadata, indent=2, sort_keys=True))
    return EXIT_OK


COMMANDS = {"score": cmd_score, "pairs": cmd_pairs, "scan": cmd_scan, "report": cmd_report,
            "info": cmd_info}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (tests call this in-process)."""
    args = build_parser().parse_args(argv)
    if getattr(args, "jobs", None) is not None and args.jobs < 1:
        print("spundetect: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_INPUT
    try:
        return COMMANDS[args.command](args)
    except SpundetectError as err:
        print(f"spundetect: error: {err}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("spundetect: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`): not an error of ours
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
