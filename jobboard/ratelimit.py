"""Fixed-window request limits counted in the cache ("N/s", "N/m", "N/h", "N/d")."""

from django.core.cache import cache


def parse(rate: str) -> tuple[int, int]:
    """ "5/h" -> (5, 3600)."""
    count, _, unit = rate.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]


def hit(key: str, rate: str) -> bool:
    """Counts one request against `key`; False once the rate is exceeded."""
    limit, seconds = parse(rate)
    cache.add(key, 0, seconds)  # the window starts with its first request
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit
