#!/bin/sh
# The image's roles, chosen by the command:
#   web                  gunicorn (deploy/gunicorn.conf.py)
#   worker [QUEUES]      a Celery worker for QUEUES (comma-separated; default: all four)
#   beat                 the Celery schedule: run exactly one
#   migrate              apply the database migrations, then exit
#   anything else        run as given (python manage.py shell, ...)
set -eu

# Metric files of the processes of an earlier start of this container are stale.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    rm -rf "$PROMETHEUS_MULTIPROC_DIR"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi

role="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$role" in
    web)
        exec gunicorn --config deploy/gunicorn.conf.py "$@" jobboard.wsgi
        ;;
    worker)
        queues="${1:-imports,mail,default,alerts}"
        [ "$#" -gt 0 ] && shift
        # Beat is its own process; gossip and mingle only slow the start of many workers.
        exec celery --app jobboard worker --queues "$queues" \
            --hostname "worker@%h" --without-gossip --without-mingle \
            --concurrency "${CELERY_CONCURRENCY:-2}" --loglevel "${LOG_LEVEL:-INFO}" "$@"
        ;;
    beat)
        # The schedule's state is a scratch file: every periodic task is a sweep of the
        # database, so a restart that forgets when it last ran costs nothing.
        exec celery --app jobboard beat --schedule /tmp/celerybeat-schedule \
            --loglevel "${LOG_LEVEL:-INFO}" "$@"
        ;;
    migrate)
        exec python manage.py migrate --no-input "$@"
        ;;
    *)
        exec "$role" "$@"
        ;;
esac
