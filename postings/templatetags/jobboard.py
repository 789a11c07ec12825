from datetime import datetime
from html import unescape

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import presentation
from ..formatting import money
from ..html import sanitize
from ..models import Posting

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    """An absolute URL on the canonical site (SITE_URL), whatever host the request came by."""
    return f"{settings.SITE_URL}{path}"


@register.filter
def language_versions(path: str) -> list[tuple[str, str]]:
    """(language, path) of the same page in every language, for hreflang alternates."""
    return [(code, translate_url(path, code)) for code, _name in settings.LANGUAGES]


@register.filter
def machine_time(moment: datetime) -> str:
    """For <time datetime>: ISO 8601 to the second (HTML takes at most milliseconds)."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


@register.filter
def sanitized(html: str) -> SafeString:
    """Posting HTML, cleaned again at display time: whatever path stored it, only the allowlist
    reaches the page."""
    return mark_safe(sanitize(html))  # noqa: S308 (nh3 output is safe by construction)


@register.filter
def plain_text(html: str) -> str:
    """Posting HTML as text for meta tags; autoescape encodes it again."""
    return unescape(strip_tags(sanitize(html)))  # sanitize drops <script> with its content


@register.filter
def initials(name: str) -> str:
    return presentation.initials(name)


@register.filter
def avatar_colour(name: str) -> int:
    return presentation.avatar_colour(name)


is_new = register.filter("is_new", presentation.is_new)


@register.filter
def relative_date(moment: datetime) -> str:
    """ "today", "yesterday", "3 days ago", then the date: a card needs the age, not the hour."""
    days = (timezone.localdate() - timezone.localdate(moment)).days
    if days <= 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    if days < 30:
        return ngettext("%(count)s day ago", "%(count)s days ago", days) % {"count": days}
    return date_format(moment, "DATE_FORMAT")


@register.filter
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


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context: template.Context) -> dict:
    """One button per language, each posting the page it is on (page 1: another language has
    other results); set_language works out the target (postings/switching.py)."""
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "current": translation.get_language(),
        "next": request.path + (f"?{query.urlencode()}" if query else ""),
        "languages": [{"code": code, "name": name} for code, name in settings.LANGUAGES],
    }
