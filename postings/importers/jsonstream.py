"""Rows built from ijson's events within limits, while the parser streams.

A feed of 80 KB can nest a hundred thousand arrays, and building that (ijson's `items`, or
`json.loads`) took gigabytes or overflowed the stack. Here a row is built event by event, and the
moment it goes deeper, wider or longer than its format's shape allows, the rest of it is read
without being kept (a depth count), so memory stays flat whatever a file holds and the next row
is read as usual. Only ijson's basic events are used: its `parse` builds a prefix string as long
as the nesting for every event, quadratic in the depth.

A single string is another matter: ijson's C parser buffers it and hands it over whole, so
`events` feeds the parser a block at a time and stops (ValueTooLong) once MAX_VALUE_BYTES went
in without an event coming out, before that string is built.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import ijson
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .rows import MAX_VALUE_BYTES, ValueTooLong

Events = Iterator[tuple[str, object]]
BLOCK = 64 * 1024
STARTS = ("start_map", "start_array")
ENDS = ("end_map", "end_array")


@dataclass(frozen=True)
class Shape:
    depth: int  # objects and lists, the row itself counting as 1
    items: int  # fields of an object, or elements of a list
    chars: int  # of all its keys and strings


# The native format: an object of strings and numbers. Four HTML fields of 50,000 characters
# and the rest fit in a million characters.
FLAT = Shape(depth=1, items=100, chars=1_000_000)
# schema.org JobPosting: small nested objects (hiringOrganization, jobLocation > address >
# addressCountry, baseSalary > value, identifier) and short lists.
JSONLD = Shape(depth=6, items=200, chars=1_000_000)


def events(handle: BinaryIO) -> Events:
    """ijson's basic events of the JSON in `handle` (numbers as floats, as the forms expect)."""
    parsed = ijson.sendable_list()
    parser = ijson.basic_parse_coro(parsed, use_float=True)
    waiting = 0  # bytes read since the last event: the value being read is at least that long
    try:
        while block := handle.read(BLOCK):
            parser.send(block)
            if parsed:
                waiting = 0
                yield from parsed
                del parsed[:]
            else:
                waiting += len(block)
                if waiting > MAX_VALUE_BYTES:
                    raise ValueTooLong
        parser.close()  # the end of the document: an unfinished one raises here
    except ijson.JSONError:
        yield from parsed  # what came before the error in its block stands
        raise
    yield from parsed


class Rejected(Exception):
    """The row is not within its shape; its events were read to its end."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def skip(events: Events, depth: int) -> None:
    """Read the events of the `depth` containers that are open, keeping nothing."""
    while depth:
        event, _value = next(events)
        if event in STARTS:
            depth += 1
        elif event in ENDS:
            depth -= 1


def build(events: Events, event: str, value: object, shape: Shape) -> object:
    """The JSON value that starts with (event, value), the following events giving the rest."""
    if event not in STARTS:
        return value
    root: dict | list = {} if event == "start_map" else []
    stack: list[dict | list] = [root]
    keys: list[str] = [""]
    chars = 0
    while stack:
        event, value = next(events)
        if event in ENDS:
            stack.pop()
            keys.pop()
            continue
        container = stack[-1]
        problem = None
        if isinstance(value, str):
            chars += len(value)
            if chars > shape.chars:
                problem = _("longer than %(count)s characters") % {"count": f"{shape.chars:,}"}
        if event == "map_key":
            keys[-1] = str(value)  # a map_key event carries the key, a string
            if len(container) >= shape.items:
                problem = problem or too_many(shape)
            if problem is None:
                continue
        elif isinstance(container, list) and len(container) >= shape.items:
            problem = problem or too_many(shape)
        elif event in STARTS and len(stack) >= shape.depth:
            problem = problem or _too_deep(shape, keys[0] if isinstance(root, dict) else "")
        if problem:
            skip(events, len(stack) + (event in STARTS))
            raise Rejected(problem)
        child = value
        if event in STARTS:
            child = {} if event == "start_map" else []
        if isinstance(container, dict):
            container[keys[-1]] = child
        else:
            container.append(child)
        if event in STARTS:
            # The container just opened, which the type checker sees as the value it replaced.
            stack.append(child)  # type: ignore[arg-type]
            keys.append("")
    return root


def too_many(shape: Shape) -> str:
    return ngettext(
        "an object or a list of more than %(count)d element",
        "an object or a list of more than %(count)d elements",
        shape.items,
    ) % {"count": shape.items}


def _too_deep(shape: Shape, field: str) -> str:
    if shape.depth == 1:
        return _("the field “%(field)s” is a list or an object: fields are strings or numbers") % {
            "field": field
        }
    return ngettext(
        "nested more than %(depth)d level deep",
        "nested more than %(depth)d levels deep",
        shape.depth,
    ) % {"depth": shape.depth}


def error_line(error: Exception) -> str:
    """ijson's message without the excerpt of the input that it adds on the next lines (its C
    backend gives it as bytes)."""
    message = error.args[0] if error.args else ""
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return str(message).strip().split("\n")[0]
