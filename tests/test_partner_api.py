"""The partner write API: a company's token creates, updates, renews and closes its postings by
external id; tokens are made and revoked in the panel and stored as digests."""

import re

import pytest

from accounts.models import ApiToken
from postings.models import Posting
from tests import factories

pytestmark = pytest.mark.django_db

ROW = {
    "language": "fr",
    "title": "Soudeuse TIG",
    "country": "FR",
    "city": "Lyon",
    "description": "<p>Atelier de chaudronnerie.</p><script>alert(1)</script>",
    "salary_min": 32000,
    "salary_max": 38000,
    "salary_currency": "EUR",
    "salary_period": "year",
    "apply_url": "https://ats.example/apply/1",
}


def make_key(company) -> str:
    token = ApiToken(company=company, name="ATS")
    key = token.generate_key()
    token.save()
    return key


@pytest.fixture
def acme():
    return factories.trusted_company("Acme")


@pytest.fixture
def api(client, acme):
    """A client that calls as Acme's ATS."""
    key = make_key(acme)

    def call(method: str, path: str, body: dict | None = None, *, key: str = key, **environ):
        return getattr(client, method)(
            f"/api/v1/partner{path}",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
            **environ,
        )

    return call


def test_it_creates_then_updates_a_posting_by_external_id(api, acme, client):
    response = api("put", "/postings/REQ-1", ROW)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["outcome"] == "created" and created["status"] == "published"
    posting = Posting.objects.get(external_id="REQ-1")
    assert posting.company == acme and "script" not in posting.description
    assert client.get(posting.get_absolute_url()).status_code == 200
    assert "Soudeuse TIG" in client.get("/fr/jobs/").content.decode()

    response = api("put", "/postings/REQ-1", {**ROW, "title": "Soudeuse TIG confirmée"})
    assert response.status_code == 200 and response.json()["outcome"] == "updated"
    assert (
        api("put", "/postings/REQ-1", {**ROW, "title": "Soudeuse TIG confirmée"}).json()["outcome"]
        == "unchanged"
    )
    assert Posting.objects.filter(external_id="REQ-1").count() == 1
    assert api("get", "/postings/REQ-1").json()["title"] == "Soudeuse TIG confirmée"


def test_it_renews_and_closes_a_posting(api, client):
    api("put", "/postings/REQ-2", ROW)
    response = api("post", "/postings/REQ-2/close")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    posting = Posting.objects.get(external_id="REQ-2")
    assert client.get(posting.get_absolute_url()).status_code == 410
    response = api("post", "/postings/REQ-2/renew")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "invalid_transition"
    assert api("post", "/postings/NOPE/renew").status_code == 404


def test_it_renews_an_expired_posting(api):
    api(
        "put",
        "/postings/REQ-3",
        {**ROW, "published_at": "2026-01-01T00:00:00Z", "expires_at": "2026-02-01T00:00:00Z"},
    )
    assert Posting.objects.get(external_id="REQ-3").status == Posting.Status.EXPIRED
    response = api("post", "/postings/REQ-3/renew")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert Posting.objects.get(external_id="REQ-3").is_live


def test_it_answers_errors_per_field_and_keeps_nothing_of_a_bad_posting(api):
    response = api(
        "put", "/postings/REQ-4", {**ROW, "country": "ZZ", "language": "xx", "title": ""}
    )
    assert response.status_code == 422
    errors = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert {("country", "invalid_choice"), ("language", "invalid_choice")} <= errors
    assert ("title", "required") in errors
    response = api("put", "/postings/REQ-4", {**ROW, "salary_min": 90000, "salary_max": 10})
    assert response.status_code == 422 and "salary" in response.json()["errors"][0]["message"]
    response = api("put", "/postings/REQ-4", {**ROW, "title": {"nested": "object"}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "title"
    assert not Posting.objects.filter(external_id="REQ-4").exists()


def test_it_refuses_a_missing_wrong_or_revoked_token(api, acme):
    assert api("put", "/postings/REQ-5", ROW, key="").status_code == 401
    assert api("put", "/postings/REQ-5", ROW, key="jb_not-a-real-key").status_code == 401
    key = make_key(acme)
    assert api("get", "/postings/REQ-5", key=key).status_code == 404
    token = ApiToken.objects.get(digest=ApiToken.digest_of(key))
    assert token.last_used_at is not None
    token.revoke(by=factories.company_admin(acme))
    assert api("get", "/postings/REQ-5", key=key).status_code == 401
    assert not Posting.objects.filter(external_id="REQ-5").exists()


def test_it_keeps_each_companys_postings_to_its_own_token(api, client):
    api("put", "/postings/SHARED", ROW)
    globex_key = make_key(factories.company("Globex"))
    # Globex's ATS uses the same external id: its own posting, Acme's untouched.
    response = api("get", "/postings/SHARED", key=globex_key)
    assert response.status_code == 404
    assert api("post", "/postings/SHARED/close", key=globex_key).status_code == 404
    response = api("put", "/postings/SHARED", {**ROW, "title": "Globex"}, key=globex_key)
    assert response.status_code == 201
    titles = dict(Posting.objects.values_list("company__name", "title"))
    assert titles == {"Acme": "Soudeuse TIG", "Globex": "Globex"}


def test_it_shows_a_new_key_once_and_stores_only_its_digest(client, acme):
    admin = factories.company_admin(acme)
    client.force_login(admin)
    response = client.post("/admin/accounts/apitoken/add/", {"company": acme.pk, "name": "ATS"})
    assert response.status_code == 200
    key = re.search(r'<code class="api-key"[^>]*>([^<]+)</code>', response.content.decode())[1]
    token = ApiToken.objects.get()
    assert token.digest == ApiToken.digest_of(key) and key not in token.digest
    assert token.created_by == admin and key.startswith(token.hint)
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert key not in listing and token.hint in listing

    client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke_selected", "_selected_action": [token.pk], "index": "0"},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = client.get("/api/v1/partner/postings/X", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_it_records_who_revoked_each_token_of_a_bulk_revocation(client, acme):
    make_key(acme), make_key(acme)
    earlier = ApiToken.objects.create(company=acme, name="Old", digest="x" * 64)
    earlier.revoke(by=factories.company_admin(acme))
    admin = factories.company_admin(acme)
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/apitoken/",
        {
            "action": "revoke_selected",
            "_selected_action": list(ApiToken.objects.values_list("pk", flat=True)),
            "index": "0",
        },
        follow=True,
    )
    assert "2 tokens revoked." in response.content.decode()
    revoked = sorted((token.name, token.revoked_by_id) for token in ApiToken.objects.all())
    assert revoked == [("ATS", admin.pk), ("ATS", admin.pk), ("Old", earlier.revoked_by_id)]
    # The earlier revocation stands as it was.
    assert ApiToken.objects.get(name="Old").revoked_at == earlier.revoked_at


def test_it_keeps_tokens_to_company_admins_of_their_company(client, acme):
    other = factories.company("Globex")
    make_key(other)
    client.force_login(factories.recruiter(acme))
    assert client.get("/admin/accounts/apitoken/").status_code == 403
    client.force_login(factories.company_admin(acme))
    assert client.get("/admin/accounts/apitoken/").context["cl"].result_count == 0
    response = client.post("/admin/accounts/apitoken/add/", {"company": other.pk, "name": "x"})
    assert response.status_code == 200 and not ApiToken.objects.filter(company=acme).exists()
    assert ApiToken.objects.count() == 1


def test_it_limits_each_token_and_each_client(api, acme, client, settings):
    """An ATS (or whoever holds its key) gets PARTNER_API_RATE_LIMIT calls whatever address it
    calls from; other tokens keep theirs."""
    settings.PARTNER_API_RATE_LIMIT = "5/m"
    statuses = [
        api("get", "/postings/REQ-1", REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(7)
    ]
    assert statuses == [404] * 5 + [429] * 2
    other = make_key(factories.company("Other"))
    assert api("get", "/postings/REQ-1", key=other).status_code == 404


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"published_at": "9999-12-31T00:00:00Z"}, "published_at"),
        ({"expires_at": "9999-12-31T00:00:00Z"}, "expires_at"),
    ],
)
def test_it_answers_422_to_a_posting_dated_at_the_end_of_time(api, dates, field):
    response = api("put", "/postings/REQ-9", {**ROW, **dates})
    assert response.status_code == 422, response.status_code
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert not Posting.objects.filter(external_id="REQ-9").exists()
