"""The panel's own words and forms, as a recruiter, a company admin and a moderator read them in
their languages: plural forms, messages that agree in gender, codes chosen from lists, the
sender's name, the postings about to expire, and bulk actions that say what they did not do."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from jobboard.mail import send_template_mail
from postings.admin.charts import activity_chart
from postings.importers.validation import ImportRowForm
from postings.models import ImportSource, Posting, PostingDay
from tests import factories
from tests.conftest import hidden_value, select_options
from tests.test_panel_workflow import posting_form


@pytest.fixture
def dubois(db):
    return factories.company("Fromagerie Dubois")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("es", "3 visitas, 1 clic"),
        ("fr", "3 vues, 1 clic"),
        ("de", "3 Aufrufe, 1 Klick"),
        ("pl", "3 wyświetlenia, 1 kliknięcie"),
        ("en", "3 views, 1 apply click"),
    ],
)
def test_it_counts_one_click_in_the_singular(dubois, language, words):
    posting = factories.live_posting(company=dubois)
    PostingDay.objects.create(posting=posting, day=timezone.now().date(), views=3, applies=1)
    with translation.override(language):
        # "1 clic" but not "1 clics": the word ends there.
        assert re.search(re.escape(words) + r"\b", activity_chart(posting))


@pytest.mark.django_db
def test_it_writes_large_counts_in_the_locales_number_format(dubois):
    posting = factories.live_posting(company=dubois)
    PostingDay.objects.create(posting=posting, day=timezone.now().date(), views=40155, applies=5)
    with translation.override("de"):
        assert "40.155 Aufrufe" in activity_chart(posting)
    with translation.override("en"):
        assert "40,155 views" in activity_chart(posting)


@pytest.mark.django_db
def test_it_says_a_posting_was_saved_in_words_that_agree_in_gender(client, dubois):
    client.force_login(factories.recruiter(dubois, "ana@dubois.example", language="es"))
    response = client.post(
        "/admin/postings/posting/add/",
        posting_form(dubois, title="Quesero"),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert "La oferta «Quesero» se ha guardado." in response.content.decode()
    posting = Posting.objects.get(title="Quesero")
    response = client.post(
        f"/admin/postings/posting/{posting.pk}/change/",
        {**posting_form(dubois, title="Quesera"), "_continue": "1"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert "La oferta «Quesera» se ha guardado." in response.content.decode()
    assert "El oferta" not in response.content.decode()


def import_row(**fields) -> ImportRowForm:
    row = {
        "external_id": "1",
        "language": "es",
        "title": "Quesero",
        "company": "Dubois",
        "country": "ES",
        "description": "<p>Queso</p>",
        **fields,
    }
    return ImportRowForm(row, category_ids={})


def test_it_names_the_code_of_a_country_written_as_a_name():
    errors = import_row(country="Espana").errors["country"]
    assert errors == ["“Espana” is not a country code: write ES (Spain)."]
    with translation.override("es"):
        errors = import_row(country="Alemania").errors["country"]
    assert errors == ["«Alemania» no es un código de país: escriba DE (Alemania)."]
    assert "two letters" in import_row(country="Atlantis").errors["country"][0]
    assert import_row(country="es").is_valid()


@pytest.mark.django_db
def test_it_offers_currencies_as_a_list_with_the_countrys_own_first(client, dubois):
    posting = factories.draft_posting(company=dubois, country="UY", language="es")
    client.force_login(factories.recruiter(dubois, "ana@dubois.example", language="es"))
    page = client.get(f"/admin/postings/posting/{posting.pk}/change/", HTTP_ACCEPT_LANGUAGE="es")
    options = select_options(page.content.decode(), "salary_currency")
    assert options[0] == ("UYU", "peso uruguayo (UYU)")
    assert ("EUR", "euro (EUR)") in options

    def save(currency: str):
        data = {**posting_form(dubois, country="UY"), "salary_min": "95000"}
        data["salary_currency"] = currency
        return client.post(f"/admin/postings/posting/{posting.pk}/change/", data)

    for wrong in ("uyu", "XYZ"):
        response = save(wrong)
        assert response.status_code == 200, wrong
        assert "salary_currency" in response.context["adminform"].form.errors
    assert save("UYU").status_code == 302
    posting.refresh_from_db()
    assert posting.salary_currency == "UYU"


@pytest.mark.django_db
def test_it_accepts_a_source_name_in_plain_words_and_derives_its_slug(
    client, dubois, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(factories.company_admin(dubois, "eva@dubois.example", language="es"))
    response = client.post(
        "/admin/postings/importsource/add/",
        {
            "company": dubois.pk,
            "name": "Feed ATS Hispano",
            "format": "auto",
            "default_language": "es",
            "schedule": "manual",
            "url": "",
            "feed": SimpleUploadedFile("feed.jsonl", b"[]", content_type="application/json"),
        },
    )
    assert response.status_code == 302
    source = ImportSource.objects.get(company=dubois)
    assert (source.name, source.slug) == ("Feed ATS Hispano", "feed-ats-hispano")


@pytest.mark.django_db
def test_it_signs_mail_with_the_sites_name_in_the_recipients_language(mailbox, settings):
    settings.DEFAULT_FROM_EMAIL = "jobs@board.example"
    send_template_mail(
        "accounts/email/invitation",
        {"days": 7},
        to="ana@dubois.example",
        language="es",
    )
    send_template_mail(
        "accounts/email/invitation",
        {"days": 7},
        to="marie@dubois.example",
        language="fr",
    )
    mailbox.wait_for(2)
    assert mailbox.to("ana@dubois.example")[0]["From"] == "Bolsa de empleo <jobs@board.example>"
    french = mailbox.to("marie@dubois.example")[0]["From"]
    assert french == "Site d'emploi <jobs@board.example>"


@pytest.mark.django_db
def test_it_lists_and_marks_the_postings_that_expire_within_a_week(client, dubois):
    now = timezone.now()
    soon = factories.live_posting(company=dubois, title="Soon", expires_at=now + timedelta(days=3))
    factories.live_posting(company=dubois, title="Later", expires_at=now + timedelta(days=20))
    client.force_login(factories.recruiter(dubois, "ana@dubois.example", language="fr"))
    page = client.get("/admin/postings/posting/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Expire dans 7 jours" in page
    badges = re.findall(r'<span class="badge expiring"[^>]*>([^<]*)</span>', page)
    assert badges == ["Expire dans 3 jours"]
    page = client.get("/admin/postings/posting/?expiring=7", HTTP_ACCEPT_LANGUAGE="fr")
    titles = [posting.title for posting in page.context["cl"].result_list]
    assert titles == [soon.title]


@pytest.mark.django_db
def test_it_reports_which_postings_a_bulk_action_could_not_renew_and_why(client, dubois):
    live = factories.live_posting(company=dubois, title="Affineur")
    draft = factories.draft_posting(company=dubois, title="Vendeur")
    client.force_login(factories.recruiter(dubois, "ana@dubois.example", language="en"))
    response = client.post(
        "/admin/postings/posting/",
        {"action": "renew_selected", "_selected_action": [live.pk, draft.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 posting renewed." in page
    assert (
        "“Vendeur” was not renewed: This step is not possible for a posting that is draft." in page
    )


@pytest.mark.django_db
def test_it_pages_and_sorts_the_dashboard_and_groups_its_numbers(client, dubois):
    for n in range(30):
        factories.live_posting(company=dubois, title=f"Poste {n:02d}")
    busy = Posting.objects.get(title="Poste 07")
    PostingDay.objects.create(posting=busy, day=timezone.now().date(), views=40155, applies=2)
    client.force_login(factories.company_admin(dubois, "eva@dubois.example", language="de"))
    url = f"/admin/postings/company/{dubois.pk}/dashboard/"

    def titles(query: str) -> list[str]:
        page = client.get(url + query, HTTP_ACCEPT_LANGUAGE="de").content.decode()
        return re.findall(r'<td class="title"><a [^>]*>([^<]*)</a>', page)

    first = titles("")
    assert len(first) == 25 and first[0] == "Poste 07"
    assert len(titles("?page=2")) == 5
    assert titles("?o=title")[:2] == ["Poste 00", "Poste 01"]
    assert titles("?o=-title")[:2] == ["Poste 29", "Poste 28"]
    assert titles("?o=company__name") == first  # not a column: the default order
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<td class="views-recent">40.155</td>' in page
    assert "30 Stellenanzeigen online." in page


def source_form(company, **fields) -> dict:
    return {
        "company": company.pk,
        "name": "Feed ATS Hispano",
        "format": "auto",
        "default_language": "es",
        "schedule": "manual",
        "url": "",
        **fields,
    }


@pytest.mark.django_db
def test_it_keeps_the_chosen_feed_file_when_the_source_form_has_an_error(
    client, dubois, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(factories.company_admin(dubois, "eva@dubois.example", language="en"))
    feed = SimpleUploadedFile("ofertas.jsonl", b'{"external_id": "1"}\n')
    response = client.post(
        "/admin/postings/importsource/add/",
        {**source_form(dubois, schedule="hourly"), "feed": feed},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Only a feed URL can be imported on a schedule." in page
    assert "ofertas.jsonl is kept: no need to choose it again." in page
    token = hidden_value(page, "kept_feed")
    response = client.post(
        "/admin/postings/importsource/add/", {**source_form(dubois), "kept_feed": token}
    )
    assert response.status_code == 302
    source = ImportSource.objects.get(company=dubois)
    assert source.feed.read() == b'{"external_id": "1"}\n'
    assert source.feed.name.endswith(".jsonl")
    assert not list((tmp_path / "kept").rglob("*.*"))  # the kept copy is gone once used


@pytest.mark.django_db
def test_it_takes_a_kept_feed_file_only_from_whoever_chose_it(client, dubois, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    eva = factories.company_admin(dubois, "eva@dubois.example", language="en")
    client.force_login(eva)
    feed = SimpleUploadedFile("ofertas.jsonl", b'{"external_id": "secret"}\n')
    page = client.post(
        "/admin/postings/importsource/add/",
        {**source_form(dubois, schedule="hourly"), "feed": feed},
    ).content.decode()
    token = hidden_value(page, "kept_feed")

    other = factories.company("Laiterie")
    client.force_login(factories.company_admin(other, "leo@laiterie.example", language="en"))
    for forged in (token, token[:-3] + "abc", "feeds/x.jsonl"):
        response = client.post(
            "/admin/postings/importsource/add/",
            {**source_form(other, name="Stolen"), "kept_feed": forged},
        )
        assert response.status_code == 200, forged
        assert "The chosen file could not be kept: choose it again." in response.content.decode()
    assert not ImportSource.objects.filter(name="Stolen").exists()


@pytest.mark.django_db
def test_it_says_an_invitation_was_sent_in_words_that_agree_in_gender(client, dubois):
    client.force_login(factories.company_admin(dubois, "eva@dubois.example", language="es"))
    response = client.post(
        "/admin/accounts/invitation/add/",
        {"company": dubois.pk, "email": "ana@dubois.example", "role": "recruiter"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="es",
    )
    page = response.content.decode()
    assert "Se ha enviado la invitación a ana@dubois.example." in page
    assert "El invitación" not in page
