"""When a failed delivery is tried again: exponential backoff with jitter."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from app.config import Settings


def retry_delay(attempts: int, settings: Settings, rand: random.Random | None = None) -> timedelta:
    """The wait after the `attempts`-th failure: base·2^(n-1), capped, with equal jitter.

    With the defaults (5 s base, 1 h cap): about 5 s, 10 s, 20 s, … 1 h, then hourly.
    """
    ceiling = min(
        settings.webhook_retry_base_seconds * 2 ** min(attempts - 1, 40),
        settings.webhook_retry_max_delay_seconds,
    )
    # Half fixed, half random: retries of many deliveries that failed together spread out.
    jitter = (rand or random).uniform(0, ceiling / 2)  # noqa: S311 - not for security
    return timedelta(seconds=ceiling / 2 + jitter)


def gives_up(first_attempt_at: datetime, now: datetime, settings: Settings) -> bool:
    """Whether a delivery that just failed has been retried long enough (then `failed`).

    Counted from its first attempt: a message waits untried behind a failing one before it.
    """
    return (now - first_attempt_at).total_seconds() >= settings.webhook_retry_window_seconds


def disables(failing_since: datetime, now: datetime, settings: Settings) -> bool:
    """Whether an endpoint failing since then is disabled by this failure."""
    return (now - failing_since).total_seconds() >= settings.webhook_disable_after_seconds
