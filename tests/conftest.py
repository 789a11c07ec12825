import re

import pytest
from django.core.cache import cache
from django.db import connections


@pytest.fixture(scope="session", autouse=True)
def _close_connection_pool(django_db_setup):
    """Close the psycopg pool before the test database is dropped: it keeps connections open."""
    yield
    for connection in connections.all():
        connection.close()  # hand the main thread's connection back first
        connection.close_pool()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Tests roll their writes back, so data versions repeat from test to test: start each
    with an empty page cache."""
    cache.clear()


@pytest.fixture
def query_counts(client, settings, django_assert_max_num_queries):
    """The queries of an uncached page with 2, then 25 postings per page, at most `most` each."""

    def measure(url: str, *, most: int) -> list[int]:
        counts = []
        for per_page in (2, 25):
            settings.POSTINGS_PER_PAGE = per_page
            cache.clear()
            with django_assert_max_num_queries(most) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries.captured_queries))
        return counts

    return measure


def select_options(html: str, name: str) -> list[tuple[str, str]]:
    """(value, text) of the options of <select name=NAME>, skipping the empty "all" option."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}> on the page"
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(1))
    return [(value, text.strip()) for value, text in options if value]
