"""Typed readers of the environment for the settings: each has a default that runs locally, and
fails loudly, naming the variable, on a value it cannot read."""

import os
import re
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_rate(name: str, default: str) -> str:
    """A request rate, "N/s", "N/m", "N/h" or "N/d" (jobboard.ratelimit)."""
    value = env_str(name, default)
    if not re.fullmatch(r"[0-9]+/[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a rate like 5/m or 100/h, got {value!r}")
    return value


def env_url(name: str, schemes: tuple[str, ...], default: str = "", *, host: bool = True) -> str:
    """A URL with one of `schemes` and a host (unless `host` is False), or empty. The message
    never shows the value: a URL may carry a password."""
    value = env_str(name, default)
    if not value:
        return value
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in schemes or (host and not parts.hostname):
        shapes = ", ".join(f"{scheme}://" for scheme in schemes)
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with {shapes}"
            + (" with a host and a numeric port, if any" if host else "")
        )
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def database(name: str, url: str) -> dj_database_url.DBConfig:
    """A DATABASES entry for the PostgreSQL URL in the variable `name`, with its pool."""
    database = dj_database_url.parse(url)
    if not database["NAME"]:
        raise ImproperlyConfigured(
            f"{name} must be a URL that names its database (postgres://host/NAME)."
        )
    # Keep the options of the URL (sslmode=...) and add the pool.
    database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("DB_POOL_SIZE", 10),
        # A request waits this long (seconds) for a connection, then the visitor gets the 503
        # page (jobboard/errors.py) instead of a thread held until gunicorn's timeout.
        "timeout": env_int("DB_POOL_TIMEOUT", 3),
    }
    # Each attempt to open a connection gives up after this many seconds (libpq).
    database["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 3))
    # The pool checks a connection before lending it (one round trip): after a restart of the
    # server, the first request of each pooled connection would otherwise fail.
    database["CONN_HEALTH_CHECKS"] = True
    # Short web queries pay tens of milliseconds to JIT compilation and never win it back.
    database["OPTIONS"].setdefault("options", "-c jit=off")
    return database


def redis_db(url: str, offset: int) -> str:
    """The Redis URL of the database `offset` numbers above the one `url` names."""
    base, _, last = url.rpartition("/")
    # redis://host:port has no database part; redis://host:port/3 has one.
    if last.isdigit() and base.count("/") >= 2:
        return f"{base}/{int(last) + offset}"
    return f"{url}/{offset}"
