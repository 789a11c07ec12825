"""Queueing a task where a failing broker is an expected state: a web request that queues one
never answers 500 because Redis is down, frozen or full."""

import importlib
import logging
from typing import Any, cast

from celery import Task
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from .metrics import ENQUEUE_FAILURES

logger = logging.getLogger(__name__)


def enqueue(task: Task[Any, Any] | str, *args: object) -> bool:
    """Queue `task(*args)` (the task or its name); False, logged and counted in
    jobboard_celery_enqueue_failures_total, when the broker cannot take it (the publish gives up
    within about two seconds, see CELERY_BROKER_TRANSPORT_OPTIONS). Call it from
    transaction.on_commit, so that what the task reads is committed: a sweep that finds its work
    in the database sends it again later.

    A service names its app's tasks ("postings.tasks.run_import"): the tasks module imports the
    services, and the services need not import it back."""
    if isinstance(task, str):
        # Imported here: a web process has not necessarily imported the tasks modules, which
        # only the workers discover.
        module, _, name = task.rpartition(".")
        task = cast(Task[Any, Any], getattr(importlib.import_module(module), name))
    try:
        task.apply_async(args)
    except (KombuError, RedisError):
        logger.warning(
            "could not queue %s%r: the broker is unreachable", task.name, args, exc_info=True
        )
        ENQUEUE_FAILURES.labels(task.name).inc()
        return False
    return True
