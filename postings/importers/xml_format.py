"""XML in the aggregator shape: <source> with <job> elements, read as a stream.

defusedxml refuses DTDs, entity declarations and external references before anything is
written (billion laughs, external entities)."""

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from . import RowError, UnreadableFile, open_feed

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


def read_rows(path: Path) -> Iterator[tuple[int, dict | RowError]]:
    """Each <job> is a row, numbered from 1 in document order."""
    number = 0
    with open_feed(path) as binary:
        try:
            for _event, element in iterparse(binary, events=("end",), forbid_dtd=True):
                if element.tag != "job":
                    continue
                number += 1
                row = {}
                for child in element:
                    if child.tag in FIELDS and (child.text or "").strip():
                        row[FIELDS[child.tag]] = child.text.strip()
                if "employment_type" in row:
                    kind = row["employment_type"].lower()
                    row["employment_type"] = JOB_TYPES.get(kind, kind)
                element.clear()  # memory stays flat, whatever the file's size
                yield number, row
        except DefusedXmlException as error:
            refused = _("refused XML (%(kind)s): %(error)s")
            raise UnreadableFile(refused % {"kind": type(error).__name__, "error": error}) from None
        except ParseError as error:
            if number == 0:
                raise UnreadableFile(_("invalid XML: %(error)s") % {"error": error}) from None
            yield (
                number + 1,
                RowError(
                    number + 1,
                    _("invalid XML after this point: %(error)s") % {"error": error},
                    final=True,
                ),
            )
