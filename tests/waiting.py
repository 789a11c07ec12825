"""Waiting in tests for what another process or thread does (a worker, a server, a replica)."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T | None],
    message: str | Callable[[], str] = "the condition",
    *,
    timeout: float = 20,
    interval: float = 0.05,
) -> T:
    """Call `predicate` until it returns something true, and return that; after `timeout`
    seconds, fail the test with `message` (or what it returns, when it is a function)."""
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"timed out waiting for {message() if callable(message) else message}"
            )
        time.sleep(interval)
    return result
