"""schema.org JobPosting JSON-LD: one object, a list, or an @graph.

Read whole, unlike the other formats: JSON-LD is what a careers page embeds, a few postings per
document, and an @graph may come before or after the @context that frames it."""

import json
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from . import RowError, UnreadableFile, open_feed

EMPLOYMENT_TYPES = {
    "FULL_TIME": "full_time", "PART_TIME": "part_time", "CONTRACTOR": "contract",
    "TEMPORARY": "temporary", "INTERN": "internship", "PER_DIEM": "temporary",
}  # fmt: skip


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
        try:
            document = json.loads(binary.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise UnreadableFile(_("invalid JSON-LD: %(error)s") % {"error": error}) from None
    if isinstance(document, dict):
        document = document.get("@graph", [document])
    if not isinstance(document, list):
        raise UnreadableFile(_("expected a JobPosting, a list of them, or an @graph"))
    for number, item in enumerate(document, start=1):
        if not isinstance(item, dict) or item.get("@type") != "JobPosting":
            yield number, RowError(number, "not a schema.org JobPosting")
        else:
            yield number, to_row(item)
