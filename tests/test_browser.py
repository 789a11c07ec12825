"""The pages people use, in a real browser: Playwright driving Debian's Chromium."""

import csv
import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import Invitation, Membership
from alerts.models import Alert
from postings.models import ImportRun
from tests import factories

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [
    pytest.mark.browser,
    # CI installs Chromium and must run this test; elsewhere it is skipped when absent.
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and not os.environ.get("CI"),
        reason=f"{CHROMIUM} is not installed (apt-get install chromium)",
    ),
]


def assert_accessible(page) -> None:
    """axe-core (the engine of the browsers' accessibility audits) finds no violation."""
    from axe_playwright_python.sync_playwright import Axe

    # axe's own probes set inline styles, which the CSP refuses: not the page's doing.
    page.auditing = True
    results = Axe().run(page)
    page.auditing = False
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def browser_locale() -> str:
    """The browser's language, which the site and the panel answer in."""
    return "fr-FR"


@pytest.fixture
def page(live_server, browser_locale):
    # Playwright's sync API runs an event loop in this thread, and Django's connections are
    # context-local: create test data before this fixture, or it lands on a connection of its own.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale=browser_locale)
        # What the Content-Security-Policy refuses (and any script error) shows up here.
        errors = []

        def on_console(message) -> None:
            if getattr(message.page, "auditing", False):
                return
            if message.type == "error":
                errors.append((message.text, message.location["url"]))

        context.on("console", on_console)
        context.on("weberror", lambda error: errors.append((str(error.error), "")))
        yield context.new_page()
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    assert not errors, "the browser's console has errors"


@pytest.fixture
def french_and_german_postings(django_db_serialized_rollback, transactional_db):
    factories.live_posting(language="fr", country="FR", title="Développeur Python à Lyon")
    factories.live_posting(language="fr", country="BE", title="Développeuse Java à Liège")
    factories.live_posting(language="fr", country="BE", title="Comptable à Namur")
    factories.live_posting(language="de", country="DE", title="Entwicklerin in Köln")
    factories.live_posting(language="de", country="AT", title="Buchhalter in Graz")


def test_it_filters_french_jobs_by_country_then_switches_to_german(
    french_and_german_postings, live_server, page
):

    page.goto(f"{live_server.url}/fr/jobs/")
    countries = page.locator("select[name=country] option:not([value=''])")
    assert countries.all_inner_texts() == ["Belgique (2)", "France (1)"]

    # The filter applies as soon as it changes: no button to press with JavaScript.
    expect(page.get_by_role("button", name="Filtrer")).to_be_hidden()
    page.select_option("select[name=country]", "BE")
    page.wait_for_url("**/fr/jobs/?**country=BE**")
    titles = page.locator(".posting-card h3").all_inner_texts()
    assert sorted(titles) == ["Comptable à Namur", "Développeuse Java à Liège"]

    page.locator(".language-menu summary").click()
    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_url("**/de/jobs/**")
    assert page.locator("html").get_attribute("lang") == "de"
    # No German posting is in Belgium: the filter is dropped, and the page says so.
    expect(page.get_by_role("status")).to_contain_text("aus der Suche entfernt: Belgien.")
    countries = page.locator("select[name=country] option:not([value=''])")
    assert countries.all_inner_texts() == ["Deutschland (1)", "Österreich (1)"]
    titles = page.locator(".posting-card h3").all_inner_texts()
    assert sorted(titles) == ["Buchhalter in Graz", "Entwicklerin in Köln"]


def test_it_shows_the_api_docs_under_the_content_security_policy(
    django_db_serialized_rollback, transactional_db, live_server, page
):
    page.goto(f"{live_server.url}/api/v1/docs")
    # Swagger UI drew the operations from the OpenAPI document.
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock-summary-path").all_inner_texts()[:1] == ["/api/v1/postings"]
    # Its forms work: try the list operation in French.
    page.locator(".opblock-summary").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("tr[data-param-name=language] select").select_option("fr")
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tr.response .response-col_status")
    expect(status).to_have_text("200")


@pytest.fixture
def fromagerie_recruiter_and_moderator(django_db_serialized_rollback, transactional_db):
    company = factories.company("Fromagerie Dubois")
    factories.recruiter(company, "claire@dubois.example", language="fr")
    factories.moderator("marc@moderation.example", language="fr")
    factories.live_posting(language="fr", country="FR", title="Boulanger à Lyon")
    # Belgium has a live job in German only: not a French country yet.
    factories.live_posting(language="de", country="BE", title="Käser in Eupen")


def _log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def test_a_recruiters_french_posting_goes_online_once_a_moderator_approves_it(
    fromagerie_recruiter_and_moderator, live_server, page
):
    title = "Affineur de fromages à Liège"
    french_countries = page.locator("select[name=country] option:not([value=''])")

    page.goto(f"{live_server.url}/fr/jobs/")
    assert french_countries.all_inner_texts() == ["France (1)"]

    # The recruiter writes the posting and saves it as a draft.
    _log_in(page, live_server, "claire@dubois.example")
    page.goto(f"{live_server.url}/admin/postings/posting/add/")
    page.select_option("select[name=language]", "fr")
    page.fill("input[name=title]", title)
    # Her only company is chosen for her.
    assert page.locator("select[name=company] option:checked").inner_text() == "Fromagerie Dubois"
    page.select_option("select[name=country]", "BE")
    page.fill("input[name=city]", "Liège")
    page.fill(
        "textarea[name=description]",
        "<p>Notre fromagerie familiale cherche un affineur pour ses caves de Liège. Vous "
        "soignez chaque jour nos meules, vous surveillez leur croûte et leur humidité, et "
        "vous décidez avec nous du moment où elles sont prêtes à être vendues.</p>",
    )
    page.locator("input[name=_continue]").click()
    page.wait_for_url("**/admin/postings/posting/*/change/")
    assert page.locator(".errornote").count() == 0

    # The preview opens in a new tab, as the public page will show the posting.
    with page.context.expect_page() as new_page_info:
        page.locator("a[href$='/preview/']").first.click()
    preview = new_page_info.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == title
    assert preview.locator(".preview-banner").is_visible()
    assert preview.locator("html").get_attribute("lang") == "fr"
    preview.close()

    change_url = page.url
    page.locator("input[name=_submit]").click()
    page.wait_for_url(change_url)
    assert page.locator(".messagelist .success").count() == 1
    assert page.locator("input[name=_submit]").count() == 0  # pending: nothing more to submit

    # The moderator finds it in the queue and approves it.
    page.locator("#logout-form button").click()
    page.wait_for_url("**/admin/logout/")
    _log_in(page, live_server, "marc@moderation.example")
    page.goto(f"{live_server.url}/admin/postings/postingforreview/")
    page.get_by_role("link", name=title).click()
    page.wait_for_url("**/admin/postings/postingforreview/*/change/")
    assert page.locator("article.review h2").inner_text() == title
    page.locator("input[name=_approve]").click()
    page.wait_for_url(f"{live_server.url}/admin/postings/postingforreview/")
    assert page.locator(".messagelist .success").count() == 1
    assert page.get_by_role("link", name=title).count() == 0

    # Online in French, with Belgium now in the French country list; not in German.
    page.goto(f"{live_server.url}/fr/jobs/")
    assert title in page.locator(".posting-card h3").all_inner_texts()
    assert french_countries.all_inner_texts() == ["Belgique (1)", "France (1)"]
    page.goto(f"{live_server.url}/de/jobs/")
    assert page.locator(".posting-card h3").all_inner_texts() == ["Käser in Eupen"]


def test_a_moderator_edits_a_category_in_every_language_under_the_policy(
    fromagerie_recruiter_and_moderator, live_server, page
):
    """The tabbed translation admin (jQuery UI from static/vendor/) works under the CSP."""
    _log_in(page, live_server, "marc@moderation.example")
    page.goto(f"{live_server.url}/admin/postings/category/")
    page.get_by_role("link", name="Vente").click()
    page.wait_for_url("**/admin/postings/category/*/change/")
    page.get_by_role("tab", name="de").first.click()
    expect(page.locator("input[name=name_de]")).to_be_visible()
    expect(page.locator("input[name=name_de]")).to_have_value("Vertrieb")


@pytest.fixture
def fromagerie_recruiter_and_feed(
    django_db_serialized_rollback, transactional_db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Trusted: its feed goes online at once (an untrusted one's waits for a moderator).
    company = factories.trusted_company("Fromagerie Dubois")
    factories.recruiter(company, "claire@dubois.example", language="fr")
    cities = ["Lyon", "Annecy", "Besançon", "Liège", "Namur", "Rodez"]
    rows = [
        {
            "external_id": f"dubois-{n}",
            "title": f"Fromager affineur n°{n} à {cities[n % len(cities)]}",
            "country": "BE" if n % len(cities) in (3, 4) else "FR",
            "city": cities[n % len(cities)],
            "description": f"<p>Notre fromagerie cherche son fromager n°{n} pour ses caves.</p>",
        }
        for n in range(1, 31)
    ]
    # Two rows in a country that does not exist, among the good ones (rows 11 and 23 of 32).
    rows.insert(
        10,
        {
            "external_id": "dubois-zz-1",
            "title": "Fromager à Nulle-part",
            "country": "ZZ",
            "description": "<p>Nulle part.</p>",
        },
    )
    rows.insert(
        22,
        {
            "external_id": "dubois-zz-2",
            "title": "Crémier à Ailleurs",
            "country": "ZZ",
            "description": "<p>Ailleurs.</p>",
        },
    )
    feed = tmp_path / "dubois.jsonl"
    feed.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n")
    return feed, {row["title"] for row in rows if row["country"] in ("FR", "BE")}


def test_a_recruiter_uploads_a_feed_watches_its_run_finish_and_downloads_the_rejected_rows(
    fromagerie_recruiter_and_feed, worker, live_server, page
):
    feed, imported_titles = fromagerie_recruiter_and_feed
    with translation.override("fr"):
        succeeded = str(ImportRun.Status.SUCCEEDED.label)

    _log_in(page, live_server, "claire@dubois.example")
    page.goto(f"{live_server.url}/admin/postings/importsource/add/")
    # Her only company is chosen for her.
    assert page.locator("select[name=company] option:checked").inner_text() == "Fromagerie Dubois"
    page.fill("input[name=name]", "dubois-ats")
    page.select_option("select[name=default_language]", "fr")
    page.set_input_files("input[name=feed]", feed)
    page.locator("input[name=_import]").click()
    page.wait_for_url("**/admin/postings/importrun/*/change/")
    run_url = page.url
    progress = page.locator("section.import-progress")
    expect(progress.locator("progress")).to_be_attached()

    # The run ends with rejected rows: the page reloads itself and offers them for download
    # (or the run was over before the page was drawn, and the link is there at once).
    rejected_link = page.locator("a[href$='/rejected.csv']")
    expect(rejected_link).to_be_visible(timeout=30_000)
    assert page.url == run_url
    expect(progress.locator("progress")).to_have_js_property("value", 100)
    expect(progress.locator(".status")).to_have_text(succeeded)
    expect(progress.locator("[data-count=created]")).to_have_text("30")
    expect(progress.locator("[data-count=rejected]")).to_have_text("2")
    expect(progress.locator("[data-count=updated]")).to_have_text("0")
    expect(progress.locator(".rows")).to_have_text("32")

    with page.expect_download() as download_info:
        rejected_link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("rejected-rows-")
    with open(download.path(), encoding="utf-8", newline="") as csv_file:
        rejected = list(csv.DictReader(csv_file))
    # Its columns are named in the panel's language, but the native fields'.
    assert [(row["ligne"], row["external_id"], row["country"]) for row in rejected] == [
        ("11", "dubois-zz-1", "ZZ"),
        ("23", "dubois-zz-2", "ZZ"),
    ]
    assert all("country" in row["motif"] for row in rejected)
    assert rejected[0]["title"] == "Fromager à Nulle-part"

    # The imported postings are online in French.
    page.goto(f"{live_server.url}/fr/jobs/")
    titles = page.locator(".posting-card h3").all_inner_texts()
    assert titles and set(titles) <= imported_titles
    countries = page.locator("select[name=country] option:not([value=''])")
    assert countries.all_inner_texts() == ["Belgique (10)", "France (20)"]


@pytest.fixture
def french_postings_in_france_and_belgium(
    django_db_serialized_rollback, transactional_db, settings
):
    settings.ALERT_RATE_LIMIT_EMAIL = settings.ALERT_RATE_LIMIT_IP = "100/h"
    factories.live_posting(language="fr", country="FR", title="Fromager à Lyon")
    factories.live_posting(language="fr", country="FR", title="Crémière à Paris")
    factories.live_posting(language="fr", country="BE", title="Affineur à Liège")
    factories.live_posting(language="de", country="BE", title="Käser in Eupen")


def _in_a_thread_of_its_own(function):
    """Runs a query on a connection of its own, closed after: the test's thread is Playwright's
    now (see `page`)."""

    def run():
        try:
            return function()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_a_job_seeker_subscribes_to_the_search_she_is_reading_and_confirms_it_by_mail(
    french_postings_in_france_and_belgium, mailbox, worker, live_server, page
):
    email = "lea@example.org"
    page.goto(f"{live_server.url}/fr/jobs/?country=BE")
    assert page.locator(".posting-card h3").all_inner_texts() == ["Affineur à Liège"]

    alert_link = page.locator("a[href*='/alerts/new/']").first
    expect(alert_link).to_have_text("Recevoir par e-mail les nouvelles offres de ce type")
    alert_link.click()
    page.wait_for_url(f"{live_server.url}/fr/alerts/new/?country=BE")
    assert page.locator("html").get_attribute("lang") == "fr"
    # The search she was reading is the alert's.
    expect(page.locator("main strong").first).to_have_text("Belgique")
    page.fill("input[name=email]", email)
    page.check("input[name=frequency][value=daily]")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/fr/alerts/sent/")
    expect(page.locator("h1")).to_have_text("Consultez votre boîte de réception")

    # The worker mails the confirmation, in French, with a signed link.
    (message,) = mailbox.wait_for(1)
    assert email in message["To"]
    assert message["Subject"].strip() == "Confirmez votre alerte emploi"
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Bonjour,")
    assert "Belgique" in body
    match = re.search(r"https?://[^/\s]+(/fr/alerts/confirm/[^/\s]+/)", body)
    assert match, f"no confirmation link in {body!r}"

    # Opening the link changes nothing until she presses the button (link scanners GET it).
    page.goto(live_server.url + match.group(1))
    expect(page.locator("h1")).to_have_text("Confirmez votre alerte")
    assert email in page.locator("main").inner_text()
    assert not _in_a_thread_of_its_own(
        lambda: Alert.objects.filter(confirmed_at__isnull=False).exists()
    )
    page.get_by_role("button", name="Confirmer mon alerte").click()
    expect(page.locator("h1")).to_have_text("Votre alerte est confirmée")

    # Her alerts page lists it: Belgium, once a day.
    manage = page.get_by_role("link", name="Gérer vos alertes")
    manage_path = re.sub(r"^https?://[^/]+", "", manage.get_attribute("href"))
    assert manage_path.startswith("/fr/alerts/manage/")
    page.goto(live_server.url + manage_path)
    expect(page.locator("main")).to_contain_text("Belgique")

    def saved_alerts():
        return [
            (
                alert.subscriber.email,
                alert.language,
                alert.query,
                alert.frequency,
                alert.confirmed_at is not None,
                alert.subscriber.confirmed_at is not None,
            )
            for alert in Alert.objects.select_related("subscriber")
        ]

    assert _in_a_thread_of_its_own(saved_alerts) == [
        (email, "fr", "country=BE", "daily", True, True)
    ]
    assert len(mailbox.messages) == 1  # nothing but the confirmation so far


@pytest.fixture
def paul_invited(django_db_serialized_rollback, transactional_db):
    """Paul has an account (a recruiter of another company) and is invited to Dubois."""
    factories.recruiter(factories.company("Laiterie Paul"), "paul@paul.example", language="fr")
    invitation = Invitation.objects.create(
        company=factories.company("Fromagerie Dubois"), email="paul@paul.example"
    )
    return f"/fr/panel/invitation/{invitation.token}/"


def test_an_invited_person_with_an_account_joins_with_their_own_password(
    paul_invited, live_server, page
):
    page.goto(f"{live_server.url}{paul_invited}")
    assert_accessible(page)
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Accepter l'invitation").click()
    expect(page.locator(".errorlist")).to_have_text("Ce n’est pas le mot de passe de ce compte.")
    assert_accessible(page)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Accepter l'invitation").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert _in_a_thread_of_its_own(
        lambda: Membership.objects.filter(
            user__email="paul@paul.example", company__name="Fromagerie Dubois"
        ).exists()
    )


def test_a_forgotten_password_is_reset_from_the_login_page(
    django_db_serialized_rollback, transactional_db, live_server, page
):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_role("link", name=re.compile("Identifiants de connexion oubliés")).click()
    assert_accessible(page)
    page.get_by_label("Adresse électronique").fill("nobody@example.org")
    page.get_by_role("button", name="Réinitialiser mon mot de passe").click()
    page.wait_for_url(f"{live_server.url}/admin/password_reset/done/")
    assert_accessible(page)


@pytest.fixture
def cheesemakers_in_switzerland(django_db_serialized_rollback, transactional_db):
    factories.live_posting(language="de", country="CH", title="Käser in Bern")
    return factories.live_posting(language="fr", country="CH", title="Fromager à Gruyères")


def test_it_says_a_job_is_only_published_in_french_after_switching_to_german(
    cheesemakers_in_switzerland, live_server, page
):
    posting = cheesemakers_in_switzerland
    page.goto(f"{live_server.url}{posting.get_absolute_url()}")
    page.locator(".language-menu summary").click()
    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_url(f"**/de/jobs/?from={posting.pk}")
    notice = page.get_by_role("status")
    expect(notice).to_have_text(
        "Diese Stelle ist nur auf Französisch veröffentlicht: Fromager à Gruyères"
    )
    assert page.locator(".posting-card h3").all_inner_texts() == ["Käser in Bern"]
    assert_accessible(page)

    notice.get_by_role("link").click()
    page.wait_for_url(f"**{posting.get_absolute_url()}")
    assert page.locator("html").get_attribute("lang") == "fr"


def test_it_counts_the_titles_characters_as_a_recruiter_types(
    fromagerie_recruiter_and_moderator, live_server, page
):
    _log_in(page, live_server, "claire@dubois.example")
    page.goto(f"{live_server.url}/admin/postings/posting/add/")
    expect(page.locator("#id_title_count")).to_have_text("0 / 200")
    page.fill("input[name=title]", "Affineur")
    expect(page.locator("#id_title_count")).to_have_text("8 / 200")
