from html import unescape

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from .. import presentation
from ..html import sanitize

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    """An absolute URL on the canonical site (SITE_URL), whatever host the request came by."""
    return f"{settings.SITE_URL}{path}"


@register.filter
def language_versions(path: str) -> list[tuple[str, str]]:
    """(language, path) of the same page in every language, for hreflang alternates."""
    return [(code, translate_url(path, code)) for code, _name in settings.LANGUAGES]


machine_time = register.filter("machine_time", presentation.machine_time)


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
salary = register.filter("salary", presentation.salary)


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
