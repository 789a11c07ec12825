"""A recruiter's day in the German panel, in a real browser: invited by mail (through a real SMTP
server), a first posting written, previewed, submitted and approved, online on /de/; then a
feed with bad rows, its progress and its rejected rows, all in German."""

import csv
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from postings.models import ImportRun
from tests import factories
from tests.test_browser import (  # noqa: F401 (the marks)
    _in_a_thread_of_its_own,
    _log_in,
    assert_accessible,
    pytestmark,
)
from tests.test_browser import page as page  # the fixture

TITLE = "Industriemechanikerin in Köln"
INTRODUCTION = (
    "Unser Werk in Köln baut Getriebe für Windkraftanlagen.\n\n"
    "Sie arbeiten in einem Team von zwölf Personen, in Tagschicht und mit eigener Werkstatt."
)
TASKS = "- Getriebe montieren\n- Maschinen warten\n- Neue Kolleginnen einarbeiten"
GERMAN = (
    "Unser Werk in {city} sucht eine erfahrene Fachkraft für die Montage: Sie arbeiten in einem "
    "Team von zwölf Personen und mit eigener Werkstatt."
)


@pytest.fixture
def browser_locale() -> str:
    return "de-DE"


@pytest.fixture
def rheinwerk(django_db_serialized_rollback, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    company = factories.company("Rheinwerk AG")  # not trusted: its postings wait for review
    factories.company_admin(company, "petra@rheinwerk.example", language="de")
    factories.moderator("max@moderation.example", language="de")
    factories.live_posting(language="de", country="AT", title="Buchhalter in Graz")
    return company


def test_an_invited_recruiter_publishes_her_first_german_posting(
    rheinwerk, mailbox, worker, live_server, page
):
    # The company admin invites a recruiter from the German panel.
    _log_in(page, live_server, "petra@rheinwerk.example")
    page.goto(f"{live_server.url}/admin/accounts/invitation/add/")
    page.fill("input[name=email]", "jana@rheinwerk.example")
    page.select_option("select[name=role]", "recruiter")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_have_count(1)
    page.locator("#logout-form button").click()
    page.wait_for_url("**/admin/logout/")

    # The invitation arrives through SMTP, in German, with its link.
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "jana@rheinwerk.example"
    assert message["Subject"].strip() == "Treten Sie Rheinwerk AG auf der Jobbörse bei"
    assert message["From"].addresses[0].display_name == "Jobbörse"
    body = message.get_body(("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(/de/panel/invitation/[^/\s]+/)", body)
    assert match, f"no German invitation link in {body!r}"

    # She chooses a password and is in the panel.
    page.goto(live_server.url + match.group(1))
    assert page.locator("html").get_attribute("lang") == "de"
    expect(page.locator("h1")).to_have_text("Treten Sie Rheinwerk AG bei")
    page.fill("input[name=new_password1]", "getriebe-koeln-2026")
    page.fill("input[name=new_password2]", "getriebe-koeln-2026")
    page.get_by_role("button", name="Einladung annehmen").click()
    page.wait_for_url(f"{live_server.url}/admin/")

    # Her first posting, written in plain text: paragraphs and a list.
    page.goto(f"{live_server.url}/admin/postings/posting/add/")
    page.select_option("select[name=language]", "de")
    page.fill("input[name=title]", TITLE)
    assert page.locator("select[name=company] option:checked").inner_text() == "Rheinwerk AG"
    # The country is found by its German name, typed without its capital.
    page.get_by_label("Land suchen").fill("deutsch")
    expect(page.locator("select[name=country]")).to_have_value("DE")
    page.fill("input[name=city]", "Köln")
    page.fill("textarea[name=description]", INTRODUCTION)
    page.fill("textarea[name=responsibilities]", TASKS)
    # Beside each field, its text as the public page will show it, as she types.
    expect(page.locator("#id_responsibilities_preview .prose li")).to_have_text(
        ["Getriebe montieren", "Maschinen warten", "Neue Kolleginnen einarbeiten"]
    )
    expect(page.locator("#id_description_preview .prose p")).to_have_count(2)
    assert_accessible(page)
    page.locator("input[name=_continue]").click()
    page.wait_for_url("**/admin/postings/posting/*/change/")
    assert page.locator(".errornote").count() == 0

    # The preview shows it as the public page will, in German, with its list.
    with page.context.expect_page() as new_page_info:
        page.get_by_role("link", name="Vorschau").first.click()
    preview = new_page_info.value
    preview.wait_for_load_state()
    assert preview.locator("html").get_attribute("lang") == "de"
    assert preview.locator("h1").inner_text() == TITLE
    assert preview.locator("#responsibilities + .prose li").all_inner_texts() == [
        "Getriebe montieren",
        "Maschinen warten",
        "Neue Kolleginnen einarbeiten",
    ]
    assert preview.locator("#introduction + .prose p").count() == 2
    preview.close()

    change_url = page.url
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    page.wait_for_url(change_url)
    expect(page.locator(".messagelist .success")).to_have_text(
        "Die Stellenanzeige wurde eingereicht."
    )
    page.goto(f"{live_server.url}/de/jobs/")
    assert TITLE not in page.locator(".posting-card h3").all_inner_texts()

    # A German moderator approves it.
    page.goto(f"{live_server.url}/admin/")
    page.locator("#logout-form button").click()
    page.wait_for_url("**/admin/logout/")
    _log_in(page, live_server, "max@moderation.example")
    page.goto(f"{live_server.url}/admin/postings/postingforreview/")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url("**/admin/postings/postingforreview/*/change/")
    page.get_by_role("button", name="Freigeben und veröffentlichen").click()
    page.wait_for_url(f"{live_server.url}/admin/postings/postingforreview/")
    expect(page.locator(".messagelist .success")).to_have_text(
        "Freigegeben: Die Anzeige ist online."
    )

    # The approval reaches her through SMTP in German, with the posting's German address.
    approved = mailbox.wait_for(2)[-1]
    assert approved["To"] == "jana@rheinwerk.example"
    assert approved["Subject"].strip() == f"Ihre Stellenanzeige „{TITLE}“ ist online"
    body = approved.get_body(("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(/de/jobs/\d+/[^/\s]+/)", body)
    assert match, f"no German posting link in {body!r}"
    page.goto(live_server.url + match.group(1))
    expect(page.locator("h1")).to_have_text(TITLE)
    assert page.locator("html").get_attribute("lang") == "de"

    # Online on the German home page and list, with Germany now among the countries.
    page.goto(f"{live_server.url}/de/")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    page.goto(f"{live_server.url}/de/jobs/")
    assert TITLE in page.locator(".posting-card h3").all_inner_texts()
    countries = page.locator("select[name=country] option:not([value=''])")
    assert countries.all_inner_texts() == ["Deutschland (1)", "Österreich (1)"]
    page.goto(f"{live_server.url}/fr/jobs/")
    assert TITLE not in page.locator(".posting-card h3").all_inner_texts()


@pytest.fixture
def rheinwerk_feed(rheinwerk, tmp_path):
    factories.recruiter(rheinwerk, "jana@rheinwerk.example", language="de")
    lines = ["external_id,title,country,city,description"]
    lines += [f'rw-{n},Monteur Nr. {n},DE,Köln,"{GERMAN.format(city="Köln")}"' for n in range(1, 9)]
    # A country given by name and a row with one unquoted comma too many (rows 4 and 7).
    lines.insert(3, f'rw-x1,Schlosser,Deutschland,Bonn,"{GERMAN.format(city="Bonn")}"')
    lines.insert(6, f'rw-x2,Dreher, CNC,DE,Essen,"{GERMAN.format(city="Essen")}"')
    feed = tmp_path / "rheinwerk.csv"
    feed.write_text("\n".join(lines) + "\n")
    return feed, lines


def test_a_recruiter_in_the_german_panel_downloads_the_rejected_rows_in_german(
    rheinwerk_feed, worker, live_server, page
):
    feed, lines = rheinwerk_feed
    with translation.override("de"):
        succeeded = str(ImportRun.Status.SUCCEEDED.label)

    _log_in(page, live_server, "jana@rheinwerk.example")
    page.goto(f"{live_server.url}/admin/postings/importsource/add/")
    page.fill("input[name=name]", "Rheinwerk Bewerbermanagement")
    page.select_option("select[name=default_language]", "de")
    page.set_input_files("input[name=feed]", feed)
    page.get_by_role("button", name="Speichern und jetzt importieren").click()
    page.wait_for_url("**/admin/postings/importrun/*/change/")
    progress = page.locator("section.import-progress")
    expect(progress.locator("progress")).to_be_attached()

    rejected_link = page.get_by_role("link", name="Abgelehnte Zeilen herunterladen (CSV)")
    expect(rejected_link).to_be_visible(timeout=30_000)
    expect(progress.locator(".status")).to_have_text(succeeded)
    expect(progress.locator("[data-count=created]")).to_have_text("8")
    expect(progress.locator("[data-count=rejected]")).to_have_text("2")

    with page.expect_download() as download_info:
        rejected_link.click()
    with open(download_info.value.path(), encoding="utf-8", newline="") as csv_file:
        header, *rejected = list(csv.reader(csv_file))
    assert header[:3] == ["Zeile", "Grund", "external_id"]
    assert header[-1] == "Zeile wie gelesen"
    assert [row[0] for row in rejected] == ["4", "7"]
    assert "DE (Deutschland)" in rejected[0][1], rejected[0][1]
    assert rejected[0][header.index("country")] == "Deutschland"
    assert rejected[1][1] == "die Zeile hat mehr Felder als die Kopfzeile"
    assert rejected[1][-1] == lines[6], "the line as read"

    # The good rows wait for a moderator: the company is not trusted.
    def languages_and_statuses():
        from postings.models import Posting

        return set(
            Posting.objects.filter(external_id__startswith="rw-").values_list("language", "status")
        )

    assert _in_a_thread_of_its_own(languages_and_statuses) == {("de", "pending")}
