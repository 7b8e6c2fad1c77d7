"""Whole-page cache for anonymous visitors of public pages, invalidated by version numbers.

A cached page's key holds the deployment's build (code, templates, static files), the full URL
(scheme, host, path and query string), today's date (phases and "live" projects turn over at
midnight) and the current version of every scope the page depends on. Services call
`page_cache_bump(scope=...)` after their transaction commits; the new version makes every older
entry of that scope unreachable, so no entry is ever served after a change it does not show.
Entries also expire after `PAGE_TTL`, only to bound storage.

Scopes in use: "site" (every cached page: projects, organisations, people's names), "browse"
(the cross-project contribution list) and "project:<slug>" (one project's pages).
The Django admin writes models directly, past the services: every POST there bumps "site"
(groundswell/core/admin_site.py).

Nothing is stored or served unless all of these hold: the request is a GET or HEAD from an
anonymous visitor with no pending messages; the view answered 200; the response sets no
cookie and rendering asked for no CSRF token (a page with a form for the visitor is never
shared).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

PAGE_TTL = 60 * 60
_PREFIX = "gs:page:"
_VERSION_PREFIX = "gs:pagever:"
# Response headers worth keeping; cookies and per-request headers are never stored.
_KEPT_HEADERS = ("Content-Type", "Content-Language")
_REFUSED = "_page_cache_refused"


def _version_key(scope: str) -> str:
    return _VERSION_PREFIX + scope


def _fresh_version() -> int:
    # A lost version key (evicted, culled, cache flushed) restarts from the clock, never from
    # a number an older entry may still be stored under.
    return time.time_ns() // 1000


def _versions(scopes: Iterable[str]) -> list[int]:
    keys = [_version_key(s) for s in scopes]
    found = cache.get_many(keys)
    versions = []
    for key in keys:
        version = found.get(key)
        if version is None:
            fresh = _fresh_version()
            cache.add(key, fresh, timeout=None)
            # Another process's add may have won; a cache that keeps nothing gives no hits.
            version = cache.get(key, fresh)
        versions.append(int(version))
    return versions


def page_cache_bump(*, scope: str) -> None:
    """Make every cached page of `scope` stale, once the current transaction commits."""
    transaction.on_commit(functools.partial(_bump, scope))


def _bump(scope: str) -> None:
    key = _version_key(scope)
    try:
        try:
            cache.incr(key)
        except ValueError:  # missing: start afresh, past any version used before
            if not cache.add(key, _fresh_version(), timeout=None):
                cache.incr(key)
    except Exception:
        # Failing loudly here would undo nothing (the data is committed); log it instead.
        logger.exception("could not bump the page cache version of %s", scope)


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.user.is_authenticated:
        return False
    # len() loads pending messages without marking them shown.
    return len(get_messages(request)) == 0


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # Set when rendering called get_token(): the page holds a form for this visitor.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")
        and not getattr(request, _REFUSED, False)
    )


def page_cache_refuse(request: HttpRequest) -> None:
    """Keep this request's page out of the cache (private content), whatever it answers."""
    setattr(request, _REFUSED, True)


@functools.cache
def _build_id() -> str:
    """What this deployment serves: its code, templates and collected static files.

    A page cached by an earlier deployment can name stylesheets and scripts (hashed names) that
    this one no longer has, or show an older layout; keyed on the build, a deploy starts afresh.
    Read once per process: every worker of one deployment sees the same files.
    """
    return files_digest(
        package=Path(__file__).resolve().parent.parent,
        manifest=Path(settings.STATIC_ROOT) / "staticfiles.json",
    )


def files_digest(*, package: Path, manifest: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html", ".css", ".js", ".svg") and path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(package)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def _page_key(request: HttpRequest, scopes: list[str]) -> str:
    versions = _versions(["site", *scopes])
    raw = "|".join(
        [
            _build_id(),
            request.build_absolute_uri(),
            timezone.localdate().isoformat(),
            *map(str, versions),
        ]
    )
    return _PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def cache_page_for_anonymous(
    scopes: Callable[..., list[str]] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Cache the view's page for anonymous visitors.

    `scopes(**view_kwargs)` names the scopes besides "site" that the page depends on.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            try:
                # The versions are read before rendering: a change committed meanwhile bumps
                # past them, so a page rendered from older data is stored where none will look.
                key = _page_key(request, scopes(**kwargs) if scopes else [])
                hit = cache.get(key)
            except Exception:
                logger.exception("page cache unavailable")
                return view(request, *args, **kwargs)
            if hit is not None:
                content, headers = hit
                response = HttpResponse(content)
                for name, value in headers:
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            if _cacheable_response(request, response):
                headers = [(h, response[h]) for h in _KEPT_HEADERS if response.has_header(h)]
                try:
                    cache.set(key, (response.content, headers), PAGE_TTL)
                except Exception:
                    logger.exception("could not store a page in the page cache")
            return response

        return wrapped

    return decorator


def project_scope(slug: str) -> str:
    return f"project:{slug}"


def project_scopes(*, slug: str, **_) -> list[str]:
    return [project_scope(slug)]
