"""The feed formats and how to tell them apart."""

from collections.abc import Iterator
from pathlib import Path

from . import csv_format, jsonld, native, xml_format
from .rows import RowError, open_feed

READERS = {
    "json": native.read_rows,
    "csv": csv_format.read_rows,
    "xml": xml_format.read_rows,
    "jsonld": jsonld.read_rows,
}


def sniff(path: Path) -> str:
    """The format of a file, from its first bytes: xml, jsonld, json or csv."""
    with open_feed(path) as handle:
        head = handle.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return "xml"
    if head.startswith((b"[", b"{")):
        return "jsonld" if b"schema.org" in head or b'"@type"' in head else "json"
    return "csv"


def read_rows(path: Path, format: str = "auto") -> Iterator[tuple[int, dict | RowError]]:
    return READERS[sniff(path) if format == "auto" else format](path)
