"""Two-factor authentication in a real browser: set up an authenticator app from the profile,
then log in with a code. axe checks each page, and the Content-Security-Policy (no inline script
or style, no data: images) must not block anything, the QR code included."""

import pytest
from playwright.sync_api import expect

from groundswell.testing import factories
from tests.browser.test_journeys import log_in, log_in_with_code
from tests.browser.test_security import RECORD_VIOLATIONS

pytestmark = pytest.mark.browser


@pytest.fixture
def watched_page(new_context):
    context = new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    return context.new_page()


def assert_no_csp_violations(page, where: str) -> None:
    assert page.evaluate("window.__csp || []") == [], where


def test_set_up_an_authenticator_app_and_log_in_with_a_code(
    watched_page, site, practitioner, totp_code, assert_accessible
):
    page = watched_page
    log_in(page, practitioner)
    page.goto(practitioner.get_absolute_url())
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_role("heading", name="Two-factor authentication", level=1)).to_be_visible()
    assert_accessible(page, "two-factor index, nothing set up")
    page.get_by_role("link", name="Set up an authenticator app").click()

    # Setting it up asks for the password again.
    page.get_by_label("Password").fill(factories.PASSWORD)
    assert_accessible(page, "confirm your password")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] > 100  # drawn, not blocked
    assert_accessible(page, "set up an authenticator app")
    assert_no_csp_violations(page, "set up an authenticator app")
    secret = page.locator("#totp-secret").inner_text().strip()

    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "set up with a wrong code")

    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(page, "recovery codes")
    assert_no_csp_violations(page, "recovery codes")

    page.get_by_role("button", name="Log out").click()
    log_in_with_code(page, practitioner, totp_code(secret, steps=1))
    assert_no_csp_violations(page, "log in with a code")


def test_the_code_page_is_accessible_and_a_wrong_code_is_refused(
    watched_page, site, practitioner, totp_code, assert_accessible
):
    factories.totp_activate(practitioner)
    page = watched_page
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(practitioner.email)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page, "enter your code")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "enter your code, wrong code")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    assert_no_csp_violations(page, "enter your code")


def test_staff_without_two_factor_are_sent_to_set_it_up(watched_page, site, totp_code):
    boss = factories.UserFactory(username="boss", is_staff=True, is_superuser=True)
    page = watched_page
    log_in(page, boss)
    page.goto("/admin/")
    expect(page.get_by_text("must set up two-factor authentication")).to_be_visible()
    expect(page.locator("#content")).to_have_count(0)  # no admin page
