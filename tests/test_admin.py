import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from postings.models import Posting
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("admin", "admin@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client


def posting_form(company, **fields) -> dict:
    data = {
        "language": "de",
        "title": "Entwicklerin Python",
        "company": company.pk,
        "category": "",
        "status": "published",
        "country": "AT",
        "city": "Wien",
        "remote": "hybrid",
        "employment_type": "full_time",
        "description": "<p>Hallo <script>alert(1)</script></p>",
        "responsibilities": "",
        "requirements": "",
        "nice_to_have": "",
        "salary_min": "50000",
        "salary_max": "60000",
        "salary_currency": "EUR",
        "salary_period": "year",
        "apply_url": "jobs.example/1",
        "apply_email": "",
        "published_at_0": "",
        "published_at_1": "",
        "expires_at_0": "",
        "expires_at_1": "",
        "translation_group": "",
    }
    data.update(fields)
    return data


def test_it_publishes_a_posting_written_in_the_admin(admin_client, client):
    company = factories.company("Acme")
    assert admin_client.get("/admin/postings/posting/add/").status_code == 200
    response = admin_client.post(
        "/admin/postings/posting/add/", posting_form(company, _submit="Publish")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    posting = Posting.objects.get()
    assert posting.is_live, "a moderator's posting needs no review"
    assert posting.published_at <= timezone.now()
    assert (posting.expires_at - posting.published_at).days == 30
    assert "script" not in posting.description
    assert posting.apply_url == "https://jobs.example/1"
    assert "Entwicklerin Python" in client.get("/de/jobs/").content.decode()


def test_it_shows_a_salary_error_next_to_the_field(admin_client):
    company = factories.company("Acme")
    response = admin_client.post(
        "/admin/postings/posting/add/",
        posting_form(company, salary_min="90000", salary_max="10000"),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert not Posting.objects.exists()
    errors = response.context["adminform"].form.errors
    assert "salary_max" in errors


def test_it_edits_categories_in_every_language(admin_client):
    response = admin_client.get("/admin/postings/category/")
    assert response.status_code == 200
    category = factories.category("sales")
    html = admin_client.get(f"/admin/postings/category/{category.pk}/change/").content.decode()
    for code in ("en", "fr", "de", "es", "it", "nl", "pl", "pt"):
        assert f'name="name_{code}"' in html


def test_it_names_a_postings_timestamps_in_the_panels_language(admin_client):
    posting = factories.live_posting()
    response = admin_client.get(
        f"/admin/postings/posting/{posting.pk}/change/", HTTP_ACCEPT_LANGUAGE="es"
    )
    html = response.content.decode()
    assert "Fecha de creación" in html and "Fecha de actualización" in html
    assert "Created at" not in html and "Updated at" not in html
