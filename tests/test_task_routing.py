"""Each Celery task goes to the queue whose workers are sized for it, and every task that beat
or a route names exists."""

from django.conf import settings

from jobboard.celery import app


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_it_routes_imports_mails_and_the_rest_to_their_queues():
    assert queue_of("postings.tasks.run_import") == "imports"
    for mail_task in (
        "postings.tasks.send_posting_mail",
        "postings.tasks.warn_expiring_postings",
        "accounts.tasks.send_invitation",
        "accounts.tasks.send_password_reset",
        "alerts.tasks.send_confirmation",
        "alerts.tasks.send_alert_batch",
    ):
        assert queue_of(mail_task) == "mail", mail_task
    for sweep in (
        "postings.tasks.expire_postings",
        "postings.tasks.import_due_sources",
        "alerts.tasks.sweep_alerts",
    ):
        assert queue_of(sweep) == "default", sweep


def test_it_registers_every_task_that_beat_or_a_route_names():
    app.loader.import_default_modules()
    named = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    named |= set(settings.CELERY_TASK_ROUTES)
    assert named - set(app.tasks) == set()
