"""The public read API, `/api/v1/`: postings and facets with the list page's filters.

django-ninja: the schemas are the validation and the OpenAPI 3 document at once
(`/api/v1/openapi.json`, interactive docs at `/api/v1/docs`, assets served locally). Every read
goes through the list page's selectors, so the language rule holds here too; the language is an
explicit, required parameter rather than a URL prefix.
"""

import base64
import binascii
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from csp.decorators import csp_replace
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django_countries import countries
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.throttling import AnonRateThrottle

from accounts.models import ApiToken
from jobboard import ratelimit
from jobboard.observability import client_address

from . import places, selectors
from .codes import current_currencies
from .forms import PostingFilterForm
from .models import Category, Posting
from .partner_api import router as partner_router
from .templatetags.jobboard import plain_text


class ClientRateThrottle(AnonRateThrottle):
    """Keyed on the partner API token that authenticated (ninja would let those through), or
    else on the client's address as the rest of the site resolves it (ninja would key on the
    raw X-Forwarded-For, which any client writes anew each time); counted with the cache's
    atomic increment (ninja reads a history and writes it back, so that concurrent requests
    all pass together)."""

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if isinstance(token, ApiToken):  # a partner's system: its allowance, wherever it calls from
            return ratelimit.hit(f"api:rate:token:{token.pk}", settings.PARTNER_API_RATE_LIMIT)
        return ratelimit.hit(f"api:rate:{client_address(request)}", settings.API_RATE_LIMIT)

    def wait(self) -> None:
        return None


if TYPE_CHECKING:
    Language = str
else:
    # django-ninja checks the code against this Literal, built from the settings at run time,
    # which a type checker cannot read.
    Language = Literal[tuple(code for code, _name in settings.LANGUAGES)]

api = NinjaAPI(
    title="Job board API",
    version="1",
    description="Live job postings, each in one language, with the filters of the list pages.",
    urls_namespace="api",
    throttle=[ClientRateThrottle(settings.API_RATE_LIMIT)],
    # Swagger UI's stylesheet draws its icons and arrows as data: pictures; the rest of the
    # site's policy holds on the docs page (its script is a file of its own, no inline one).
    docs_decorator=csp_replace({"img-src": ["'self'", "data:"]}),
)
api.add_router("/partner", partner_router)


def _field_path(loc: tuple) -> tuple:
    # ("body", "payload", "title") -> ("title",); ("query", "limit") -> ("limit",)
    return loc[2:] if loc[:1] == ("body",) else loc[1:]


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, error: ValidationError):
    """Invalid parameters or body, one entry per field, in the partner API's error format."""
    errors = [
        {
            "field": ".".join(str(part) for part in _field_path(item.get("loc", ()))) or None,
            "code": item.get("type", "invalid"),
            "message": item.get("msg", ""),
        }
        for item in error.errors
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


class Filters(Schema):
    language: Language = Field(description="The postings' language: one version of the board.")
    q: str = Field("", max_length=200, description='Full text, websearch syntax ("a b", -c, or)')
    country: list[str] = Field([], description="ISO 3166 alpha-2 codes")
    category: str = Field("", description="Category slug")
    type: str = Field("", description="Employment type")
    remote: str = Field("", description="onsite, hybrid or remote")
    salary_min: int | None = Field(
        None, ge=0, description="Minimum salary, in salary_currency per salary_period"
    )
    salary_currency: str = Field(
        "",
        description="ISO 4217 code; other currencies compare at the ECB's reference rates. "
        "Default: the language's (PLN for pl, EUR otherwise)",
        # The form checks it (a 422 in the request's language); the document lists the codes.
        json_schema_extra={"enum": ["", *current_currencies()]},
    )
    salary_period: Literal["", "hour", "month", "year"] = Field("", description="Default: year")
    with_salary: bool = False
    posted_within: int | None = Field(None, description="Days: 1, 3, 7, 14 or 30")
    where: str = Field(
        "",
        max_length=100,
        description="A city's name, in any language, accents optional; 422 when no city has it",
    )
    radius: places.Radius | None = Field(
        None, description="Km around `where` (25 when only `where` is given)"
    )


class Company(Schema):
    name: str
    url: str


class Salary(Schema):
    min: int | None
    max: int | None
    currency: str
    period: str


class PostingOut(Schema):
    id: int
    url: str
    language: str
    title: str
    company: Company
    category: str | None
    country: str
    city: str
    remote: str
    employment_type: str
    salary: Salary | None
    published_at: datetime
    expires_at: datetime | None
    summary: str = Field(description="The introduction as plain text")
    description: str = Field(description="Sanitised HTML")
    responsibilities: str
    requirements: str
    nice_to_have: str
    apply_url: str
    apply_email: str


class Page(Schema):
    items: list[PostingOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end"
    )


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class FacetsOut(Schema):
    total: int
    country: list[FacetValueOut]
    category: list[FacetValueOut]
    type: list[FacetValueOut]
    remote: list[FacetValueOut]


class CityOut(Schema):
    value: str = Field(
        description="What to pass as `where`: the name, with its country if ambiguous"
    )
    name: str
    country: str = Field(description="ISO 3166 alpha-2 code")
    country_name: str = Field(description="The country's name in `language`")


class Error(Schema):
    detail: str | list


def _out(posting: Posting) -> dict:
    salary = None
    if posting.salary_currency:
        salary = {
            "min": posting.salary_min,
            "max": posting.salary_max,
            "currency": posting.salary_currency,
            "period": posting.salary_period,
        }
    return {
        **{
            name: getattr(posting, name)
            for name in (
                "id",
                "language",
                "title",
                "city",
                "remote",
                "employment_type",
                "published_at",
                "expires_at",
                "description",
                "responsibilities",
                "requirements",
                "nice_to_have",
                "apply_url",
                "apply_email",
            )
        },
        "url": settings.SITE_URL + posting.get_absolute_url(),
        "company": {
            "name": posting.company.name,
            "url": settings.SITE_URL + posting.company.get_absolute_url(),
        },
        "category": posting.category.slug if posting.category else None,
        # django-stubs types a CountryField as the CharField it extends; it reads as a Country.
        "country": posting.country.code,  # type: ignore[attr-defined]
        "salary": salary,
        "summary": plain_text(posting.description),
    }


def _filters(params: Filters, categories: list[Category]) -> selectors.Filters:
    """The API parameters validated exactly as the list page's query string, by its form."""
    query = QueryDict(mutable=True)
    for key, value in params.dict(exclude={"language"}).items():
        if value not in ("", None, [], False):
            query.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    form = PostingFilterForm(query, categories=categories)
    filters = form.filters()
    if form.errors:
        raise HttpError(
            422, "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in form.errors.items())
        )
    return filters


def _encode(posting: Posting) -> str:
    """An opaque cursor: the position of the last posting of a page in the date order."""
    assert posting.published_at is not None  # the API lists live postings only
    position = f"{posting.published_at.isoformat()}|{posting.pk}"
    return base64.urlsafe_b64encode(position.encode()).decode()


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        moment, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        published_at = parse_datetime(moment)
        if published_at is None:
            raise ValueError
        return published_at, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise HttpError(400, "invalid cursor") from None


# Every operation may answer 422 (invalid parameters) and 429 (rate limit).
ERRORS = {422: Error, 429: Error}


@api.get("/postings", response={200: Page, 400: Error, **ERRORS}, tags=["postings"])
def list_postings(
    request: HttpRequest,
    params: Query[Filters],
    cursor: str = "",
    limit: int = Query(20, ge=1, le=100),
):
    """Live postings in one language, newest first, with the list page's filters."""
    categories = list(Category.objects.all())
    # The language of the messages and of the company URLs; the reads take it as an argument.
    with translation.override(params.language):
        filters = _filters(params, categories)
        postings = selectors.matching(params.language, filters).select_related("category")
        if cursor:
            published_at, pk = _decode(cursor)
            postings = postings.filter(
                Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk)
            )
        rows = list(postings[: limit + 1])
        items = [_out(posting) for posting in rows[:limit]]
    return {"items": items, "next_cursor": _encode(rows[limit - 1]) if len(rows) > limit else None}


@api.get(
    "/postings/{posting_id}",
    response={200: PostingOut, 404: Error, 410: Error, **ERRORS},
    tags=["postings"],
)
def get_posting(request: HttpRequest, posting_id: int):
    """One live posting, in its own language; 410 once it expired or was closed."""
    posting = get_object_or_404(
        Posting.objects.select_related("company", "category").exclude(
            status__in=[Posting.Status.DRAFT, Posting.Status.PENDING]
        ),
        pk=posting_id,
    )
    if posting.is_gone:
        return Status(410, {"detail": "this posting has expired or been filled"})
    if not posting.is_live:  # scheduled for later
        raise HttpError(404, "Not Found")
    return _out(posting)


@api.get("/facets", response={200: FacetsOut, **ERRORS}, tags=["postings"])
def facets(request: HttpRequest, params: Query[Filters]):
    """Counts of live postings per facet value, each facet with the other filters applied."""
    categories = list(Category.objects.all())
    # The language of the messages and of the labels; the reads take it as an argument.
    with translation.override(params.language):
        filters = _filters(params, categories)
        results = selectors.search(params.language, filters, categories, page=1, per_page=1)
        return {
            "total": results.total,
            **{
                facet: [
                    {"value": value.value, "label": str(value.label), "count": value.count}
                    for value in values
                ]
                for facet, values in results.facets.items()
            },
        }


@api.get("/cities", response={200: list[CityOut], **ERRORS}, tags=["places"], url_name="cities")
def cities(
    request: HttpRequest,
    response: HttpResponse,
    q: str = Query("", max_length=100),
    language: Language = settings.LANGUAGE_CODE,
):
    """Up to 10 cities whose name (in any language, accents optional) starts with `q`, the
    largest first, with their country named in `language`: the "where" box's suggestions."""
    # The same answer for a day: the cities change only with a release.
    patch_cache_control(response, public=True, max_age=86400)
    with translation.override(language):
        return [
            {**city, "country_name": countries.name(city["country"])} for city in places.suggest(q)
        ]
