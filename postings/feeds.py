"""RSS and Atom feeds of any list URL: `/<lang>/jobs/feed/?<the list's query string>`.

Every link is absolute on SITE_URL: Django's feeds would build them on the request's host,
and a cached feed would then hand one host's links to every other."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import selectors
from .forms import PostingFilterForm
from .models import Category, Posting
from .templatetags.jobboard import plain_text

FEED_SIZE = 50


class PostingFeed(Feed):
    """The newest live postings matching exactly the list page's filters, in its language."""

    def get_object(self, request: HttpRequest) -> dict:
        categories = list(Category.objects.all())
        filters = PostingFilterForm(request.GET, categories=categories).filters()
        query = request.GET.urlencode()
        return {
            "postings": list(selectors.matching(request.LANGUAGE_CODE, filters)[:FEED_SIZE]),
            "list_url": reverse("postings:list") + (f"?{query}" if query else ""),
            "feed_url": request.path,
        }

    def title(self, obj: dict) -> str:
        return _("Jobs") + " · " + _("Job board")

    def link(self, obj: dict) -> str:
        return settings.SITE_URL + obj["list_url"]

    def feed_url(self, obj: dict) -> str:
        return settings.SITE_URL + obj["feed_url"]

    def description(self, obj: dict) -> str:
        return _("The newest jobs matching this search.")

    def items(self, obj: dict) -> list[Posting]:
        return obj["postings"]

    def item_link(self, item: Posting) -> str:
        return settings.SITE_URL + item.get_absolute_url()

    def item_title(self, item: Posting) -> str:
        return f"{item.title} · {item.company.name}"

    def item_description(self, item: Posting) -> str:
        return plain_text(item.description)

    def item_pubdate(self, item: Posting):
        return item.published_at

    def item_updateddate(self, item: Posting):
        return item.updated_at


class AtomPostingFeed(PostingFeed):
    feed_type = Atom1Feed
    subtitle = PostingFeed.description
