"""Tenancy in the panel: a recruiter or company admin of Alpha tries every admin URL, method
and forged form with Bravo's ids. Nothing of Bravo shows, nothing of Bravo changes."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.forms.models import model_to_dict
from django.test import Client

from accounts.models import Invitation, Membership
from postings.models import Company, ImportRun, ImportSource, Posting
from tests import factories

pytestmark = pytest.mark.django_db

# Every one of these marks Bravo's data; none may appear in a response to Alpha's people.
BRAVO_MARKS = ["Bravo Industries", "Secret Bravo draft", "Bravo live job", "bravo-ats", "bob@bravo"]


@pytest.fixture
def board(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    alpha, bravo = factories.company("Alpha Works"), factories.company("Bravo Industries")
    bravo_admin = factories.company_admin(bravo, "bob@bravo.example")
    source = ImportSource.objects.create(
        company=bravo, name="bravo-ats", feed=ContentFile("[]", name="feed.json")
    )
    return {
        "alpha": alpha,
        "alpha_posting": factories.draft_posting(company=alpha, title="Alpha draft"),
        "recruiter": factories.recruiter(alpha, "rita@alpha.example"),
        "admin": factories.company_admin(alpha, "ada@alpha.example"),
        "bravo": bravo,
        "draft": factories.draft_posting(company=bravo, title="Secret Bravo draft"),
        "live": factories.live_posting(company=bravo, title="Bravo live job"),
        "source": source,
        "run": ImportRun.objects.create(source=source),
        "membership": Membership.objects.get(user=bravo_admin),
        "invitation": Invitation.objects.create(company=bravo, email="new@bravo.example"),
    }


def bravo_rows(board) -> list[dict]:
    """Every row of Bravo's, as the database holds it."""
    objects = [
        board["bravo"],
        board["draft"],
        board["live"],
        board["source"],
        board["run"],
        board["membership"],
        board["invitation"],
    ]
    rows = []
    for obj in objects:
        fresh = type(obj).objects.get(pk=obj.pk)
        rows.append({key: str(value) for key, value in model_to_dict(fresh).items()})
    return rows


def assert_nothing_of_bravo(response) -> None:
    body = response.content.decode()
    for mark in BRAVO_MARKS:
        assert mark not in body, f"{mark!r} leaked into {response.request['PATH_INFO']}"


def get_urls(board) -> list[str]:
    draft, live, source, run = board["draft"], board["live"], board["source"], board["run"]
    membership, invitation, bravo = board["membership"], board["invitation"], board["bravo"]
    posting_type = ContentType.objects.get_for_model(Posting).pk
    return [
        "/admin/",
        "/admin/postings/posting/",
        "/admin/postings/posting/?q=Bravo",
        f"/admin/postings/posting/?company__id__exact={bravo.pk}",
        f"/admin/postings/posting/{draft.pk}/change/",
        f"/admin/postings/posting/{live.pk}/change/",
        f"/admin/postings/posting/{draft.pk}/delete/",
        f"/admin/postings/posting/{draft.pk}/history/",
        f"/admin/postings/posting/{draft.pk}/preview/",
        f"/admin/postings/posting/{draft.pk}/duplicate/",
        "/admin/postings/company/",
        "/admin/postings/company/?_popup=1&_to_field=id",  # the raw-id lookup
        f"/admin/postings/company/{bravo.pk}/change/",
        f"/admin/postings/company/{bravo.pk}/history/",
        f"/admin/postings/company/{bravo.pk}/dashboard/",
        "/admin/postings/importsource/",
        f"/admin/postings/importsource/{source.pk}/change/",
        "/admin/postings/importrun/",
        f"/admin/postings/importrun/{run.pk}/change/",
        f"/admin/postings/importrun/{run.pk}/progress/",
        f"/admin/postings/importrun/{run.pk}/rejected.csv",
        "/admin/accounts/apitoken/",
        "/admin/accounts/membership/",
        f"/admin/accounts/membership/{membership.pk}/change/",
        "/admin/accounts/invitation/",
        f"/admin/accounts/invitation/{invitation.pk}/change/",
        "/admin/postings/postingforreview/",
        f"/admin/postings/postingforreview/{draft.pk}/change/",
        "/admin/autocomplete/?app_label=postings&model_name=posting&field_name=company&term=Bra",
        "/admin/autocomplete/?app_label=postings&model_name=importsource&field_name=company",
        f"/admin/r/{posting_type}/{draft.pk}/",  # "view on site" would spell the draft's slug
        "/admin/auth/user/",
        "/admin/axes/accessattempt/",
    ]


def post_attempts(board) -> list[tuple[str, dict]]:
    """Forged forms: Bravo's ids in Alpha's forms, or Bravo's objects in Alpha's actions."""
    alpha, bravo = board["alpha"], board["bravo"]
    draft, live, membership = board["draft"], board["live"], board["membership"]
    posting = {
        "language": "en",
        "title": "Moved",
        "company": bravo.pk,
        "category": "",
        "country": "GB",
        "city": "",
        "remote": "onsite",
        "employment_type": "full_time",
        "description": "<p>x</p>",
        "responsibilities": "",
        "requirements": "",
        "nice_to_have": "",
        "salary_min": "",
        "salary_max": "",
        "salary_currency": "",
        "salary_period": "",
        "apply_url": "",
        "apply_email": "",
    }
    selected = {"index": "0", "_selected_action": [draft.pk, live.pk]}
    return [
        # Alpha's own posting moved to Bravo by editing the form data.
        (f"/admin/postings/posting/{board['alpha_posting'].pk}/change/", posting),
        ("/admin/postings/posting/add/", posting),
        (f"/admin/postings/posting/{draft.pk}/change/", {**posting, "company": alpha.pk}),
        (f"/admin/postings/posting/{draft.pk}/change/", {**posting, "_submit": "1"}),
        (f"/admin/postings/posting/{live.pk}/change/", {**posting, "_close": "1"}),
        (f"/admin/postings/posting/{draft.pk}/delete/", {"post": "yes"}),
        (f"/admin/postings/posting/{draft.pk}/duplicate/", {"language": "fr"}),
        ("/admin/postings/posting/", {**selected, "action": "delete_selected", "post": "yes"}),
        ("/admin/postings/posting/", {**selected, "action": "close_selected"}),
        ("/admin/postings/posting/", {**selected, "action": "renew_selected"}),
        ("/admin/postings/posting/", {**selected, "action": "export_csv"}),
        (
            f"/admin/postings/company/{bravo.pk}/change/",
            {
                "name": "Taken over",
                "slug": "taken",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        ),
        (
            # An inline row of Bravo's membership slipped into Alpha's company form.
            f"/admin/postings/company/{alpha.pk}/change/",
            {
                "name": alpha.name,
                "slug": alpha.slug,
                "website": "",
                "description": "",
                "memberships-TOTAL_FORMS": "1",
                "memberships-INITIAL_FORMS": "1",
                "memberships-0-id": membership.pk,
                "memberships-0-company": alpha.pk,
                "memberships-0-role": "recruiter",
            },
        ),
        (
            # A forged list_editable row: Bravo's membership in Alpha's membership list.
            "/admin/accounts/membership/",
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-MIN_NUM_FORMS": "0",
                "form-MAX_NUM_FORMS": "1000",
                "form-0-id": membership.pk,
                "form-0-role": "recruiter",
                "_save": "Save",
            },
        ),
        (f"/admin/accounts/membership/{membership.pk}/delete/", {"post": "yes"}),
        (
            "/admin/accounts/invitation/add/",
            {"company": bravo.pk, "email": "mole@alpha.example", "role": "admin"},
        ),
        (f"/admin/accounts/invitation/{board['invitation'].pk}/delete/", {"post": "yes"}),
        (
            "/admin/postings/importsource/add/",
            {"company": bravo.pk, "name": "hijack", "format": "auto", "default_language": ""},
        ),
        (
            f"/admin/postings/importsource/{board['source'].pk}/change/",
            {"company": alpha.pk, "name": "bravo-ats", "format": "json"},
        ),
        (
            "/admin/postings/importsource/",
            {"index": "0", "_selected_action": [board["source"].pk], "action": "import_now"},
        ),
        (f"/admin/postings/postingforreview/{draft.pk}/change/", {"_approve": "1"}),
    ]


@pytest.mark.parametrize("who", ["recruiter", "admin"])
def test_it_keeps_every_admin_url_inside_the_users_company(client, board, who):
    client.force_login(board[who])
    for url in get_urls(board):
        response = client.get(url, follow=True)
        assert response.status_code in (200, 403, 404), url
        assert_nothing_of_bravo(response)


@pytest.mark.parametrize("who", ["recruiter", "admin"])
def test_it_changes_nothing_of_another_company_with_forged_posts(board, who):
    before = bravo_rows(board)
    postings_before = Posting.objects.count()
    client = Client(raise_request_exception=False)  # a refusal may be a 400 page
    client.force_login(board[who])
    for url, data in post_attempts(board):
        response = client.post(url, data, follow=True)
        assert response.status_code in (200, 400, 403, 404), url
        assert_nothing_of_bravo(response)
        assert bravo_rows(board) == before, f"{url} changed Bravo's data"
    assert Posting.objects.count() == postings_before, "no posting was added"
    assert not Invitation.objects.filter(email="mole@alpha.example").exists()
    assert not ImportSource.objects.filter(name="hijack").exists()
    assert ImportRun.objects.filter(source=board["source"]).count() == 1
    assert Posting.objects.get(pk=board["alpha_posting"].pk).company == board["alpha"]


def test_it_shows_a_recruiter_their_own_company_data(client, board):
    client.force_login(board["recruiter"])
    body = client.get("/admin/postings/posting/").content.decode()
    assert "Alpha draft" in body
    form = client.get("/admin/postings/posting/add/").context["adminform"].form
    assert list(form.fields["company"].queryset) == [board["alpha"]]
    assert form.initial["company"] == board["alpha"].pk


def test_it_lets_a_company_admin_change_roles_in_their_company(client, board):
    client.force_login(board["admin"])
    rita = Membership.objects.get(user=board["recruiter"])
    response = client.post(
        "/admin/accounts/membership/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": rita.pk,
            "form-0-role": "admin",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    rita.refresh_from_db()
    assert rita.role == Membership.Role.ADMIN


def test_it_keeps_recruiters_out_of_people_and_company_settings(client, board):
    client.force_login(board["recruiter"])
    assert client.get("/admin/accounts/membership/").status_code == 403, "admins manage people"
    assert client.get("/admin/accounts/invitation/add/").status_code == 403
    response = client.post(
        f"/admin/postings/company/{board['alpha'].pk}/change/",
        {"name": "Renamed by a recruiter", "slug": "renamed"},
    )
    assert response.status_code == 403
    assert Company.objects.get(pk=board["alpha"].pk).name == "Alpha Works"


def test_it_lets_a_moderator_see_every_company(client, board):
    client.force_login(factories.moderator())
    body = client.get("/admin/postings/posting/").content.decode()
    assert "Secret Bravo draft" in body and "Alpha draft" in body
