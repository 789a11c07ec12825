"""A company admin's daily view: the last 30 days of the whole company in one chart; and the
files kept from forms with errors, swept once nobody can use them any more."""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from postings import tasks
from postings.models import PostingDay
from tests import factories


@pytest.fixture
def dubois(db):
    return factories.company("Fromagerie Dubois")


def counted(posting, days_ago: int, views: int, applies: int) -> None:
    day = timezone.now().date() - timedelta(days=days_ago)
    PostingDay.objects.create(posting=posting, day=day, views=views, applies=applies)


@pytest.mark.django_db
def test_it_charts_the_companys_last_30_days_of_views_and_apply_clicks(client, dubois):
    lyon = factories.live_posting(company=dubois, language="fr", country="FR")
    liege = factories.live_posting(company=dubois, language="fr", country="BE")
    counted(lyon, 0, 3, 1)
    counted(liege, 0, 2, 0)
    counted(liege, 3, 1, 1)
    counted(liege, 30, 40, 40)  # a day before the chart's
    other = factories.live_posting(company=factories.company("Laiterie Paul"), language="fr")
    counted(other, 0, 500, 100)

    client.force_login(factories.company_admin(dubois, language="fr"))
    html = client.get(
        f"/admin/postings/company/{dubois.pk}/dashboard/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert 'class="activity company-activity"' in html
    today = timezone.now().date()
    assert f"<title>{today.isoformat()}: 5 / 1</title>" in html
    assert f"<title>{(today - timedelta(days=3)).isoformat()}: 1 / 1</title>" in html
    assert html.count("<g><title>") == 30, "one bar a day"
    assert "6 vues, 2 clics en 30 jours" in html
    assert "500" not in html


@pytest.mark.django_db
def test_it_shows_no_other_companys_chart(client, dubois):
    paul = factories.company("Laiterie Paul")
    counted(factories.live_posting(company=paul, language="fr"), 0, 7, 7)
    client.force_login(factories.company_admin(dubois))
    assert client.get(f"/admin/postings/company/{paul.pk}/dashboard/").status_code == 404
    client.force_login(factories.company_admin(paul))
    html = client.get(f"/admin/postings/company/{paul.pk}/dashboard/").content.decode()
    assert f"<title>{timezone.now().date().isoformat()}: 7 / 7</title>" in html


def kept_file(root, user: int, name: str, age_hours: float):
    path = root / "kept" / str(user) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("external_id,title\n")
    then = time.time() - age_hours * 3600
    os.utime(path, (then, then))
    return path


def test_it_sweeps_kept_uploads_older_than_a_day_and_nothing_else(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stale = kept_file(tmp_path, 1, "old.csv", 25)
    other_stale = kept_file(tmp_path, 2, "older.json", 24 * 7)
    fresh = kept_file(tmp_path, 1, "new.csv", 2)
    feed = tmp_path / "feeds" / "source.csv"  # a source's own file: never a kept one
    feed.parent.mkdir()
    feed.write_text("x")
    os.utime(feed, (0, 0))

    assert tasks.sweep_kept_feeds() == 2
    assert not stale.exists() and not other_stale.exists()
    assert fresh.exists() and feed.exists()
    # Again: nothing left to remove, no error.
    assert tasks.sweep_kept_feeds() == 0
    assert fresh.exists()


def test_it_sweeps_nothing_when_no_upload_was_ever_kept(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "empty"
    assert tasks.sweep_kept_feeds() == 0


def test_it_sweeps_kept_uploads_every_hour(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["sweep-kept-feeds"]
    assert schedule["task"] == "postings.tasks.sweep_kept_feeds"
    assert schedule["schedule"] <= 3600
