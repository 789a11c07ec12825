"""Project-wide safety nets: migrations, catalogs, production settings, probes."""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@pytest.mark.django_db
def test_it_has_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.parametrize("language", TRANSLATED)
def test_it_has_a_complete_catalog(language):
    po_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        m.id
        for m in catalog
        if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated and not fuzzy
    # The compiled catalog is the one Django reads: it must match the source.
    with (po_path.with_suffix(".mo")).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in catalog:
        if message.id and not message.pluralizable:
            if message.context:
                found = compiled.pgettext(message.context, message.id)
            else:
                found = compiled.gettext(message.id)
            assert found == message.string, message.id


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("language", TRANSLATED)
def test_it_has_catalogs_that_msgfmt_accepts(language):
    po_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext's xgettext is not installed")
def test_it_has_every_marked_string_of_the_code_in_the_catalogs(tmp_path):
    """makemessages run on a copy of the project finds nothing the catalogs lack: a string
    marked in a way it does not see (gettext imported as `_t`, say) would ship untranslated,
    and the checks above would not notice."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", ".pgdata", "staticfiles", "media", "__pycache__", "*.mo"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-l", TRANSLATED[0]],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DEBUG": "1"},
    )
    with (copy / "locale" / TRANSLATED[0] / "LC_MESSAGES" / "django.po").open("rb") as handle:
        missing = [m.id for m in read_po(handle) if m.id and (m.fuzzy or not m.string)]
    assert not missing, "run `make messages` and translate these"


def _django(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return _python(["manage.py", *args], **env)


def _python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=120,
    )


def test_it_refuses_to_start_in_production_without_secrets():
    result = _django(["check"], DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "ALLOWED_HOSTS" in result.stderr


def test_it_passes_the_deployment_checks_in_production():
    result = _django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY="k9#Vq2!mZ7@xL4$pR8^tW1&yN6*bH3(cF5)gJ0_dS-uE+aQ=oI~",
        ALLOWED_HOSTS="jobs.example",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_it_rejects_a_malformed_rate_at_start():
    result = _django(["check"], DEBUG="1", ALERT_RATE_LIMIT_EMAIL="5/hour")
    assert result.returncode != 0 and "ALERT_RATE_LIMIT_EMAIL must be a rate" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "localhost:5432/jobs"),
        ("DATABASE_URL", "postgres://secret@db.example"),
        ("DATABASE_REPLICA_URL", "http://replica.example/jobs"),
        ("REDIS_URL", "127.0.0.1:6379/0"),
        ("REDIS_URL", "redis://:secret@/0"),
        ("CACHE_URL", "memcached://cache.example"),
        ("CACHE_URL", "redis://cache.example:port/1"),
        ("EMAIL_URL", "smtp://:25"),
        ("SITE_URL", "jobs.example"),
    ],
)
def test_it_rejects_a_malformed_url_at_start_without_printing_it(name, value):
    # Every process starts by loading the settings; loading them alone is the quickest start.
    result = _python(["-c", "import jobboard.settings"], DEBUG="1", **{name: value})
    assert result.returncode != 0 and f"{name} must be " in result.stderr, result.stderr
    # A URL may carry a password: the message names the variable, never the value.
    assert value not in result.stderr


def test_it_accepts_the_urls_of_every_documented_shape():
    result = _django(
        ["check"],
        DEBUG="1",
        DATABASE_REPLICA_URL="postgres:///jobs",
        REDIS_URL="redis://127.0.0.1:6379",
        CACHE_URL="rediss://:secret@cache.example:6380/1",
        EMAIL_URL="submission://user:pass@mail.example",
        SITE_URL="https://jobs.example",
    )
    assert result.returncode == 0, result.stderr


def test_it_rejects_a_malformed_boolean():
    result = _django(["check"], DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr


@pytest.mark.django_db
def test_it_reports_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    if settings.REDIS_URL:
        assert (body["broker"], body["cache"]) == ("ok", "ok")


@pytest.mark.django_db
def test_it_stays_ready_but_degraded_when_redis_is_unreachable(client, settings):
    """Pages are served without the cache and tasks wait in the database: taking every web
    process out of service for a Redis outage would turn it into a site outage."""
    settings.REDIS_URL = "redis://127.0.0.1:1"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CACHE_URL = "redis://127.0.0.1:1/1"
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["database"] == "ok"
    assert body["broker"].startswith("error") and body["cache"].startswith("error")


@pytest.mark.parametrize("logger", ["django", "django.utils.autoreload", "postings"])
def test_it_prints_a_message_logged_once_once(logger):
    """With DEBUG on, Django's own console handler on the "django" logger printed each of its
    messages a second time beside the root handler ("Watching for file changes with
    StatReloader" twice under `make run`)."""
    code = f"import logging; logging.getLogger({logger!r}).warning('logged-once-marker')"
    result = _django(["shell", "-c", code], DEBUG="1")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "logged-once-marker" in line]
    assert len(lines) == 1, result.stderr


# Where the code reads the environment: the settings' helpers, os.environ, a shell's ${NAME}.
_PYTHON_READS = re.compile(
    r"""(?:env_(?:str|bool|int|list|rate)\(|os\.environ\.get\(|os\.environ\[|os\.getenv\()"""
    r"""\s*["']([A-Z][A-Z0-9_]*)["']"""
)
_SHELL_READS = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")


def _make_variables(makefile: str) -> set[str]:
    """What `make` takes from the environment or its command line: `NAME ?= ...`, and names
    used as $(NAME) that the Makefile never sets."""
    set_here = set(re.findall(r"^([A-Z][A-Z0-9_]*)\s*:?=", makefile, re.MULTILINE))
    defaults = set(re.findall(r"^(?:export\s+)?([A-Z][A-Z0-9_]*)\s*\?=", makefile, re.MULTILINE))
    used = set(re.findall(r"\$\(([A-Z][A-Z0-9_]*)\)", makefile))
    return defaults | (used - set_here - {"MAKEFILE_LIST"})


def _environment_reads() -> dict[str, str]:
    """Every environment variable the project reads, with a file that reads it."""
    reads: dict[str, str] = {}
    sources = [ROOT / "manage.py", *(ROOT / "deploy").glob("*.py")]
    for package in ("jobboard", "postings", "accounts", "alerts", "bench"):
        sources += (ROOT / package).rglob("*.py")
    for path in sources:
        for name in _PYTHON_READS.findall(path.read_text()):
            reads.setdefault(name, str(path.relative_to(ROOT)))
    for name in _SHELL_READS.findall((ROOT / "deploy" / "entrypoint.sh").read_text()):
        reads.setdefault(name, "deploy/entrypoint.sh")
    for name in _make_variables((ROOT / "Makefile").read_text()):
        reads.setdefault(name, "Makefile")
    return reads


def _configuration_table() -> set[str]:
    """The variables named in the first column of the README's Configuration table."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_it_documents_every_environment_variable_in_the_readme():
    reads = _environment_reads()
    # The parsing itself must find what is known to be there.
    assert {"DEBUG", "SECURE_SSL_REDIRECT", "WEB_CONCURRENCY", "PORT"} <= reads.keys()
    missing = {name: path for name, path in reads.items() if name not in _configuration_table()}
    assert not missing, f"add these to the README's Configuration table: {missing}"


APPS = ("accounts", "alerts", "postings")


def _imported_apps(app: str) -> dict[str, list[str]]:
    """The other apps that `app`'s modules import, at their top or inside a function, each
    with where (migrations aside: they are history)."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:  # relative imports stay inside the app
                continue
            for name in names:
                other = name.split(".")[0]
                if other in APPS and other != app:
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.setdefault(other, []).append(where)
    return found


def test_it_keeps_the_imports_between_apps_one_way():
    imports = {app: _imported_apps(app) for app in APPS}
    for app in APPS:
        reached, stack = set(), list(imports[app])
        while stack:
            other = stack.pop()
            if other not in reached:
                reached.add(other)
                stack.extend(imports[other])
        assert app not in reached, f"{app} imports {imports[app]}, and is imported back"
