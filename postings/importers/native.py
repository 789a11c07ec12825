"""The native format: a JSON array of objects, or JSON Lines (one object per line)."""

import json
from collections.abc import Iterator
from pathlib import Path

from . import RowError, UnreadableFile, open_feed

BOM = b"\xef\xbb\xbf"


def read_rows(path: Path) -> Iterator[tuple[int, dict | RowError]]:
    """Yield (row number, object or error). Rows count from 1: array items, or file lines."""
    with open_feed(path) as handle:
        head = handle.read(4096).removeprefix(BOM).lstrip()
        handle.seek(0)
        if head.startswith(b"["):
            yield from _array_rows(handle.read().removeprefix(BOM))
        else:
            yield from _line_rows(handle)


def _array_rows(content: bytes) -> Iterator[tuple[int, dict | RowError]]:
    try:
        items = json.loads(content)
    except UnicodeDecodeError:
        raise UnreadableFile("the file is not valid UTF-8") from None
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    yield from enumerate(items, start=1)


def _line_rows(lines) -> Iterator[tuple[int, dict | RowError]]:
    parsed = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.removeprefix(BOM) if number == 1 else raw
        if not line.strip():
            continue
        try:
            row = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            yield number, RowError(number, "the line is not valid UTF-8")
        except json.JSONDecodeError as error:
            yield number, RowError(number, f"invalid JSON at column {error.colno}: {error.msg}")
        else:
            parsed += 1
            yield number, row
    if parsed == 0:
        raise UnreadableFile("no line of the file is JSON: expected a JSON array or JSON Lines")
