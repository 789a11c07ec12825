"""A company admin's daily view: the last 30 days of the whole company in one chart."""

from datetime import timedelta

import pytest
from django.utils import timezone

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
