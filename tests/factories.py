"""One factory per state, as plain functions: every test says what it needs and nothing more."""

import itertools
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group, User
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import MODERATORS_GROUP, RECRUITERS_GROUP, Membership, Profile
from postings.models import Category, Company, Posting

_numbers = itertools.count(1)


def company(name: str | None = None) -> Company:
    n = next(_numbers)
    name = name or f"Company {n}"
    return Company.objects.get_or_create(
        name=name, defaults={"slug": slugify(name), "website": f"https://c{n}.example"}
    )[0]


def trusted_company(name: str | None = None) -> Company:
    """Publishes without review, its feeds and partner API included."""
    trusted = company(name)
    trusted.trusted = True
    trusted.save()
    return trusted


def category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def _posting(status: str, **fields) -> Posting:
    n = next(_numbers)
    defaults: dict[str, Any] = {
        "language": "en",
        "title": f"Job {n}",
        "country": "GB",
        "description": f"<p>Description {n}</p>",
        "status": status,
    }
    defaults.update(fields)
    if "company" not in defaults:
        defaults["company"] = company()
    posting = Posting(**defaults)
    posting.save()
    return posting


def live_posting(**fields) -> Posting:
    now = timezone.now()
    fields.setdefault("published_at", now - timedelta(days=1))
    fields.setdefault("expires_at", now + timedelta(days=29))
    return _posting(Posting.Status.PUBLISHED, **fields)


def expired_posting(**fields) -> Posting:
    """Published, but past its expiry (the sweep has not run yet)."""
    now = timezone.now()
    fields.setdefault("published_at", now - timedelta(days=40))
    fields.setdefault("expires_at", now - timedelta(days=10))
    return _posting(Posting.Status.PUBLISHED, **fields)


def closed_posting(**fields) -> Posting:
    fields.setdefault("published_at", timezone.now() - timedelta(days=5))
    return _posting(Posting.Status.CLOSED, **fields)


def draft_posting(**fields) -> Posting:
    return _posting(Posting.Status.DRAFT, **fields)


def pending_posting(**fields) -> Posting:
    return _posting(Posting.Status.PENDING, **fields)


def scheduled_posting(**fields) -> Posting:
    """Published with a publication date in the future."""
    fields.setdefault("published_at", timezone.now() + timedelta(days=2))
    return _posting(Posting.Status.PUBLISHED, **fields)


PASSWORD = "correct horse battery staple"


def _staff(email: str, group: str, language: str) -> User:
    user = User.objects.create_user(email, email, PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    Profile.objects.create(user=user, language=language)
    return user


def recruiter(company: Company, email: str | None = None, *, language: str = "en") -> User:
    user = _staff(email or f"recruiter{next(_numbers)}@example.com", RECRUITERS_GROUP, language)
    Membership.objects.create(user=user, company=company, role=Membership.Role.RECRUITER)
    return user


def company_admin(company: Company, email: str | None = None, *, language: str = "en") -> User:
    user = _staff(email or f"admin{next(_numbers)}@example.com", RECRUITERS_GROUP, language)
    Membership.objects.create(user=user, company=company, role=Membership.Role.ADMIN)
    return user


def moderator(email: str | None = None, *, language: str = "en") -> User:
    return _staff(email or f"moderator{next(_numbers)}@example.com", MODERATORS_GROUP, language)
