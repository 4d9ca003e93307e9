"""spundetect: find machine-spun copies of news articles.

The pipeline, one module a step: `text` (read) -> `align` -> `features` -> `model` /
`classify` (score) -> `report`. `api` and `batch` tie them together for users:

    from detector import Detector, score_files, score_texts
    from detector import add_to_index, build_index, open_index, scan_folder, scan_index
"""

from typing import TYPE_CHECKING

__version__ = "0.1.0"

# Each public name and the module it lives in, imported on first use: `import detector` (and
# the `spundetect` command's start, which Ctrl-C may interrupt) loads nothing heavy.
_WHERE = {
    **dict.fromkeys(("Detector", "PairResult", "SuspectResult", "add_to_index", "build_index",
                     "open_index", "score_files", "score_texts", "score_with_index",
                     "write_report"),
                    "detector.api"),
    **dict.fromkeys(("InputError", "ModelError", "SpundetectError"), "detector.errors"),
    "Fetcher": "detector.fetch",
    **dict.fromkeys(("read_list_file", "scan_folder", "scan_index", "score_pairs_file"),
                    "detector.batch"),
}

if TYPE_CHECKING:
    from detector.api import (
        Detector,
        PairResult,
        SuspectResult,
        add_to_index,
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


def __getattr__(name: str):
    if name in _WHERE:
        import importlib

        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value  # looked up once
        return value
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
    "add_to_index",
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
