"""schema.org JobPosting JSON-LD: one object, a list, or an @graph.

Read as a stream, each posting built within the JSON-LD shape (jsonstream.JSONLD: the small
nested objects of a JobPosting), so a deep or wide document is rejected row by row instead of
being built whole."""

from collections.abc import Iterator
from pathlib import Path

import ijson
from django.utils.translation import gettext as _

from .jsonstream import JSONLD, STARTS, Rejected, build, error_line, events, skip, too_many
from .rows import RowError, UnreadableFile, ValueTooLong, open_feed

EMPLOYMENT_TYPES = {
    "FULL_TIME": "full_time",
    "PART_TIME": "part_time",
    "CONTRACTOR": "contract",
    "TEMPORARY": "temporary",
    "INTERN": "internship",
    "PER_DIEM": "temporary",
}


def _first(value):
    return value[0] if isinstance(value, list) and value else value


def to_row(item: dict) -> dict:
    """The native fields of one JobPosting."""
    organization = _first(item.get("hiringOrganization")) or {}
    place = _first(item.get("jobLocation")) or {}
    address = place.get("address", {}) if isinstance(place, dict) else {}
    identifier = item.get("identifier")
    salary = item.get("baseSalary") or {}
    amount = salary.get("value", {}) if isinstance(salary, dict) else {}
    country = address.get("addressCountry") if isinstance(address, dict) else None
    if isinstance(country, dict):
        country = country.get("name")
    row = {
        "external_id": identifier.get("value") if isinstance(identifier, dict) else identifier,
        "title": item.get("title"),
        "description": item.get("description"),
        "company": organization.get("name") if isinstance(organization, dict) else organization,
        "country": country,
        "city": address.get("addressLocality") if isinstance(address, dict) else None,
        "published_at": item.get("datePosted"),
        "expires_at": item.get("validThrough"),
        "apply_url": item.get("url"),
        "employment_type": EMPLOYMENT_TYPES.get(str(_first(item.get("employmentType")) or "")),
        "remote": "remote" if item.get("jobLocationType") == "TELECOMMUTE" else None,
    }
    if language := item.get("inLanguage"):
        row["language"] = str(language).split("-")[0].lower()
    if isinstance(amount, dict) and isinstance(salary, dict) and salary.get("currency"):
        row.update(
            salary_currency=salary["currency"],
            salary_min=amount.get("minValue", amount.get("value")),
            salary_max=amount.get("maxValue"),
            salary_period=str(amount.get("unitText", "")).lower() or None,
        )
    return {key: value for key, value in row.items() if value not in (None, "")}


def read_rows(path: Path) -> Iterator[tuple[int, dict | RowError]]:
    """JobPostings numbered from 1 in document order."""
    with open_feed(path) as binary:
        if binary.read(3) != b"\xef\xbb\xbf":
            binary.seek(0)
        number = 0
        try:
            for number, row in _document_rows(events(binary)):
                yield number, row
        except ValueTooLong as exception:
            error = str(exception)
        except (UnicodeDecodeError, ijson.JSONError) as exception:
            error = _("invalid JSON-LD: %(error)s") % {"error": error_line(exception)}
        else:
            return
    if number == 0:
        raise UnreadableFile(error)
    # The document cannot be read past this point; what came before it stands.
    reason = _("%(error)s; the rest of the file was not read") % {"error": error}
    yield number + 1, RowError(number + 1, reason, final=True)


def _document_rows(events) -> Iterator[tuple[int, dict | RowError]]:
    """The rows of one object, a list of them, or an object with an @graph: each posting is
    built within the JSON-LD shape as it comes (the wrapper of an @graph too, then dropped)."""
    event, _value = next(events)
    if event == "start_array":
        yield from _items(events)
    elif event == "start_map":
        graph = False
        document: dict[str, object] | Rejected = {}
        for event, value in events:
            if event == "end_map":
                break
            if value == "@graph":
                graph = True
                event, _value = next(events)
                if event != "start_array":
                    raise UnreadableFile(_("expected a JobPosting, a list of them, or an @graph"))
                yield from _items(events)
                continue
            event, first = next(events)
            if isinstance(document, Rejected):
                skip(events, int(event in STARTS))
                continue
            try:
                document[value] = build(events, event, first, JSONLD)
                if len(document) > JSONLD.items:
                    raise Rejected(too_many(JSONLD))
            except Rejected as rejected:
                document = rejected
        if not graph:
            yield 1, _posting(1, document)
    else:
        raise UnreadableFile(_("expected a JobPosting, a list of them, or an @graph"))
    for _event in events:  # anything after the document is an error
        pass


def _items(events) -> Iterator[tuple[int, dict | RowError]]:
    for number, (event, value) in enumerate(events, start=1):
        if event == "end_array":
            return
        try:
            item = build(events, event, value, JSONLD)
        except Rejected as rejected:
            item = rejected
        yield number, _posting(number, item)


def _posting(number: int, item: object) -> dict | RowError:
    if isinstance(item, Rejected):
        return RowError(number, item.reason)
    if not isinstance(item, dict) or item.get("@type") != "JobPosting":
        return RowError(number, _("not a schema.org JobPosting"))
    return to_row(item)
