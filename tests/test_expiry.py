import pytest
from celery.contrib.testing.worker import start_worker

from jobboard.celery import app
from postings import services, tasks
from postings.models import Posting
from tests import factories
from tests.waiting import wait_until


@pytest.mark.django_db
def test_it_expires_due_postings_once_and_only_them():
    due = factories.expired_posting(language="fr", country="FR")
    live = factories.live_posting(language="fr", country="FR")
    draft = factories.draft_posting(language="fr", country="FR")
    assert services.expire_due_postings() == 1
    assert services.expire_due_postings() == 0  # idempotent
    for posting in (due, live, draft):
        posting.refresh_from_db()
    assert due.status == Posting.Status.EXPIRED
    assert live.status == Posting.Status.PUBLISHED
    assert draft.status == Posting.Status.DRAFT


@pytest.fixture
def celery_worker_thread():
    """A real Celery worker on the configured broker: Redis when REDIS_URL is set, else Kombu's
    in-memory transport. Tasks go through the broker, not the in-process shortcut."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    app.conf.task_always_eager = eager


# serialized_rollback restores the categories of the data migration after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_expires_postings_through_a_celery_worker(celery_worker_thread, client):
    due = factories.expired_posting(language="fr", country="FR", title="Expiré")
    tasks.expire_postings.delay()
    wait_until(
        lambda: Posting.objects.get(pk=due.pk).status == Posting.Status.EXPIRED,
        message="the expiry task",
    )
    assert client.get(due.get_absolute_url()).status_code == 410
