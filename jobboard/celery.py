import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")

app = Celery("jobboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Their signal handlers carry request ids into tasks and count tasks, in the web processes
# (which queue tasks) and in the workers (which run them).
from . import metrics, observability  # noqa: E402, F401
