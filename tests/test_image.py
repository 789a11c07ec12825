"""The deployment image, built and run: podman builds the Dockerfile once per session
(deploy/podman/build.sh, on a Debian base made from Debian's packages), then its roles start
from it on loopback against the machine's PostgreSQL and Redis, each the way its Kubernetes
manifest runs it (user, read-only root, dropped capabilities, scratch volumes). A visitor
browses the demo data, and subscribes to an alert whose confirmation the worker's container
mails; beat queues its sweeps for that worker."""

import os
import re
import shutil
import struct
import subprocess
import time
import urllib.parse
import uuid
from pathlib import Path

import psycopg
import pytest
import yaml
from aiosmtpd.controller import Controller

from jobboard.celery import app
from tests.conftest import Mailbox
from tests.processes import ROOT, free_port, get

PODMAN = shutil.which("podman")
CONTAINERS_CONF = ROOT / "deploy" / "podman" / "containers.conf"
IMAGE = "localhost/jobboard:test"
MANIFESTS = ROOT / "deploy" / "k8s" / "base"
SWEEP_SECONDS = 2  # beat's instant alert sweep, here
CONTAINER_SOCKETS = "/run/postgresql"
SIZE_BUDGET_MB = 550  # 538 MB on the Debian base (README, "Deployment")

pytestmark = [
    pytest.mark.processes,
    pytest.mark.image,
    # CI installs podman and must run this test; elsewhere it is skipped when absent.
    pytest.mark.skipif(
        PODMAN is None and not os.environ.get("CI"),
        reason="podman is not installed (apt-get install podman buildah mmdebstrap runc)",
    ),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"),
]


def podman(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PODMAN or "podman", *args],
        env={**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )


def as_in_manifest(manifest: str, scratch: Path) -> list[str]:
    """`podman run` options that run a container as deploy/k8s/base/`manifest` runs it: its
    user and group, its read-only root, no privilege escalation, its dropped capabilities,
    and a fresh folder for each volume (an emptyDir, or the media volume's stand-in)."""
    (document,) = yaml.safe_load_all((MANIFESTS / manifest).read_text())
    pod = document["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    pod_security, security = pod["securityContext"], container["securityContext"]
    assert pod_security["runAsNonRoot"] and pod_security["runAsUser"] != 0
    options = ["--user", f"{pod_security['runAsUser']}:{pod_security['runAsGroup']}"]
    if security.get("readOnlyRootFilesystem"):
        # Only what the manifest mounts is writable: no tmpfs of podman's own on /tmp or /run.
        options += ["--read-only", "--read-only-tmpfs=false"]
    if security.get("allowPrivilegeEscalation") is False:
        options += ["--security-opt", "no-new-privileges"]
    options += [f"--cap-drop={capability}" for capability in security["capabilities"]["drop"]]
    for mount in container.get("volumeMounts", []):
        folder = scratch / f"{manifest}-{mount['name']}"
        folder.mkdir(parents=True, exist_ok=True)
        # :U hands the folder to the container's user, as fsGroup does a pod's volumes.
        options += ["--volume", f"{folder}:{mount['mountPath']}:U"]
    return options


@pytest.fixture(scope="session")
def image(tmp_path_factory) -> str:
    """The image, built once per session from this checkout."""
    if PODMAN is None:
        pytest.fail("podman is not installed (apt-get install podman buildah mmdebstrap runc)")
    log = tmp_path_factory.mktemp("image") / "build.log"
    with log.open("w") as output:
        build = subprocess.run(
            [str(ROOT / "deploy" / "podman" / "build.sh"), IMAGE],
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=40 * 60,
            check=False,
        )
    assert build.returncode == 0, "the build failed:\n" + "\n".join(
        log.read_text().splitlines()[-40:]
    )
    return IMAGE


def database_socket(url: str) -> list[str]:
    """The embedded PostgreSQL of `make test` without DATABASE_URL listens on a Unix socket
    only, in its data folder, which only its own user may enter: the containers get the socket
    itself, at the same path under /run."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    folder = str(info.get("host", ""))
    if not folder.startswith("/"):
        return []
    socket = f".s.PGSQL.{info.get('port', 5432)}"
    return [f"--volume={folder}/{socket}:{CONTAINER_SOCKETS}/{socket}"]


def for_containers(url: str) -> str:
    """`url` as the containers reach it (see database_socket)."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    if not str(info.get("host", "")).startswith("/"):
        return url
    folder = urllib.parse.quote(CONTAINER_SOCKETS, safe="")
    return f"postgres://{info['user']}@{folder}:{info.get('port', 5432)}/{info['dbname']}"


class Site:
    def __init__(self, image: str, scratch: Path, env: dict[str, str]) -> None:
        self.image, self.scratch, self.env = image, scratch, env
        self.database_socket = database_socket(env["DATABASE_URL"])
        self.env["DATABASE_URL"] = for_containers(env["DATABASE_URL"])
        self.names: dict[str, str] = {}
        self.port = int(env["PORT"])
        self.migrate_output = ""
        self.seconds_to_ready = 0.0

    def options(self, manifest: str) -> list[str]:
        environment = [f"--env={name}={value}" for name, value in self.env.items()]
        return [
            "--network=host",
            *as_in_manifest(manifest, self.scratch),
            *self.database_socket,
            *environment,
        ]

    def run(self, manifest: str, *command: str) -> str:
        """Runs a one-shot role to its end; its output."""
        done = podman(
            "run", "--rm", *self.options(manifest), self.image, *command, timeout=600, check=False
        )
        assert done.returncode == 0, f"{command} exited with {done.returncode}:\n{done.stderr}"
        return done.stdout + done.stderr

    def start(self, role: str, manifest: str, *command: str) -> None:
        name = f"jobboard-test-{role}-{uuid.uuid4().hex[:8]}"
        self.names[role] = name
        podman("run", "--detach", "--name", name, *self.options(manifest), self.image, *command)

    def log(self, role: str) -> str:
        logs = podman("logs", self.names[role], check=False)
        return logs.stdout + logs.stderr

    def running(self, role: str) -> bool:
        state = podman("inspect", "--format", "{{.State.Running}}", self.names[role])
        return state.stdout.strip() == "true"

    def wait_for_log(self, role: str, pattern: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.log(role)):
            assert self.running(role), f"{role} stopped:\n{self.tail(role)}"
            assert time.monotonic() < deadline, f"{role} never logged {pattern}:\n{self.tail(role)}"
            time.sleep(0.5)

    def tail(self, role: str) -> str:
        return "\n".join(self.log(role).splitlines()[-30:])

    def remove(self) -> None:
        for name in self.names.values():
            podman("rm", "--force", "--time", "5", name, check=False)


def https(port: int, path: str, **request):
    """A visitor's HTTPS request as the proxy in front of the container passes it on: plain
    HTTP from loopback (TRUSTED_PROXY), with the visitor's scheme in X-Forwarded-Proto."""
    return get(port, path, tls=False, **{"X-Forwarded-Proto": "https", **request})


@pytest.fixture(scope="module")
def mail_server():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def site(image, mail_server, tmp_path_factory):
    """migrate and the demo data on a database of the containers' own, then web, a worker and
    beat, each in its container."""
    server = os.environ["DATABASE_URL"]
    database = server.rsplit("/", 1)[1].split("?")[0] + "_image_test"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')
    env = {
        "SECRET_KEY": "image-test-" + "k" * 50,
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://localhost",
        "DATABASE_URL": server.rsplit("/", 1)[0] + "/" + database,
        "REDIS_URL": os.environ["REDIS_URL"],
        "TRUSTED_PROXY": "127.0.0.1",
        "BIND": "127.0.0.1",
        "PORT": str(free_port()),
        "EMAIL_URL": f"smtp://127.0.0.1:{mail_server[1]}",
        "ALERT_INSTANT_SECONDS": str(SWEEP_SECONDS),
        "WEB_CONCURRENCY": "1",
        "CELERY_CONCURRENCY": "1",
    }
    site = Site(image, tmp_path_factory.mktemp("containers"), env)
    try:
        site.migrate_output = site.run("migrate-job.yaml", "migrate")
        site.run("migrate-job.yaml", "python", "manage.py", "seed_demo")
        started = time.monotonic()
        site.start("web", "web-deployment.yaml", "web")
        deadline = started + 90
        while True:
            try:
                if https(site.port, "/readyz")[0].status == 200:
                    break
            except OSError:
                pass
            assert site.running("web"), f"web stopped:\n{site.tail('web')}"
            assert time.monotonic() < deadline, f"web never got ready:\n{site.tail('web')}"
            time.sleep(0.2)
        site.seconds_to_ready = time.monotonic() - started
        # Tasks that earlier tests queued name rows of their database, not of this one.
        app.control.purge()
        site.start("worker", "worker-default.yaml", "worker")
        site.start("beat", "beat.yaml", "beat")
        site.wait_for_log("worker", r"worker@\S+ ready\.")
        yield site
    finally:
        for role in site.names:
            print(f"---- {role}:\n{site.tail(role)}")
        site.remove()
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_it_keeps_the_image_within_its_size_budget(image):
    size = int(podman("image", "inspect", "--format", "{{.Size}}", image).stdout) / 1e6
    print(f"{image}: {size:.0f} MB")
    assert size < SIZE_BUDGET_MB


def test_it_runs_each_role_as_its_manifest_says_not_as_root_on_a_read_only_root(site):
    assert "Applying postings.0001_initial... OK" in site.migrate_output
    for role in ("web", "worker", "beat"):
        assert site.running(role), site.tail(role)
        # Nothing of theirs fails on the read-only root, not even on the side.
        assert not re.search(r"\bERROR\b|Read-only file system", site.log(role)), site.tail(role)
        user = podman("exec", site.names[role], "id", "-u").stdout.strip()
        assert user == "10001", f"{role} runs as {user}"
        written = podman("exec", site.names[role], "touch", "/app/x", check=False)
        assert "Read-only file system" in written.stderr, f"{role}: {written.stderr}"
    print(f"web: {site.seconds_to_ready:.1f} s from start to ready")


def test_it_serves_the_demo_postings_of_each_language(site):
    response, body = https(site.port, "/healthz")
    assert response.status == 200
    response, body = https(site.port, "/fr/jobs/")
    page = body.decode()
    assert response.status == 200, page[:2000]
    assert '<html lang="fr"' in page
    assert re.search(r'<option value="FR"[^>]*>France \(\d+\)', page)
    assert len(re.findall(r'class="posting-card"', page)) >= 10
    response, body = https(site.port, "/de/jobs/")
    assert re.search(r'<option value="DE"[^>]*>Deutschland \(\d+\)', body.decode())


def test_it_serves_its_static_files_hashed_and_compressed(site):
    page = https(site.port, "/fr/jobs/")[1].decode()
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
    assert stylesheets, "no stylesheet on the page"
    for path in stylesheets:
        assert re.search(r"\.[0-9a-f]{12}\.css$", path), f"{path} has no hash in its name"
        response, body = https(site.port, path, **{"Accept-Encoding": "gzip"})
        assert response.status == 200
        assert response.getheader("Content-Encoding") == "gzip"
        assert "immutable" in response.getheader("Cache-Control")


def test_it_draws_the_link_preview_picture_with_its_fonts(site):
    page = https(site.port, "/fr/jobs/")[1].decode()
    posting = re.search(r'href="/fr/jobs/(\d+)/[^"/]+/"', page).group(1)
    # Without the DejaVu fonts in the image the picture is a 500, not a picture without text.
    response, body = https(site.port, f"/fr/jobs/{posting}/image.png")
    assert response.status == 200, body[:2000]
    assert response.getheader("Content-Type") == "image/png"
    assert body.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", body[16:24]) == (1200, 630)


class Visitor:
    """Someone behind the proxy, with the CSRF cookie that Django sets for HTTPS only."""

    def __init__(self, port: int) -> None:
        self.port, self.cookie, self.page = port, "", ""

    def open(self, path: str, data: dict | None = None):
        headers = {"Referer": "https://localhost" + path}
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = None
        if data is not None:
            found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.page)
            assert found, "the page has no CSRF token"
            token = found.group(1)
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        response, content = https(
            self.port, path, method="GET" if body is None else "POST", body=body, **headers
        )
        cookie = re.match(r"(csrftoken=[^;]+)", response.getheader("Set-Cookie") or "")
        self.cookie = cookie.group(1) if cookie else self.cookie
        self.page = content.decode()
        return response


def test_it_mails_the_confirmation_that_the_web_container_queues_from_the_worker(site, mail_server):
    mailbox, _port = mail_server
    visitor = Visitor(site.port)
    assert visitor.open("/fr/alerts/new/?country=FR").status == 200
    response = visitor.open(
        "/fr/alerts/new/?country=FR", {"email": "lea@example.org", "frequency": "instant"}
    )
    assert response.status == 302, visitor.page[:2000]
    assert response.getheader("Location") == "/fr/alerts/sent/"

    (confirmation,) = mailbox.wait_for(1, timeout=60)
    assert confirmation["To"] == "lea@example.org"
    assert confirmation["Subject"] == "Confirmez votre alerte emploi"
    text = confirmation.get_body(("plain",)).get_content()
    path = re.search(r"https://localhost(/fr/alerts/confirm/[^/\s]+/)", text).group(1)
    assert visitor.open(path).status == 200
    response = visitor.open(path, {})
    assert response.status == 200
    assert "Votre alerte est confirmée" in visitor.page


def test_it_runs_beat_whose_sweeps_the_worker_carries_out(site):
    site.wait_for_log("beat", r"Sending due task alerts-instant", timeout=30)
    site.wait_for_log("worker", r"Task alerts\.tasks\.sweep_alerts\[[^]]+\] succeeded", timeout=30)
    assert site.running("beat"), site.tail("beat")
