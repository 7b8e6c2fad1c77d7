"""Browser fixtures: one Chromium per session, a fresh context per test, axe on every page.

Debian's chromium drives the pages (a Playwright browser download cannot work here). Without it
the tests skip, unless GROUNDSWELL_REQUIRE_BROWSER=1 says a browser run is mandatory.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse the
# factories' database queries made from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed, so the browser tests cannot run"
        if os.environ.get("GROUNDSWELL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (GROUNDSWELL_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db, settings):
    """The live server's base URL; asking for it gives the test committed, shared data. It is
    the site's address too: links in e-mails are built from SITE_URL."""
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def new_context(browser, site):
    """Make browser contexts (each a separate visitor); all are closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", site)
        options.setdefault("locale", "en-GB")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def watching_csp(new_context):
    """`new_context`, with every page it opens watched for Content-Security-Policy violations
    (the policy allows no inline script or style): any one fails the test. A test module that
    wants it overrides its fixture with `yield from watching_csp(new_context)`."""
    violations = []

    def watch(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{message.page.url if message.page else ''}: {message.text}")

    def make(**options):
        context = new_context(**options)
        context.on("console", watch)
        return context

    yield make
    assert violations == [], violations


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe on the page as it stands and fail on any WCAG 2.2 AA violation."""

    def check(page, what: str = "") -> None:
        results = axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        where = what or page.url
        assert results.violations_count == 0, f"{where}\n{results.generate_report()}"

    return check


TOTP_FROZEN_AT = 1_790_000_010  # seconds since the epoch


@pytest.fixture
def totp_code(monkeypatch):
    """Stop allauth's TOTP clock (the live server runs in this process); the code for a secret
    at that moment, or `steps` 30-second steps later."""
    from types import SimpleNamespace

    from allauth.mfa.totp.internal import auth

    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: TOTP_FROZEN_AT))

    def code(secret: str, steps: int = 0) -> str:
        return auth.format_hotp_value(auth.hotp_value(secret, TOTP_FROZEN_AT // 30 + steps))

    return code
