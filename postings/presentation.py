"""What the public pages show beside the results: the removable chips of the active filters,
the window of page numbers, a company's initials and their colour, and similar jobs."""

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
from urllib.parse import urlsplit

from django import forms
from django.db.models import IntegerField, Value
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from . import places, rates
from .caching import Scope
from .formatting import money
from .forms import PostingFilterForm
from .models import Posting
from .selectors import Results

# As many as site.css has .avatar-N colours.
AVATAR_COLOURS = 8
SIMILAR = 3


@dataclass(frozen=True)
class Chip:
    label: str
    url: str  # the same search without this one value


def _without(query: QueryDict, name: str, value: str) -> str:
    query = query.copy()
    query.pop("page", None)
    # "?country=be" applies as BE: the chip of BE removes it too.
    query.setlist(name, [kept for kept in query.getlist(name) if kept.upper() != value.upper()])
    return "?" + query.urlencode() if query else "?"


def chips(query: QueryDict, form: PostingFilterForm, results: Results) -> list[Chip]:
    """One chip per active filter value: the facets' selected values with their labels, and the
    form's other valid fields (what the search applied, whatever shape it passed them in)."""
    form.is_valid()  # validated once (cached); an invalid field is simply absent from cleaned_data
    data = form.cleaned_data
    found = []
    if data.get("q"):
        quoted = _("“%(text)s”") % {"text": data["q"]}
        found.append(Chip(quoted, _without(query, "q", query.get("q", ""))))
    if data.get("where"):
        label = _("Within %(km)s km of %(place)s") % {
            "km": data.get("radius") or places.DEFAULT_RADIUS,
            "place": data["where"],
        }
        away = QueryDict(_without(query, "where", query.get("where", ""))[1:], mutable=True)
        found.append(Chip(label, _without(away, "radius", query.get("radius", ""))))
    for name in ("country", "category", "type", "remote"):
        for facet in results.facets.get(name, []):
            if facet.selected:
                found.append(Chip(facet.label, _without(query, name, facet.value)))
    if data.get("salary_min"):
        amount = rates.minimum(
            data["salary_min"],
            period=data.get("salary_period", ""),
            currency=data.get("salary_currency", ""),
        )
        label = _("Salary from %(amount)s") % {"amount": amount}
        found.append(Chip(label, _without(query, "salary_min", query.get("salary_min", ""))))
    if data.get("with_salary"):
        found.append(Chip(_("With a salary"), _without(query, "with_salary", "1")))
    if data.get("posted_within"):
        field = cast(forms.ChoiceField, form.fields["posted_within"])
        label = str(dict(cast(list[tuple[str, str]], field.choices))[str(data["posted_within"])])
        found.append(Chip(label, _without(query, "posted_within", query.get("posted_within", ""))))
    return found


def cards(results: Results, scope: Scope | None, conversion: rates.Conversion) -> list[SafeString]:
    """The cards of the page's postings (`card`), their salaries also in the seeker's currency.
    A card shows its posting, its company, its age and the words searched highlighted, so under
    a page's scope it is kept per posting, search text, currency, day and newness, and the next
    pages, sorts and searches that show it again neither read the posting (nor its highlights)
    nor render it again (new rates change the data version)."""

    def render(pks: list[int]) -> dict[int, SafeString]:
        # The postings of the cards not kept only; none when every card is kept. A posting
        # deleted since its id was read has no card.
        shown = results.shown(pks)
        return {pk: card(shown[pk], conversion) if pk in shown else SafeString("") for pk in pks}

    pks = [pk for pk, _published in results.keys]
    if scope is None:
        rendered = render(pks)
    else:
        today = timezone.localdate()
        # Labels and dates are in the active language; highlights follow the words as typed.
        language = translation.get_language()
        parts = {
            pk: (language, pk, today, is_new(published), results.text, conversion.currency)
            for pk, published in results.keys
        }
        rendered = scope.remember_each("card", parts, render)
    return [made for pk in pks if (made := rendered[pk])]


# A posting's card, as the list, the home page, a company's page and similar jobs show it. Written
# here rather than in a template: a search the page cache has not seen shows 20 cards, and the
# template engine took 0.2 to 0.3 ms a card to place these 25 values (half of the card's time).
_CARD = """<article class="posting-card">
  {logo}
  <div class="card-body">
    <h3><a href="{url}">{heading}</a></h3>
    <p class="card-meta"><span class="company">{company}</span> · <span class="location">{place}</span></p>
    <p class="badges">
      {new}
      <span class="badge{remote_class}">{remote_label}</span>
      <span class="badge">{type_label}</span>
    </p>
    {snippet}
    {salary}
    <p class="date"><time datetime="{published}" title="{published_date}">{published_ago}</time>{refreshed}</p>
  </div>
  <button class="save save-compact" type="button" aria-pressed="false" data-save="{pk}" data-title="{title}" data-company="{company}" data-url="{url}" data-language="{language}" hidden><span class="save-star" aria-hidden="true">☆</span><span class="visually-hidden">{save}: {title}</span></button>
</article>
"""  # noqa: E501 (the card's markup, line by line)


def card(posting: Posting, conversion: rates.Conversion | None = None) -> SafeString:
    """A posting's card (_CARD), with its salary also in the seeker's currency when
    `conversion` says which. Values are escaped as the template's autoescape did
    (conditional_escape): the highlights, escaped when they were marked, go as they are; the
    translated labels are escaped too (a template's {% translate %} left them as written)."""
    company = posting.company
    place = str(countries.name(posting.country))
    published = cast(datetime, posting.published_at)  # cards show published postings
    refreshed = posting.refreshed_at
    shown_salary = salary(posting)
    converted = conversion.of(posting) if conversion else ""
    return format_html(
        _CARD,
        logo=format_html(
            '<img class="logo" src="{}" alt="" width="48" height="48" loading="lazy">',
            company.logo_url,
        )
        if company.logo_url
        else format_html(
            '<span class="logo avatar-{}" aria-hidden="true">{}</span>',
            avatar_colour(company.name),
            initials(company.name),
        ),
        url=posting.get_absolute_url(),
        heading=posting.highlighted_title or posting.title,
        company=company.name,
        place=f"{posting.city}, {place}" if posting.city else place,
        new=format_html('<span class="badge badge-new">{}</span>', _("New"))
        if is_new(published)
        else "",
        remote_class="" if posting.remote == Posting.Remote.ONSITE else " badge-remote",
        remote_label=posting.get_remote_display(),
        type_label=posting.get_employment_type_display(),
        snippet=format_html('<p class="snippet">{}</p>', posting.snippet)
        if posting.snippet
        else "",
        salary=format_html(
            '<p class="salary">{}{}</p>',
            shown_salary,
            format_html(' <span class="converted">({})</span>', converted) if converted else "",
        )
        if shown_salary
        else "",
        published=machine_time(published),
        published_date=date_format(timezone.localtime(published), "DATE_FORMAT"),
        published_ago=relative_date(published),
        refreshed=format_html(
            ' · <time class="refreshed" datetime="{}">{}</time>',
            machine_time(refreshed),
            _("Renewed %(date)s")
            % {"date": date_format(timezone.localtime(refreshed), "DATE_FORMAT")},
        )
        if refreshed
        else "",
        pk=posting.pk,
        title=posting.title,
        language=posting.language,
        save=_("Save this job"),
    )


def machine_time(moment: datetime) -> str:
    """For <time datetime>: ISO 8601 to the second (HTML takes at most milliseconds)."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def relative_date(moment: datetime) -> str:
    """ "today", "yesterday", "3 days ago", then the date: a card needs the age, not the hour."""
    days = (timezone.localdate() - timezone.localdate(moment)).days
    if days <= 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    if days < 30:
        return ngettext("%(count)s day ago", "%(count)s days ago", days) % {"count": days}
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def salary(posting: Posting) -> str:
    """The salary range in the visitor's locale: "45 000 € – 60 000 € par an"."""
    low, high = posting.salary_min, posting.salary_max
    if not posting.salary_currency or not (low or high):
        return ""
    currency = posting.salary_currency
    if low and high and low != high:
        amount = _("%(low)s – %(high)s") % {
            "low": money(low, currency),
            "high": money(high, currency),
        }
    elif low and high:
        amount = money(low, currency)
    elif low:
        amount = _("from %(amount)s") % {"amount": money(low, currency)}
    elif high:
        amount = _("up to %(amount)s") % {"amount": money(high, currency)}
    if posting.salary_period:
        return f"{amount} {posting.get_salary_period_display()}"
    return amount


def filter_form(query: QueryDict, context: dict, scope: Scope | None) -> SafeString:
    """The list page's filter form (includes/filters.html), with `context`'s form, filters,
    results and salary conversion. Under a page's scope it is rendered once per search as
    asked (the form's own fields, whatever else the address holds), its facets, and its
    currency and rates."""

    def render() -> SafeString:
        return render_to_string("includes/filters.html", context)

    if scope is None:
        return render()
    asked = tuple((name, tuple(query.getlist(name))) for name in context["form"].fields)
    conversion = context["salary_conversion"]
    parts = (
        translation.get_language(),
        asked,
        context["results"].facets,
        conversion.currency,
        conversion.day,
    )
    # Rendered in about a millisecond: not worth waiting for another request rendering it.
    return scope.remember("filters", parts, render, wait=False)


def is_new(moment: datetime | None) -> bool:
    """Published in the last 48 hours."""
    return moment is not None and timezone.now() - moment < timedelta(hours=48)


def page_window(number: int, num_pages: int, *, around: int = 1) -> list[int | None]:
    """Page numbers to link: the first, the last and those around the current one; None where
    pages are skipped ("1 … 4 5 6 … 20")."""
    shown = sorted(
        {1, num_pages} | set(range(max(1, number - around), min(num_pages, number + around) + 1))
    )
    window: list[int | None] = []
    for page in shown:
        if window and page - window[-1] > 1:  # type: ignore[operator]
            window.append(None)
        window.append(page)
    return window


def initials(name: str) -> str:
    words = [word for word in name.replace("-", " ").split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or name[:1].upper()


def avatar_colour(name: str) -> int:
    """The same company gets the same colour on every page and every server (not hash())."""
    return zlib.crc32(name.encode()) % AVATAR_COLOURS


def similar_postings(posting: Posting) -> list[Posting]:
    """Live jobs in the posting's language, those of its category and country first, then of its
    category, then the latest: one query of three short index scans (not a sort of every live
    posting of the language), at most SIMILAR rows."""
    base = (
        Posting.objects.live()
        .in_language(posting.language)
        .exclude(pk=posting.pk)
        .select_related("company")
        .order_by("-published_at")
    )
    if posting.category_id is None:
        return list(base[:SIMILAR])
    same = base.filter(category_id=posting.category_id)
    closest, close, latest = (
        part.annotate(closeness=Value(rank, IntegerField()))[:SIMILAR]
        for rank, part in ((2, same.filter(country=posting.country)), (1, same), (0, base))
    )
    found: dict[int, Posting] = {}
    for row in closest.union(close, latest, all=True).order_by("-closeness", "-published_at"):
        found.setdefault(row.pk, row)
    return list(found.values())[:SIMILAR]


def back_to_results(referer: str, list_path: str) -> str:
    """The list page the visitor came from, with its search, or the plain list. Only a path
    and query of our own list page is kept from the Referer: never another site's address."""
    parts = urlsplit(referer)
    if parts.path == list_path:
        return f"{list_path}?{parts.query}" if parts.query else list_path
    return list_path
