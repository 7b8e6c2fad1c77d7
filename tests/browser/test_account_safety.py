"""The account-safety pages in a real browser, each checked by axe: health and disability
(consent), blocking a member and the list of blocked members, and staff suspending an account."""

import pytest
from playwright.sync_api import expect

from groundswell.testing import factories
from tests.browser.test_journeys import log_in, log_in_with_code

pytestmark = pytest.mark.browser


def test_consent_block_and_unblock(page, site, practitioner, service_user, assert_accessible):
    log_in(page, practitioner)
    page.goto(practitioner.get_absolute_url())
    page.get_by_role("link", name="Health and disability (private)").click()
    assert_accessible(page, "health and disability")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save my answer").click()
    expect(page.locator(".error-summary")).to_contain_text("Tick the box to agree")
    assert_accessible(page, "health and disability without consent")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("I agree that Groundswell keeps this answer").check()
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_text("Your answer is saved. Only you can see it.")).to_be_visible()
    assert_accessible(page, "health and disability, answered")
    page.get_by_role("button", name="Withdraw my agreement and delete my answer").click()
    expect(page.get_by_text("Your answer and your agreement are deleted.")).to_be_visible()

    page.goto(service_user.get_absolute_url())
    page.get_by_role("button", name="Block Sam Service-User").click()
    expect(page.get_by_text("You have blocked Sam Service-User.")).to_be_visible()
    assert_accessible(page, "profile of a blocked member")
    page.goto("/me/blocked/")
    assert_accessible(page, "blocked members")
    page.get_by_role("button", name="Unblock Sam Service-User").click()
    expect(page.get_by_text("You have not blocked anyone.")).to_be_visible()
    assert_accessible(page, "blocked members, empty")


def test_staff_suspend_an_account(page, site, practitioner, totp_code, assert_accessible):
    boss = factories.UserFactory(username="boss", is_staff=True)
    log_in_with_code(page, boss, totp_code(factories.totp_activate(boss)))
    page.goto(practitioner.get_absolute_url())
    page.get_by_role("link", name="Suspend this account").click()
    assert_accessible(page, "suspension page")
    page.get_by_role("button", name="Suspend this account").click()
    expect(page.locator(".error-summary")).to_contain_text("Give the reason")
    assert_accessible(page, "suspension page with an error")
    page.get_by_label("Reason for the suspension").fill("Threats in comments")
    page.get_by_role("button", name="Suspend this account").click()
    expect(page.get_by_text("This account is suspended.")).to_be_visible()
    assert_accessible(page, "suspended account")
    page.get_by_role("button", name="Lift the suspension").click()
    expect(page.get_by_text("can log in again")).to_be_visible()
