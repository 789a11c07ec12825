"""The one way the site writes CSV: every cell that a spreadsheet would run as a formula is
written as text (OWASP's "CSV injection"), whoever wrote it (a recruiter's title, a feed's row,
an error message quoting either)."""

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse

# Spreadsheets run a cell that starts with one of these, also in their full-width forms and
# after the whitespace they trim; a tab, a carriage return or a line feed starts one too.
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
CONTROL_STARTS = ("\t", "\r", "\n")


def safe_cell(value: object) -> str | int | float | Decimal:
    """The value as a CSV cell, with a leading apostrophe when it would be a formula. Numbers
    stay numbers (a negative one is not a formula)."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    if text.startswith(CONTROL_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_response(
    filename: str, header: list[str], rows: Iterable[Iterable[object]]
) -> HttpResponse:
    """A CSV download whose every cell went through safe_cell."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return response
