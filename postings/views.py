import re
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseGone,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from . import og_image, places, presentation, rates, selectors, switching
from .caching import Scope, cached_page, scope_of
from .forms import PostingFilterForm
from .models import Category, Company, Posting, PostingDay
from .structured_data import job_posting_json_ld

# Crawlers, link previews and scripts say so in their user agent; they are not readers.
BOT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|curl|wget|python|java/|go-http|headless",
    re.IGNORECASE,
)


def is_bot(request: HttpRequest) -> bool:
    return bool(BOT.search(request.headers.get("User-Agent", ""))) or not request.headers.get(
        "User-Agent"
    )


def _categories(scope: Scope | None) -> list[Category]:
    """Every category: any change to one changes every language's data version."""
    if scope is None:
        return list(Category.objects.all())
    return scope.remember("categories", (), lambda: list(Category.objects.all()))


@cached_page
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    results = selectors.search(
        request.LANGUAGE_CODE,
        selectors.Filters(),
        _categories(scope),
        page=1,
        per_page=10,
        scope=scope,
    )
    conversion = rates.Conversion(rates.default_currency(request.LANGUAGE_CODE), scope)
    return render(
        request,
        "postings/home.html",
        {"results": results, "cards": presentation.cards(results, scope, conversion)},
    )


@cached_page
def posting_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    categories = _categories(scope)
    form = PostingFilterForm(request.GET, categories=categories)
    filters = form.filters()
    try:
        page = int(request.GET.get("page", 1))
    except ValueError:
        page = 1
    results = selectors.search(
        request.LANGUAGE_CODE,
        filters,
        categories,
        page=page,
        per_page=settings.POSTINGS_PER_PAGE,
        scope=scope,
    )
    # Never a country at "(0)" that has no job in this language: the search goes on without it.
    if absent := selectors.absent_countries(request.LANGUAGE_CODE, filters, results):
        return HttpResponseRedirect(switching.dropping(request.GET, absent))
    query = request.GET.copy()
    query.pop("page", None)
    conversion = rates.Conversion(
        filters.salary_currency or rates.default_currency(request.LANGUAGE_CODE), scope
    )
    shared = {
        "form": form,
        # The filter sheet's own fields' errors; the where box says its own beside it.
        "filter_errors": [
            (field.label, error)
            for field in form
            if field.name != "where"
            for error in field.errors
        ],
        "filters": filters,
        "results": results,
        "salary_conversion": conversion,
    }
    return render(
        request,
        "postings/list.html",
        {
            **shared,
            "filter_form": presentation.filter_form(request.GET, shared, scope),
            # The radius select's choice: the search's, else the default.
            "radius": str(filters.radius or places.DEFAULT_RADIUS),
            "cards": presentation.cards(results, scope, conversion),
            "query_without_page": query.urlencode(),
            "notices": switching.notices(request.GET, request.LANGUAGE_CODE),
            "chips": presentation.chips(request.GET, form, results),
            "pages": presentation.page_window(results.number, results.num_pages),
        },
    )


def posting_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    posting = get_object_or_404(
        Posting.objects.select_related("company", "category").exclude(
            status__in=[Posting.Status.DRAFT, Posting.Status.PENDING]
        ),
        pk=pk,
    )
    if not posting.is_live and not posting.is_gone:  # scheduled for later
        raise Http404
    if posting.language != request.LANGUAGE_CODE or posting.slug != slug:
        return HttpResponsePermanentRedirect(posting.get_absolute_url())
    if posting.is_gone:
        return render(
            request,
            "postings/gone.html",
            {"posting": posting},
            status=410,
        )

    siblings = list(Posting.objects.translations_of(posting).only("id", "slug", "language"))
    if not is_bot(request):
        PostingDay.record(posting.pk)
    conversion = rates.Conversion(rates.default_currency(posting.language))
    return render(
        request,
        "postings/detail.html",
        {
            "posting": posting,
            "siblings": siblings,
            "json_ld": job_posting_json_ld(posting),
            "similar": [
                presentation.card(similar, conversion)
                for similar in presentation.similar_postings(posting)
            ],
            "salary_conversion": conversion,
            "back_url": presentation.back_to_results(
                request.headers.get("Referer", ""), reverse("postings:list")
            ),
        },
    )


@require_safe
def posting_image(request: HttpRequest, pk: int) -> HttpResponse:
    """The link-preview picture of a live posting, under the posting's own language."""
    posting = (
        Posting.objects.live()
        .select_related("company")
        .only(*og_image.FIELDS)
        .filter(pk=pk)
        .first()
    )
    if posting is None:
        if get_object_or_404(Posting.objects.only("status", "expires_at"), pk=pk).is_gone:
            return HttpResponseGone()
        raise Http404
    if posting.language != request.LANGUAGE_CODE:
        return HttpResponsePermanentRedirect(posting.get_image_url())

    response = HttpResponse(content_type="image/png")
    response["ETag"] = f'"{og_image.version(posting)}"'
    response["Last-Modified"] = http_date(posting.updated_at.timestamp())
    # Previews are fetched by every network that shows the link; an edit gives a new ETag.
    patch_cache_control(response, public=True, max_age=3600)
    conditional = get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=int(posting.updated_at.timestamp()),
        response=response,
    )
    # A 304 with the same headers, nothing read or drawn (never None when given a response).
    if conditional is not None and conditional is not response:
        return conditional
    response.content = og_image.png(posting)
    return response


class ApplyRedirect(HttpResponseRedirect):
    allowed_schemes = ["http", "https", "mailto"]


def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Count an apply click (no cookie, nothing about the visitor kept), then go on to the
    company's form or mail."""
    posting = get_object_or_404(
        Posting.objects.live()
        .in_language(request.LANGUAGE_CODE)
        .only("id", "apply_url", "apply_email", "title"),
        pk=pk,
    )
    if posting.apply_url:
        target = posting.apply_url
    elif posting.apply_email:
        target = f"mailto:{posting.apply_email}?subject={quote(posting.title)}"
    else:
        raise Http404
    if not is_bot(request):
        PostingDay.record(posting.pk, apply=True)
    response = ApplyRedirect(target)
    response["X-Robots-Tag"] = "noindex"
    return response


def company_detail(request: HttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(Company, slug=slug)
    postings = (
        Posting.objects.live()
        .in_language(request.LANGUAGE_CODE)
        .filter(company=company)
        .select_related("company")
    )
    page = Paginator(postings, settings.POSTINGS_PER_PAGE).get_page(request.GET.get("page"))
    conversion = rates.Conversion(rates.default_currency(request.LANGUAGE_CODE))
    return render(
        request,
        "postings/company.html",
        {
            "company": company,
            "page": page,
            "cards": [presentation.card(posting, conversion) for posting in page],
        },
    )
