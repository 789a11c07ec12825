"""An address's alerts: subscribing (confirmed by mail), unsubscribing, and its own data."""

import hashlib
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jobboard import ratelimit
from jobboard.tasks import enqueue

from .models import Alert, Subscriber


def inbox(email: str) -> str:
    """One inbox's address under all its spellings: case (folded as the database and Django
    compare addresses: "ſ" is "s"), and a `+tag` that mail servers deliver to the same inbox."""
    local, _, domain = unicodedata.normalize("NFKC", email).casefold().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def allow_subscription(*, email: str, ip: str) -> bool:
    """Per inbox (the confirmation mails it gets, whatever the spelling of its address) and per
    client address."""
    address = hashlib.sha256(inbox(email).encode()).hexdigest()
    by_address = ratelimit.hit(f"alerts:rate:email:{address}", settings.ALERT_RATE_LIMIT_EMAIL)
    by_ip = ratelimit.hit(f"alerts:rate:ip:{ip}", settings.ALERT_RATE_LIMIT_IP)
    return by_address and by_ip


def subscribe(*, email: str, language: str, query: str, frequency: str) -> Alert:
    """Records the search for the address and mails a confirmation, whatever the address's
    state: the caller's answer must not tell a known address from a new one. A confirmed
    alert keeps its frequency (only its manage page changes it)."""
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(
            email__iexact=email, defaults={"email": email}
        )
        alert, created = Alert.objects.get_or_create(
            subscriber=subscriber,
            language=language,
            query=query,
            defaults={"frequency": frequency},
        )
        if not created and alert.confirmed_at is None and alert.frequency != frequency:
            alert.frequency = frequency
            alert.save(update_fields=["frequency"])
        # No sweep sends a lost one: while the broker is down the page still answers, and
        # subscribing again sends the confirmation.
        transaction.on_commit(lambda: enqueue("alerts.tasks.send_confirmation", alert.pk))
    return alert


def purge_unconfirmed(*, now: datetime | None = None) -> int:
    """Forgets the alerts never confirmed in time, and addresses left with nothing."""
    now = now or timezone.now()
    deadline = now - timedelta(days=settings.ALERT_CONFIRM_DAYS)
    deleted, _ = Alert.objects.filter(confirmed_at__isnull=True, created_at__lt=deadline).delete()
    Subscriber.objects.filter(
        confirmed_at__isnull=True, created_at__lt=deadline, alerts__isnull=True
    ).delete()
    return deleted


def unsubscribe(*, alert_id: int) -> None:
    """Nothing is sent to the alert after this commits; a mail already claimed (on its way to
    the mail server) may still arrive."""
    Alert.objects.filter(pk=alert_id).delete()


def export(*, subscriber: Subscriber) -> dict[str, Any]:
    """Everything stored about the address."""
    alerts = subscriber.alerts.prefetch_related("matches")
    return {
        "email": subscriber.email,
        "created_at": subscriber.created_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at and subscriber.confirmed_at.isoformat(),
        "bounced_at": subscriber.bounced_at and subscriber.bounced_at.isoformat(),
        "alerts": [
            {
                "language": alert.language,
                "search": alert.query,
                "frequency": alert.frequency,
                "paused": alert.paused,
                "created_at": alert.created_at.isoformat(),
                "confirmed_at": alert.confirmed_at and alert.confirmed_at.isoformat(),
                "matched_up_to": alert.high_water and alert.high_water.isoformat(),
                "last_sent_at": alert.last_sent_at and alert.last_sent_at.isoformat(),
                "matches": [
                    {
                        "posting": match.posting_id,
                        "found_at": match.created_at.isoformat(),
                        "sent_at": match.sent_at and match.sent_at.isoformat(),
                    }
                    for match in alert.matches.all()
                ],
            }
            for alert in alerts
        ],
    }
