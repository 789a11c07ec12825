"""Panel password reset by email: Django's pages, a mail in the visitor's language sent by a
worker, the same answer for any address, limits per client and per account."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client, TestCase

from tests import factories


def reset(client: Client, email: str, **headers):
    return client.post("/admin/password_reset/", {"email": email}, **headers)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_mails_a_link_that_sets_a_new_password(client, worker, mailbox, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_EMAIL = "2/h"
    factories.recruiter(factories.company("Dubois"), "claire@dubois.example")
    assert "/admin/password_reset/" in client.get("/admin/login/").content.decode()

    answers = [
        reset(client, "Claire@Dubois.example", HTTP_ACCEPT_LANGUAGE="fr"),
        reset(client, "nobody@dubois.example", HTTP_ACCEPT_LANGUAGE="fr"),
        reset(client, "claire@dubois.example"),
        reset(client, "claire@dubois.example"),  # over the account's limit: no third mail
    ]
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/admin/password_reset/done/")
    }, "known, unknown and limited addresses get the same answer"
    mailbox.wait_for(2)
    assert [m["To"] for m in mailbox.messages] == ["claire@dubois.example"] * 2
    first = mailbox.messages[0]
    subject = "Réinitialisez votre mot de passe sur le site d'offres d'emploi"
    assert first["Subject"].strip() == subject
    body = first.get_body(("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/admin/reset/\S+)", body).group(1)

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "password", "new_password2": "password"})
    assert "errorlist" in weak.content.decode(), "the password validators apply"
    done = client.post(
        set_url, {"new_password1": "affinage-caves-2026", "new_password2": "affinage-caves-2026"}
    )
    assert done.status_code == 302 and done["Location"] == "/admin/reset/done/"
    assert User.objects.get(email="claire@dubois.example").check_password("affinage-caves-2026")
    assert client.get(path, follow=True).context["validlink"] is False, "a link works once"


@pytest.mark.django_db
def test_it_limits_requests_per_client_whatever_it_forwards(client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_IP = "2/h"
    for number in range(2):
        forwarded = f"203.0.113.{number}"
        assert reset(client, "x@example.com", HTTP_X_FORWARDED_FOR=forwarded).status_code == 302
    response = reset(client, "x@example.com", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


@pytest.mark.django_db
def test_it_counts_reset_mails_per_account_whatever_the_spelling(client, settings):
    """ "ſ" (long s) finds the account of "s" (Django compares addresses case-folded): it must
    not be another allowance for the same account."""
    settings.PASSWORD_RESET_RATE_LIMIT_EMAIL = "2/h"
    sam = factories.recruiter(factories.company("Dubois"), "sam@dubois.example")
    spellings = [
        "sam@dubois.example",
        "SAM@dubois.example",
        "ſam@dubois.example",
        "ſam@duboiſ.example",
    ]
    with TestCase.captureOnCommitCallbacks() as queued:
        for email in spellings:
            assert reset(client, email).status_code == 302
    assert len(queued) == 2, f"{len(queued)} reset mails queued for {sam.email}, limit 2"
