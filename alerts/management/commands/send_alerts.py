from django.core.management.base import BaseCommand

from alerts import matching, sending
from alerts.models import Alert


class Command(BaseCommand):
    help = "Match and send the alerts of one frequency now, in this process, as beat's sweep does."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--frequency", required=True, choices=[choice for choice, _ in Alert.Frequency.choices]
        )

    def handle(self, *args, frequency: str, **options) -> None:
        batches = matching.sweep(frequency=frequency)
        sent = sum(sending.send_alerts(alert_ids=batch) for batch in batches)
        due = sum(len(batch) for batch in batches)
        self.stdout.write(f"{frequency}: {due} alerts with new postings, {sent} mails sent")
