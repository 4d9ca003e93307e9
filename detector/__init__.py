"""spundetect: find machine-spun copies of news articles.

The pipeline, one module a step: `text` (read) -> `align` -> `features` -> `model` /
`classify` (score) -> `report`. `api` and `batch` tie them together for users:

    from detector import Detector, score_files, score_texts
    from detector import build_index, open_index, scan_folder, scan_index, write_report
"""

from detector.api import (
    Detector,
    PairResult,
    SuspectResult,
    build_index,
    open_index,
    score_files,
    score_texts,
    score_with_index,
    write_report,
)
from detector.errors import InputError, ModelError, SpundetectError
from detector.fetch import Fetcher

__version__ = "0.1.0"

# Batch work loads on first use (its process pool machinery is not needed to score a pair).
_BATCH = ("read_list_file", "scan_folder", "scan_index", "score_pairs_file")


def __getattr__(name: str):
    if name in _BATCH:
        from detector import batch

        return getattr(batch, name)
    raise AttributeError(f"module 'detector' has no attribute {name!r}")


__all__ = [
    "Detector",
    "Fetcher",
    "InputError",
    "ModelError",
    "PairResult",
    "SpundetectError",
    "SuspectResult",
    "__version__",
    "build_index",
    "open_index",
    "read_list_file",
    "scan_folder",
    "scan_index",
    "score_files",
    "score_pairs_file",
    "score_texts",
    "score_with_index",
    "write_report",
]
