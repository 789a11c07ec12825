"""How many rows a feed holds, roughly and fast, for a progress bar: one pass counting a marker
per row in the raw bytes (about a gigabyte a second), never parsing."""

from pathlib import Path

from .formats import sniff

# What each row of a format carries exactly once, as bytes; a CSV row is a line.
MARKERS = {"json": b'"external_id"', "xml": b"<job>", "jsonld": b"JobPosting", "csv": b"\n"}


def estimate_rows(path: Path, format: str = "auto") -> int | None:
    try:
        marker = MARKERS[sniff(path) if format == "auto" else format]
        count, tail = 0, b""
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                # A marker cut in two by the block boundary is found in the next block, with
                # the tail kept from this one (too short to hold a whole marker).
                data = tail + block
                count += data.count(marker)
                tail = data[-(len(marker) - 1) :] if len(marker) > 1 else b""
    except (OSError, KeyError):
        return None
    if marker == b"\n":
        count -= 1  # the header line
    return max(count, 0)
