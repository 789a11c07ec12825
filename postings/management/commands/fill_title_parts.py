from django.core.management.base import BaseCommand

from postings.models import Posting
from postings.search import COMPOUNDING, stems

BATCH = 2000


class Command(BaseCommand):
    help = (
        "Give the German and Dutch postings that lack them their titles' parts (what a search "
        "finds a compound title by: migrations 0030 and 0032), as an older release running "
        "during the deployment of either wrote them. Changes only the postings whose parts "
        "differ; safe to run again."
    )

    def handle(self, *args, **options) -> None:
        postings = Posting.objects.filter(language__in=COMPOUNDING).order_by("pk")
        fields = ("pk", "language", "title", "search_stems")
        last, changed = 0, 0
        while batch := list(postings.filter(pk__gt=last).values_list(*fields)[:BATCH]):
            last = batch[-1][0]
            stale = [
                Posting(pk=pk, search_stems=parts)
                for pk, language, title, written in batch
                if (parts := stems(language, title, "")) != written
            ]
            # Each posting's vector and search row follow (its generated column, its trigger).
            Posting.objects.bulk_update(stale, ["search_stems"])
            changed += len(stale)
        self.stdout.write(f"Postings given their titles' parts: {changed}.")
