"""The security baseline: deploy checks, headers on every page, no inline code, plain errors,
Argon2, and permission checks that deny when they break."""

import os
import re
import secrets
import subprocess
import sys
from urllib.parse import urldefrag

import pytest
from django.test import Client
from django.urls import include, path

from groundswell.contributions.services import comment_create
from groundswell.core.middleware import CONTENT_SECURITY_POLICY
from groundswell.deliberation.services import idea_create, statement_create
from groundswell.projects import permissions
from groundswell.projects.models import Participant
from groundswell.testing import factories

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "SITE_URL": "https://example.org",
    "ALLOWED_HOSTS": "example.org",
    "CSRF_TRUSTED_ORIGINS": "https://example.org",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "true",
    "BEHIND_HTTPS_PROXY": "true",
}


def _production(tmp_path, code: list[str]) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "GROUNDSWELL_FAST_HASHER", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not k.startswith("SECURE_")
    }
    env.update(
        PRODUCTION_ENV,
        DJANGO_SETTINGS_MODULE="groundswell.settings",
        GROUNDSWELL_VAR_DIR=str(tmp_path),
    )
    return subprocess.run(code, env=env, capture_output=True, text=True, timeout=120)


def test_deploy_checks_pass_with_production_settings(tmp_path):
    groundswell = os.path.join(os.path.dirname(sys.executable), "groundswell")
    result = _production(
        tmp_path, [groundswell, "manage", "check", "--deploy", "--fail-level", "WARNING"]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_secure(tmp_path):
    """Secure cookies, https only, HSTS, and Argon2 first (the test run swaps in a fast hasher)."""
    probe = (
        "import django, json; from django.conf import settings as s; django.setup(); "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.PASSWORD_HASHERS[0]]))"
    )
    result = _production(tmp_path, [sys.executable, "-c", probe])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "[true, true, true, true, 31536000, true, true, "
        '"django.contrib.auth.hashers.Argon2PasswordHasher"]'
    )


def test_behind_a_proxy_the_account_limits_count_each_client_not_the_proxy(tmp_path):
    """Behind a proxy every request's own address is the proxy's: the per-address log-in,
    sign-up and reset limits would be one counter for everybody, and one person failing to log
    in ten times a minute would lock everyone out. The client is the entry the proxy appended."""
    probe = (
        "import django; from django.conf import settings as s; django.setup(); "
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    assert _production(tmp_path, [sys.executable, "-c", probe]).stdout.strip() == "1"


def test_without_a_proxy_a_forwarded_address_is_not_believed(settings):
    # Served directly, X-Forwarded-For is whatever the client wrote: one client could then
    # pose as a new address on every attempt.
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0


def test_a_password_saved_with_argon2_verifies(settings, db):
    from django.contrib.auth.hashers import check_password, make_password

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    hashed = make_password("a long enough passphrase")
    assert hashed.startswith("argon2$argon2id$")
    assert check_password("a long enough passphrase", hashed)


# Headers on every page, and no inline code in any of them.

INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle=", re.I),
    re.compile(r"\son[a-z]+=", re.I),
    re.compile(r"javascript:", re.I),
]
HREF = re.compile(r'href="(/[^"]*)"')


def _assert_secure_headers(response, url: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp == CONTENT_SECURITY_POLICY, url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "same-origin", url
    assert response.headers.get("X-Frame-Options") == "DENY", url


def _crawl(client: Client, seeds: list[str], limit: int = 400) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = list(seeds)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        _assert_secure_headers(response, url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        for pattern in INLINE:
            assert not pattern.search(html), (url, pattern.pattern)
        for link in HREF.findall(html):
            link = urldefrag(link.replace("&amp;", "&")).url
            if link.startswith(("/static/", "/media/", "/accounts/logout")) or link in seen:
                continue
            queue.append(link)
    return seen


@pytest.fixture
def lived_in(project, host_admin, practitioner, service_user):
    """A project with something on every kind of page."""
    Participant.objects.create(project=project, user=practitioner)
    story = factories.ContributionFactory(project=project, author=practitioner)
    factories.ContributionFactory(project=project, author=service_user, kind="barrier")
    comment_create(contribution=story, author=service_user, body="Same here", attribution="named")
    for text in ("Pay travel time", "End 15-minute visits"):
        statement_create(project=project, author=host_admin, text=text)
        idea_create(project=project, author=host_admin, text=text)
    return project


SEEDS = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/admin/login/",
    "/no-such-page/",
    "/api/v1/projects",
]


@pytest.mark.parametrize("who", [None, "practitioner", "host_admin", "staff"])
def test_every_page_in_a_crawl_carries_the_security_headers(
    client, lived_in, who, practitioner, host_admin, staff
):
    if who == "staff":
        # A superuser, so the crawl reaches every admin list and form.
        staff.is_superuser = True
        staff.save(update_fields=["is_superuser"])
    if who:
        client.force_login({"practitioner": practitioner, "host_admin": host_admin}.get(who, staff))
    seeds = [*SEEDS, f"/projects/{lived_in.slug}/vote/", f"/projects/{lived_in.slug}/compare/"]
    if who == "staff":
        seeds.append("/admin/")
    seen = _crawl(client, seeds)
    assert len(seen) > 25, seen
    assert 500 not in seen.values(), seen
    assert seen["/no-such-page/"] == 404


def test_hsts_is_sent_over_https_when_configured(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/code-of-conduct/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    _assert_secure_headers(response, "/code-of-conduct/")


def test_plain_http_is_redirected_to_https_when_configured(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/code-of-conduct/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200  # load balancers probe over http


# Errors: a plain page, never a stack trace.


def _explode(request):
    raise RuntimeError("secret internals: /srv/groundswell/settings.py line 42")


urlpatterns = [
    path("explode/", _explode),
    path("", include("groundswell.urls")),
]


@pytest.mark.urls(__name__)
def test_an_error_shows_a_plain_page_without_a_stack_trace(db, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/explode/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    for leak in ("Traceback", "secret internals", "RuntimeError", "settings.py", "_explode"):
        assert leak not in html
    _assert_secure_headers(response, "/explode/")


# A permission check that breaks denies.


class _Broken(dict):
    def __getitem__(self, key):
        raise RuntimeError("rule table unavailable")


def test_a_broken_rule_lookup_denies(client, project, practitioner, monkeypatch):
    logged = []
    monkeypatch.setattr(permissions, "RULES", _Broken())
    monkeypatch.setattr(permissions.logger, "exception", lambda msg, *a: logged.append(msg))
    client.force_login(practitioner)
    assert client.get(f"/projects/{project.slug}/").status_code == 404
    assert client.get(f"/api/v1/projects/{project.slug}").status_code == 404
    assert client.get(f"/projects/{project.slug}/contribute/").status_code == 404
    assert not permissions.can(user=practitioner, action=permissions.Action.VIEW, project=project)
    assert logged and all(m.startswith("Permission check failed") for m in logged)


def test_a_broken_role_lookup_denies(client, project, practitioner, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("membership lookup failed")

    monkeypatch.setattr(permissions, "is_host_admin", broken)
    client.force_login(practitioner)
    assert client.get(f"/projects/{project.slug}/edit/").status_code == 404
    assert client.get(f"/projects/{project.slug}/vote/").status_code == 404
    assert permissions.allowed_actions(user=practitioner, project=project) == set()
