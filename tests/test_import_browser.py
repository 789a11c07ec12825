"""A recruiter's import in the Spanish panel, in a real browser: the upload, the run's progress
and its rejected rows, all in Spanish."""

import csv

import pytest
from django.utils import translation
from playwright.sync_api import expect

from postings.models import ImportRun, Posting
from tests import factories
from tests.test_browser import _in_a_thread_of_its_own, _log_in, pytestmark  # noqa: F401 (the marks)
from tests.test_browser import page as page  # the fixture

SPANISH = (
    "<p>Buscamos una persona con experiencia para nuestro taller de {city}: trabajará en un "
    "equipo de diez compañeros.</p>"
)


@pytest.fixture
def browser_locale() -> str:
    return "es-ES"


@pytest.fixture
def taller_recruiter_and_feed(django_db_serialized_rollback, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    company = factories.trusted_company("Taller Ruiz")
    factories.recruiter(company, "lucia@ruiz.example", language="es")
    lines = ["external_id,title,country,city,description"]
    lines += [
        f'ruiz-{n},Soldador n.º {n},ES,Madrid,"{SPANISH.format(city="Madrid")}"'
        for n in range(1, 11)
    ]
    # An unquoted comma too many, a formula, and a country given by name (rows 5, 8 and 10).
    lines.insert(4, f'ruiz-x1,Soldador, TIG,ES,Sevilla,"{SPANISH.format(city="Sevilla")}"')
    lines.insert(7, '=HYPERLINK("https://evil.example"),x,y,ES,Bilbao,z')
    lines.insert(9, f'ruiz-x3,Tornero,Espana,Valencia,"{SPANISH.format(city="Valencia")}"')
    feed = tmp_path / "ruiz.csv"
    feed.write_text("\n".join(lines) + "\n")
    return feed, lines


def test_a_recruiter_in_the_spanish_panel_downloads_the_rejected_rows_in_spanish(
    taller_recruiter_and_feed,
    worker,
    live_server,
    page,  # noqa: F811 (the fixture)
):
    feed, lines = taller_recruiter_and_feed
    with translation.override("es"):
        succeeded = str(ImportRun.Status.SUCCEEDED.label)
        queued = str(ImportRun.Status.QUEUED.label)

    _log_in(page, live_server, "lucia@ruiz.example")
    page.goto(f"{live_server.url}/admin/postings/importsource/add/")
    page.fill("input[name=name]", "ruiz-ats")
    # No default language: the rows are in their text's.
    page.set_input_files("input[name=feed]", feed)
    page.locator("input[name=_import]").click()
    page.wait_for_url("**/admin/postings/importrun/*/change/")
    progress = page.locator("section.import-progress")

    rejected_link = page.locator("a[href$='/rejected.csv']")
    expect(rejected_link).to_be_visible(timeout=30_000)
    expect(progress.locator(".status")).to_have_text(succeeded)
    expect(progress.locator("[data-count=created]")).to_have_text("10")
    expect(progress.locator("[data-count=rejected]")).to_have_text("3")
    expect(progress.locator("[data-count=finished_at]")).not_to_have_text("-")
    # The status and the counts show once, in the part the page keeps up to date.
    expect(page.get_by_text(queued, exact=True)).to_have_count(0)

    with page.expect_download() as download_info:
        rejected_link.click()
    with open(download_info.value.path(), encoding="utf-8", newline="") as csv_file:
        header, *rejected = list(csv.reader(csv_file))
    assert header[:3] == ["fila", "motivo", "external_id"] and header[-1] == "línea leída"
    assert [row[0] for row in rejected] == ["5", "8", "10"]
    assert rejected[0][1] == "la fila tiene más campos que la cabecera"
    assert rejected[0][-1] == lines[4], "the line as read, its fields empty"
    assert rejected[1][-1] == "'" + lines[7], "a formula is written as text"
    assert "escriba ES (España)" in rejected[2][1]
    assert rejected[2][header.index("country")] == "Espana"

    languages = _in_a_thread_of_its_own(
        lambda: set(Posting.objects.values_list("language", flat=True))
    )
    assert languages == {"es"}
