from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from postings.formatting import quoted
from postings.forms import PostingFilterForm
from postings.models import Category, Posting
from postings.rates import minimum
from postings.selectors import Filters

from .models import Alert

# Not part of a saved search: the page and the order change nothing about which postings match,
# and a "posted within" window is always met by new postings or would hide part of a digest.
NOT_SAVED = ("page", "sort", "posted_within")


def parse_query(query: str, categories: list[Category]) -> Filters:
    """The filters of a list-page query string, parsed and validated by the list page's form
    (slugs and choice values are the same in every language)."""
    return PostingFilterForm(QueryDict(query), categories=categories).filters()


def saved_query(data: QueryDict, categories: list[Category]) -> str:
    """The canonical query string of a search: valid filters only, in a fixed order, so that
    the same search typed two ways is one string."""
    filters = PostingFilterForm(data, categories=categories).filters()
    pairs = []
    for name in PostingFilterForm.base_fields:
        value = getattr(filters, name)
        if name in NOT_SAVED or not value:
            continue
        if name == "country":
            pairs += [(name, code) for code in sorted(value)]
        elif name == "category":
            pairs.append((name, value.slug))
        else:
            pairs.append((name, "1" if value is True else str(value)))
    return urlencode(pairs)


def describe(filters: Filters, *, free_text: bool = True) -> list[str]:
    """The filters of a search as a reader sees them, in the active language. Without
    `free_text`, the search's words are only said to be there."""
    parts = []
    if filters.q:
        parts.append(quoted(filters.q) if free_text else str(_("with keywords")))
    if filters.country:
        parts.append(", ".join(countries.name(code) for code in filters.country))
    if filters.place:
        within = _("Within %(km)s km of %(place)s")
        parts.append(str(within % {"km": filters.radius, "place": filters.where}))
    if filters.category:
        parts.append(filters.category.name)
    if filters.type:
        parts.append(str(Posting.EmploymentType(filters.type).label))
    if filters.remote:
        parts.append(str(Posting.Remote(filters.remote).label))
    if filters.salary_min:
        amount = minimum(
            filters.salary_min, period=filters.salary_period, currency=filters.salary_currency
        )
        parts.append(str(_("at least %(amount)s") % {"amount": amount}))
    elif filters.with_salary:
        parts.append(str(_("with a stated salary")))
    return parts or [str(_("All jobs"))]


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    frequency = forms.ChoiceField(
        label=_("How often?"),
        choices=Alert.Frequency.choices,
        initial=Alert.Frequency.DAILY,
        widget=forms.RadioSelect,
    )


class AlertForm(forms.ModelForm):
    class Meta:
        model = Alert
        fields = ["frequency", "paused"]
        labels = {"frequency": _("How often?"), "paused": _("Paused")}
