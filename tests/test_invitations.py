"""Invitations as an attacker would try them: a company admin who invites someone else's
address, reads the link in the panel, or opens it while logged in as someone else. A membership
is only ever added to the account of someone who proves they own it."""

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from accounts import tasks
from accounts.models import Invitation, Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dubois():
    return factories.company("Fromagerie Dubois")


@pytest.fixture
def inviter(dubois):
    return factories.company_admin(dubois, "ada@dubois.example")


@pytest.fixture
def paul():
    """Someone who already has an account: a recruiter of another company."""
    return factories.recruiter(factories.company("Laiterie Paul"), "paul@paul.example")


def invite(client: Client, company, email: str, role: str = "recruiter"):
    return client.post(
        "/admin/accounts/invitation/add/", {"company": company.pk, "email": email, "role": role}
    )


def test_it_never_logs_in_to_an_existing_account_without_its_password(dubois, paul):
    invitation = Invitation.objects.create(company=dubois, email="PAUL@paul.example")
    visitor = Client()
    url = f"/en/panel/invitation/{invitation.token}/"

    response = visitor.post(url)
    assert response.status_code == 200
    assert visitor.get("/admin/").status_code == 302, "not logged in"
    response = visitor.post(url, {"password": "a guess"})
    assert "This is not the password of this account." in response.content.decode()
    assert visitor.get("/admin/").status_code == 302, "still not logged in"
    assert not Membership.objects.filter(user=paul, company=dubois).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None

    response = visitor.post(url, {"password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert Membership.objects.get(user=paul, company=dubois).role == "recruiter"
    assert visitor.get("/admin/").status_code == 200, "logged in as Paul, by his password"


def test_it_locks_out_password_guesses_as_the_login_page_does(dubois, paul, settings):
    invitation = Invitation.objects.create(company=dubois, email="paul@paul.example")
    visitor = Client()
    url = f"/en/panel/invitation/{invitation.token}/"
    for guess in range(settings.AXES_FAILURE_LIMIT):
        visitor.post(url, {"password": f"guess {guess}"})
    response = visitor.post(url, {"password": factories.PASSWORD})
    assert response.status_code == 429
    assert not Membership.objects.filter(user=paul, company=dubois).exists()


def test_it_joins_the_logged_in_account_of_the_invited_address_with_one_click(dubois, paul):
    invitation = Invitation.objects.create(company=dubois, email="paul@paul.example")
    client = Client()
    client.force_login(paul)
    url = f"/en/panel/invitation/{invitation.token}/"
    assert 'name="password"' not in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(user=paul, company=dubois).exists()


def test_it_never_adds_the_company_to_another_logged_in_account(dubois, paul, inviter):
    """The inviter (or anyone holding the link) opens it while logged in as themselves."""
    invitation = Invitation.objects.create(company=dubois, email="paul@paul.example")
    client = Client()
    client.force_login(inviter)
    url = f"/en/panel/invitation/{invitation.token}/"
    assert "paul@paul.example" in client.get(url).content.decode()
    client.post(url)
    client.post(url, {"password": "not pauls"})
    assert not Membership.objects.filter(user=paul, company=dubois).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_it_never_shows_the_link_to_the_inviter(client, dubois, inviter):
    client.force_login(inviter)
    assert invite(client, dubois, "new@dubois.example").status_code == 302
    invitation = Invitation.objects.get(email="new@dubois.example")
    content_type = ContentType.objects.get_for_model(Invitation)
    pages = [
        "/admin/accounts/invitation/",
        f"/admin/accounts/invitation/{invitation.pk}/change/",
        f"/admin/accounts/invitation/{invitation.pk}/history/",
        f"/admin/accounts/invitation/{invitation.pk}/delete/",
    ]
    for page in pages:
        body = client.get(page).content.decode()
        assert invitation.token not in body, page
        assert "/panel/invitation/" not in body, page
    # The admin's "view on site" shortcut leads nowhere: an invitation has no public page.
    response = client.get(f"/admin/r/{content_type.pk}/{invitation.pk}/")
    assert response.status_code == 404


@pytest.mark.parametrize("kind", ["moderator", "superuser", "staff"])
def test_it_refuses_to_invite_a_privileged_account(client, dubois, inviter, kind):
    if kind == "moderator":
        factories.moderator("boss@board.example")
    else:
        User.objects.create_user(
            "boss", "boss@board.example", "x", is_staff=True, is_superuser=kind == "superuser"
        )
    client.force_login(inviter)
    response = invite(client, dubois, "Boss@Board.example", role="admin")
    assert response.status_code == 200
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())
    assert any("cannot be invited" in error for error in errors), errors
    assert not Invitation.objects.exists()


def test_it_refuses_to_join_a_privileged_account_invited_before_the_rule(dubois):
    moderator = factories.moderator("boss@board.example")
    invitation = Invitation.objects.create(company=dubois, email="boss@board.example")
    client = Client()
    client.force_login(moderator)
    response = client.post(f"/en/panel/invitation/{invitation.token}/")
    assert response.status_code == 410
    assert not Membership.objects.filter(user=moderator).exists()


def test_it_still_invites_a_recruiter_of_another_company(client, dubois, inviter, paul):
    client.force_login(inviter)
    assert invite(client, dubois, "paul@paul.example").status_code == 302
    assert Invitation.objects.filter(email="paul@paul.example").exists()


def test_it_makes_a_newcomer_choose_a_password_the_validators_accept(dubois):
    invitation = Invitation.objects.create(company=dubois, email="new@dubois.example")
    client = Client()
    url = f"/fr/panel/invitation/{invitation.token}/"
    response = client.post(url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "Ce mot de passe est trop courant" in response.content.decode()
    assert not User.objects.filter(email="new@dubois.example").exists()


@pytest.mark.parametrize("removal", ["membership deleted", "made a recruiter", "account deleted"])
def test_it_voids_the_invitations_of_an_admin_who_lost_the_right_to_invite(client, dubois, removal):
    """An admin about to be removed invites an address of their own as company admin: once
    they may no longer invite to the company, neither may their open invitations."""
    mallory = factories.company_admin(dubois, "mallory@dubois.example")
    client.force_login(mallory)
    assert invite(client, dubois, "m4ll0ry@evil.example", role="admin").status_code == 302
    invitation = Invitation.objects.get(email="m4ll0ry@evil.example")
    token = invitation.token
    membership = Membership.objects.get(user=mallory, company=dubois)
    if removal == "membership deleted":
        membership.delete()
    elif removal == "made a recruiter":
        membership.role = Membership.Role.RECRUITER
        membership.save()
    else:
        mallory.delete()

    visitor = Client()
    password = "affinage-caves-2026"
    response = visitor.post(
        f"/en/panel/invitation/{token}/", {"new_password1": password, "new_password2": password}
    )
    assert response.status_code == 410
    assert not User.objects.filter(email="m4ll0ry@evil.example").exists()


def test_it_keeps_the_invitations_of_the_operator_and_of_moderators(dubois):
    moderator = factories.moderator("mod@board.example")
    for email, by in (("one@dubois.example", None), ("two@dubois.example", moderator)):
        invitation = Invitation.objects.create(company=dubois, email=email, invited_by=by)
        password = "affinage-caves-2026"
        response = Client().post(
            f"/en/panel/invitation/{invitation.token}/",
            {"new_password1": password, "new_password2": password},
        )
        assert response.status_code == 302, email


def test_it_limits_the_invitations_a_company_sends(client, dubois, inviter, settings):
    """The mails carry the site's name and a company name of the company's choosing: an admin
    must not be able to turn them into a mass-mailing tool."""
    settings.INVITATION_RATE_LIMIT = "3/h"
    client.force_login(inviter)
    addresses = [f"person{n}@elsewhere.example" for n in range(4)]
    statuses = [invite(client, dubois, address).status_code for address in addresses]
    assert statuses == [302, 302, 302, 200]
    assert Invitation.objects.count() == 3


def test_it_sends_an_invitation_again_when_the_mail_server_is_busy(dubois, mailbox):
    invitation = Invitation.objects.create(company=dubois, email="lea@dubois.example")
    mailbox.refuse = 1  # 451: try again later

    tasks.send_invitation.apply(args=[invitation.pk], throw=False)

    assert len(mailbox.to("lea@dubois.example")) == 1


def test_it_does_not_send_again_an_invitation_the_mail_server_refuses_for_good(dubois, mailbox):
    invitation = Invitation.objects.create(company=dubois, email="ghost@dubois.example")
    mailbox.unknown.add("ghost@dubois.example")  # 550: no such mailbox

    result = tasks.send_invitation.apply(args=[invitation.pk], throw=False)

    assert result.successful()
    assert mailbox.refused == ["ghost@dubois.example"]
