"""spundetect: find machine-spun copies of news articles.

The pipeline, one module a step: `text` (read) -> `align` -> `features` -> `model` /
`classify` (score) -> `report`. `api` ties them together for users:

    from detector import Detector, score_files, score_texts
"""

from detector.api import Detector, PairResult, SuspectResult, score_files, score_texts
from detector.errors import InputError, ModelError, SpundetectError

__version__ = "0.1.0"

__all__ = [
    "Detector",
    "InputError",
    "ModelError",
    "PairResult",
    "SpundetectError",
    "SuspectResult",
    "__version__",
    "score_files",
    "score_texts",
]
