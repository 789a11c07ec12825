"""schema.org JobPosting JSON-LD, built in Python and serialised with json.dumps."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from .html import sanitize
from .models import Posting

EMPLOYMENT_TYPES: dict[str, str] = {
    Posting.EmploymentType.FULL_TIME: "FULL_TIME",
    Posting.EmploymentType.PART_TIME: "PART_TIME",
    Posting.EmploymentType.CONTRACT: "CONTRACTOR",
    Posting.EmploymentType.TEMPORARY: "TEMPORARY",
    Posting.EmploymentType.INTERNSHIP: "INTERN",
    Posting.EmploymentType.APPRENTICESHIP: "OTHER",
    Posting.EmploymentType.FREELANCE: "CONTRACTOR",
}

# Closing a script tag or opening a comment inside the JSON must not end the tag.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def job_posting_json_ld(posting: Posting) -> SafeString:
    # The same sanitised HTML as the page shows.
    body = "\n".join(
        sanitize(getattr(posting, name)) for name in Posting.HTML_FIELDS if getattr(posting, name)
    )
    # django-stubs types a CountryField as the CharField it extends; it reads as a Country.
    country = posting.country.code  # type: ignore[attr-defined]
    data: dict = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": posting.title,
        "description": body,
        "datePosted": posting.published_at.isoformat() if posting.published_at else None,
        "validThrough": posting.expires_at.isoformat() if posting.expires_at else None,
        "employmentType": EMPLOYMENT_TYPES[posting.employment_type],
        "inLanguage": posting.language,
        "url": f"{settings.SITE_URL}{posting.get_absolute_url()}",
        "hiringOrganization": {
            "@type": "Organization",
            "name": posting.company.name,
            **({"sameAs": posting.company.website} if posting.company.website else {}),
            **({"logo": posting.company.logo_url} if posting.company.logo_url else {}),
        },
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressCountry": country,
                **({"addressLocality": posting.city} if posting.city else {}),
            },
        },
        "directApply": False,
    }
    if posting.external_id:
        data["identifier"] = {
            "@type": "PropertyValue",
            "name": posting.company.name,
            "value": posting.external_id,
        }
    if posting.remote == Posting.Remote.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {
            "@type": "Country",
            "name": country,
        }
    if posting.salary_currency and (posting.salary_min or posting.salary_max):
        value: dict[str, object] = {
            "@type": "QuantitativeValue",
            "unitText": (posting.salary_period or "year").upper(),
        }
        if posting.salary_min:
            value["minValue"] = posting.salary_min
        if posting.salary_max:
            value["maxValue"] = posting.salary_max
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": posting.salary_currency,
            "value": value,
        }
    data = {key: value for key, value in data.items() if value is not None}
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308
