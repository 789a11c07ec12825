import re

import pytest
from django.test import Client


@pytest.fixture
def client() -> Client:
    # Every request states its language through the URL prefix; no Accept-Language leaks in.
    return Client()


def select_options(html: str, name: str) -> list[tuple[str, str]]:
    """(value, text) of the options of <select name=NAME>, skipping the empty "all" option."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}> on the page"
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(1))
    return [(value, text.strip()) for value, text in options if value]
