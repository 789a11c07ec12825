"""CSV: UTF-8 with or without BOM, a header row naming the native fields, read as a stream."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .rows import RowError, UnreadableFile, open_feed

# The native format has about 25 fields: a header of more columns is not one.
MAX_COLUMNS = 100
MAX_HEADER_CHARS = 10_000
# A row: the four HTML fields of 50,000 characters and the rest, with room for quoting. The csv
# module builds a row whole, a string per field (short fields cost 20 bytes a character of the
# file), so a longer row is rejected before it is parsed, and a field may be as long.
MAX_ROW_CHARS = 300_000
csv.field_size_limit(MAX_ROW_CHARS)
BLOCK = 64 * 1024
LINE_ENDS = ("\n", "\r")


class _TooLong(Exception):
    """The record being read runs past MAX_ROW_CHARS."""


class _Lines:
    """The file's lines for the csv module, each record's kept for its row, at most
    MAX_ROW_CHARS of them: past that it raises _TooLong (which the csv reader passes on, to read a
    fresh record at the next call), and `skip` reads on to the record's end."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self.text = text
        self.line = 2  # the number of the next line, the header being line 1
        self.start = 2  # the line the record being read starts on
        self.record: list[str] = []
        self.size = 0

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        line = self.text.readline(MAX_ROW_CHARS + 1 - self.size)
        if not line:
            raise StopIteration
        if not self.record:
            self.start = self.line
        self.record.append(line)
        self.size += len(line)
        self.line += line.endswith(LINE_ENDS)
        if self.size > MAX_ROW_CHARS:
            raise _TooLong
        return line

    def take(self) -> str:
        """The record read; the next one starts."""
        raw = "".join(self.record)
        self.record.clear()
        self.size = 0
        return raw

    def skip(self) -> None:
        """Read to the end of the record without keeping it: a line end outside quotes (an even
        number of them, as _cut_in_quotes reckons)."""
        quotes = sum(line.count('"') for line in self.record)
        line = self.record[-1]
        self.take()
        while line and (quotes % 2 or not line.endswith(LINE_ENDS)):
            line = self.text.readline(BLOCK)
            quotes += line.count('"')
            self.line += line.endswith(LINE_ENDS)


def read_rows(path: Path) -> Iterator[tuple[int, dict | RowError]]:
    """Rows are numbered by the line they start on, the header being line 1."""
    with open_feed(path) as binary:
        # surrogateescape keeps undecodable bytes, so that only their row is rejected; newline=""
        # leaves line breaks inside quoted fields to the csv module.
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
        header = text.readline(MAX_HEADER_CHARS + 1)
        try:
            fieldnames = next(csv.reader([header]), [])
        except csv.Error as error:
            raise UnreadableFile(_("invalid CSV header: %(error)s") % {"error": error}) from None
        if len(header) > MAX_HEADER_CHARS or len(fieldnames) > MAX_COLUMNS:
            raise UnreadableFile(
                ngettext(
                    "the CSV header is longer than %(count)d column or %(chars)s characters",
                    "the CSV header is longer than %(count)d columns or %(chars)s characters",
                    MAX_COLUMNS,
                )
                % {"count": MAX_COLUMNS, "chars": f"{MAX_HEADER_CHARS:,}"}
            )
        if "external_id" not in fieldnames:
            raise UnreadableFile(_("the CSV header must name the native fields, external_id first"))
        lines = _Lines(text)
        reader = csv.DictReader(lines, fieldnames=fieldnames)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except _TooLong:
                number = lines.start
                lines.skip()
                reason = _("longer than %(count)s characters") % {"count": f"{MAX_ROW_CHARS:,}"}
                yield number, RowError(number, reason)
                continue
            except csv.Error as error:
                reason = _("invalid CSV: %(error)s") % {"error": error}
                yield lines.start, RowError(lines.start, reason, final=True)
                return
            number, raw = lines.start, lines.take()
            if _cut_in_quotes(raw):
                # The file ends inside a quoted field: it was cut short, and the rest of the
                # file sits in this row's last field.
                reason = _("the file ends inside a quoted field: it was cut short")
                yield number, RowError(number, reason, final=True)
                return
            values = [value for value in row.values() if isinstance(value, str)]
            if any("\udc80" <= ch <= "\udcff" for value in values for ch in value):
                yield number, RowError(number, _("the row is not valid UTF-8"), raw=_as_read(raw))
                continue
            if None in row:
                reason = _("the row has more fields than the header")
                yield number, RowError(number, reason, raw=_as_read(raw))
                continue
            yield number, {k: v for k, v in row.items() if v not in ("", None)}


def _as_read(record: str) -> str:
    """The record without its line end, undecodable bytes shown as U+FFFD."""
    text = record.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text.rstrip("\r\n")


def _cut_in_quotes(record: str) -> bool:
    """Whether a record ends inside a quoted field, which the lenient reader takes as the end of
    the field. An odd number of quotes is rare (a quote inside an unquoted field, 5" say): only
    then is the record read again by the strict reader, which says so."""
    if record.count('"') % 2 == 0:
        return False
    try:
        list(csv.reader(io.StringIO(record, newline=""), strict=True))
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False
