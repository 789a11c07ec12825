"""The native format: a JSON array of objects, or JSON Lines (one object per line).

Both are read as streams: memory stays flat whatever the size of the file. Rows are built from
ijson's events (its C backend) within the limits of jsonstream.FLAT, each yielded as soon as its
closing brace is read."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import ijson
from django.utils.translation import gettext as _

from .jsonstream import FLAT, Rejected, build, error_line, events, skip
from .rows import RowError, UnreadableFile, ValueTooLong, open_feed

BOM = b"\xef\xbb\xbf"
# A row of the native format is far shorter (see jsonstream.FLAT); a longer line is rejected
# without being held whole.
MAX_LINE_BYTES = 4 * 2**20


def read_rows(path: Path) -> Iterator[tuple[int, dict | RowError]]:
    """Yield (row number, object or error). Rows count from 1: array items, or file lines."""
    with open_feed(path) as handle:
        head = handle.read(4096)
        handle.seek(len(BOM) if head.startswith(BOM) else 0)
        if head.removeprefix(BOM).lstrip().startswith(b"["):
            yield from _array_rows(handle)
        else:
            yield from _line_rows(handle)


def _array_rows(handle: BinaryIO) -> Iterator[tuple[int, dict | RowError]]:
    number = 0
    try:
        parsed = events(handle)
        next(parsed)  # the array's start: read_rows saw the "["
        for event, value in parsed:
            if event == "end_array":
                break
            row = _row(number + 1, parsed, event, value)
            number += 1
            yield number, row
        for _event in parsed:  # anything after the array is an error
            pass
    except ValueTooLong as exception:
        error = str(exception)
    except UnicodeDecodeError:
        error = _("the file is not valid UTF-8")
    except ijson.JSONError as exception:
        error = _("invalid JSON: %(error)s") % {"error": error_line(exception)}
    else:
        return
    if number == 0:
        raise UnreadableFile(error)
    # The array cannot be read past this point; what came before it stands.
    reason = _("%(error)s; the rest of the file was not read") % {"error": error}
    yield number + 1, RowError(number + 1, reason, final=True)


def _row(number: int, events: Iterator, event: str, value: object) -> dict | RowError:
    """The row that starts with (event, value): a flat object, or the reason it is not."""
    if event != "start_map":
        skip(events, 1 if event == "start_array" else 0)
        return RowError(number, _("a row must be a JSON object"))
    try:
        # What starts with start_map builds a dict; build's type covers every JSON value.
        return build(events, event, value, FLAT)  # type: ignore[return-value]
    except Rejected as rejected:
        return RowError(number, rejected.reason)


def _as_read(line: bytes) -> str:
    """The line without its line end, undecodable bytes shown as U+FFFD."""
    return line.decode("utf-8", "replace").rstrip("\r\n")


def _line_rows(lines: BinaryIO) -> Iterator[tuple[int, dict | RowError]]:
    parsed = 0
    number = 0
    while line := lines.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            while line and not line.endswith(b"\n"):  # the rest of the line, a block at a time
                line = lines.readline(1 << 20)
            reason = _("the line is longer than %(count)s bytes") % {"count": f"{MAX_LINE_BYTES:,}"}
            yield number, RowError(number, reason)
            continue
        if not line.strip():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            yield number, RowError(number, _("the line is not valid UTF-8"), raw=_as_read(line))
            continue
        try:
            stream = events(io.BytesIO(line))
            row = _row(number, stream, *next(stream))
            for _event in stream:  # anything after the value is an error
                pass
        except ValueTooLong as error:
            yield number, RowError(number, str(error))  # the line ends it: the next one is read
        except ijson.JSONError as error:
            reason = _("invalid JSON: %(error)s") % {"error": error_line(error)}
            # A last line without its line break was cut short: the file ends early.
            final = not line.endswith(b"\n")
            yield number, RowError(number, reason, final=final, raw=_as_read(line))
        else:
            parsed += 1
            yield number, row
    if parsed == 0:
        raise UnreadableFile(_("no line of the file is JSON: expected a JSON array or JSON Lines"))
