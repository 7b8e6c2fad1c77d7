"""Per-member limits on posting and voting, counted in the shared cache.

Each limit is a count per fixed window of seconds (`settings.GROUNDSWELL_RATE_LIMITS`, from the
environment). The counter lives in the default cache, which every server process shares: the
database cache table on the embedded setup, Redis when `REDIS_URL` is set. A counter is created
with `cache.add` and bumped with `cache.incr`, so no process overwrites another's count. Redis
and the local-memory cache increment atomically; Django's database cache reads then writes, so
two requests of the same member landing at the same instant on two processes may count once:
the limit can be overshot by a request or two, never tightened.

Counters are keyed by a keyed hash of the member's id, never by IP address (no address is kept
or logged), and expire with their window.

The check happens at the edges, before the view or endpoint runs, so nothing is saved when a
member is over the limit: `rate_limit(scope)` decorates web views (a 429 page, or a small
fragment for htmx), and `rate_limit(scope, raise_exception=True)` decorates API endpoints,
whose exception handler turns `RateLimited` into JSON.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac

_PREFIX = "gs:rl:"

# What each scope is called in the messages people read.
_DOING = {"post": "posting", "vote": "voting"}


@dataclass(frozen=True)
class Limit:
    count: int
    window: int  # seconds


class RateLimited(Exception):
    def __init__(self, *, scope: str, retry_after: int) -> None:
        self.scope = scope
        self.retry_after = retry_after
        super().__init__(rate_limit_message(scope=scope, retry_after=retry_after))


def _now() -> float:
    # Tests freeze time by replacing this function.
    return time.time()


def _limit(scope: str) -> Limit | None:
    configured = getattr(settings, "GROUNDSWELL_RATE_LIMITS", None) or {}
    if scope not in configured:
        return None
    count, window = configured[scope]
    if count <= 0 or window <= 0:
        return None
    return Limit(count=count, window=window)


def _key(scope: str, member_id: int, window_start: int) -> str:
    member = salted_hmac("groundswell.core.ratelimit", str(member_id)).hexdigest()[:32]
    return f"{_PREFIX}{scope}:{member}:{window_start}"


def _count(key: str, timeout: int, amount: int) -> int:
    try:
        count = cache.incr(key, amount)
    except ValueError:  # no counter yet in this window
        if cache.add(key, amount, timeout=timeout):
            return amount
        # Another process created it between our two calls.
        count = cache.incr(key, amount)
    if timeout > cache.default_timeout:
        # The database cache's incr rewrites the entry with the default timeout, which would
        # let a long window's counter expire before the window ends.
        cache.touch(key, timeout)
    return count


def rate_limit_consume(*, scope: str, member_id: int, amount: int = 1) -> None:
    """Count `amount` actions of `member_id` in `scope` (a batch of votes counts each vote);
    raise `RateLimited` once over the limit."""
    limit = _limit(scope)
    if limit is None:
        return
    now = _now()
    window_start = int(now // limit.window) * limit.window
    # The key names its window, so the timeout only needs to outlive it.
    count = _count(_key(scope, member_id, window_start), limit.window + 1, amount)
    if count > limit.count:
        retry_after = max(1, math.ceil(window_start + limit.window - now))
        raise RateLimited(scope=scope, retry_after=retry_after)


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def rate_limit_message(*, scope: str, retry_after: int) -> str:
    doing = _DOING.get(scope, "sending requests")
    return (
        f"You have been {doing} faster than we allow, to keep Groundswell free of spam. "
        f"Nothing was saved. Please wait {_wait_text(retry_after)} and try again."
    )


def rate_limited_response(request: HttpRequest, error: RateLimited) -> HttpResponse:
    """The 429 answer for a web page, or a small fragment for an htmx request."""
    htmx = request.headers.get("HX-Request") == "true"
    response = render(
        request,
        "core/_rate_limited.html" if htmx else "429.html",
        {"message": str(error), "wait": _wait_text(error.retry_after)},
        status=429,
    )
    response["Retry-After"] = str(error.retry_after)
    return response


def rate_limit(
    scope: str, *, raise_exception: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Count each POST of a signed-in member against `scope` before the view runs.

    Put it below `login_required`. With `raise_exception`, `RateLimited` propagates (the API
    answers it as JSON); otherwise the member gets the 429 page.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST" and request.user.is_authenticated:
                try:
                    rate_limit_consume(scope=scope, member_id=request.user.pk)
                except RateLimited as error:
                    if raise_exception:
                        raise
                    return rate_limited_response(request, error)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
