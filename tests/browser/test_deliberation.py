"""Voting one statement at a time (with htmx and without JavaScript), comparing ideas in pairs,
and the results page, in a real browser with axe on every page."""

import pytest
from playwright.sync_api import expect

from groundswell.deliberation.services import idea_create, statement_create
from groundswell.deliberation.tasks import recompute_analysis
from groundswell.testing import factories
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser

STATEMENTS = [
    "Care workers should be paid for travel time between visits.",
    "Visits shorter than thirty minutes should end.",
    "The same care worker should visit whenever possible.",
]


@pytest.fixture
def deliberating(site, host_org, host_admin):
    project = factories.ProjectFactory(host_organisation=host_org, created_by=host_admin)
    statements = [statement_create(project=project, author=host_admin, text=t) for t in STATEMENTS]
    for text in ["Pay travel time", "End 15-minute visits", "Continuity of carer"]:
        idea_create(project=project, author=host_admin, text=text)
    return project, statements


def test_voting_with_htmx_is_one_click_per_vote(
    new_context, deliberating, practitioner, assert_accessible
):
    project, _ = deliberating
    page = new_context().new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/vote/")
    expect(page.locator("#vote-card")).to_contain_text("3 statements left")
    assert_accessible(page, "vote page")

    url_before = page.url
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#vote-card")).to_contain_text("2 statements left")
    assert page.url == url_before  # swapped in place by htmx, no page load
    page.get_by_role("button", name="Disagree").click()
    # Wait for each swap before the next click, as a person would see the new statement first.
    expect(page.locator("#vote-card")).to_contain_text("1 statement left")
    page.get_by_role("button", name="Pass / unsure").click()
    expect(page.locator("#vote-card")).to_contain_text("You have voted on every statement")
    assert_accessible(page, "vote page, all done")

    page.goto(f"/projects/{project.slug}/statements/")
    expect(page.locator("[aria-pressed=true]")).to_have_count(3)
    assert_accessible(page, "statements and my votes")


def test_voting_and_comparing_without_javascript(new_context, deliberating, practitioner):
    project, _ = deliberating
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/vote/")
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#vote-card")).to_contain_text("2 statements left")

    page.locator("#id_text").fill("Rotas should be shared with families a week ahead.")
    page.get_by_role("button", name="Add statement").click()
    expect(page.get_by_role("status").first).to_contain_text("open for votes")

    page.goto(f"/projects/{project.slug}/compare/")
    page.locator("form.pair button.idea-choice").first.click()
    expect(page.locator("form.pair")).to_be_visible()


def test_results_page_is_accessible(new_context, deliberating, assert_accessible):
    project, statements = deliberating
    from groundswell.deliberation.services import comparison_record, vote_cast

    voters = [factories.UserFactory(role=r) for r in ["practitioner", "service_user"] * 6]
    for i, voter in enumerate(voters):
        for j, statement in enumerate(statements):
            vote_cast(statement=statement, user=voter, value=1 if (i + j) % 3 else -1)
    ideas = list(project.ideas.all())
    for voter in voters:
        comparison_record(
            project=project,
            user=voter,
            first_id=ideas[0].pk,
            second_id=ideas[1].pk,
            outcome="first",
        )
    recompute_analysis.call(project_id=project.pk)

    page = new_context().new_page()
    page.goto(f"/projects/{project.slug}/results/")
    expect(page.get_by_role("heading", name="Opinion groups", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Opinion map")).to_be_visible()
    expect(page.get_by_role("heading", name="Ideas ranked by pairwise comparison")).to_be_visible()
    assert_accessible(page, "results page")
