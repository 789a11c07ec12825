import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.demo import PASSWORD, ensure_demo_people
from postings.demo import Seeder
from postings.models import Company, Posting


class Command(BaseCommand):
    help = (
        "Fill an empty database with demo companies and postings in every enabled language. "
        "Does nothing when postings exist, so it can run on every start."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=42, help="Seed of the random choices (default 42)."
        )

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        with transaction.atomic():
            if Posting.objects.exists() or Company.objects.exists():
                self.stdout.write("Database already has companies or postings; nothing to do.")
            else:
                seeder = Seeder(random.Random(seed), timezone.now())
                seeder.run()
                languages = len({posting.language for posting in seeder.postings})
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Created {len(seeder.companies)} companies and "
                        f"{len(seeder.postings)} postings in {languages} languages."
                    )
                )
        if settings.DEBUG:
            self.log_in_hint()

    def log_in_hint(self) -> None:
        """Demo logins for the panel, on a development machine only: their password is public."""
        company = Company.objects.order_by("pk").first()
        if company is None:
            return
        people = ensure_demo_people(company_id=company.pk, company_name=company.name)
        self.stdout.write(f"Panel: {settings.SITE_URL}/admin/, password {PASSWORD!r} for")
        for email, what in people:
            self.stdout.write(f"  {email:<26} {what}")
