"""The import as a whole: rows read, validated and written chunk by chunk, one transaction per
chunk, the writing of a chunk in a thread while the next one is validated."""

import collections
import itertools
import queue
import threading
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation

from ..models import Category, Company
from .rows import ChunkReport, ImportReport, RowError
from .validation import validate_chunk
from .writing import Chunk, Companies


def import_rows(
    rows: Iterable[tuple[int, dict | RowError]],
    *,
    source: str,
    defaults: dict | None = None,
    company: Company | None = None,
    skip: int = 0,
    chunk_size: int | None = None,
    on_chunk: Callable[[ChunkReport], None] | None = None,
) -> ImportReport:
    """Validate rows and upsert them keyed on (company, source, external_id), `chunk_size` rows
    to a transaction; `on_chunk` hears each chunk's report inside that transaction, so that what
    it records commits with the rows or not at all.

    `defaults` fill the fields a row leaves out (a feed's language, say); a `company` owns every
    row whatever the row says, and its review policy holds (Company.publishes_without_review);
    `skip` rows are read but not imported (a resumed run's done ones).
    """
    chunk_size = chunk_size or settings.IMPORT_CHUNK_SIZE
    report = ImportReport()
    rows = iter(rows)
    for _number, row in itertools.islice(rows, skip):
        report.rows += 1
        if isinstance(row, RowError) and row.final:
            report.broken = row
    chunk = Chunk(source=source, company=company, categories=Category.objects.in_bulk())
    companies = Companies()
    owner = {"company": company.name} if company else {}

    def write(chunk_report: ChunkReport, valid: list[tuple[int, dict, str]]) -> None:
        with transaction.atomic():
            chunk.write(valid, chunk_report, companies)
            chunk_report.errors.sort(key=lambda error: error.row)
            if on_chunk:
                on_chunk(chunk_report)
        report.add(chunk_report)

    writer: _Writer | None = None
    try:
        while batch := list(itertools.islice(rows, chunk_size)):
            # When another chunk follows, unless the caller holds a transaction whose writes
            # another connection would not see (a test's, say): a one-chunk import (the partner
            # API's) is not worth a thread and a connection.
            if writer is None and not connection.in_atomic_block:
                following = next(rows, None)
                if following is not None:
                    rows = itertools.chain([following], rows)
                    writer = _Writer(write)
            chunk_report = ChunkReport(rows=len(batch))
            valid = validate_chunk(
                batch,
                chunk_report,
                source=source,
                company=company,
                category_ids=chunk.category_ids,
                defaults=defaults or {},
                owner=owner,
                settle=writer.settle if writer else None,
            )
            if writer:
                writer.put(chunk_report, valid)
            else:
                write(chunk_report, valid)
    except BaseException:
        if writer:
            writer.close(quietly=True)
        raise
    if writer:
        writer.close()
    return report


class _Writer:
    """Writes and commits chunks, one at a time and in order, in a thread with its own database
    connection, while the caller reads and validates the next chunk: the database computes a
    chunk's search vectors while Python checks the next one, instead of each waiting for the
    other. One chunk waits in a queue at most, so memory stays flat.

    Each chunk is written as `import_rows` writes it in line: its rows, report and the caller's
    checkpoint in one transaction, committed before the next chunk's begins. The caller reads
    the stored hashes of the next chunk while the writer may not have committed; `settle` waits
    for the writer first when that chunk lists a posting that a chunk not yet committed writes,
    so that every hash read is the one a run in line would read."""

    def __init__(self, write: Callable[[ChunkReport, list], None]) -> None:
        self.write = write
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.sent = self.done = 0  # chunks put, chunks written (or skipped after a failure)
        self.pending: collections.deque[tuple[int, set[str]]] = collections.deque()
        # Row errors made in the thread (the model's salary check) speak the caller's language.
        self.language = translation.get_language()
        self.thread = threading.Thread(target=self.run, name="import-writer", daemon=True)
        self.thread.start()

    def run(self) -> None:
        if self.language is None:
            translation.deactivate_all()
        else:
            translation.activate(self.language)
        try:
            while (item := self.queue.get()) is not None:
                try:
                    if self.error is None:  # after a failure, drain what the caller sent
                        self.write(*item)
                except BaseException as error:
                    self.error = error
                finally:
                    self.done += 1
                    self.queue.task_done()
        finally:
            connection.close()  # this thread's own connection

    def settle(self, external_ids: list[str]) -> None:
        while self.pending and self.pending[0][0] < self.done:
            self.pending.popleft()
        if any(not written.isdisjoint(external_ids) for _, written in self.pending):
            self.wait()

    def wait(self) -> None:
        self.queue.join()
        self.check()

    def put(self, chunk_report: ChunkReport, valid: list[tuple[int, dict, str]]) -> None:
        self.check()
        self.pending.append((self.sent, {data["external_id"] for _, data, _ in valid}))
        self.sent += 1
        self.queue.put((chunk_report, valid))

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def close(self, *, quietly: bool = False) -> None:
        """Wait for the chunks sent (after a failure of the caller too: a chunk read is
        committed, as in line), then raise what failed in the thread."""
        self.queue.put(None)
        self.thread.join()
        if not quietly:
            self.check()
