from collections.abc import Mapping
from typing import Any

from django.db import models

# A recruiter types "example.com": it is a web address.
URL_FIELDS: "Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]" = {
    models.URLField: {"assume_scheme": "https"}
}
