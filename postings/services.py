from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from accounts.services import language_of
from accounts.tenancy import is_moderator
from jobboard.mail import send_template_mail
from jobboard.tasks import enqueue

# The import workflow lives in import_runs.py; its steps are services as much as these.
from .import_runs import dispatch_imports as dispatch_imports
from .import_runs import fail_import as fail_import
from .import_runs import queue_due_imports as queue_due_imports
from .import_runs import run_import as run_import
from .import_runs import start_import as start_import
from .language import check as check_language
from .models import Posting

# The fields a translation sibling starts from; its author then rewrites the text.
COPIED_FIELDS = (
    "title",
    "company",
    "category",
    "country",
    "city",
    "remote",
    "employment_type",
    "description",
    "responsibilities",
    "requirements",
    "nice_to_have",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "apply_url",
    "apply_email",
)


def expire_due_postings() -> int:
    """Mark published postings past their expiry as expired. Safe to run any number of times."""
    now = timezone.now()
    return Posting.objects.filter(status=Posting.Status.PUBLISHED, expires_at__lte=now).update(
        status=Posting.Status.EXPIRED, updated_at=now
    )


def edit_needs_review(*, posting: Posting, by) -> bool:
    """Whether `by` changing `posting` sends it back to the moderators: an approved posting of
    a company that is not trusted, changed by someone who is not a moderator."""
    return (
        posting.status in (Posting.Status.PUBLISHED, Posting.Status.EXPIRED)
        and not posting.company.publishes_without_review()
        and not is_moderator(by)
    )


@transaction.atomic
def submit_posting(*, posting: Posting, by) -> None:
    """A draft goes to the moderation queue, or straight online for a trusted company or
    when a moderator wrote it."""
    posting.submit(by=by)
    if posting.company.publishes_without_review() or is_moderator(by):
        posting.approve(by=None)
    check_language(posting)  # what the moderation queue sorts by, whatever path it came by
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
    check_language(sibling)  # the copied text: a mismatch until its author rewrites it
    sibling.save()
    return sibling


def _mail_owners_after_commit(posting: Posting, kind: str) -> None:
    # No sweep finds a lost one again: while the broker is down, the mail is logged, counted
    # and not sent; the workflow step stands.
    transaction.on_commit(lambda: enqueue("postings.tasks.send_posting_mail", posting.pk, kind))


def owners(posting: Posting) -> list:
    """Who hears about a posting: its submitter or author, else the company's admins."""
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
    sent = 0
    for user in owners(posting):
        if user.email:
            sent += send_template_mail(
                f"postings/email/{kind}",
                {"posting": posting, "user": user},
                to=user.email,
                language=language_of(user),
            )
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
