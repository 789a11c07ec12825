"""The native format: a JSON array of objects, or JSON Lines (one object per line).

Both are read as streams: memory stays flat whatever the size of the file. The array is parsed
by ijson (its C backend), which yields each item as soon as its closing brace is read."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import ijson
from django.utils.translation import gettext as _

from . import RowError, UnreadableFile, open_feed

BOM = b"\xef\xbb\xbf"


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
        for item in ijson.items(handle, "item", use_float=True):
            number += 1
            yield number, item
    except UnicodeDecodeError:
        error = _("the file is not valid UTF-8")
    except ijson.JSONError as exception:
        error = _("invalid JSON: %(error)s") % {"error": exception}
    else:
        return
    if number == 0:
        raise UnreadableFile(error)
    # The array cannot be read past this point; what came before it stands.
    reason = _("%(error)s; the rest of the file was not read") % {"error": error}
    yield number + 1, RowError(number + 1, reason, final=True)


def _line_rows(lines: BinaryIO) -> Iterator[tuple[int, dict | RowError]]:
    parsed = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            yield number, RowError(number, _("the line is not valid UTF-8"))
        except json.JSONDecodeError as error:
            reason = _("invalid JSON at column %(column)s: %(error)s")
            yield number, RowError(number, reason % {"column": error.colno, "error": error.msg})
        else:
            parsed += 1
            yield number, row
    if parsed == 0:
        raise UnreadableFile(_("no line of the file is JSON: expected a JSON array or JSON Lines"))
