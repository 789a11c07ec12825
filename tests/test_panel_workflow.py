"""The publishing workflow of the panel: draft, preview, submit, approve or reject with a
mail in the recruiter's language, renew, close, expiry warnings; invitations; activity."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Invitation, Membership
from postings import services, tasks
from postings.models import Posting, PostingDay, TransitionError
from tests import factories
from tests.conftest import hidden_value

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"
FRENCH_TEXT = (
    "<p>Nous recherchons une personne rigoureuse pour affiner nos fromages dans nos caves "
    "de Liège. Vous travaillerez avec une équipe passionnée et apprendrez le métier.</p>"
)


def posting_form(company, **fields) -> dict:
    data = {
        "language": "fr",
        "title": "Affineur de fromages",
        "company": company.pk,
        "category": "",
        "country": "BE",
        "city": "Liège",
        "remote": "onsite",
        "employment_type": "full_time",
        "description": FRENCH_TEXT,
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
    data.update(fields)
    return data


def form_of(posting: Posting, **fields) -> dict:
    """The change form as the panel shows it for `posting`, with `fields` changed."""
    names = [name for name in posting_form(posting.company) if name != "company"]
    data = {name: getattr(posting, name) for name in names}
    data.update(company=posting.company_id, category=posting.category_id or "")
    # django-stubs types a CountryField as the CharField it extends; it reads as a Country.
    data["country"] = posting.country.code  # type: ignore[attr-defined]
    return {name: "" if value is None else value for name, value in {**data, **fields}.items()}


@pytest.fixture
def dubois(db):
    return factories.company("Fromagerie Dubois")


@pytest.fixture
def claire(dubois):
    return factories.recruiter(dubois, "claire@dubois.example", language="fr")


@pytest.mark.django_db
def test_it_saves_a_recruiters_posting_as_a_draft_then_queues_it_for_review(client, claire):
    client.force_login(claire)
    response = client.post(
        "/admin/postings/posting/add/",
        posting_form(Membership.objects.get(user=claire).company, status="published"),
    )
    assert response.status_code == 302
    posting = Posting.objects.get()
    assert posting.status == Posting.Status.DRAFT, "a recruiter cannot set the status"
    assert posting.created_by == claire
    assert client.get(f"/fr/jobs/{posting.pk}/{posting.slug}/").status_code == 404

    preview = client.get(f"/admin/postings/posting/{posting.pk}/preview/")
    assert preview.status_code == 200
    assert preview["X-Robots-Tag"] == "noindex"
    assert "caves de Liège" in preview.content.decode()
    assert 'class="preview-banner"' in preview.content.decode()

    data = posting_form(posting.company, _submit="1")
    response = client.post(f"/admin/postings/posting/{posting.pk}/change/", data)
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PENDING
    assert posting.submitted_by == claire and posting.submitted_at is not None


@pytest.mark.django_db
def test_it_publishes_at_once_for_a_trusted_company(client, dubois, claire):
    dubois.trusted = True
    dubois.save()
    client.force_login(claire)
    client.post("/admin/postings/posting/add/", posting_form(dubois, _submit="1"))
    posting = Posting.objects.get()
    assert posting.is_live
    assert (posting.expires_at - posting.published_at).days == 30
    assert client.get(posting.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_it_lets_only_moderators_mark_a_company_trusted(client, dubois):
    admin = factories.company_admin(dubois)
    client.force_login(admin)
    form = client.get(f"/admin/postings/company/{dubois.pk}/change/").context["adminform"].form
    assert "trusted" not in form.fields


@pytest.mark.django_db
def test_it_refuses_steps_that_the_status_does_not_allow(dubois):
    draft = factories.draft_posting(company=dubois)
    with pytest.raises(TransitionError):
        draft.approve(by=None)
    with pytest.raises(TransitionError):
        draft.renew()
    closed = factories.closed_posting(company=dubois)
    with pytest.raises(TransitionError):
        closed.submit(by=None)


@pytest.mark.django_db
def test_it_lists_pending_postings_oldest_first_with_their_language_warning(client, dubois):
    now = timezone.now()
    newer = factories.pending_posting(company=dubois, title="Newer", submitted_at=now)
    older = factories.pending_posting(
        company=dubois,
        title="Older",
        submitted_at=now - timedelta(hours=3),
        language="de",
        detected_language="fr",
    )
    factories.draft_posting(company=dubois, title="Not submitted")
    client.force_login(factories.moderator())
    response = client.get("/admin/postings/postingforreview/")
    assert [p.title for p in response.context["cl"].result_list] == ["Older", "Newer"]
    assert "Français" in response.content.decode()  # "looks like Français"
    assert newer.pk != older.pk


@pytest.mark.django_db
def test_it_keeps_recruiters_out_of_the_moderation_queue(client, claire):
    client.force_login(claire)
    assert client.get("/admin/postings/postingforreview/").status_code == 403


@pytest.mark.django_db
def test_it_asks_for_a_comment_to_reject(client, dubois):
    posting = factories.pending_posting(company=dubois, submitted_at=timezone.now())
    client.force_login(factories.moderator(language="fr"))
    url = f"/admin/postings/postingforreview/{posting.pk}/change/"
    response = client.post(url, {"_reject": "1", "comment": " "}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PENDING


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_mails_the_recruiter_in_their_language_on_approval_and_rejection(
    client, worker, mailbox, dubois, claire
):
    now = timezone.now()
    good = factories.pending_posting(
        company=dubois, title="Affineur", submitted_by=claire, submitted_at=now
    )
    bad = factories.pending_posting(
        company=dubois, title="Vendeur", submitted_by=claire, submitted_at=now
    )
    client.force_login(factories.moderator(language="de"))
    queue = "/admin/postings/postingforreview/"

    def decide(posting: Posting, **form: str):
        page = client.get(f"{queue}{posting.pk}/change/").content.decode()
        shown_at = hidden_value(page, "shown_at")
        return client.post(f"{queue}{posting.pk}/change/", {**form, "shown_at": shown_at})

    assert decide(good, _approve="1").status_code == 302
    comment = "Indiquez le salaire, s'il vous plaît."
    assert decide(bad, _reject="1", comment=comment).status_code == 302

    # Django folds long encoded subjects onto a second line; clients unfold without the space.
    messages = {m["Subject"].strip(): m for m in mailbox.wait_for(2)}
    assert set(messages) == {
        "Votre offre «\xa0Affineur\xa0» est en ligne",
        "Votre offre «\xa0Vendeur\xa0» doit être modifiée",
    }, "in French, Claire's language, not the moderator's German"
    assert all(m["To"] == "claire@dubois.example" for m in messages.values())
    approved = messages["Votre offre «\xa0Affineur\xa0» est en ligne"]
    assert good.get_absolute_url() in approved.get_body(("plain",)).get_content()
    rejected = messages["Votre offre «\xa0Vendeur\xa0» doit être modifiée"]
    assert comment in rejected.get_body(("plain",)).get_content()
    assert comment.replace("'", "&#x27;") in rejected.get_body(("html",)).get_content()

    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.is_live and good.reviewed_by is not None
    assert bad.status == Posting.Status.DRAFT and bad.review_comment == comment


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_warns_owners_once_before_expiry_and_again_after_a_renewal(mailbox, dubois, claire):
    now = timezone.now()
    soon = factories.live_posting(
        company=dubois,
        title="Expire bientôt",
        created_by=claire,
        expires_at=now + timedelta(days=3),
    )
    factories.live_posting(
        company=dubois, title="Plus tard", created_by=claire, expires_at=now + timedelta(days=28)
    )
    assert services.warn_expiring_postings() == 1
    assert services.warn_expiring_postings() == 0, "never twice for the same expiry"
    [message] = mailbox.wait_for(1)
    assert message["To"] == "claire@dubois.example"
    assert message["Subject"].strip().startswith("Votre offre «\xa0Expire bientôt\xa0» expire le")

    services.renew_posting(posting=soon)
    soon.refresh_from_db()
    assert soon.expires_at > now + timedelta(days=29)
    assert soon.refreshed_at is not None and soon.expiry_warned_at is None
    later = now + timedelta(days=26)
    assert services.warn_expiring_postings(now=later) == 2  # both are due by then
    assert len(mailbox.wait_for(3)) == 3


@pytest.mark.django_db
def test_it_renews_an_expired_posting_and_shows_it_as_renewed(client, dubois, claire):
    posting = factories.expired_posting(company=dubois, language="fr", country="FR")
    client.force_login(claire)
    data = form_of(posting, _renew="1")
    response = client.post(f"/admin/postings/posting/{posting.pk}/change/", data)
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.is_live
    page = client.get(posting.get_absolute_url()).content.decode()
    assert 'class="refreshed"' in page and "Renouvelée le" in page


@pytest.mark.django_db
def test_it_closes_a_filled_posting_and_the_page_answers_410(client, dubois, claire):
    posting = factories.live_posting(company=dubois, language="fr", country="FR")
    client.force_login(claire)
    data = posting_form(dubois, _close="1")
    client.post(f"/admin/postings/posting/{posting.pk}/change/", data)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.CLOSED
    assert client.get(posting.get_absolute_url()).status_code == 410
    # Still there for its owners.
    listed = client.get("/admin/postings/posting/?status__exact=closed")
    assert posting in listed.context["cl"].result_list


@pytest.mark.django_db
def test_it_duplicates_a_posting_into_another_language_as_a_draft_sibling(client, dubois, claire):
    posting = factories.live_posting(company=dubois, language="fr", country="BE")
    client.force_login(claire)
    url = f"/admin/postings/posting/{posting.pk}/duplicate/"
    choices = dict(client.get(url).context["form"].fields["language"].choices)
    assert "fr" not in choices and "nl" in choices
    response = client.post(url, {"language": "nl"})
    sibling = Posting.objects.get(language="nl")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/postings/posting/{sibling.pk}/change/"
    posting.refresh_from_db()
    assert sibling.status == Posting.Status.DRAFT
    assert sibling.translation_group == posting.translation_group is not None
    assert sibling.created_by == claire
    choices = dict(client.get(url).context["form"].fields["language"].choices)
    assert "nl" not in choices


@pytest.mark.django_db
def test_it_warns_when_the_text_does_not_look_like_the_declared_language(client, dubois, claire):
    client.force_login(claire)
    response = client.post(
        "/admin/postings/posting/add/", posting_form(dubois, language="de"), follow=True
    )
    posting = Posting.objects.get()
    assert posting.detected_language == "fr"
    assert "Français" in response.content.decode()  # "The text looks like Français, ..."
    client.post(
        f"/admin/postings/posting/{posting.pk}/change/", posting_form(dubois, language="fr")
    )
    posting.refresh_from_db()
    assert posting.detected_language == ""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_invites_a_recruiter_who_joins_with_a_signed_link(client, worker, mailbox, dubois):
    client.force_login(factories.company_admin(dubois))
    response = client.post(
        "/admin/accounts/invitation/add/",
        {"company": dubois.pk, "email": "paul@dubois.example", "role": "recruiter"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302
    [message] = mailbox.wait_for(1)
    assert message["To"] == "paul@dubois.example"
    assert message["Subject"].strip() == "Rejoignez Fromagerie Dubois sur le site d'offres d'emploi"
    body = message.get_body(("plain",)).get_content()
    link = next(line for line in body.splitlines() if "/panel/" in line)
    path = link.split("8000", 1)[-1].strip()

    client.logout()
    assert client.get(path).status_code == 200
    response = client.post(
        path, {"new_password1": "affinage-2026-caves", "new_password2": "affinage-2026-caves"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    paul = User.objects.get(email="paul@dubois.example")
    assert paul.is_staff and paul.check_password("affinage-2026-caves")
    assert Membership.objects.get(user=paul).company == dubois
    assert client.get("/admin/postings/posting/").status_code == 200, "logged in"
    assert client.get(path).status_code == 410, "a link works once"


@pytest.mark.django_db
def test_it_refuses_a_forged_or_expired_invitation(client, dubois, settings):
    invitation = Invitation.objects.create(company=dubois, email="x@dubois.example")
    assert client.get(f"/en/panel/invitation/{invitation.token}x/").status_code == 410
    forged = signing.dumps(invitation.pk, salt="another purpose")
    assert client.get(f"/en/panel/invitation/{forged}/").status_code == 410
    settings.INVITATION_MAX_AGE = -1
    response = client.get(f"/fr/panel/invitation/{invitation.token}/")
    assert response.status_code == 410
    assert "Cette invitation ne peut pas être utilisée" in response.content.decode()


@pytest.mark.django_db
def test_it_creates_a_company_admin_from_the_command_line(client, monkeypatch):
    monkeypatch.setenv("COMPANY_ADMIN_PASSWORD", "cave-a-fromage-2026")
    call_command("create_company_admin", "Laiterie", "lea@lait.example", stdout=io.StringIO())
    membership = Membership.objects.get(user__email="lea@lait.example")
    assert membership.company.name == "Laiterie" and membership.role == Membership.Role.ADMIN
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "lea@lait.example", "password": "cave-a-fromage-2026"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.django_db
def test_it_refuses_a_weak_password_from_the_command_line(monkeypatch):
    monkeypatch.setenv("COMPANY_ADMIN_PASSWORD", "password")
    with pytest.raises(CommandError, match="too common"):
        call_command("create_company_admin", "Laiterie", "lea@lait.example", stdout=io.StringIO())
    assert not User.objects.filter(email="lea@lait.example").exists()


@pytest.mark.django_db
def test_it_prints_an_invitation_link_when_no_password_is_given():
    out = io.StringIO()
    call_command("create_company_admin", "Laiterie", "lea@lait.example", stdout=out)
    invitation = Invitation.objects.get(email="lea@lait.example")
    # The signed link carries the second it was made in: read it from the output.
    token = re.search(r"/panel/invitation/([^/\s]+)/", out.getvalue()).group(1)
    assert Invitation.from_token(token) == invitation
    assert not User.objects.filter(email="lea@lait.example").exists()


@pytest.mark.django_db
def test_it_counts_views_and_apply_clicks_without_bots(client, dubois):
    posting = factories.live_posting(
        company=dubois, language="fr", country="FR", apply_url="https://dubois.example/jobs/1"
    )
    for _ in range(2):
        client.get(posting.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    client.get(posting.get_absolute_url(), HTTP_USER_AGENT="Googlebot/2.1")
    response = client.get(f"/fr/jobs/{posting.pk}/apply/", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302
    assert response["Location"] == "https://dubois.example/jobs/1"
    assert "Set-Cookie" not in response and not response.cookies
    day = PostingDay.objects.get(posting=posting)
    assert (day.views, day.applies) == (2, 1)

    client.force_login(factories.company_admin(dubois))
    change = client.get(f"/admin/postings/posting/{posting.pk}/change/").content.decode()
    assert "2 views, 1 apply click in 30 days" in change
    dashboard = client.get(f"/admin/postings/company/{dubois.pk}/dashboard/")
    assert dashboard.context["totals"]["recent_views"] == 2
    assert dashboard.context["totals"]["recent_applies"] == 1


@pytest.mark.django_db
def test_it_serves_the_admin_with_no_store_and_the_tabbed_translation_admin_locally(client):
    client.force_login(factories.moderator())
    response = client.get(f"/admin/postings/category/{factories.category('sales').pk}/change/")
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "/static/vendor/jquery-ui-1.14.2/jquery-ui.min.js" in html
    assert "tabbed_translation_fields.js" in html
    assert "googleapis" not in html and "//cdn" not in html


@pytest.mark.django_db
def test_it_locks_out_a_username_after_five_failed_logins_from_an_address(client, claire):
    for attempt in range(1, 6):
        response = client.post("/admin/login/", {"username": claire.username, "password": "wrong"})
        assert response.status_code == (429 if attempt == 5 else 200)
    response = client.post(
        "/admin/login/",
        {"username": claire.username, "password": factories.PASSWORD},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 429, "even the right password waits"
    assert "Trop de tentatives" in response.content.decode()
    other = factories.recruiter(Membership.objects.get(user=claire).company)
    response = client.post(
        "/admin/login/", {"username": other.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302, "another account from the same address still logs in"
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_sends_an_approved_posting_back_to_review_when_its_authors_change_it(
    client, dubois, claire
):
    posting = factories.live_posting(company=dubois, language="fr", country="FR", title="Soudeur")
    published_at = posting.published_at
    client.force_login(claire)
    change = f"/admin/postings/posting/{posting.pk}/change/"
    assert "goes offline until they approve it" in client.get(change).content.decode()

    client.post(change, form_of(posting))  # saved without a change: nothing to review
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED

    response = client.post(change, form_of(posting, title="Gagnez 10 000 € par jour"), follow=True)
    assert "the posting is offline until they approve it" in response.content.decode()
    posting.refresh_from_db()
    assert (posting.status, posting.submitted_by) == (Posting.Status.PENDING, claire)
    assert client.get(posting.get_absolute_url()).status_code == 404
    assert "Gagnez" not in client.get("/fr/jobs/").content.decode()

    moderator = factories.moderator()
    client.force_login(moderator)
    queue = client.get("/admin/postings/postingforreview/")
    assert posting in queue.context["cl"].result_list
    services.approve_posting(posting=posting, by=moderator)
    assert posting.is_live and posting.published_at == published_at  # alerts sent it already


@pytest.mark.django_db
def test_it_lets_trusted_companies_and_moderators_edit_live_postings(client, dubois, claire):
    posting = factories.live_posting(company=dubois, language="fr", country="FR")
    client.force_login(factories.moderator())
    change = f"/admin/postings/posting/{posting.pk}/change/"
    client.post(change, form_of(posting, title="Soudeur TIG", status="published"))
    posting.refresh_from_db()
    assert (posting.title, posting.status) == ("Soudeur TIG", Posting.Status.PUBLISHED)

    dubois.trusted = True
    dubois.save()
    client.force_login(claire)
    client.post(change, form_of(posting, title="Soudeur MIG"))
    posting.refresh_from_db()
    assert (posting.title, posting.status) == ("Soudeur MIG", Posting.Status.PUBLISHED)


@pytest.mark.django_db
def test_it_puts_a_changed_expired_posting_back_online_for_a_full_period_once_approved(
    client, dubois, claire, settings
):
    posting = factories.expired_posting(company=dubois, language="fr", country="FR")
    client.force_login(claire)
    client.post(f"/admin/postings/posting/{posting.pk}/change/", form_of(posting, city="Namur"))
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PENDING
    services.approve_posting(posting=posting, by=factories.moderator())
    assert posting.is_live
    left = posting.expires_at - timezone.now()
    assert timedelta(days=settings.POSTING_DEFAULT_DAYS - 1) < left


@pytest.mark.django_db
def test_it_shows_a_moderator_a_publication_date_past_its_bounds_as_a_field_error(client, dubois):
    posting = factories.pending_posting(company=dubois, language="fr", country="FR")
    client.force_login(factories.moderator())
    fields = {
        "status": "published",
        "published_at_0": "9999-12-31",
        "published_at_1": "00:00:00",
        "expires_at_0": "",
        "expires_at_1": "",
        "review_comment": "",
        "translation_group": "",
    }
    change = f"/admin/postings/posting/{posting.pk}/change/"
    response = client.post(change, form_of(posting, **fields))
    assert response.status_code == 200
    assert "more than a year" in response.context["adminform"].form.errors["published_at"][0]
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PENDING


@pytest.mark.django_db
def test_it_mails_each_admin_once_when_the_server_refuses_one_address_for_good(mailbox, dubois):
    factories.company_admin(dubois, "ada@dubois.example")
    factories.company_admin(dubois, "gone@dubois.example")
    mailbox.unknown.add("gone@dubois.example")  # 550: no such mailbox
    posting = factories.live_posting(company=dubois, title="Affineur")  # no author: the admins

    result = tasks.send_posting_mail.apply(args=[posting.pk, "approved"], throw=False)

    assert result.successful()
    assert len(mailbox.to("ada@dubois.example")) == 1, "not once more per retry"
    assert mailbox.refused == ["gone@dubois.example"]
