from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Category, Posting


class PostingFilterForm(forms.Form):
    """The list page's query string. Invalid values are reported and dropped; valid ones apply."""

    q = forms.CharField(label=_("Keywords"), required=False, max_length=200)
    country = forms.MultipleChoiceField(
        label=_("Country"), required=False, choices=lambda: [(c.code, c.name) for c in countries]
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

    def __init__(self, data, *, categories: list[Category]) -> None:
        super().__init__(data)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.slug, category.name) for category in categories
        ]

    def filters(self) -> dict:
        """The valid, non-empty filters."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
