"""Schemathesis: generated requests against the OpenAPI document; no server error, and every
response matches the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from jobboard.wsgi import application
from postings import places
from tests import factories

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def in_test_transaction():
    """Requests through the WSGI application keep the test's connection, as the test client's
    do: closing it at the end of a request would leave the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def some_postings(db):
    factories.live_posting(
        language="fr", country="BE", salary_min=40000, salary_currency="EUR", salary_period="year"
    )
    factories.live_posting(language="en", country="GB", remote="remote")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_answers_every_request_as_documented(case, in_test_transaction, some_postings):
    # Its WSGI transport asks for gzip and does not decode it, where an HTTP client would.
    # A "where" that no city is called is refused with its message (422), whatever its shape.
    where = (case.query or {}).get("where")
    unknown_city = bool(where) and places.find(str(where)) is None
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"},
        excluded_checks=[positive_data_acceptance] if unknown_city else [],
    )
