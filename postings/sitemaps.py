"""One sitemap per language: each live posting once, under its own language, with its lastmod."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation

from .models import Posting

_SITE = urlsplit(settings.SITE_URL)


class CanonicalSitemap(Sitemap):
    """Absolute URLs on SITE_URL, whatever host the request came by."""

    protocol = _SITE.scheme

    def get_domain(self, site=None) -> str:
        return _SITE.netloc


class PostingSitemap(CanonicalSitemap):
    changefreq = "daily"

    def __init__(self, language: str) -> None:
        self.language = language

    def items(self):
        return (
            Posting.objects.live()
            .in_language(self.language)
            .only("id", "slug", "language", "updated_at")
            .order_by("id")
        )

    def lastmod(self, item: Posting):
        return item.updated_at


class PagesSitemap(CanonicalSitemap):
    """The home and list pages of a language."""

    changefreq = "hourly"

    def __init__(self, language: str) -> None:
        self.language = language

    def items(self) -> list[str]:
        return ["postings:home", "postings:list"]

    def location(self, item: str) -> str:
        with translation.override(self.language):
            return reverse(item)


SITEMAPS = {
    **{f"pages-{code}": PagesSitemap(code) for code, _name in settings.LANGUAGES},
    **{f"postings-{code}": PostingSitemap(code) for code, _name in settings.LANGUAGES},
}


def sitemap_index(request: HttpRequest) -> TemplateResponse:
    """The index of the sitemaps, located on SITE_URL (Django's own index uses the request's
    host, which behind a proxy or an alias is not the canonical one)."""
    items = []
    for section, sitemap in SITEMAPS.items():
        location = settings.SITE_URL + reverse(
            "django.contrib.sitemaps.views.sitemap", kwargs={"section": section}
        )
        last_mod = sitemap.get_latest_lastmod()
        # Django annotates last_mod as a bool, and uses it as the datetime it is.
        items.append(SitemapIndexItem(location, last_mod))  # type: ignore[arg-type]
        items.extend(
            SitemapIndexItem(f"{location}?p={page}", last_mod)  # type: ignore[arg-type]
            for page in range(2, sitemap.paginator.num_pages + 1)
        )
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml"
    )
