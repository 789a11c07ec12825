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


def select_options(html: str, name: str) -> list[tuple[str, str]]:
    """(value, text) of the options of <select name=NAME>, skipping the empty "all" option."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}> on the page"
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(1))
    return [(value, text.strip()) for value, text in options if value]
