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
from detector.batch import read_list_file, scan_folder, scan_index, score_pairs_file
from detector.errors import InputError, ModelError, SpundetectError
from detector.fetch import Fetcher

__version__ = "0.1.0"

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
