"""Pages, feeds and API answers leave the application compressed for clients that accept it."""

import gzip

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/fr/jobs/", "/fr/jobs/feed/", "/api/v1/postings?language=fr"])
def test_it_compresses_for_clients_that_accept_gzip(client, django_assert_max_num_queries, path):
    for n in range(30):
        factories.live_posting(language="fr", country="FR", title=f"Boulanger {n}")
    plain = client.get(path)
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]

    # The page cache stores what the view made, and each client gets its own encoding of it.
    for _ in range(2):
        with django_assert_max_num_queries(3):
            packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert packed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed["Vary"]
        assert gzip.decompress(packed.content) == plain.content
        assert len(packed.content) < len(plain.content) / 3
    again = client.get(path)
    assert "Content-Encoding" not in again and again.content == plain.content


def test_it_pads_each_compressed_page_differently(client):
    """BREACH: a secret's compressed length must not be readable from one answer to the next."""
    factories.live_posting(language="fr", country="FR", title="Boulangère")
    sizes = {
        len(client.get("/fr/alerts/new/", headers={"Accept-Encoding": "gzip"}).content)
        for _ in range(8)
    }
    assert len(sizes) > 1
