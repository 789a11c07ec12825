from django.db import models

# A recruiter types "example.com": it is a web address.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}
