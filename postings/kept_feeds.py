"""Feed files chosen in an import form that had an error, kept on the server so the next
submission need not choose them again (see ImportSourceForm). Each lives under kept/<user id>/;
one its form never came back for is swept after a day."""

import secrets
from datetime import timedelta
from pathlib import PurePosixPath

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils import timezone

ROOT = "kept"
# Well past the signed token's life (KEPT_FEED_MAX_AGE): nobody can use the file any more.
STALE_AFTER = timedelta(days=1)


def keep(*, user_id: int, upload: File) -> str:
    """Store the upload under a random name in the user's own folder (the signed token alone
    names it: not guessable even where the media folder were served); return its path."""
    suffix = PurePosixPath(upload.name or "").suffix[:10]
    return default_storage.save(f"{ROOT}/{user_id}/{secrets.token_urlsafe(16)}{suffix}", upload)


def sweep(*, stale_after: timedelta = STALE_AFTER) -> int:
    """Remove the kept files older than `stale_after`; return how many went. Idempotent: a file
    another sweep removed meanwhile is simply not counted."""
    if not default_storage.exists(ROOT):
        return 0
    before = timezone.now() - stale_after
    removed = 0
    folders, _ = default_storage.listdir(ROOT)
    for folder in folders:
        _, names = default_storage.listdir(f"{ROOT}/{folder}")
        for name in names:
            path = f"{ROOT}/{folder}/{name}"
            try:
                stale = default_storage.get_modified_time(path) < before
            except FileNotFoundError:
                continue
            if stale:
                default_storage.delete(path)
                removed += 1
    return removed
