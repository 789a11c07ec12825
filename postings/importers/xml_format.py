"""XML in the aggregator shape: <source> with <job> elements, read as a stream.

defusedxml refuses DTDs, entity declarations and external references before anything is
written (billion laughs, external entities). The document is read with SAX events, keeping only
the fields of the <job> being read: no tree is built, so the elements around the jobs (and the
jobs read) cost nothing, where ElementTree's root kept every one of them.
"""

from collections.abc import Iterator
from pathlib import Path
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .rows import MAX_VALUE_BYTES, RowError, UnreadableFile, ValueTooLong, open_feed

BLOCK = 64 * 1024
# expat keeps each open element (about 125 bytes): past this nesting the file is not read on.
MAX_DEPTH = 32
# A job has about 25 fields; one of more elements, or of longer text, is rejected, the rest of
# it read without being kept.
MAX_JOB_ELEMENTS = 1000
MAX_JOB_CHARS = 1_000_000

# Aggregator element -> native field.
FIELDS = {
    "referencenumber": "external_id",
    "title": "title",
    "company": "company",
    "city": "city",
    "country": "country",
    "description": "description",
    "url": "apply_url",
    "email": "apply_email",
    "date": "published_at",
    "expiration_date": "expires_at",
    "language": "language",
    "category": "category",
    "jobtype": "employment_type",
    "remote": "remote",
    "salary_min": "salary_min",
    "salary_max": "salary_max",
    "salary_currency": "salary_currency",
    "salary_period": "salary_period",
}
JOB_TYPES = {
    "fulltime": "full_time",
    "full-time": "full_time",
    "parttime": "part_time",
    "part-time": "part_time",
    "contractor": "contract",
    "intern": "internship",
}


class _TooDeep(Exception):
    def __init__(self) -> None:
        super().__init__(
            ngettext(
                "nested more than %(depth)d level deep",
                "nested more than %(depth)d levels deep",
                MAX_DEPTH,
            )
            % {"depth": MAX_DEPTH}
        )


class _Jobs(ContentHandler):
    """Rows from SAX events: the text of each <job>'s field elements (the text before their
    first child, as ElementTree's `text`), within the job's limits."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[int, dict | RowError]] = []  # finished since the caller took them
        self.events = 0  # events so far: a block that adds none is inside one long value
        self.number = 0  # jobs begun
        self.depth = 0
        self.job = 0  # the depth of the <job> being read; 0 outside one
        self.row: dict = {}
        self.problem = ""  # why the job being read is rejected
        self.elements = self.chars = 0
        self.field: str | None = None  # the native field being read, its text so far
        self.text: list[str] = []
        self.reading = False  # the field's own text, before its first child

    def startElement(self, name: str, attrs) -> None:
        self.events += 1
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep
        if not self.job:
            if name == "job":
                self.job, self.number = self.depth, self.number + 1
                self.row, self.problem, self.elements, self.chars = {}, "", 0, 0
            return
        self.elements += 1
        if self.elements > MAX_JOB_ELEMENTS and not self.problem:
            self.problem = ngettext(
                "a job of more than %(count)d element",
                "a job of more than %(count)d elements",
                MAX_JOB_ELEMENTS,
            ) % {"count": MAX_JOB_ELEMENTS}
        if self.depth == self.job + 1:
            self.field, self.text = FIELDS.get(name), []
            self.reading = self.field is not None and not self.problem
        else:
            self.reading = False

    def characters(self, content: str) -> None:
        self.events += 1
        if self.reading:
            self.chars += len(content)
            if self.chars > MAX_JOB_CHARS:
                self.problem = _("longer than %(count)s characters") % {
                    "count": f"{MAX_JOB_CHARS:,}"
                }
                self.reading, self.text = False, []
            else:
                self.text.append(content)

    def endElement(self, name: str) -> None:
        self.events += 1
        if self.job and self.depth == self.job + 1:
            value = "".join(self.text).strip()
            if self.field and value and not self.problem:
                self.row[self.field] = value
            self.field, self.text, self.reading = None, [], False
        elif self.job and self.depth == self.job:
            self.job = 0
            if self.problem:
                self.rows.append((self.number, RowError(self.number, self.problem)))
            else:
                if "employment_type" in self.row:
                    kind = self.row["employment_type"].lower()
                    self.row["employment_type"] = JOB_TYPES.get(kind, kind)
                self.rows.append((self.number, self.row))
        self.depth -= 1


def read_rows(path: Path) -> Iterator[tuple[int, dict | RowError]]:
    """Each <job> is a row, numbered from 1 in document order."""
    jobs = _Jobs()
    parser = DefusedExpatParser(forbid_dtd=True)
    parser.setContentHandler(jobs)
    done = 0  # rows yielded
    with open_feed(path) as binary:
        try:
            waiting = 0  # bytes fed since the last event
            while block := binary.read(BLOCK):
                events = jobs.events
                parser.feed(block)
                waiting = waiting + len(block) if jobs.events == events else 0
                if waiting > MAX_VALUE_BYTES:
                    raise ValueTooLong
                done += len(jobs.rows)
                yield from jobs.rows
                jobs.rows.clear()
            parser.close()
            yield from jobs.rows
            return
        except DefusedXmlException as error:
            refused = _("refused XML (%(kind)s): %(error)s")
            raise UnreadableFile(refused % {"kind": type(error).__name__, "error": error}) from None
        except SAXParseException as error:
            line, column = error.getLineNumber(), error.getColumnNumber()
            where = f"{error.getMessage()}: line {line}, column {column}"
            unreadable = _("invalid XML: %(error)s") % {"error": where}
            broken = _("invalid XML after this point: %(error)s") % {"error": where}
        except (_TooDeep, ValueTooLong) as error:
            unreadable = str(error)
            broken = _("%(error)s; the rest of the file was not read") % {"error": unreadable}
    # The jobs that the failing block finished stand; the file cannot be read past the error.
    done += len(jobs.rows)
    yield from jobs.rows
    if done == 0:
        raise UnreadableFile(unreadable)
    yield done + 1, RowError(done + 1, broken, final=True)
