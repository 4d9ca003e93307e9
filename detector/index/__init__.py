"""The reference index of originals, one module a job.

`store` keeps the SQLite file and its transactions, `rank` turns the postings of a suspect's
anchor terms into the top k candidates, `build` reads and analyses originals in parallel and
adds them, `anchors` extracts the terms, `scan` scores a folder of suspects against an index.

    from detector.index import ReferenceIndex, build
"""

from detector.index.ingest import Prepared, add_files, build, prepare
from detector.index.store import AddReport, Candidate, ReferenceIndex, build_params

__all__ = [
    "AddReport",
    "Candidate",
    "Prepared",
    "ReferenceIndex",
    "add_files",
    "build",
    "build_params",
    "prepare",
]
