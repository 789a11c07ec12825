import random
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

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
                return
            seeder = Seeder(random.Random(seed), timezone.now())
            seeder.run()
        languages = len({posting.language for posting in seeder.postings})
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {len(seeder.companies)} companies and {len(seeder.postings)} postings "
                f"in {languages} languages."
            )
        )
