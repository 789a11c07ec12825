"""The panel's benchmark (issue 17): `make bench-panel`.

On the database that `make bench` builds (`<name>_bench`, BENCH_COUNT postings, made once),
times in process, with production settings, the server side of a recruiter's and a moderator's
pages and actions, and saves the EXPLAIN (ANALYZE, BUFFERS) plans of the posting list's queries
under bench/plans/panel-*.txt. What it adds (two users, an import run, the drafts and accounts it
times) it removes again.
"""

import importlib
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import COUNT, ROOT, percentile, prepare  # noqa: E402

RUNS = int(os.environ.get("PANEL_RUNS", "40"))
# A login or an invitation hashes a password once, by design hundreds of milliseconds.
HASHING_RUNS = int(os.environ.get("PANEL_HASHING_RUNS", "10"))
PASSWORD = "bench-panel-password-2026"  # noqa: S105 (the bench's accounts, removed after)
GERMAN_TEXT = (
    "<p>Wir suchen eine erfahrene Entwicklerin oder einen erfahrenen Entwickler für unser Team "
    "in Berlin. Sie arbeiten an unserer Plattform, planen neue Funktionen mit den Kolleginnen "
    "und Kollegen aus dem Produkt und übernehmen Verantwortung für den Betrieb.</p>"
)


def main() -> None:
    # The request log's lines would bury the table.
    prepare(COUNT, ALLOWED_HOSTS="testserver,127.0.0.1", LOG_LEVEL="WARNING")
    # What a web worker does as it starts (deploy/gunicorn.conf.py serves jobboard.wsgi).
    importlib.import_module("jobboard.wsgi")
    from django.contrib.auth.hashers import get_hasher
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import MODERATORS_GROUP, RECRUITERS_GROUP, Invitation, Membership
    from postings.models import Company, ImportRun, ImportSource, Posting

    total = Posting.objects.count()
    # The busiest German-speaking employer: its admin sees the most postings a company has.
    company = (
        Company.objects.filter(postings__language="de")
        .annotate(n=Count("postings"))
        .order_by("-n")
        .first()
    )
    assert company is not None, "no German postings"
    company_total = Posting.objects.filter(company=company).count()
    stamp = uuid.uuid4().hex[:8]
    moderator = User.objects.create_user(f"bench-moderator-{stamp}", "", PASSWORD, is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    admin = User.objects.create_user(f"bench-admin-{stamp}", "", PASSWORD, is_staff=True)
    admin.groups.add(Group.objects.get(name=RECRUITERS_GROUP))
    Membership.objects.create(user=admin, company=company, role=Membership.Role.ADMIN)
    source = ImportSource.objects.create(
        company=company, name=f"Bench feed {stamp}", url="https://feed.example/jobs.json"
    )
    run = ImportRun.objects.create(
        source=source, status=ImportRun.Status.SUCCEEDED, rows_done=40_000, created=40_000
    )
    own_posting = Posting.objects.filter(company=company).order_by("-id").first()
    pending = Posting.objects.filter(status=Posting.Status.PENDING).order_by("id").first()
    assert own_posting is not None and pending is not None
    made: list[int] = []  # the postings the bench writes, removed at the end
    joined: list[str] = []  # the accounts the invitations make

    moderators, admins = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="de")
    # One client for the visitors who log in or accept an invitation: a new client would load
    # the middleware again (whitenoise lists the static files), which a worker does once.
    visitor = Client(HTTP_ACCEPT_LANGUAGE="de")
    moderators.force_login(moderator)
    admins.force_login(admin)

    def get(client: Client, url: str):
        def call(i: int) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    def log_in(i: int) -> None:
        response = visitor.post(
            "/admin/login/?next=/admin/", {"username": admin.username, "password": PASSWORD}
        )
        visitor.cookies.clear()
        assert response.status_code == 302, response.status_code

    def invitations() -> list[str]:
        paths = []
        for _ in range(HASHING_RUNS + 1):
            email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
            invitation = Invitation.objects.create(company=company, email=email)
            paths.append(invitation.accept_path())
            joined.append(email)
        return paths

    invitation_paths = invitations()

    def accept(i: int) -> None:
        new = "Fresh-bench-password-" + uuid.uuid4().hex[:6]
        response = visitor.post(invitation_paths[i], {"new_password1": new, "new_password2": new})
        visitor.cookies.clear()
        assert response.status_code == 302, response.status_code

    def form(**fields: object) -> dict:
        data: dict[str, object] = {
            "language": "de",
            "title": "Softwareentwickler (m/w/d) Plattform",
            "company": company.pk,
            "category": "",
            "country": "DE",
            "city": "Berlin",
            "remote": "hybrid",
            "employment_type": "full_time",
            "description": GERMAN_TEXT,
            "responsibilities": "",
            "requirements": "",
            "nice_to_have": "",
            "salary_min": "",
            "salary_max": "",
            "salary_currency": "",
            "salary_period": "",
            "apply_url": "",
            "apply_email": "",
        }
        return {**data, **fields}

    def save_draft(i: int) -> None:
        response = admins.post("/admin/postings/posting/add/", form())
        assert response.status_code == 302, response.status_code
        made.append(Posting.objects.filter(company=company).order_by("-id").values_list("id")[0][0])

    def submit(i: int) -> None:
        pk = drafts[i]
        response = admins.post(f"/admin/postings/posting/{pk}/change/", form(_submit="1"))
        assert response.status_code == 302, response.status_code
        assert Posting.objects.get(pk=pk).status == Posting.Status.PENDING

    def timed(label: str, make_call, runs: int = RUNS) -> dict:
        # The first call warms up (imports, the pool, the operating system's file cache), and
        # is shown on its own: the first request of its kind that a fresh worker serves.
        started = time.perf_counter()
        make_call(0)
        first = (time.perf_counter() - started) * 1000
        times, cpu = [], []
        for i in range(1, runs + 1):
            started, used = time.perf_counter(), time.process_time()
            make_call(i)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
        return {
            "label": label,
            "first": first,
            "p50": percentile(times, 50),
            "p95": percentile(times, 95),
            "cpu": percentile(cpu, 50),
        }

    changelist = "/admin/postings/posting/"
    moderator_lists = {
        "all companies": changelist,
        "status published": changelist + "?status__exact=published",
        "language de": changelist + "?language__exact=de",
        "expiring within 7 days": changelist + "?expiring=7",
        "sorted by publication date": changelist + "?o=-6",
        "title search": changelist + "?q=Entwickler",
        "rare title search": changelist + "?q=Kinderkrankenpfleger",
    }
    admin_lists = {
        "own company": changelist,
        "status draft": changelist + "?status__exact=draft",
        "language de, expiring": changelist + "?language__exact=de&expiring=7",
        "title search": changelist + "?q=Entwickler",
    }
    rows = [
        timed("Log in (one password hash)", log_in, HASHING_RUNS),
        *[
            timed(f"Postings list, moderator: {k}", get(moderators, u))
            for k, u in moderator_lists.items()
        ],
        *[
            timed(f"Postings list, company admin: {k}", get(admins, u))
            for k, u in admin_lists.items()
        ],
        timed("Posting change form", get(admins, f"{changelist}{own_posting.pk}/change/")),
        timed("Moderation queue", get(moderators, "/admin/postings/postingforreview/")),
        timed(
            "Review page",
            get(moderators, f"/admin/postings/postingforreview/{pending.pk}/change/"),
        ),
        timed("Panel home", get(admins, "/admin/")),
        timed("Company dashboard", get(admins, f"/admin/postings/company/{company.pk}/dashboard/")),
        timed("Import run page", get(admins, f"/admin/postings/importrun/{run.pk}/change/")),
        timed(
            "Import run progress (polled)",
            get(admins, f"/admin/postings/importrun/{run.pk}/progress/"),
        ),
        timed("Accept an invitation (one password hash)", accept, HASHING_RUNS),
        timed("First draft save", save_draft),
    ]
    drafts = list(made)
    rows.append(timed("Submit for review", submit, len(drafts) - 1))

    plans_dir = ROOT / "bench" / "plans"
    plans_dir.mkdir(exist_ok=True)
    plans = {
        "moderator": (moderators, changelist),
        "moderator-status": (moderators, moderator_lists["status published"]),
        "moderator-expiring": (moderators, moderator_lists["expiring within 7 days"]),
        "moderator-sorted": (moderators, moderator_lists["sorted by publication date"]),
        "moderator-search": (moderators, moderator_lists["title search"]),
        "company-admin": (admins, changelist),
        "company-admin-search": (admins, admin_lists["title search"]),
        "moderation-queue": (moderators, "/admin/postings/postingforreview/"),
    }
    for name, (client, url) in plans.items():
        with CaptureQueriesContext(connection) as queries:
            get(client, url)(0)
        with connection.cursor() as cursor, (plans_dir / f"panel-{name}.txt").open("w") as out:
            out.write(f"-- GET {url}\n")
            for captured in queries.captured_queries:
                sql = captured["sql"]
                if not sql.lstrip().upper().startswith("SELECT") or "postings_posting" not in sql:
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                out.write(f"\n{sql}\n")
                out.write("\n".join(row[0] for row in cursor.fetchall()) + "\n")

    hasher = get_hasher()
    hash_times = []
    for _ in range(5):
        started = time.perf_counter()
        hasher.encode(PASSWORD, hasher.salt())
        hash_times.append((time.perf_counter() - started) * 1000)
    cost = ", ".join(f"{k} {v}" for k, v in vars(type(hasher)).items() if k in COST_NAMES)

    Posting.objects.filter(pk__in=made).delete()
    User.objects.filter(email__in=joined).delete()
    Invitation.objects.filter(email__in=joined).delete()
    run.delete()
    source.delete()
    moderator.delete()
    admin.delete()

    print(
        f"\n{total:,} postings; the company admin's company has {company_total:,}; "
        f"{RUNS} requests per row ({HASHING_RUNS} for the rows that hash a password);"
    )
    print(
        "server-side time, in process, production settings; First: the first request of the "
        "row in this process; Python CPU: the time the process itself computed (the rest is "
        "waiting for the database and for the cores, which other processes share). Load "
        f"average at the end: {os.getloadavg()[0]:.1f}.\n"
    )
    print(
        "| Operation | First (ms) | p50 (ms) | p95 (ms) | Python CPU p50 (ms) |\n"
        "| --- | ---: | ---: | ---: | ---: |"
    )
    for row in rows:
        print(
            f"| {row['label']} | {row['first']:.0f} | {row['p50']:.1f} | {row['p95']:.1f} "
            f"| {row['cpu']:.1f} |"
        )
    print(
        f"\nPassword hasher: {hasher.algorithm} ({cost}), "
        f"{percentile(hash_times, 50):.0f} ms per hash (median of 5)."
    )
    print(f"Plans saved in {plans_dir.relative_to(ROOT)}/panel-*.txt.")


# The cost settings of Django's hashers (PBKDF2, Argon2, scrypt, bcrypt).
COST_NAMES = ("iterations", "time_cost", "memory_cost", "parallelism", "work_factor", "rounds")

if __name__ == "__main__":
    main()
