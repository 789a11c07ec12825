import pytest

from tests import factories
from tests.conftest import select_options

pytestmark = pytest.mark.django_db


def test_it_sorts_the_polish_country_list_by_the_polish_alphabet(client):
    # Polish letters with diacritics are letters of their own: "ł" after "l", "ó" after "o".
    # The root collation order puts "Łotwa" before "Luksemburg"; a Polish reader looks for it
    # after every "L".
    for country in ("LV", "LU", "KP", "KR"):
        factories.live_posting(language="pl", country=country)

    listed = select_options(client.get("/pl/jobs/").content.decode(), "country")

    assert [label for _, label in listed] == [
        "Korea Południowa (1)",
        "Korea Północna (1)",
        "Luksemburg (1)",
        "Łotwa (1)",
    ]


def test_it_keeps_umlauts_beside_their_base_letter_in_german(client):
    for country in ("AT", "DE", "CH"):
        factories.live_posting(language="de", country=country)

    listed = select_options(client.get("/de/jobs/").content.decode(), "country")

    assert [code for code, _ in listed] == ["DE", "AT", "CH"]
