"""Alerts meeting a big import: matching writes what the mails show (plus a count of the rest),
in short transactions, and no mail is sent while the database waits on it."""

import re
import threading
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from alerts import matching
from alerts.models import Alert, AlertMatch
from tests.test_alerts import confirmed_alert, html, new_posting, subject, sweep, text


@pytest.fixture
def largest_match_write():
    """The most rows one transaction inserted into the match table, as PostgreSQL itself
    counts them (a statement trigger keyed by transaction id)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TABLE test_match_writes (xid bigint, n bigint);
            CREATE FUNCTION test_count_match_writes() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO test_match_writes SELECT txid_current(), count(*) FROM inserted;
                RETURN NULL;
            END $$;
            CREATE TRIGGER test_count_match_writes AFTER INSERT ON alerts_alertmatch
                REFERENCING NEW TABLE AS inserted
                FOR EACH STATEMENT EXECUTE FUNCTION test_count_match_writes();
            """
        )

    def largest() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(max(n), 0) FROM "
                "(SELECT sum(n) AS n FROM test_match_writes GROUP BY xid) AS t"
            )
            return cursor.fetchone()[0]

    yield largest
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER test_count_match_writes ON alerts_alertmatch;"
            "DROP FUNCTION test_count_match_writes(); DROP TABLE test_match_writes;"
        )


# Transactional: each transaction of the sweep commits on its own, as in production; the
# serialized rollback restores the rows of the data migrations after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_matches_a_big_import_in_short_transactions_and_mails_what_it_shows(
    mailbox, settings, largest_match_write
):
    settings.ALERT_MAIL_POSTINGS, settings.ALERT_MATCH_BATCH = 5, 4
    for n in range(10):
        confirmed_alert(f"seeker{n}@example.org", query="country=IE")
    confirmed_alert("elsewhere@example.org", query="country=FR")
    for n in range(30):
        new_posting(country="IE", title=f"Nurse {n:02}")

    assert sweep() == 10
    # What the mails show, not alerts times postings (300 rows), in transactions of at most a
    # batch of alerts times a mail's postings.
    assert AlertMatch.objects.count() == 10 * 5
    assert largest_match_write() <= 4 * 5
    assert not mailbox.to("elsewhere@example.org")
    mail = mailbox.to("seeker3@example.org")[0]
    assert subject(mail) == "30 new jobs: Ireland"
    shown = re.findall(r"^Nurse (\d\d)\r?$", text(mail), re.M)
    assert shown == ["29", "28", "27", "26", "25"]  # the newest
    assert "And 25 more jobs." in text(mail) and "And 25 more jobs." in html(mail)
    assert "/en/jobs/?country=IE" in text(mail)

    # Sweeps that look back over the same postings send nothing again, shown or counted.
    assert sweep() == 0
    new_posting(country="IE", title="Midwife")
    assert sweep() == 10
    later = mailbox.to("seeker3@example.org")[1]
    assert subject(later) == "1 new job: Ireland"
    assert "Midwife" in text(later) and "Nurse" not in text(later)
    assert "more job" not in text(later)
    assert len(mailbox.messages) == 20


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_records_and_counts_once_when_two_sweeps_match_at_once(mailbox, settings):
    settings.ALERT_MAIL_POSTINGS, settings.ALERT_MATCH_BATCH = 5, 3
    for n in range(10):
        confirmed_alert(f"seeker{n}@example.org", query="country=IE")
    for n in range(30):
        new_posting(country="IE", title=f"Nurse {n:02}")

    def match() -> None:
        try:
            matching.match_alerts(frequency="instant")
        finally:
            connection.close()  # this thread's own

    sweeps = [threading.Thread(target=match) for _ in range(2)]
    for thread in sweeps:
        thread.start()
    for thread in sweeps:
        thread.join()
    assert AlertMatch.objects.count() == 10 * 5
    assert set(Alert.objects.values_list("more", flat=True)) == {25}
    assert sweep() == 10
    assert {subject(m) for m in mailbox.messages} == {"30 new jobs: Ireland"}
    assert all("And 25 more jobs." in text(m) for m in mailbox.messages)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_holds_no_transaction_or_lock_while_the_mail_server_answers(mailbox):
    alert = confirmed_alert("lea@example.org")
    new_posting(title="Welder")
    seen: dict[str, object] = {}

    def meanwhile() -> None:
        """Runs while the server holds the message: from a connection of its own, as the
        expiry sweep or an unsubscribe would."""
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SET lock_timeout = '2s'")
            seen["idle in transaction"] = other.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND state LIKE 'idle in transaction%%'"
            ).fetchall()[0][0]
            try:
                other.execute("SELECT 1 FROM alerts_alert WHERE id = %s FOR UPDATE", [alert.pk])
                seen["alert row"] = "free"
            except psycopg.errors.LockNotAvailable:
                seen["alert row"] = "locked"

    mailbox.during_data = meanwhile
    assert sweep() == 1
    assert seen == {"idle in transaction": 0, "alert row": "free"}
    assert "Welder" in text(mailbox.messages[0])
    assert sweep() == 0
    assert not AlertMatch.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_gives_up_on_a_frozen_mail_server_and_sends_later(mailbox, settings):
    assert settings.EMAIL_TIMEOUT == 10  # the default: a stuck server never holds a worker long
    settings.EMAIL_TIMEOUT = 1
    confirmed_alert("lea@example.org")
    new_posting(title="Welder")
    mailbox.freeze = 3  # the next message: no answer for 3 s, then 451
    with pytest.raises(Exception, match="timed out"):
        sweep()
    assert not mailbox.messages
    assert sweep() == 1  # the claim was given back: the next sweep sends it
    assert "Welder" in text(mailbox.messages[0])
    assert sweep() == 0 and len(mailbox.messages) == 1


@pytest.mark.django_db
def test_it_mails_what_a_dead_sender_claimed_once_its_claim_is_older_than_a_task_lives(
    mailbox, settings
):
    confirmed_alert("lea@example.org")
    new_posting(title="Welder")
    assert matching.match_alerts(frequency="instant") == 1

    def claimed(seconds_ago: float) -> None:
        """A sender took the mail that long ago, and nothing came of it since."""
        moment = timezone.now() - timedelta(seconds=seconds_ago)
        AlertMatch.objects.update(sent_at=moment)
        Alert.objects.update(claimed_at=moment)

    claimed(5)
    assert sweep() == 0  # its sender may still be talking to the mail server
    claimed(settings.CELERY_TASK_TIME_LIMIT + 1)  # no task lives that long: it died
    assert sweep() == 1
    assert "Welder" in text(mailbox.messages[0])
    assert sweep() == 0 and len(mailbox.messages) == 1
    assert Alert.objects.get().claimed_at is None
