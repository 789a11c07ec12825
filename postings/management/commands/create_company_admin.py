import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts import services
from accounts.models import Invitation, Membership
from postings.models import Company, company_slug


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
            name=company, defaults={"slug": company_slug(company)}
        )
        invitation = Invitation(
            company=company_obj, email=email, role=Membership.Role.ADMIN, language=language
        )
        password = os.environ.get("COMPANY_ADMIN_PASSWORD")
        if password:
            invitation.save()
            account = services.account_of(email)
            if account is None:
                try:
                    newcomer = get_user_model()(username=email.lower(), email=email)
                    validate_password(password, newcomer)
                except ValidationError as error:
                    raise CommandError(" ".join(error.messages)) from error
            try:
                if account is None:
                    services.join_as_newcomer(invitation=invitation, password=password)
                else:  # the operator vouches for the address; the account keeps its password
                    services.join(invitation=invitation, user=account)
            except services.CannotJoin as error:
                raise CommandError(f"{email} is a site administrator or moderator") from error
            self.stdout.write(f"{email} is an admin of {company_obj.name}.")
            return
        services.invite(invitation=invitation)
        self.stdout.write(
            f"Invitation sent to {email} for {company_obj.name}"
            f"{' (new company)' if created else ''}: {settings.SITE_URL}"
            f"{invitation.accept_path()}"
        )
