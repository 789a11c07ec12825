"""Each Celery task goes to the queue whose workers are sized for it, every task that beat
or a route names exists, and none may run for ever."""

from django.conf import settings

from jobboard.celery import app


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_it_routes_imports_mails_alert_sweeps_and_the_rest_to_their_queues():
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
    # Alert matching grows with the alerts and an import's postings: on its own queue, it
    # never holds up expiry and the import sweep.
    assert queue_of("alerts.tasks.sweep_alerts") == "alerts"
    for sweep in (
        "postings.tasks.expire_postings",
        "postings.tasks.import_due_sources",
        "postings.tasks.fill_common_searches",
    ):
        assert queue_of(sweep) == "default", sweep


def test_it_registers_every_task_that_beat_or_a_route_names():
    app.loader.import_default_modules()
    named = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    named |= set(settings.CELERY_TASK_ROUTES)
    assert named - set(app.tasks) == set()


def test_it_gives_every_task_of_ours_a_soft_and_a_hard_time_limit():
    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert {"alerts.tasks.sweep_alerts", "postings.tasks.run_import"} <= {t.name for t in ours}
    for task in ours:
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        # The soft limit comes first, so that the task can end cleanly before it is killed.
        assert soft and hard and soft < hard, task.name
    # Imports last longest, and still end before the broker hands their message out again.
    run_import = app.tasks["postings.tasks.run_import"]
    assert app.conf.task_time_limit < run_import.time_limit < 3600
