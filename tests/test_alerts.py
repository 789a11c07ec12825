"""Email alerts for saved searches: subscribe, confirm, match, send, unsubscribe, the address's
data. Mail goes through a real SMTP server (the `mailbox` fixture)."""

import json
import re
import time
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, TestCase
from django.utils import timezone, translation

from alerts import matching, sending, tasks
from alerts.models import Alert, AlertMatch, Subscriber
from jobboard.celery import app
from jobboard.mail import one_line
from postings.models import Posting
from postings.templatetags.jobboard import salary
from tests import factories


@pytest.fixture
def eager(settings):
    """Tasks run in the test's thread (see subscribe())."""
    settings.ALERT_RATE_LIMIT_EMAIL = settings.ALERT_RATE_LIMIT_IP = "100/h"
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def subscribe(client, email: str, *, language: str = "en", query: str = "", frequency="instant"):
    # The confirmation is queued once the request's transaction commits, which the test's
    # own transaction would hold back.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            f"/{language}/alerts/new/" + (f"?{query}" if query else ""),
            {"email": email, "frequency": frequency},
        )


def subject(message) -> str:
    return one_line(message["Subject"])  # a long header comes folded


def text(message) -> str:
    return message.get_body(("plain",)).get_content()


def html(message) -> str:
    return message.get_body(("html",)).get_content()


def link(message, kind: str) -> str:
    """The path of the first `kind` link (confirm, manage, unsubscribe) of a mail."""
    match = re.search(rf"https?://[^/\s]+(/\w+/alerts/{kind}/[^/\s]+/)", text(message))
    assert match, f"no {kind} link in the mail"
    return match.group(1)


def confirmed_alert(email: str, *, language: str = "en", query: str = "", frequency="instant"):
    subscriber, _ = Subscriber.objects.get_or_create(
        email=email, defaults={"confirmed_at": timezone.now()}
    )
    alert = Alert.objects.create(
        subscriber=subscriber, language=language, query=query, frequency=frequency
    )
    alert.confirm()
    return alert


def new_posting(**fields):
    """Published a moment ago, after the alerts above were confirmed."""
    return factories.live_posting(published_at=timezone.now(), **fields)


def sweep(frequency: str = "instant") -> int:
    return sum(
        sending.send_alerts(alert_ids=batch) for batch in matching.sweep(frequency=frequency)
    )


@pytest.mark.django_db
def test_it_sends_nothing_but_the_confirmation_until_the_address_confirms(client, mailbox, eager):
    response = subscribe(client, "Lea@Example.org", language="fr", query="country=FR&page=3")
    assert response.status_code == 302
    (confirmation,) = mailbox.messages
    assert confirmation["To"] == "Lea@Example.org"
    assert subject(confirmation) == "Confirmez votre alerte emploi"
    assert "France" in text(confirmation)
    new_posting(language="fr", country="FR", title="Soudeur")
    assert sweep() == 0
    alert = Alert.objects.get()
    assert (alert.language, alert.query, alert.confirmed_at) == ("fr", "country=FR", None)

    url = link(confirmation, "confirm")
    assert url.startswith("/fr/alerts/confirm/")
    assert client.get(url).status_code == 200  # a mail scanner's visit confirms nothing
    alert.refresh_from_db()
    assert alert.confirmed_at is None
    response = client.post(url)
    assert response.status_code == 200
    assert "Votre alerte est confirmée" in response.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is not None and alert.subscriber.confirmed_at is not None

    new_posting(language="fr", country="FR", title="Chaudronnier")
    assert sweep() == 1
    alert_mail = mailbox.messages[1]
    # Only what was published after the confirmation.
    assert "Chaudronnier" in text(alert_mail) and "Soudeur" not in text(alert_mail)


@pytest.mark.django_db
def test_it_answers_alike_for_a_new_a_waiting_and_a_confirmed_address(client, mailbox, eager):
    confirmed_alert("known@example.org", query="country=GB")
    responses = [
        subscribe(client, "new@example.org", query="country=GB"),
        subscribe(client, "new@example.org", query="country=GB"),  # now waiting
        subscribe(client, "KNOWN@example.org", query="country=GB"),
    ]
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, "/en/alerts/sent/")}
    pages = {client.get(r["Location"]).content for r in responses}
    assert len(pages) == 1
    # Each request gets a confirmation mail, whatever the state: never an alert.
    assert [subject(m) for m in mailbox.messages] == ["Confirm your job alert"] * 3
    assert Subscriber.objects.count() == 2 and Alert.objects.count() == 2


@pytest.mark.django_db
def test_it_rejects_forged_and_expired_confirmation_links(client, mailbox, eager):
    subscribe(client, "lea@example.org", language="de")
    alert = Alert.objects.get()
    forged = link(mailbox.messages[0], "confirm")[:-3] + "xx/"
    response = client.post(forged)
    assert response.status_code == 400
    assert "Dieser Link ist nicht gültig" in response.content.decode()

    eight_days_ago = time.time() - 8 * 86400
    with mock.patch("time.time", return_value=eight_days_ago):
        expired = alert.confirm_url()
    assert client.post(expired).status_code == 400
    alert.refresh_from_db()
    assert alert.confirmed_at is None


@pytest.mark.django_db
def test_it_limits_requests_per_address_and_per_client(client, mailbox, settings, eager):
    settings.ALERT_RATE_LIMIT_EMAIL, settings.ALERT_RATE_LIMIT_IP = "2/h", "4/h"
    assert [subscribe(client, "a@example.org").status_code for _ in range(3)] == [302, 302, 429]
    response = subscribe(client, "a@example.org", language="fr")
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert subscribe(client, "b@example.org").status_code == 429  # the client's fifth
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert subscribe(other, "b@example.org").status_code == 302
    assert len(mailbox.messages) == 3


@pytest.mark.django_db
def test_it_counts_one_inbox_under_all_its_spellings(client, mailbox, settings, eager):
    settings.ALERT_RATE_LIMIT_EMAIL = "2/h"
    spellings = [
        "lea@example.org",
        "Lea@Example.org",
        "lea+jobs@example.org",
        "LEA+x@example.ORG",
        "ſam@example.org",
        "sam@example.org",
        "SAM@example.org",
    ]
    statuses = [subscribe(client, email).status_code for email in spellings]
    # "ſ" (long s) folds to "s": "ſam@" is the inbox of "sam@".
    assert statuses == [302, 302, 429, 429, 302, 302, 429]
    assert len(mailbox.messages) == 4
    assert subscribe(client, "leo@example.org").status_code == 302


@pytest.mark.django_db
def test_it_mails_no_text_of_the_visitor_to_an_unconfirmed_address(client, mailbox, eager):
    factories.category("sales")
    phishing = "Your account is locked, call +1 555 0100 or visit evil.example"
    subscribe(client, "lea@example.org", language="fr", query=f"q={phishing}&category=sales")
    (confirmation,) = mailbox.messages
    for body in (text(confirmation), html(confirmation), subject(confirmation)):
        assert "evil.example" not in body and "555" not in body and "locked" not in body
    # The search is told by its structured filters, and that it has words.
    assert "Vente" in text(confirmation)
    assert "avec des mots-clés" in text(confirmation)
    # The visitor sees the words they typed on their own page.
    response = client.get(f"/fr/alerts/new/?q={phishing}")
    assert "evil.example" in response.content.decode()


@pytest.mark.django_db
def test_it_matches_with_the_list_pages_filters_in_the_alerts_language(mailbox, settings):
    settings.SITE_URL = "https://jobs.example"
    software = factories.category("software-engineering")
    fr = confirmed_alert("fr@example.org", language="fr", query="category=software-engineering")
    de = confirmed_alert("de@example.org", language="de", query="q=Entwickler&country=DE")
    everything = confirmed_alert("en@example.org", language="en")
    fr_match = new_posting(
        language="fr",
        country="BE",
        title="Développeuse Python",
        category=software,
        salary_min=45000,
        salary_max=60000,
        salary_currency="EUR",
        salary_period="year",
    )
    new_posting(language="fr", country="FR", title="Comptable")  # another category
    compound = new_posting(
        language="de", country="DE", title="Softwareentwickler", category=software
    )
    de_match = new_posting(language="de", country="DE", title="Entwicklerin Java")
    new_posting(language="de", country="AT", title="Entwickler Wien")  # another country
    en_match = new_posting(language="en", country="GB", title="Welder")
    factories.draft_posting(language="en", title="Draft")
    factories.scheduled_posting(language="en", title="Tomorrow")

    assert sweep() == 3
    mails = {m["To"]: m for m in mailbox.messages}
    assert mails.keys() == {"fr@example.org", "de@example.org", "en@example.org"}
    assert subject(mails["fr@example.org"]) == "1 nouvelle offre\xa0: Développement logiciel"
    assert "Développeuse Python" in text(mails["fr@example.org"])
    assert "Comptable" not in text(mails["fr@example.org"])
    assert "Entwickler" not in text(mails["fr@example.org"])  # a German posting, same category
    assert "Entwicklerin Java" in text(mails["de@example.org"])
    assert "Softwareentwickler" in text(mails["de@example.org"])  # a compound, found by its part
    assert "Wien" not in text(mails["de@example.org"])
    assert subject(mails["de@example.org"]).startswith("2 neue Stellenangebote")
    assert "Welder" in text(mails["en@example.org"])
    assert "Draft" not in text(mails["en@example.org"])
    assert "Tomorrow" not in text(mails["en@example.org"])
    # Absolute links, the French site's salary and date formats.
    fr_text = text(mails["fr@example.org"])
    assert f"https://jobs.example{fr_match.get_absolute_url()}" in fr_text
    with translation.override("fr"):
        assert salary(fr_match) in fr_text
        assert salary(fr_match) in html(mails["fr@example.org"])
    assert "Publiée le" in fr_text
    assert "https://jobs.example/de/jobs/?q=Entwickler&country=DE" in text(mails["de@example.org"])
    assert {(m.alert_id, m.posting_id) for m in AlertMatch.objects.all()} == {
        (fr.pk, fr_match.pk),
        (de.pk, de_match.pk),
        (de.pk, compound.pk),
        (everything.pk, en_match.pk),
    }


@pytest.mark.django_db
def test_it_carries_the_list_headers_and_a_visible_unsubscribe_link(mailbox, settings):
    settings.SITE_URL = "https://jobs.example"
    settings.ALERT_UNSUBSCRIBE_EMAIL = "unsubscribe@jobs.example"
    alert = confirmed_alert("lea@example.org", language="fr")
    new_posting(language="fr", country="FR", title="Soudeur")
    sweep()
    (mail,) = mailbox.messages
    # The signed link carries the second it was made in: read it from the mail.
    unsubscribe = mail["List-Unsubscribe"].strip()
    url, token = re.fullmatch(
        r"<(https://jobs\.example/fr/alerts/unsubscribe/([^/]+)/)>, "
        r"<mailto:unsubscribe@jobs\.example\?subject=unsubscribe%20\2>",
        unsubscribe,
    ).groups()
    assert Alert.id_from_unsubscribe_token(token) == alert.pk
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Id"] == "<alerts.jobs.example>"
    assert url in text(mail) and url in html(mail)
    assert "Se désabonner" in html(mail)


@pytest.mark.django_db
def test_it_shows_twenty_postings_and_links_to_the_whole_search(mailbox):
    confirmed_alert("lea@example.org", query="country=IE")
    for n in range(22):
        new_posting(country="IE", title=f"Nurse {n:02}")
    sweep()
    (mail,) = mailbox.messages
    assert subject(mail) == "22 new jobs: Ireland"
    assert len(re.findall(r"^Nurse \d\d\r?$", text(mail), re.M)) == 20
    assert "And 2 more jobs." in text(mail)
    assert "/en/jobs/?country=IE" in text(mail)


@pytest.mark.django_db
def test_it_sends_a_posting_once_however_often_the_sweep_runs(mailbox):
    confirmed_alert("lea@example.org")
    new_posting(title="Welder")
    call_command("send_alerts", "--frequency", "instant", stdout=None)
    call_command("send_alerts", "--frequency", "instant")
    matching.match_alerts(frequency="instant")
    assert sweep() == 0
    assert len(mailbox.messages) == 1
    assert AlertMatch.objects.get().sent_at is not None
    new_posting(title="Plumber")
    assert sweep() == 1
    assert "Plumber" in text(mailbox.messages[1]) and "Welder" not in text(mailbox.messages[1])


@pytest.mark.django_db
def test_it_sends_a_digest_once_per_period(mailbox):
    confirmed_alert("lea@example.org", frequency="daily")
    new_posting(title="Welder")
    assert sweep("instant") == 0  # not its frequency
    assert sweep("daily") == 1
    new_posting(title="Plumber")
    assert sweep("daily") == 0  # the same day
    Alert.objects.update(last_sent_at=timezone.now() - timedelta(hours=23, minutes=30))
    assert sweep("daily") == 1
    assert "Plumber" in text(mailbox.messages[1])


@pytest.mark.django_db
def test_it_checks_the_alert_again_just_before_sending(mailbox):
    paused = confirmed_alert("paused@example.org")
    gone = confirmed_alert("gone@example.org")
    kept = confirmed_alert("kept@example.org")
    new_posting(title="Welder")
    (batch,) = matching.sweep(frequency="instant")
    assert batch == [paused.pk, gone.pk, kept.pk]
    Alert.objects.filter(pk=paused.pk).update(paused=True)
    gone.delete()
    assert sending.send_alerts(alert_ids=batch) == 1
    assert [m["To"] for m in mailbox.messages] == ["kept@example.org"]


@pytest.mark.django_db
def test_it_unsubscribes_by_one_click_post_and_not_by_a_visit(mailbox):
    alert = confirmed_alert("lea@example.org", language="fr")
    other = confirmed_alert("lea@example.org", language="fr", query="country=FR")
    new_posting(language="fr", country="FR", title="Soudeur")
    sweep()
    url = link(mailbox.messages[0], "unsubscribe")
    client = Client(enforce_csrf_checks=True)
    response = client.get(url)
    assert response.status_code == 200 and "Se désabonner" in response.content.decode()
    assert Alert.objects.filter(pk=alert.pk).exists()
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200  # no redirect: RFC 8058
    assert not Alert.objects.filter(pk=alert.pk).exists()
    assert Alert.objects.filter(pk=other.pk).exists()  # only the alert the token names
    assert client.post(url).status_code == 200  # again: still unsubscribed
    assert client.post(url.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 400


@pytest.mark.django_db
def test_it_manages_the_addresses_alerts_from_the_signed_link(client, django_assert_num_queries):
    alert = confirmed_alert("lea@example.org", language="de", query="country=AT")
    url = alert.subscriber.manage_url("en").removeprefix("http://127.0.0.1:8000")
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Österreich" in page and "Deutsch" in page

    prefix = str(alert.pk)
    response = client.post(
        f"{url}{alert.pk}/", {f"{prefix}-frequency": "weekly", f"{prefix}-paused": "on"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.frequency, alert.paused) == ("weekly", True)
    assert "Paused" in client.get(url).content.decode()

    for country in ("FR", "ES", "IT"):
        confirmed_alert("lea@example.org", query=f"country={country}")
    with django_assert_num_queries(3):  # subscriber, categories, alerts: not one per alert
        assert client.get(url).status_code == 200

    assert client.post(f"{url}{alert.pk}/delete/").status_code == 302
    assert not Alert.objects.filter(pk=alert.pk).exists()
    stranger = confirmed_alert("max@example.org")
    assert client.post(f"{url}{stranger.pk}/delete/").status_code == 404
    response = client.post(f"{url}unsubscribe/")
    assert response.status_code == 200
    assert not Alert.objects.filter(subscriber__email="lea@example.org").exists()
    assert Alert.objects.filter(pk=stranger.pk).exists()
    assert client.get(url[:-3] + "xx/").status_code == 400


@pytest.mark.django_db
def test_it_exports_and_erases_everything_about_the_address(client, mailbox):
    alert = confirmed_alert("lea@example.org", language="fr", query="country=FR")
    posting = new_posting(language="fr", country="FR", title="Soudeur")
    sweep()
    url = alert.subscriber.manage_url("fr").removeprefix("http://127.0.0.1:8000")
    response = client.get(f"{url}export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["email"] == "lea@example.org"
    (saved,) = data["alerts"]
    assert saved["language"] == "fr" and saved["search"] == "country=FR"
    assert saved["matches"][0]["posting"] == posting.pk and saved["matches"][0]["sent_at"]

    response = client.post(f"{url}erase/")
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    assert not Alert.objects.exists() and not AlertMatch.objects.exists()
    assert client.get(url).status_code == 400  # its links died with it
    # A new subscription of the same address does not revive the old links.
    assert Subscriber.objects.create(email="lea@example.org")
    assert client.get(url).status_code == 400


@pytest.mark.django_db
def test_it_offers_an_alert_from_the_list_page_and_keeps_the_page_cacheable(client):
    factories.live_posting(language="fr", country="FR", title="Soudeur")
    page = client.get("/fr/jobs/?country=FR&page=1").content.decode()
    assert 'href="/fr/alerts/new/?country=FR"' in page
    assert "csrfmiddlewaretoken" not in page
    response = client.get("/fr/alerts/new/?country=FR&sort=date&country=xx")
    assert response.status_code == 200
    assert "France" in response.content.decode()
    assert "csrfmiddlewaretoken" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_subscribes_confirms_and_mails_through_a_celery_worker(client, mailbox, worker):
    subscribe(client, "lea@example.org", language="fr", query="q=soudeur")
    subscribe(client, "max@example.org", language="de", query="q=Schweißer")
    mailbox.wait_for(2)
    for message in mailbox.messages:
        assert client.post(link(message, "confirm")).status_code == 200
    new_posting(language="fr", country="FR", title="Soudeur TIG")
    new_posting(language="fr", country="FR", title="Comptable")
    new_posting(language="de", country="DE", title="Schweißer MAG")
    new_posting(language="de", country="DE", title="Soudeur")  # German text, French word
    mailbox.refuse = 1  # the first alert mail meets a busy server: 451, then a retry

    with transaction.atomic():
        tasks.sweep_alerts.delay("instant")
        tasks.sweep_alerts.delay("instant")  # a repeated message
    mailbox.wait_for(4)
    time.sleep(2)  # room for a duplicate to show up
    assert len(mailbox.messages) == 4 and mailbox.refuse == 0
    lea, max_ = mailbox.to("lea@example.org")[1], mailbox.to("max@example.org")[1]
    assert "Soudeur TIG" in text(lea) and "Comptable" not in text(lea)
    assert subject(lea).startswith("1 nouvelle offre")
    assert "Schweißer MAG" in text(max_) and "Soudeur" not in text(max_)
    assert subject(max_).startswith("1 neues Stellenangebot")
    assert not AlertMatch.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_it_forgets_the_matches_it_can_no_longer_need(mailbox, settings):
    alert = confirmed_alert("lea@example.org")
    new_posting(title="Welder")
    new_posting(title="Plumber")
    assert sweep() == 1
    assert matching.purge_matches() == 0  # the next sweep looks back at these postings again
    # Time passes: the high-water mark is now further than the grace from their publication.
    Posting.objects.update(
        published_at=timezone.now() - timedelta(seconds=settings.ALERT_MATCH_GRACE_SECONDS + 60)
    )
    # An unsent match whose posting was deleted while a sweep was recording it.
    gone = factories.live_posting(title="Gone")
    AlertMatch.objects.create(alert=alert, posting=gone)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM postings_posting WHERE id = %s", [gone.pk])
    assert matching.purge_matches() == 3
    assert not AlertMatch.objects.exists()
    matching.match_alerts(frequency="instant")
    assert sweep() == 0  # forgotten, and not found again
    assert len(mailbox.messages) == 1


@pytest.mark.django_db
def test_it_stops_mailing_an_address_its_server_refuses_until_it_works_again(client, mailbox):
    from prometheus_client import REGISTRY

    def bounces() -> float:
        sample = {"outcome": "bounced"}
        return REGISTRY.get_sample_value("jobboard_alert_mails_total", sample) or 0

    before = bounces()
    lea = confirmed_alert("lea@example.org")
    confirmed_alert("max@example.org")
    mailbox.unknown = {"lea@example.org"}
    new_posting(title="Welder")
    assert sweep() == 1
    assert [m["To"] for m in mailbox.messages] == ["max@example.org"]
    assert bounces() == before + 1

    mailbox.unknown = set()  # it would work now, but nothing tells us so
    new_posting(title="Plumber")
    assert sweep() == 1
    assert not mailbox.to("lea@example.org")

    manage = urlsplit(lea.subscriber.manage_url("en")).path
    page = client.get(manage).content.decode()
    assert "refused our mail as undeliverable" in page
    assert json.loads(client.get(manage + "export/").content)["bounced_at"]
    assert client.post(manage + "resume/").status_code == 302
    assert "undeliverable" not in client.get(manage).content.decode()
    new_posting(title="Roofer")
    assert sweep() == 2
    (mail,) = mailbox.to("lea@example.org")
    # What was published while stopped comes too, as after a pause; the refused mail does not.
    assert "Roofer" in text(mail) and "Plumber" in text(mail) and "Welder" not in text(mail)


@pytest.mark.django_db
def test_it_lets_a_bounced_address_back_in_by_confirming_again(client, mailbox, eager):
    lea = confirmed_alert("lea@example.org")
    Subscriber.objects.update(bounced_at=timezone.now())
    subscribe(client, "lea@example.org", query="country=FR")
    (confirmation,) = mailbox.messages
    client.post(link(confirmation, "confirm"))
    lea.subscriber.refresh_from_db()
    assert lea.subscriber.bounced_at is None
    new_posting(title="Welder")
    assert sweep() == 1


@pytest.mark.django_db
def test_it_asks_how_often_in_a_group_the_frequency_choices_belong_to(client):
    """The choices are a group with its legend (a label tied to nothing before), and no
    block sits inside a paragraph (invalid HTML the browser rearranges)."""
    page = client.get("/fr/alerts/new/?q=comptable").content.decode()
    start = page.index('<form class="form-card" method="post" action="/fr/alerts/new/')
    form = page[start : page.index("</form>", start)]
    assert re.search(r"<fieldset>\s*<legend>À quelle fréquence\W*\?</legend>", form), form
    assert not re.search(r"<p>(?:(?!</p>).)*<div", form, re.S)
