"""Review policy for imports: when review is required, the postings an untrusted company sends
through its feeds or the partner API wait in the moderation queue like the ones it writes by
hand; a trusted company and the operator's import_postings publish at once."""

import json
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from accounts.models import ApiToken
from postings import services
from postings.models import ImportRun, ImportSource, Posting
from tests import factories
from tests.conftest import hidden_value

pytestmark = pytest.mark.django_db


def row(external_id: str, title: str) -> dict:
    return {
        "external_id": external_id,
        "language": "fr",
        "title": title,
        "company": "Dubois",
        "country": "FR",
        "description": "<p>Atelier</p>",
    }


def run_feed(company, rows: list[dict]) -> ImportRun:
    source, _created = ImportSource.objects.get_or_create(
        company=company, name=f"feed-{company.pk}", defaults={"feed": "x"}
    )
    source.feed = ContentFile("\n".join(json.dumps(r) for r in rows), name="feed.jsonl")
    source.save()
    run = ImportRun.objects.create(source=source)
    services.run_import(run=run)
    run.refresh_from_db()
    return run


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.POSTING_REVIEW_REQUIRED = True


@pytest.fixture
def dubois():
    return factories.company("Dubois")


def test_it_holds_an_untrusted_companys_feed_for_review_until_a_moderator_approves(client, dubois):
    run = run_feed(dubois, [row("1", "Soudeur"), row("2", "Tourneur")])
    assert (run.status, run.created) == ("succeeded", 2)
    postings = list(Posting.objects.filter(company=dubois).order_by("external_id"))
    assert [(p.status, p.is_live) for p in postings] == [("pending", False)] * 2
    assert "Soudeur" not in client.get("/fr/jobs/").content.decode()

    client.force_login(factories.moderator())
    queue = client.get("/admin/postings/postingforreview/").content.decode()
    assert "Soudeur" in queue and "Tourneur" in queue
    response = client.post(
        "/admin/postings/postingforreview/",
        {
            "action": "approve_selected",
            "_selected_action": [p.pk for p in postings],
            "shown_at": hidden_value(queue, "shown_at"),
        },
        follow=True,
    )
    assert "2 postings approved." in response.content.decode()
    for posting in postings:
        posting.refresh_from_db()
        assert posting.is_live
    assert "Soudeur" in client.get("/fr/jobs/").content.decode()

    # A change from the feed takes the approved posting offline until it is approved again.
    run_feed(dubois, [row("1", "Soudeur senior"), row("2", "Tourneur")])
    changed, same = (Posting.objects.get(company=dubois, external_id=i) for i in ("1", "2"))
    assert (changed.title, changed.status, same.status) == (
        "Soudeur senior",
        "pending",
        "published",
    )


def test_it_holds_an_untrusted_companys_partner_api_posting_for_review(client, dubois):
    token = ApiToken(company=dubois, name="ATS")
    key = token.generate_key()
    token.save()
    body = {k: v for k, v in row("REQ-1", "Soudeuse").items() if k != "external_id"}
    response = client.put(
        "/api/v1/partner/postings/REQ-1",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    posting = Posting.objects.get(company=dubois, external_id="REQ-1")
    assert not posting.is_live and posting.submitted_at is not None


def test_it_publishes_at_once_for_a_trusted_company_or_without_required_review(settings, dubois):
    dubois.trusted = True
    dubois.save()
    run_feed(dubois, [row("1", "Soudeur")])
    assert Posting.objects.get(company=dubois).is_live

    settings.POSTING_REVIEW_REQUIRED = False
    other = factories.company("Martin")
    run_feed(other, [row("1", "Fraiseur")])
    assert Posting.objects.get(company=other).is_live


def test_it_publishes_the_operators_command_line_import_at_once(tmp_path, dubois):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([row("1", "Soudeur")]))
    call_command("import_postings", str(path), stdout=StringIO())
    assert Posting.objects.get(company=dubois).is_live


def test_it_never_approves_text_the_moderator_did_not_see(client, dubois):
    """A feed changes a waiting posting while a moderator reads it (or after the queue was
    listed): approving what was shown must not publish what came after."""
    run_feed(dubois, [row("REQ-1", "Soudeuse"), row("REQ-2", "Chaudronnier")])
    first, second = Posting.objects.filter(company=dubois).order_by("external_id")
    client.force_login(factories.moderator())
    review = f"/admin/postings/postingforreview/{first.pk}/change/"
    page = client.get(review).content.decode()
    assert "Soudeuse" in page and 'name="shown_at"' in page
    shown_at = hidden_value(page, "shown_at")
    listing = client.get("/admin/postings/postingforreview/").content.decode()
    listed_at = hidden_value(listing, "shown_at")

    phishing = {**row("REQ-1", "Soudeuse"), "apply_url": "https://evil.example/pay"}
    run_feed(dubois, [phishing, {**phishing, "external_id": "REQ-2", "title": "Chaudronnier"}])
    response = client.post(review, {"comment": "", "_approve": "1", "shown_at": shown_at})
    assert response.status_code == 200
    assert "changed while you were reading it" in response.content.decode()
    assert "evil.example/pay" in response.content.decode(), "the new text is shown to review"
    response = client.post(
        "/admin/postings/postingforreview/",
        {"action": "approve_selected", "_selected_action": [second.pk], "shown_at": listed_at},
        follow=True,
    )
    assert "changed since the list was shown" in response.content.decode()
    for posting in (first, second):
        posting.refresh_from_db()
        assert posting.status == Posting.Status.PENDING
