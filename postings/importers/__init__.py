"""Importing postings: format readers yield numbered rows, `import_rows` validates them and
upserts them in chunks, one transaction per chunk.

A bad row is reported with its number and reason and never stops the good ones.
"""

from .pipeline import import_rows
from .rows import (
    MAX_VALUE_BYTES,
    ChunkReport,
    ImportReport,
    RowError,
    UnreadableFile,
    ValueTooLong,
    open_feed,
)
from .validation import ImportRowForm, row_hash

__all__ = [
    "MAX_VALUE_BYTES",
    "ChunkReport",
    "ImportReport",
    "ImportRowForm",
    "RowError",
    "UnreadableFile",
    "ValueTooLong",
    "import_rows",
    "open_feed",
    "row_hash",
]
