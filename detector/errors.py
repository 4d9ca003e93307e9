"""Errors that spundetect raises; each message says what went wrong and how to fix it."""


class SpundetectError(Exception):
    """Base class of every error spundetect reports to a user."""


class InputError(SpundetectError):
    """A file a user gave us cannot be read as text (missing, empty, binary, not UTF-8)."""


class IndexDamagedError(InputError):
    """A reference index file is damaged, or is not a spundetect index: rebuild it."""


class IndexLockedError(InputError):
    """Another process held a reference index's write lock for longer than we wait."""


class OutputError(SpundetectError):
    """What a run writes cannot be written (a full disk, a file system gone read-only): what
    was written before stays, complete records of a scan included, for `--resume`."""


class WorkerLostError(SpundetectError):
    """A worker process ended abruptly (killed, out of memory): the run stops, and what it
    had written stays as an interrupted run leaves it (a scan's records, for `--resume`)."""


class ModelError(SpundetectError):
    """The trained model or lexicon is missing, unreadable or does not match this code."""
