from django import template

from ..models import Posting
from ..rates import Conversion

register = template.Library()


@register.filter
def converted(posting: Posting, conversion: Conversion | str) -> str:
    """ "≈ 98 300 €" for a salary in another currency than the seeker's, on the pages whose view
    passes a `salary_conversion`; "" elsewhere (the template's empty value)."""
    return conversion.of(posting) if isinstance(conversion, Conversion) else ""
