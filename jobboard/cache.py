"""Django's Redis cache, as a cache should be: when Redis is down, frozen or full, a read is a
miss and a write is dropped (logged and counted in /metrics), so that pages are served uncached
instead of failing. After a failure the cache is left alone for CACHE_RETRY_SECONDS: a frozen
Redis then costs one socket timeout every few seconds, not one per call."""

import functools
import logging
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from .metrics import CACHE_ERRORS

logger = logging.getLogger(__name__)

# Shared by the threads of a process: the cache objects are per thread, the outage is not.
_down_until = 0.0


class _Unavailable(Exception):
    pass


def _tolerant(fallback):
    """Run the cache call, or answer `fallback(*args)` while Redis fails."""

    def decorate(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            global _down_until
            try:
                if time.monotonic() < _down_until:
                    raise _Unavailable
                return method(self, *args, **kwargs)
            except _Unavailable:
                pass
            except RedisError as error:
                _down_until = time.monotonic() + settings.CACHE_RETRY_SECONDS
                logger.warning("cache %s failed: %r", method.__name__, error)
            CACHE_ERRORS.labels(method.__name__).inc()
            return fallback(*args, **kwargs)

        return call

    return decorate


def available() -> bool:
    """False while the cache is left alone after a failure."""
    return time.monotonic() >= _down_until


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found.")  # what Django's incr says of a missing key


class ResilientRedisCache(RedisCache):
    get = _tolerant(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _tolerant(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _tolerant(lambda *args, **kwargs: False)(RedisCache.has_key)
    add = _tolerant(lambda *args, **kwargs: False)(RedisCache.add)
    set = _tolerant(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _tolerant(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _tolerant(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _tolerant(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _tolerant(lambda *args, **kwargs: None)(RedisCache.delete_many)
    incr = _tolerant(_missing)(RedisCache.incr)
    clear = _tolerant(lambda *args, **kwargs: False)(RedisCache.clear)
