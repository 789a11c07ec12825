"""The language switcher: the same job or the same search in another language, as far as it exists
there, and the notices that say what could not follow.

Each button of the switcher posts the page it is on; the target is worked out here on click, so
pages hold no per-language lookups and stay cacheable whole.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from babel import Locale
from babel.lists import format_list
from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect, QueryDict
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_countries import countries

from . import selectors
from .forms import PostingFilterForm
from .models import Category, Posting

# Query parameters of the list that only carry a notice (docs/contract.md).
FROM = "from"
DROPPED = "dropped"


@require_POST
def set_language(request: HttpRequest) -> HttpResponseRedirect:
    """Django's set_language (the cookie, the redirect within this site), with the context kept."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if language not in dict(settings.LANGUAGES):
        return HttpResponseRedirect(next_url if safe else "/")
    response = HttpResponseRedirect(target_url(next_url, language) if safe else _home(language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        # A setting, typed as any string by django-stubs; Django's set_language passes it too.
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )
    return response


def _home(language: str) -> str:
    with translation.override(language):
        return reverse("postings:home")


def _list(language: str, query: QueryDict | None = None) -> str:
    with translation.override(language):
        path = reverse("postings:list")
    return f"{path}?{query.urlencode()}" if query else path


def target_url(url: str, language: str) -> str:
    """Where the switcher leads from `url` (a path on this site, with its query) to `language`."""
    parts = urlsplit(url)
    source = translation.get_language_from_path(parts.path)
    try:
        with translation.override(source or settings.LANGUAGE_CODE):
            match = resolve(parts.path)
    except Resolver404:
        return _home(language)
    query = QueryDict(parts.query, mutable=True)
    if match.view_name == "postings:detail":
        return _posting_target(match.kwargs["pk"], language)
    if match.view_name == "postings:list":
        return _list_target(query, language)
    if source is None:  # a page outside the language versions (the panel's preview)
        return url
    with translation.override(source):  # translate_url resolves in the active language
        return translate_url(url, language)


def _posting_target(pk: int, language: str) -> str:
    """The same job in `language`, or that language's list saying the job is not there."""
    posting = Posting.objects.live().filter(pk=pk).only("id", "slug", "language").first()
    if posting is None:
        return _list(language)
    if posting.language == language:
        return posting.get_absolute_url()
    sibling = (
        Posting.objects.translations_of(posting)
        .filter(language=language)
        .only("id", "slug", "language")
        .first()
    )
    if sibling is not None:
        return sibling.get_absolute_url()
    return _list(language, QueryDict(f"{FROM}={posting.pk}"))


def _list_target(query: QueryDict, language: str) -> str:
    """The same search in `language`, without the countries where it finds nothing there."""
    posting = _public_posting(query.get(FROM, ""))
    if posting is not None and posting.language == language:
        return posting.get_absolute_url()  # back to the job the visitor came from
    for name in ("page", FROM, DROPPED):
        query.pop(name, None)
    if query.getlist("country"):
        kept, dropped = _countries_in(query, language)
        query.setlist("country", kept)
        query.setlist(DROPPED, dropped)
    return _list(language, query)


def _countries_in(query: QueryDict, language: str) -> tuple[list[str], list[str]]:
    """The selected countries with jobs matching the other filters in `language`, and the
    others: a country that would show "(0)" there."""
    with translation.override(language):
        categories = list(Category.objects.all())
        filters = PostingFilterForm(query, categories=categories).filters()
        results = selectors.search(language, filters, categories, page=1, per_page=1)
    counts = {facet.value: facet.count for facet in results.facets["country"]}
    selected = [code.upper() for code in query.getlist("country") if code]
    return (
        [code for code in selected if counts.get(code)],
        [code for code in selected if code in counts and not counts[code]],
    )


def dropping(query: QueryDict, codes: list[str]) -> str:
    """The query string of the same search without the countries `codes`, saying so."""
    query = query.copy()
    query.pop("page", None)
    query.setlist(
        "country", [c.upper() for c in query.getlist("country") if c.upper() not in codes]
    )
    query.setlist(DROPPED, [*query.getlist(DROPPED), *codes])
    return f"?{query.urlencode()}"


def _public_posting(pk: str) -> Posting | None:
    if not pk.isdecimal():  # isdigit() takes "²", which int() does not
        return None
    return Posting.objects.live().filter(pk=int(pk)).only("id", "slug", "language", "title").first()


@dataclass(frozen=True)
class Notices:
    """What the list says to a visitor who switched language to it."""

    posting: Posting | None  # the job they came from, only published in its language
    posting_language: str  # its name in the visitor's language
    dropped: list[str]  # the countries removed from the search, named in the visitor's language

    @property
    def dropped_names(self) -> str:
        return format_list(self.dropped, locale=translation.to_locale(translation.get_language()))


def notices(query: QueryDict, language: str) -> Notices:
    """The notices of the list in `language` for its query string."""
    posting = _public_posting(query.get(FROM, ""))
    if posting is not None and posting.language == language:
        posting = None
    locale = Locale.parse(translation.to_locale(language))
    codes = dict.fromkeys(code.upper() for code in query.getlist(DROPPED))
    return Notices(
        posting=posting,
        posting_language=locale.languages.get(posting.language, "") if posting else "",
        dropped=[countries.name(code) for code in codes if code in countries],
    )
