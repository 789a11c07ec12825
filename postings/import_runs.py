"""What an import run's page reads besides the run: the rows to expect, and its rejected rows as
they were read, while the feed it read is still there."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from django.core.cache import cache

from .importers import ImportRowForm, UnreadableFile
from .importers.estimate import estimate_rows
from .importers.formats import read_rows
from .models import ImportRun


def feed_path(run: ImportRun) -> Path | None:
    """The file the run reads, while it is there and has not been replaced since."""
    feed = run.feed or run.source.feed
    if not feed:
        return None
    path = Path(feed.path)
    try:
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError:
        return None
    return path if modified <= run.queued_at else None


def expected_rows(run: ImportRun) -> int | None:
    """The rows the feed holds, estimated once per run."""
    key = f"import-run-rows:{run.pk}"
    expected = cache.get(key)
    if expected is None and (path := feed_path(run)) is not None:
        expected = estimate_rows(path, run.source.format)
        cache.set(key, expected, 3600)
    return expected


def rejected_rows(run: ImportRun) -> tuple[list[str], Iterator[list]]:
    """The header and the rows of the rejected rows' table: each row's number, its reason and,
    while the feed is there, the row as it was read."""
    reasons = {error["row"]: error["reason"] for error in run.errors}
    originals: dict[int, dict] = {}
    path = feed_path(run)
    if reasons and path is not None:
        last = max(reasons)
        try:
            for number, row in read_rows(path, run.source.format):
                if number in reasons and isinstance(row, dict):
                    originals[number] = row
                if number >= last:
                    break
        except UnreadableFile:
            originals = {}
    fields = list(ImportRowForm.base_fields)
    rows = (
        [number, reasons[number], *(originals.get(number, {}).get(f) for f in fields)]
        for number in sorted(reasons)
    )
    return ["row", "reason", *fields], rows
