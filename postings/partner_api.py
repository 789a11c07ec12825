"""The partner write API, `/api/v1/partner/`: an applicant-tracking system creates, updates,
renews and closes its company's postings, keyed on its own external ids.

A company's API token (made and revoked by its admins in the panel, stored as a digest) is the
caller's identity: every posting it touches belongs to that company, under the source `api` (a
posting's import identity is its company, source and external id). Rows go through the importer
(`ImportRowForm` and `import_rows`: the same validation, sanitising and upsert as a feed) and
workflow steps through `services`, as in the panel. Errors are per field:
`{"detail": ..., "errors": [{"field", "code", "message"}]}`.
"""

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.security import HttpBearer

from accounts.models import ApiToken

from . import services
from .importers import ChunkReport, ImportRowForm, import_rows
from .models import API_SOURCE, Category, Company, Posting, TransitionError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return ApiToken.objects.authenticate(token)


router = Router(auth=TokenAuth(), tags=["partner"])

ExternalId = Path(..., min_length=1, max_length=200, pattern=r"^[^/]+$")
Scalar = str | int | float | None


class PostingIn(Schema):
    """The native import format of the README, without `external_id` (in the URL) and
    `company` (the token's)."""

    language: str = Field(description="One of the site's language codes")
    title: str
    country: str = Field(description="ISO 3166 alpha-2")
    description: str = Field(description="HTML; a safe subset is kept")
    city: Scalar = None
    remote: Scalar = Field(None, description="onsite, hybrid or remote")
    employment_type: Scalar = None
    category: Scalar = Field(None, description="A category slug")
    responsibilities: Scalar = None
    requirements: Scalar = None
    nice_to_have: Scalar = None
    salary_min: Scalar = None
    salary_max: Scalar = None
    salary_currency: Scalar = Field(None, description="ISO 4217")
    salary_period: Scalar = Field(None, description="hour, month or year")
    apply_url: Scalar = None
    apply_email: Scalar = None
    published_at: Scalar = Field(None, description="ISO 8601")
    expires_at: Scalar = Field(None, description="ISO 8601")
    status: Scalar = Field(
        None, description="published (the default; held for review when the company is) or draft"
    )


class PartnerPostingOut(Schema):
    id: int
    external_id: str
    status: str
    language: str
    title: str
    url: str = Field(description="The public page (live postings only answer 200 there)")
    published_at: datetime | None
    expires_at: datetime | None
    outcome: str = Field("", description="created, updated or unchanged (PUT only)")


class FieldError(Schema):
    field: str | None = Field(description="The field at fault; null for the posting as a whole")
    code: str
    message: str


class Errors(Schema):
    detail: str
    errors: list[FieldError] = []


AUTH_ERRORS = {401: Errors, 422: Errors, 429: Errors}


def _out(posting: Posting, outcome: str = "") -> dict:
    return {
        **{
            name: getattr(posting, name)
            for name in (
                "id",
                "external_id",
                "status",
                "language",
                "title",
                "published_at",
                "expires_at",
            )
        },
        "url": settings.SITE_URL + posting.get_absolute_url(),
        "outcome": outcome,
    }


def _posting(request: HttpRequest, external_id: str) -> Posting | None:
    # django-ninja sets request.auth (the ApiToken), which HttpRequest does not declare.
    company = request.auth.company  # type: ignore[attr-defined]
    return (
        Posting.objects.select_related("company")
        .filter(company=company, source=API_SOURCE, external_id=external_id)
        .first()
    )


def _not_found(external_id: str):
    return Status(404, {"detail": f"no posting with the external id {external_id!r}"})


@router.put(
    "/postings/{external_id}",
    response={200: PartnerPostingOut, 201: PartnerPostingOut, **AUTH_ERRORS},
)
def put_posting(request: HttpRequest, payload: PostingIn, external_id: str = ExternalId):
    """Create or update the posting with this external id; 201 when it is new."""
    # django-ninja sets request.auth (the ApiToken), which HttpRequest does not declare.
    company: Company = request.auth.company  # type: ignore[attr-defined]
    row = {**payload.dict(exclude_none=True), "external_id": external_id, "company": company.name}
    form = ImportRowForm(row, category_ids=dict(Category.objects.values_list("slug", "pk")))
    if not form.is_valid():
        return Status(
            422,
            {
                "detail": "the posting is not valid",
                "errors": [
                    {
                        "field": None if name == "__all__" else name,
                        "code": error["code"] or "invalid",
                        "message": error["message"],
                    }
                    for name, errors in form.errors.get_json_data().items()
                    for error in errors
                ],
            },
        )
    chunks: list[ChunkReport] = []
    report = import_rows(
        [(1, row)], source=API_SOURCE, company=company, chunk_size=1, on_chunk=chunks.append
    )
    if report.rejected:  # the model's own rules (the salary range, say) or the database's
        errors = [error for chunk in chunks for error in chunk.errors]
        return Status(
            422,
            {
                "detail": "the posting is not valid",
                "errors": [{"field": None, "code": "invalid", "message": e.reason} for e in errors],
            },
        )
    posting = _posting(request, external_id)
    assert posting is not None  # written above
    outcome = "created" if report.created else "updated" if report.updated else "unchanged"
    return Status(201 if report.created else 200, _out(posting, outcome))


@router.get(
    "/postings/{external_id}", response={200: PartnerPostingOut, 404: Errors, **AUTH_ERRORS}
)
def get_posting(request: HttpRequest, external_id: str = ExternalId):
    """The posting with this external id, whatever its status."""
    posting = _posting(request, external_id)
    return _out(posting) if posting else _not_found(external_id)


def _step(request: HttpRequest, external_id: str, step) -> Status | dict:
    posting = _posting(request, external_id)
    if posting is None:
        return _not_found(external_id)
    try:
        step(posting=posting)
    except TransitionError as error:
        return Status(
            409,
            {
                "detail": str(error),
                "errors": [
                    {"field": "status", "code": "invalid_transition", "message": str(error)}
                ],
            },
        )
    return _out(posting)


STEP_RESPONSES = {200: PartnerPostingOut, 404: Errors, 409: Errors, **AUTH_ERRORS}


@router.post("/postings/{external_id}/renew", response=STEP_RESPONSES)
def renew_posting(request: HttpRequest, external_id: str = ExternalId):
    """Another full duration from now; an expired posting goes live again."""
    return _step(request, external_id, services.renew_posting)


@router.post("/postings/{external_id}/close", response=STEP_RESPONSES)
def close_posting(request: HttpRequest, external_id: str = ExternalId):
    """The job is filled or withdrawn: the posting leaves the site (its page answers 410)."""
    return _step(request, external_id, services.close_posting)
