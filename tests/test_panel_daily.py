"""A company admin's daily view: the last 30 days of the whole company in one chart; and the
files kept from forms with errors, swept once nobody can use them any more."""

import os
import random
import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from postings import activity, tasks
from postings.models import CompanyDay, PostingDay, PostingTotal
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


STATUS_LABELS = {"draft": "Draft", "pending": "Pending review", "published": "Published"}
MAKERS = {
    "draft": factories.draft_posting,
    "pending": factories.pending_posting,
    "published": factories.live_posting,
}
# (days ago, views, apply clicks) of each posting, by its number: inside the chart's 30 days
# (0 to 29), outside (30 and older), ties, apply clicks without views, and no activity at all.
ACTIVITY = {
    0: [(0, 5, 1), (45, 100, 9)],
    1: [(3, 5, 0)],
    2: [(29, 2, 2), (30, 7, 7)],
    3: [(30, 50, 3)],
    4: [(1, 0, 4)],
    5: [(2, 5, 1), (400, 3, 0)],
    7: [(10, 1, 0), (11, 1, 0), (12, 3, 1)],
    9: [(31, 5, 1)],
    12: [(0, 2, 2)],
    20: [(5, 5, 0), (6, 0, 1)],
    26: [(60, 5, 1)],
    29: [(7, 9, 9)],
}


def dashboard_rows(client, url: str) -> list[tuple]:
    """(posting id, title, status, views and clicks in 30 days, all time) of each shown row."""
    html = client.get(url).content.decode()
    body = html.split('<table id="result_list">')[1].split("</table>")[0]
    return [
        (int(pk), title, status, int(rv), int(ra), int(av), int(aa))
        for pk, title, status, rv, ra, av, aa in re.findall(
            r'<td class="title"><a href="/admin/postings/posting/(\d+)/change/">([^<]*)</a>'
            r" \(\w+\)</td>\s*<td>([^<]*)</td>\s*<td>(\d+)</td><td>(\d+)</td>\s*"
            r"<td>(\d+)</td><td>(\d+)</td>",
            body,
        )
    ]


@pytest.mark.django_db
def test_it_sorts_and_pages_the_dashboard_by_every_column_with_exact_counts(client, dubois):
    statuses = ["published", "draft", "pending"]
    expected = []
    for n in range(32):
        status = statuses[n % 3]
        # Titles repeat, so that the ties are ordered too (newest first).
        posting = MAKERS[status](company=dubois, title=f"Poste {'ABCDEFGH'[n % 8]}")
        recent = [0, 0]
        total = [0, 0]
        for days_ago, views, applies in ACTIVITY.get(n, []):
            counted(posting, days_ago, views, applies)
            total = [total[0] + views, total[1] + applies]
            if days_ago < 30:
                recent = [recent[0] + views, recent[1] + applies]
        expected.append((posting.pk, posting.title, STATUS_LABELS[status], *recent, *total))
    counted(factories.live_posting(company=factories.company("Laiterie Paul")), 0, 70, 70)
    client.force_login(factories.company_admin(dubois, language="en"))
    url = f"/admin/postings/company/{dubois.pk}/dashboard/"

    columns = {
        "title": 1,
        "status": 2,
        "recent_views": 3,
        "recent_applies": 4,
        "all_views": 5,
        "all_applies": 6,
    }
    for column, index in columns.items():
        for sort in (column, "-" + column):
            rows = sorted(expected, key=lambda row: -row[0])  # ties: the newest first
            rows.sort(key=lambda row: row[index], reverse=sort.startswith("-"))
            first = dashboard_rows(client, f"{url}?o={sort}")
            second = dashboard_rows(client, f"{url}?o={sort}&page=2")
            assert first == rows[:25], sort
            assert second == rows[25:], sort
    assert dashboard_rows(client, url) == dashboard_rows(client, f"{url}?o=-recent_views")

    page = client.get(f"{url}?o=all_applies&page=2").content.decode()
    assert "Page 2 of 2" in page
    assert '<a href="?o=all_applies&amp;page=1" rel="prev">' in page
    assert 'rel="next"' not in page
    # The company's figures, over the chart's days and over all time.
    assert '<th>Views</th><td class="views-recent">38</td><td>208</td>' in page
    assert '<th>Apply clicks</th><td class="applies-recent">21</td><td>42</td>' in page
    assert "11 postings online." in page
    assert dashboard_rows(client, f"{url}?page=3") == dashboard_rows(client, f"{url}?page=2")


def rows_read(plan: dict, table: str) -> int:
    """The rows that the plan's scans of the table read from it (index-only scans aside)."""
    read = 0
    if plan.get("Relation Name") == table and plan["Node Type"] != "Index Only Scan":
        loops = plan["Actual Loops"]
        read += (plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)) * loops
    return read + sum(rows_read(child, table) for child in plan.get("Plans", []))


@pytest.mark.django_db
def test_it_reads_the_activity_of_the_shown_postings_only_however_big_the_company(client, dubois):
    """Every sort's page reads the rows of the postings it shows, and of those with activity
    in the chart's days for the sorts by it: not every posting of the company, nor its whole
    history."""
    busy = []
    for n in range(120):
        posting = factories.live_posting(company=dubois, title=f"Poste {n:03d}")
        for days_ago in (40, 41, 42):  # before the chart's days
            counted(posting, days_ago, 3, 1)
        busy.append(posting)
    for posting in busy[50:53]:
        counted(posting, 2, 4, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE postings_posting, postings_postingday")
    client.force_login(factories.company_admin(dubois, language="en"))
    url = f"/admin/postings/company/{dubois.pk}/dashboard/"

    for column in activity.SORTS:
        for sort in (column, "-" + column):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"{url}?o={sort}").status_code == 200
            postings = days = 0
            with connection.cursor() as cursor:
                # With no sequential scan: what the indexes let the query read, whatever the
                # planner would choose for these few rows.
                cursor.execute("SET enable_seqscan = off")
                for query in queries.captured_queries:
                    # The counts (of the pages, of the live postings) read an index entry a
                    # posting, not its row nor its days.
                    if not query["sql"].startswith("SELECT") or "COUNT(*)" in query["sql"]:
                        continue
                    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                    plan = cursor.fetchone()[0][0]["Plan"]
                    postings += rows_read(plan, "postings_posting")
                    days += rows_read(plan, "postings_postingday")
                cursor.execute("RESET enable_seqscan")
            # The page's ids, then its rows; the days of its postings and of the three
            # counted in the chart's days, to sort by them and to draw the chart.
            assert postings <= 2 * 25, (sort, postings)
            assert days <= 25 + 3 * 2, (sort, days)


@pytest.mark.django_db
def test_it_takes_a_postings_counts_along_when_it_moves_to_another_company(client, dubois):
    posting = factories.live_posting(company=dubois, title="Affineur")
    counted(posting, 40, 6, 2)
    PostingDay.record(posting.pk)
    PostingDay.record(posting.pk, apply=True)
    paul = factories.company("Laiterie Paul")
    factories.live_posting(company=paul, title="Livreur")
    posting.company = paul
    posting.save()

    client.force_login(factories.company_admin(paul, language="en"))
    url = f"/admin/postings/company/{paul.pk}/dashboard/?o=-all_views"
    assert dashboard_rows(client, url)[0] == (posting.pk, "Affineur", "Published", 1, 1, 7, 3)
    page = client.get(url).content.decode()
    assert '<th>Views</th><td class="views-recent">1</td><td>7</td>' in page
    client.force_login(factories.company_admin(dubois, language="en"))
    page = client.get(f"/admin/postings/company/{dubois.pk}/dashboard/").content.decode()
    assert '<th>Views</th><td class="views-recent">0</td><td>0</td>' in page
    assert "No postings yet." in page


@pytest.mark.django_db
def test_it_keeps_the_totals_equal_to_the_days_whatever_writes_them(dubois):
    rng = random.Random(17)
    postings = [factories.live_posting(company=dubois) for _ in range(4)]
    for _ in range(60):
        posting = rng.choice(postings)
        action = rng.choice(["record", "apply", "day", "change", "delete"])
        days = PostingDay.objects.filter(posting=posting)
        if action == "record":
            PostingDay.record(posting.pk)
        elif action == "apply":
            PostingDay.record(posting.pk, apply=True)
        elif action == "day":
            day = timezone.now().date() - timedelta(days=rng.randint(1, 90))
            PostingDay.objects.get_or_create(
                posting=posting, day=day, defaults={"views": rng.randint(0, 9)}
            )
        elif action == "change" and days.exists():
            days.filter(pk=days.order_by("?").first().pk).update(
                views=rng.randint(0, 9), applies=rng.randint(0, 3)
            )
        elif action == "delete" and days.exists():
            days.order_by("?").first().delete()
    for posting in postings:
        days = PostingDay.objects.filter(posting=posting)
        total = PostingTotal.objects.get(posting=posting)
        assert (total.views, total.applies) == (
            sum(days.values_list("views", flat=True)),
            sum(days.values_list("applies", flat=True)),
        )
        assert total.company_id == dubois.pk
        latest = days.order_by("-day").values_list("day", flat=True).first()
        assert latest is None or total.last_day >= latest
    postings[0].delete()  # its days go with it
    by_day: dict = {}
    for day, views, applies in PostingDay.objects.values_list("day", "views", "applies"):
        before = by_day.get(day, (0, 0))
        by_day[day] = (before[0] + views, before[1] + applies)
    company_days = CompanyDay.objects.filter(company=dubois).exclude(views=0, applies=0)
    counted_days = {day: counts for day, counts in by_day.items() if counts != (0, 0)}
    assert {day.day: (day.views, day.applies) for day in company_days} == counted_days
