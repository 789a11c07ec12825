from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jobboard.mail import send_template_mail

from .importers import UnreadableFile, import_rows
from .importers.formats import read_rows
from .models import ImportRun, ImportSource, Posting

# The fields a translation sibling starts from; its author then rewrites the text.
COPIED_FIELDS = (
    "title", "company", "category", "country", "city", "remote", "employment_type",
    "description", "responsibilities", "requirements", "nice_to_have",
    "salary_min", "salary_max", "salary_currency", "salary_period", "apply_url", "apply_email",
)  # fmt: skip


def expire_due_postings() -> int:
    """Mark published postings past their expiry as expired. Safe to run any number of times."""
    now = timezone.now()
    return Posting.objects.filter(
        status=Posting.Status.PUBLISHED, expires_at__lte=now
    ).update(status=Posting.Status.EXPIRED, updated_at=now)


def start_import(*, source: ImportSource) -> ImportRun:
    """Queue a run of the source's feed; the task is sent once the run is committed."""
    from . import tasks

    run = ImportRun.objects.create(source=source)
    transaction.on_commit(lambda: tasks.run_import.delay(run.pk))
    return run


def run_import(*, run: ImportRun) -> None:
    """Import the feed of `run`, recording counts, rejected rows and timings on it.

    The database is the source of truth: a run that finished is left alone, and a run whose
    worker died is run again from the start, which ends in the same state (upserts by
    (source, external_id), unchanged rows untouched)."""
    if run.status in (ImportRun.Status.SUCCEEDED, ImportRun.Status.FAILED):
        return
    source = run.source
    run.status, run.started_at = ImportRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])

    def progress(rows: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(rows_done=rows)

    defaults = {"language": source.default_language} if source.default_language else {}
    try:
        report = import_rows(
            read_rows(Path(source.feed.path), source.format),
            source=source.name,
            defaults=defaults,
            company=source.company,
            progress=progress,
        )
    except UnreadableFile as error:
        run.status, run.message = ImportRun.Status.FAILED, str(error)
    else:
        if source.full_sync:
            run.closed = (
                Posting.objects.filter(source=source.name, status=Posting.Status.PUBLISHED)
                .exclude(external_id__in=report.seen)
                .update(status=Posting.Status.CLOSED, updated_at=timezone.now())
            )
        run.status = ImportRun.Status.SUCCEEDED
        run.created, run.updated, run.unchanged = report.created, report.updated, report.unchanged
        run.rejected = len(report.errors)
        run.rows_done = report.total
        run.errors = [{"row": error.row, "reason": error.reason} for error in report.errors]
    run.finished_at = timezone.now()
    run.save()


def publishes_without_review(company) -> bool:
    return company.trusted or not settings.POSTING_REVIEW_REQUIRED


@transaction.atomic
def submit_posting(*, posting: Posting, by) -> None:
    """A draft goes to the moderation queue, or straight online for a trusted company or
    when a moderator wrote it."""
    from accounts.tenancy import is_moderator

    posting.submit(by=by)
    if publishes_without_review(posting.company) or is_moderator(by):
        posting.approve(by=None)
    posting.save()


@transaction.atomic
def approve_posting(*, posting: Posting, by) -> None:
    posting.approve(by=by)
    posting.save()
    _mail_owners_after_commit(posting, "approved")


@transaction.atomic
def reject_posting(*, posting: Posting, by, comment: str) -> None:
    posting.reject(by=by, comment=comment)
    posting.save()
    _mail_owners_after_commit(posting, "rejected")


def renew_posting(*, posting: Posting) -> None:
    posting.renew()
    posting.save()


def close_posting(*, posting: Posting) -> None:
    posting.close()
    posting.save()


@transaction.atomic
def duplicate_posting(*, posting: Posting, language: str, by) -> Posting:
    """A draft of the same job in another language, in the same translation group."""
    sibling = Posting(
        **{field: getattr(posting, field) for field in COPIED_FIELDS},
        language=language,
        status=Posting.Status.DRAFT,
        created_by=by,
    )
    sibling.join_translation_group(posting)
    sibling.save()
    return sibling


def _mail_owners_after_commit(posting: Posting, kind: str) -> None:
    from . import tasks

    transaction.on_commit(lambda: tasks.send_posting_mail.delay(posting.pk, kind))


def owners(posting: Posting) -> list:
    """Who hears about a posting: its submitter or author, else the company's admins."""
    from accounts.models import Membership

    person = posting.submitted_by or posting.created_by
    if person is not None and person.is_active:
        return [person]
    return [
        membership.user
        for membership in Membership.objects.filter(
            company_id=posting.company_id, role=Membership.Role.ADMIN, user__is_active=True
        ).select_related("user")
    ]


def send_posting_mail(*, posting: Posting, kind: str) -> int:
    """Tell the posting's owners, each in their own language, that it was approved, rejected
    or expires soon. Returns the number of mails sent."""
    from accounts.services import language_of

    sent = 0
    for user in owners(posting):
        if user.email:
            send_template_mail(
                f"postings/email/{kind}",
                {"posting": posting, "user": user},
                to=user.email,
                language=language_of(user),
            )
            sent += 1
    return sent


def warn_expiring_postings(*, now=None) -> int:
    """Email the owners of postings that expire within POSTING_EXPIRY_WARNING_DAYS, once per
    posting and expiry (renewing clears the mark). Each posting is locked while its mail goes
    out, so two sweeps never both send it; a crash between sending and committing would."""
    now = now or timezone.now()
    due = Posting.objects.filter(
        status=Posting.Status.PUBLISHED,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=settings.POSTING_EXPIRY_WARNING_DAYS),
        expiry_warned_at__isnull=True,
    )
    warned = 0
    for posting_id in list(due.values_list("id", flat=True)):
        with transaction.atomic():
            posting = (
                due.filter(pk=posting_id)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("company", "submitted_by", "created_by")
                .first()
            )
            if posting is None:  # renewed, or another sweep has it
                continue
            send_posting_mail(posting=posting, kind="expiring")
            Posting.objects.filter(pk=posting_id).update(expiry_warned_at=now)
            warned += 1
    return warned
