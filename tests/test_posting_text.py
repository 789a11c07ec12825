"""Posting text written as plain text reads as paragraphs and lists, on every write path."""

import json

import pytest
from django.core.management import call_command

from postings.html import sanitize
from postings.models import Posting
from tests import factories

pytestmark = pytest.mark.django_db

PLAIN = """Nous recrutons un développeur.
Poste basé à Lyon.

Vos missions :
- écrire du code
• relire celui des autres

R&D < 10 personnes."""


def test_it_turns_blank_lines_into_paragraphs_and_dashes_into_a_list():
    assert sanitize(PLAIN) == (
        "<p>Nous recrutons un développeur.<br>Poste basé à Lyon.</p>"
        "<p>Vos missions :</p>"
        "<ul><li>écrire du code</li><li>relire celui des autres</li></ul>"
        "<p>R&amp;D &lt; 10 personnes.</p>"
    )


def test_it_leaves_html_as_it_was_written():
    html = "<p>Bonjour</p>\n\n<ul><li>un</li></ul>"
    assert sanitize(html) == html


def test_it_still_drops_scripts_from_plain_text():
    assert sanitize("Hello\n\n<script>alert(1)</script>- one") == "<p>Hello</p><p>- one</p>"


def test_it_shows_an_imported_plain_text_posting_as_paragraphs_and_a_list(tmp_path, client):
    feed = tmp_path / "feed.json"
    row = {
        "external_id": "plain-1",
        "language": "fr",
        "title": "Développeur",
        "company": "Acme",
        "country": "FR",
        "description": PLAIN,
        "requirements": "- Python\n- PostgreSQL",
    }
    feed.write_text(json.dumps([row]), encoding="utf-8")
    call_command("import_postings", str(feed))
    posting = Posting.objects.get(external_id="plain-1")
    html = client.get(posting.get_absolute_url()).content.decode()
    assert "<p>Vos missions :</p>" in html
    assert "<ul><li>Python</li><li>PostgreSQL</li></ul>" in html


def test_it_stores_plain_text_from_the_panel_as_html():
    posting = factories.draft_posting(language="fr")
    posting.description = "Un.\n\nDeux."
    posting.full_clean()
    assert posting.description == "<p>Un.</p><p>Deux.</p>"
