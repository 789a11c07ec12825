"""What the import reads and reports: the rows' errors, the chunks' and the import's counts,
and the errors that stop a file from being read."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _


class UnreadableFile(Exception):
    """The file as a whole cannot be read: nothing was imported."""


# A parser holds the value it is reading (a JSON string or number, an XML tag or comment) whole
# until that value ends, and Python builds it, at up to 4 bytes a character, only then: a feed
# that goes on for more than this many bytes without a value ending stops being read there. A
# posting's longest field is 50,000 characters (300 KB even escaped as \uXXXX).
MAX_VALUE_BYTES = 2**20


class ValueTooLong(Exception):
    """A single value of the feed runs past MAX_VALUE_BYTES: the parser cannot go on without
    holding it, so the file is not read past it."""

    def __init__(self) -> None:
        super().__init__(
            _("a single value is longer than %(count)s bytes") % {"count": f"{MAX_VALUE_BYTES:,}"}
        )


def open_feed(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as error:
        raise UnreadableFile(
            _("cannot open %(path)s: %(error)s") % {"path": path.name, "error": error.strerror}
        ) from None


@dataclass
class RowError:
    row: int
    reason: str
    # The feed cannot be read past this row (a broken JSON array, XML document or CSV quote): a
    # full sync must not close the postings it did not get to.
    final: bool = False
    # The record as read, when it could not be split into fields (its rejected row shows it).
    raw: str | None = None


@dataclass
class ChunkReport:
    """What one chunk did; `import_rows` hands it over inside the chunk's transaction."""

    rows: int = 0  # rows read from the feed, rejected ones included
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # The external ids of every row, rejected ones included: a full sync keeps them.
    seen: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """The counts of a whole import (a resumed run's include the rows it skipped)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # The error past which the feed could not be read (a broken or cut file), if any.
    broken: RowError | None = None

    def add(self, chunk: ChunkReport) -> None:
        self.rows += chunk.rows
        self.created += chunk.created
        self.updated += chunk.updated
        self.unchanged += chunk.unchanged
        self.rejected += len(chunk.errors)
        self.broken = self.broken or next((error for error in chunk.errors if error.final), None)
