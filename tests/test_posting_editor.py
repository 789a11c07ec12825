"""Writing a posting in the panel: the sections' hints, the live preview of their plain text as
the public page shows it, and the country chosen by its name in the panel's language."""

import time

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests import factories
from tests.conftest import select_options

PREVIEW = "/admin/postings/posting/text-preview/"


@pytest.fixture
def dubois(db):
    return factories.company("Fromagerie Dubois")


@pytest.fixture
def claire(dubois):
    return factories.recruiter(dubois, "claire@dubois.example", language="fr")


def preview(client: Client, text: str):
    return client.post(PREVIEW, {"text": text})


@pytest.mark.django_db
def test_it_previews_dashed_lines_as_a_list(client, claire):
    client.force_login(claire)
    response = preview(client, "- a\n- b")
    assert response.status_code == 200
    assert response.json() == {"html": "<ul><li>a</li><li>b</li></ul>"}


@pytest.mark.django_db
def test_it_previews_paragraphs_and_bullets_as_the_public_page_shows_them(client, claire):
    client.force_login(claire)
    response = preview(client, "Notre cave.\n\nVous aimez :\n• le comté\n• le bleu")
    assert response.json()["html"] == (
        "<p>Notre cave.</p><p>Vous aimez :</p><ul><li>le comté</li><li>le bleu</li></ul>"
    )


@pytest.mark.django_db
def test_it_removes_a_script_and_its_handlers_from_the_preview(client, claire):
    client.force_login(claire)
    html = preview(
        client,
        '<p>Bonjour<script>alert(1)</script><img src=x onerror="alert(2)">'
        '<a href="javascript:alert(3)">ici</a></p>',
    ).json()["html"]
    assert "<script" not in html and "alert" not in html and "<img" not in html
    assert html.startswith("<p>Bonjour")


@pytest.mark.django_db
def test_it_refuses_the_preview_to_anyone_outside_the_panel(client, claire, dubois):
    # Anonymous, and a logged-in visitor who is not staff: the admin's login page.
    response = preview(client, "- a")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(User.objects.create_user("visitor", "visitor@example.org", "x"))
    response = preview(client, "- a")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    # Staff of no company writes no posting.
    client.force_login(User.objects.create_user("idle", "idle@example.org", "x", is_staff=True))
    assert preview(client, "- a").status_code == 403


@pytest.mark.django_db
def test_it_refuses_a_preview_without_the_csrf_token_or_by_get(claire):
    client = Client(enforce_csrf_checks=True)
    client.force_login(claire)
    assert client.post(PREVIEW, {"text": "- a"}).status_code == 403
    assert client.get(PREVIEW, {"text": "- a"}).status_code == 405


@pytest.mark.django_db
def test_it_hints_what_belongs_in_each_section(client, claire):
    client.force_login(claire)
    html = client.get("/admin/postings/posting/add/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    for name, hint in [
        ("description", "Die Einleitung"),
        ("responsibilities", "Was die Person tun wird"),
        ("requirements", "Was eine Bewerberin oder ein Bewerber mitbringen muss"),
        ("nice_to_have", "Was ein Plus wäre"),
    ]:
        assert f'id="id_{name}_helptext"' in html, name
        assert hint in html, name
    assert "Eine Leerzeile beginnt einen Absatz" in html
    # The preview beside each field, drawn by a script file the policy allows.
    assert html.count('data-preview-url="/admin/postings/posting/text-preview/"') == 4
    assert "js/text-preview.js" in html


@pytest.mark.django_db
def test_it_lists_the_countries_by_their_name_in_the_panels_language(client, claire):
    client.force_login(claire)
    html = client.get("/admin/postings/posting/add/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    names = [name for _, name in select_options(html, "country")]
    # German collation: Ö between O and P, not after Z; names in German.
    assert names.index("Oman") < names.index("Österreich") < names.index("Pakistan")
    assert "Deutschland" in names and "Germany" not in names
    assert 'data-filter-label="Land suchen"' in html
    html = client.get("/admin/postings/posting/add/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    names = [name for _, name in select_options(html, "country")]
    assert names.index("Luksemburg") < names.index("Łotwa") < names.index("Madagaskar")


@pytest.mark.django_db
def test_it_previews_with_the_panels_own_queries_only(
    client, claire, django_assert_max_num_queries
):
    client.force_login(claire)
    long_text = "\n\n".join(f"Absatz {n}.\n- Punkt {n}" for n in range(500))
    # The session, the user, their permissions and their companies: nothing for the text.
    with django_assert_max_num_queries(5):
        assert preview(client, long_text).status_code == 200


@pytest.mark.django_db
def test_it_previews_deeply_nested_markup_in_linear_time(client, claire):
    # The parser's cost grows with the depth of open elements at each tag: 100,000 nested lists
    # (500 KB, a fifth of the upload limit) took 15 s of a worker; any recruiter may post them.
    client.force_login(claire)
    started = time.monotonic()
    response = preview(client, "<p>Bonjour</p>" + "<ul>" * 100_000 + "<li>x")
    assert response.status_code == 200
    assert time.monotonic() - started < 2
    # Nesting no text has is shown as the text it is.
    assert response.json()["html"].startswith("<p>&lt;p&gt;Bonjour&lt;/p&gt;&lt;ul&gt;")
    # Closing tags the parser reads as a value, a comment or a script's text close nothing; the
    # markup that the parser reads with attributes, formatting and tags left open.
    for attack in [
        '<ul title="a>b</ul>c">' * 20_000,
        "<ul><!-- </ul> -->" * 20_000,
        "<ul><script></ul></script>" * 20_000,
        "<ul><svg><![CDATA[> </svg></ul> ]]>" * 20_000,
        "".join(f"<font size={n}><p>" for n in range(20_000)),
        "<a" * 500_000,
        "<!--" * 500_000,
    ]:
        started = time.monotonic()
        assert preview(client, attack).status_code == 200
        assert time.monotonic() - started < 2, attack[:40]
    # Ordinary nesting is kept as written.
    html = preview(client, "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul>").json()
    assert html["html"] == "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul>"


@pytest.mark.django_db
def test_it_keeps_every_way_of_running_script_out_of_the_preview(client, claire):
    client.force_login(claire)
    attacks = [
        "<svg onload=alert(1)><script>alert(1)</script></svg>",
        "<style>body{background:url(javascript:alert(1))}</style>",
        '<a href="JaVaScRiPt:alert(1)">a</a>',
        '<a href="jav&#x09;ascript:alert(1)">a</a>',
        '<a href="&#106;avascript:alert(1)">a</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a>',
        '<a href="vbscript:msgbox(1)">a</a>',
        '<a title="x" onclick="alert(1)" style="x:expression(alert(1))">a</a>',
        '<p><iframe src="javascript:alert(1)"></iframe><math><mi xlink:href="x">a</mi></math></p>',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<!--<script>alert(1)</script>-->",
    ]
    for attack in attacks:
        html = preview(client, attack).json()["html"]
        lowered = html.lower()
        for bad in ("<script", "<svg", "<style", "<iframe", "<img", "<math", "onload", "onclick"):
            assert bad not in lowered, (attack, html)
        assert "javascript:" not in lowered and "data:" not in lowered, (attack, html)
        assert "vbscript:" not in lowered and "style=" not in lowered, (attack, html)


@pytest.mark.django_db
def test_it_refuses_a_preview_larger_than_the_upload_limit(client, claire, settings):
    client.force_login(claire)
    text = "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert preview(client, text).status_code == 400
