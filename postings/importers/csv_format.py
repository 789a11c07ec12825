"""CSV: UTF-8 with or without BOM, a header row naming the native fields, read as a stream."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from . import RowError, UnreadableFile, open_feed

# A longer field is an error in its row, not a reason to stop reading.
csv.field_size_limit(1_000_000)


def read_rows(path: Path) -> Iterator[tuple[int, dict | RowError]]:
    """Rows are numbered by the line they start on, the header being line 1."""
    with open_feed(path) as binary:
        # surrogateescape keeps undecodable bytes, so that only their row is rejected; newline=""
        # leaves line breaks inside quoted fields to the csv module.
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
        record: list[str] = []  # the lines of the record being read

        def lines() -> Iterator[str]:
            for each in text:
                record.append(each)
                yield each

        reader = csv.DictReader(lines())
        try:
            fieldnames = reader.fieldnames
        except csv.Error as error:
            raise UnreadableFile(_("invalid CSV header: %(error)s") % {"error": error}) from None
        if not fieldnames or "external_id" not in fieldnames:
            raise UnreadableFile(_("the CSV header must name the native fields, external_id first"))
        line = 1
        try:
            for row in reader:
                number, line = line + 1, reader.line_num
                raw = "".join(record)
                record.clear()
                if _cut_in_quotes(raw):
                    # The file ends inside a quoted field: it was cut short, and the rest of the
                    # file sits in this row's last field.
                    reason = _("the file ends inside a quoted field: it was cut short")
                    yield number, RowError(number, reason, final=True)
                    return
                values = [value for value in row.values() if isinstance(value, str)]
                if any("\udc80" <= ch <= "\udcff" for value in values for ch in value):
                    yield number, RowError(number, "the row is not valid UTF-8")
                    continue
                if None in row:
                    yield number, RowError(number, "the row has more fields than the header")
                    continue
                yield number, {k: v for k, v in row.items() if v not in ("", None)}
        except csv.Error as error:
            reason = _("invalid CSV: %(error)s") % {"error": error}
            yield line + 1, RowError(line + 1, reason, final=True)


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
