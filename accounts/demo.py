"""The panel's demo people, so that `make run` can be tried at once: a moderator, and an admin
and a recruiter of one demo company. Local development only (DEBUG): their password is
public."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .models import MODERATORS_GROUP, RECRUITERS_GROUP, Membership, Profile

PASSWORD = "demo-jobboard"  # noqa: S105 (public on purpose: DEBUG only)


def ensure_demo_people(*, company_id: int, company_name: str) -> list[tuple[str, str]]:
    """Create the demo people who are missing, the company's admin and recruiter of the company
    `company_id`; (email, what they do) of each."""
    people = [
        ("moderator@demo.example", MODERATORS_GROUP, None, "moderator: every company, reviews"),
        (
            "admin@demo.example",
            RECRUITERS_GROUP,
            Membership.Role.ADMIN,
            f"company admin of {company_name}",
        ),
        (
            "recruiter@demo.example",
            RECRUITERS_GROUP,
            Membership.Role.RECRUITER,
            f"recruiter of {company_name}",
        ),
    ]
    User = get_user_model()
    for email, group, role, _what in people:
        user, created = User.objects.get_or_create(
            username=email, defaults={"email": email, "is_staff": True}
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=group))
            Profile.objects.get_or_create(user=user)
        if role is not None:
            Membership.objects.get_or_create(
                user=user, company_id=company_id, defaults={"role": role}
            )
    return [(email, what) for email, _group, _role, what in people]
