"""Where a pair's time goes: milliseconds per pair for each stage of scoring, in process,
over generated bench pairs (fresh documents each, as `spundetect pairs` reads them).

    .venv/bin/python -m bench.profile_pairs [--pairs 200]

Stages run in pipeline order, so a stage that first touches a shared value (the alignment,
a document's analysis) is charged for computing it. Times are CPU time of this process, with
the garbage collector tuned as in a `pairs` worker (`detector.collector.for_worker`).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from bench.run import make_pairs_file
from detector import collector
from detector.api import Detector
from detector.features import FEATURES, Pair
from detector.results import evidence_of
from detector.text import read_document

AGAIN = "the pair again, its documents analysed: align, features, trees, evidence, record, JSON"


def profile(detector: Detector, n_pairs: int) -> dict[str, float]:
    """Mean ms per pair of each stage over `n_pairs` generated pairs."""
    with tempfile.TemporaryDirectory() as tmp:
        path, _ = make_pairs_file(Path(tmp), n_pairs)
        lines = [line.split("\t") for line in path.read_text().splitlines()]
        spent: dict[str, float] = defaultdict(float)
        clock = time.process_time  # CPU time: other processes on a shared machine count less
        for suspect, original in lines:
            t = clock()
            s, o = read_document(suspect), read_document(original)
            spent["read"] += clock() - t
            t = clock()
            s.token_columns, o.token_columns  # noqa: B018 (computed and cached)
            spent["tokenise"] += clock() - t
            pair = Pair(s, o, detector.lexicon)
            t = clock()
            pair.alignment  # noqa: B018
            spent["align"] += clock() - t
            row = []
            for name in detector.model.features:
                t = clock()
                row.append(FEATURES[name](pair))
                spent[f"feature {name}"] += clock() - t
            t = clock()
            proba = detector.model.predict_proba(np.array([row]))
            spent["model"] += clock() - t
            t = clock()
            evidence_of(pair)
            spent["evidence"] += clock() - t
            t = clock()
            json.dumps(detector.score_pairs([(s, o)])[0].to_record())
            spent[AGAIN] += clock() - t
            del proba
    return {k: 1000 * v / len(lines) for k, v in spent.items()}


def reused(detector: Detector, n_pairs: int, against: int) -> float:
    """CPU ms per pair when each suspect is scored against `against` originals, as a scan
    does: every document read and analysed once, then reused across its pairs."""
    with tempfile.TemporaryDirectory() as tmp:
        path, _ = make_pairs_file(Path(tmp), n_pairs)
        lines = [line.split("\t") for line in path.read_text().splitlines()]
        start = time.process_time()
        suspects = [read_document(s) for s, _ in lines]
        originals = [read_document(o) for _, o in lines]
        scored = 0
        for k in range(0, len(suspects), against):
            for suspect in suspects[k : k + against]:
                for result in detector.score_suspect(suspect, originals[k : k + against]
                                                     ).candidates:
                    json.dumps(result.to_record())
                    scored += 1
        return 1000 * (time.process_time() - start) / scored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_pairs", description=__doc__)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--against", type=int, default=0,
                        help="instead, score each suspect against this many originals, every "
                             "document read once, and print the CPU ms per pair")
    args = parser.parse_args(argv)
    detector = Detector()  # the model and the lexicon loaded, then frozen, as in a worker
    collector.for_worker()
    if args.against:
        ms = reused(detector, args.pairs, args.against)
        print(f"{ms:7.2f} ms per pair, each suspect against {args.against} originals, "
              "documents analysed once")
        return 0
    ms = profile(detector, args.pairs)
    again = ms.pop(AGAIN)
    features = sum(v for k, v in ms.items() if k.startswith("feature "))
    for k, v in sorted(ms.items(), key=lambda kv: -kv[1]):
        if v >= 0.05:
            print(f"{v:7.2f} ms  {k}")
    print(f"{features:7.2f} ms  all features together")
    print(f"{sum(ms.values()):7.2f} ms  per pair in all (without the record and its JSON)")
    print(f"{again:7.2f} ms  {AGAIN}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
