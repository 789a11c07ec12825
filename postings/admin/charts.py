from datetime import date, timedelta

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext

from .. import activity
from ..formatting import number
from ..models import Company, Posting


def activity_chart(posting: Posting) -> str:
    return _chart(activity.posting_days(posting), "activity")


def company_chart(company: Company) -> str:
    """The same chart for all the company's postings together."""
    return _chart(activity.company_days(company), "activity company-activity")


def _chart(rows: dict[date, tuple[int, int]], css_class: str) -> str:
    """A bar chart of the last 30 days (views, and apply clicks in front), as inline SVG."""
    since = activity.first_chart_day()
    width, height = 12, 80
    top = max([views for views, _ in rows.values()] + [1])
    bars = []
    for n in range(activity.CHART_DAYS):
        day = since + timedelta(days=n)
        views, applies = rows.get(day, (0, 0))
        bars.append(
            (
                day.isoformat(),
                views,
                applies,
                n * width,
                height - views * height // top,
                views * height // top,
                n * width,
                height - applies * height // top,
                applies * height // top,
            )
        )
    drawn = format_html_join(
        "",
        "<g><title>{}: {} / {}</title>"
        '<rect x="{}" y="{}" width="10" height="{}" fill="#9bb7d4"></rect>'
        '<rect x="{}" y="{}" width="10" height="{}" fill="#205493"></rect></g>',
        bars,
    )
    views = sum(views for views, _ in rows.values())
    applies = sum(applies for _, applies in rows.values())
    return format_html(
        '<svg class="{}" role="img" width="{}" height="{}" viewBox="0 0 {} {}">{}</svg><p>{}</p>',
        css_class,
        width * activity.CHART_DAYS,
        height,
        width * activity.CHART_DAYS,
        height,
        drawn,
        gettext("%(views)s, %(applies)s in 30 days")
        % {"views": counted_views(views), "applies": counted_applies(applies)},
    )


def counted_views(n: int) -> str:
    return ngettext("%(count)s view", "%(count)s views", n) % {"count": number(n)}


def counted_applies(n: int) -> str:
    return ngettext("%(count)s apply click", "%(count)s apply clicks", n) % {"count": number(n)}
