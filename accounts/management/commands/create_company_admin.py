import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts import services
from accounts.models import Invitation, Membership
from postings.models import Company, slug_for


class Command(BaseCommand):
    help = (
        "Make EMAIL an admin of the company COMPANY (created if new): an invitation link is "
        "mailed and printed; with the environment variable COMPANY_ADMIN_PASSWORD set, the "
        "account is made at once with that password instead."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("company", help="the company's name")
        parser.add_argument("email")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="of the mails")

    @transaction.atomic
    def handle(self, *args, company: str, email: str, language: str, **options) -> None:
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an email address") from error
        if language not in dict(settings.LANGUAGES):
            raise CommandError(f"unknown language {language!r}")
        company_obj, created = Company.objects.get_or_create(
            name=company, defaults={"slug": slug_for(company) or "company"}
        )
        invitation = Invitation(
            company=company_obj, email=email, role=Membership.Role.ADMIN, language=language
        )
        password = os.environ.get("COMPANY_ADMIN_PASSWORD")
        if password:
            invitation.save()
            services.accept_invitation(invitation=invitation, password=password)
            self.stdout.write(f"{email} is an admin of {company_obj.name}.")
            return
        services.invite(invitation=invitation)
        self.stdout.write(
            f"Invitation sent to {email} for {company_obj.name}"
            f"{' (new company)' if created else ''}: {settings.SITE_URL}"
            f"{invitation.get_absolute_url()}"
        )
