import re
from typing import cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from . import places, rates
from .models import Category, Posting
from .selectors import Filters


class CountryCodesField(forms.MultipleChoiceField):
    """Country codes, checked against the codes alone: the page's select lists the facets'
    countries, and naming all 249 in the request's language for each search took half a
    millisecond."""

    def valid_value(self, value: str) -> bool:
        return value in countries


class PostingFilterForm(forms.Form):
    """The list page's query string. Invalid values are reported and dropped; valid ones apply."""

    q = forms.CharField(label=_("Keywords"), required=False, max_length=200)
    country = CountryCodesField(label=_("Country"), required=False)
    # After the country: a city's name is looked for in the countries searched first.
    where = forms.CharField(label=_("Where"), required=False, max_length=100)
    radius = forms.TypedChoiceField(
        label=_("Distance"),
        required=False,
        coerce=int,
        empty_value=None,
        # Called for each form: the labels in the language of the request.
        choices=lambda: [(str(km), _("within %(km)s km") % {"km": km}) for km in places.RADII],
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    type = forms.ChoiceField(
        label=_("Employment type"),
        required=False,
        choices=[("", _("Any type")), *Posting.EmploymentType.choices],
    )
    remote = forms.ChoiceField(
        label=_("Remote work"),
        required=False,
        choices=[("", _("Any")), *Posting.Remote.choices],
    )
    salary_min = forms.IntegerField(
        label=_("Minimum salary"), required=False, min_value=0, max_value=10_000_000
    )
    salary_currency = forms.CharField(label=_("Currency"), required=False)
    salary_period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=list(reversed(Posting.SalaryPeriod.choices)),  # year first: the default
    )
    with_salary = forms.BooleanField(label=_("Only jobs that state a salary"), required=False)
    posted_within = forms.TypedChoiceField(
        label=_("Posted within"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any time")),
            ("1", _("the last 24 hours")),
            ("3", _("the last 3 days")),
            ("7", _("the last 7 days")),
            ("14", _("the last 14 days")),
            ("30", _("the last 30 days")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("relevance", _("Relevance")), ("date", _("Date"))],
    )

    def __init__(self, data: QueryDict, *, categories: list[Category]) -> None:
        data = data.copy()
        # "All countries" submits an empty value: it means no filter, not a wrong one.
        data.setlist("country", [code.upper() for code in data.getlist("country") if code])
        super().__init__(data)
        self.categories = {category.slug: category for category in categories}
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("All categories"))] + [
            (category.slug, category.name) for category in categories
        ]

    def clean_q(self) -> str:
        # Punctuation alone ('"', "-", "&|!") makes an empty text query: no text filter.
        text = self.cleaned_data["q"]
        return text if re.search(r"\w", text) else ""

    def clean_salary_currency(self) -> str:
        code = self.cleaned_data["salary_currency"].strip()
        if code and (error := rates.currency_error(code)):
            raise forms.ValidationError(error, code="invalid_currency")
        return code.upper()

    def clean_where(self) -> str:
        text = " ".join(self.cleaned_data["where"].split())
        self.place = None
        if text:
            self.place = places.find(text, tuple(self.cleaned_data.get("country", ())))
            if self.place is None:
                raise forms.ValidationError(
                    _(
                        "We do not know a city called “%(name)s”. Check the spelling, or try a"
                        " larger town nearby."
                    ),
                    code="unknown_city",
                    params={"name": text},
                )
        return text

    def filters(self) -> Filters:
        """The valid filters; an invalid one is left out."""
        self.is_valid()
        filters = {name: value for name, value in self.cleaned_data.items() if value}
        if "salary_min" not in filters or filters.get("salary_period") == "year":
            # A currency or a period alone filters nothing, and "year" is the default: one
            # search, one shape (alerts save it).
            filters.pop("salary_period", None)
        if "salary_min" not in filters:
            filters.pop("salary_currency", None)
        if filters.get("where"):
            filters["place"] = self.place
            filters["radius"] = filters.get("radius") or places.DEFAULT_RADIUS
        else:  # a distance from nowhere
            filters.pop("radius", None)
        if "category" in filters:
            filters["category"] = self.categories[filters["category"]]
        if "country" in self.errors:
            # One unknown code must not drop the known ones beside it.
            data = cast(QueryDict, self.data)
            if kept := [code for code in data.getlist("country") if code in countries]:
                filters["country"] = kept
        return Filters(**filters)
