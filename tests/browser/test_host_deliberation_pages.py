"""The host's side of deliberation in a real browser, on pages and states the other browser
tests do not reach: the moderation queue with statements and ideas waiting (more than one page
of them), deciding on a waiting idea (and a second click on it), the deliberation settings
refusing a value, and the compare page of a host with ideas waiting. Axe checks each at 1280 px
and at 320 px, and none shows who wrote a protected statement or idea."""

import re

import pytest
from playwright.sync_api import expect

from groundswell.deliberation.models import Idea
from groundswell.deliberation.services import (
    deliberation_settings_update,
    idea_create,
    statement_create,
)
from groundswell.moderation.views import PENDING_SHOWN
from tests.browser.test_journeys import log_in
from tests.browser.test_statement_moderation_journey import assert_author_hidden, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def waiting(project, host_admin, service_user):
    """More statements and ideas waiting than one page of the queue shows, the oldest protected."""
    deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    for n in range(PENDING_SHOWN + 1):
        attribution = "protected" if n == 0 else "named"
        statement_create(
            project=project,
            author=service_user,
            text=f"Waiting statement {n}: visits should not be cut short.",
            attribution=attribution,
        )
        idea_create(
            project=project,
            author=service_user,
            text=f"Waiting idea {n}: a named worker",
            attribution=attribution,
        )
    return project


def test_the_queue_pages_through_statements_and_ideas_waiting(
    new_context, waiting, host_admin, service_user, assert_accessible
):
    page = new_context().new_page()
    log_in(page, host_admin)
    page.goto(f"/projects/{waiting.slug}/moderation/")
    statements = page.get_by_role("region", name="Statements waiting for approval")
    expect(statements).to_contain_text(f"{PENDING_SHOWN + 1} waiting, oldest first")
    visit(page, assert_accessible, "moderation queue with statements and ideas waiting")

    statements.get_by_role("link", name=re.compile("Next page")).click()
    expect(statements).to_contain_text(f"Waiting statement {PENDING_SHOWN}:")
    visit(page, assert_accessible, "moderation queue, second page of statements waiting")

    ideas = page.get_by_role("region", name="Pairwise ideas waiting for approval")
    ideas.get_by_role("link", name=re.compile(r"Approve or not\W+Waiting idea 0:")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide on an idea")
    assert_author_hidden(page, service_user, "decision page of a protected idea")
    visit(page, assert_accessible, "decision page of a waiting idea")

    # A second host approved it meanwhile (or this one clicked twice): said, not a puzzle.
    decision_url = page.url
    page.get_by_label("Approve: publish it").check()
    page.get_by_label("Reason").fill("Fits the question.")
    other = new_context().new_page()
    log_in(other, host_admin)
    other.goto(decision_url)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("Decision recorded")
    other.get_by_label("Approve: publish it").check()
    other.get_by_label("Reason").fill("Fits the question.")
    other.get_by_role("button", name="Record the decision").click()
    expect(other.get_by_role("alert")).to_contain_text("Someone decided about this item")
    assert Idea.objects.filter(text__startswith="Waiting idea 0:").get().status == "accepted"
    visit(other, assert_accessible, "decision page, decided a moment ago")


def test_settings_refusal_and_the_hosts_compare_page(
    new_context, waiting, host_admin, service_user, assert_accessible
):
    page = new_context().new_page()
    log_in(page, host_admin)
    page.goto(f"/projects/{waiting.slug}/deliberation/settings/")
    page.get_by_label("Language of the statements").fill("English")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Give a language code")
    visit(page, assert_accessible, "deliberation settings with an error")

    page.goto(f"/projects/{waiting.slug}/compare/")
    expect(page.get_by_text(f"{PENDING_SHOWN + 1} ideas waiting for approval")).to_be_visible()
    assert_author_hidden(page, service_user, "compare page of a host")
    visit(page, assert_accessible, "compare page of a host with ideas waiting")
