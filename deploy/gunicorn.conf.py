"""gunicorn for the image's web role (deploy/entrypoint.sh). Every value can be changed from
the environment without a new image."""

import os
import shutil
from pathlib import Path

# All interfaces: in a container, the port is reached from outside it.
bind = f"{os.environ.get('BIND', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
# Threads hide the database's latency; processes use the cores. WEB_CONCURRENCY is the usual
# name platforms set.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# A request that takes longer is killed: no page of ours needs 30 seconds.
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
# Rolling restarts: a worker finishes what it is serving before it exits.
graceful_timeout = 25
# Behind nginx or a load balancer that keeps connections open.
keepalive = 5
# A slow leak cannot grow without bound; the jitter keeps workers from restarting together.
max_requests = 2000
max_requests_jitter = 200
# The heartbeat file in memory, not on the container's overlay disk (gunicorn's own advice).
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108
# Django decides which proxy to believe about the scheme (TRUSTED_PROXY), not gunicorn.
secure_scheme_headers: dict[str, str] = {}
forwarded_allow_ips = ""
# Django writes one JSON line per request (jobboard.observability); gunicorn's access log would
# repeat it. Its own messages (starts, worker timeouts) go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def on_starting(server) -> None:
    # Counters of processes from an earlier run would be added to the new ones.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
