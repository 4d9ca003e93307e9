"""The reference index of originals, one module a job.

`anchors` extracts the terms an original is found by, `ingest` reads and analyses originals
in parallel and adds them (`build`), `store` keeps the SQLite file and its transactions, `rank`
turns the postings of a suspect's anchor terms into the top k candidates, and `scan` scores
suspects against an index. `partitioned` writes and reads the index as Parquet parts on
shared storage, and `distributed` scans those as a join on Dask.

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
