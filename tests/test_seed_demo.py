from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count

from postings.models import Company, Posting
from tests import factories

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def live_countries(language: str) -> set[str]:
    return set(
        Posting.objects.live().in_language(language).values_list("country", flat=True).distinct()
    )


def test_it_fills_an_empty_board_in_every_language_with_real_skew(client):
    assert "Created" in seed()
    per_language = dict(
        Posting.objects.live().values_list("language").annotate(n=Count("id")).order_by()
    )
    assert set(per_language) == {code for code, _name in settings.LANGUAGES}
    assert max(per_language, key=per_language.get) == "en"
    assert {"FR", "BE", "LU", "CH", "CA"} <= live_countries("fr")
    assert {"DE", "AT", "CH", "LU"} <= live_countries("de")
    assert live_countries("pl") == {"PL"}
    statuses = set(Posting.objects.values_list("status", flat=True))
    assert statuses == set(Posting.Status.values)
    assert Posting.objects.live().filter(remote=Posting.Remote.REMOTE).exists()
    grouped = Posting.objects.live().exclude(translation_group=None)
    assert grouped.values("translation_group").distinct().count() >= 10
    # The language rule is visible at a glance: each version lists its own countries.
    fr = client.get("/fr/").content.decode()
    de = client.get("/de/").content.decode()
    assert 'href="/fr/jobs/?country=BE"' in fr and 'href="/de/jobs/?country=BE"' not in de
    assert 'href="/de/jobs/?country=AT"' in de and 'href="/fr/jobs/?country=AT"' not in fr


def test_it_does_nothing_when_postings_exist():
    seed()
    count = Posting.objects.count()
    assert "nothing to do" in seed()
    assert Posting.objects.count() == count


def test_it_is_deterministic():
    seed()
    first = list(Posting.objects.order_by("external_id").values_list("external_id", "title"))
    Company.objects.all().delete()  # and their postings
    seed()
    second = list(Posting.objects.order_by("external_id").values_list("external_id", "title"))
    assert first == second


def test_it_leaves_a_board_with_companies_alone():
    factories.company("Acme")
    assert "nothing to do" in seed()
    assert not Posting.objects.exists()


def test_it_prints_demo_logins_that_open_the_panel_on_a_development_machine(client, settings):
    settings.DEBUG = True
    out = seed()
    assert "admin@demo.example" in out and "'demo-jobboard'" in out
    for email in ("moderator@demo.example", "admin@demo.example", "recruiter@demo.example"):
        client.post("/admin/login/", {"username": email, "password": "demo-jobboard"})
        assert client.get("/admin/postings/posting/").status_code == 200, email
        client.logout()
    assert "admin@demo.example" in seed(), "printed again on the next start"


def test_it_creates_no_demo_login_in_production(settings):
    settings.DEBUG = False
    assert "demo.example" not in seed()
    assert not User.objects.filter(email__endswith="@demo.example").exists()
