"""A host imports a Pol.is conversation through the page, in a real browser with axe: a bad
upload is refused next to the field, a good one is imported in the background while the page
updates itself (htmx) until it says what came in."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from groundswell.deliberation.models import PolisImport, Statement
from groundswell.deliberation.polis import polis_import_run
from groundswell.testing import factories
from tests.browser.conftest import watching_csp
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser

LONDON = Path(__file__).resolve().parents[2] / "data" / "polis" / "london.youth.policing"


@pytest.fixture
def new_context(new_context):
    yield from watching_csp(new_context)


def test_a_host_imports_a_polis_conversation(
    new_context, site, settings, host_org, host_admin, assert_accessible
):
    # Queued, not run at once: the test plays the background worker, so that the page is seen
    # waiting and then updating itself.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    project = factories.ProjectFactory(host_organisation=host_org, created_by=host_admin)
    page = new_context().new_page()
    log_in(page, host_admin)
    page.goto(f"/projects/{project.slug}/statements/")
    page.get_by_role("link", name="Import from Pol.is").click()
    expect(page.get_by_role("heading", name="Import a Pol.is conversation")).to_be_visible()
    assert_accessible(page, "the import page")

    page.get_by_label("The conversation's export files").set_input_files(
        str(LONDON / "summary.csv")
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator("#id_files_error")).to_contain_text("comments.csv is missing")
    assert_accessible(page, "the import page with an error")

    page.get_by_label("The conversation's export files").set_input_files(
        [str(LONDON / name) for name in ("comments.csv", "votes.csv", "summary.csv")]
    )
    page.get_by_role("button", name="Import").click()
    status = page.get_by_role("status").filter(has_text="Waiting to start")
    expect(status).to_be_visible()
    assert_accessible(page, "the import page while the import waits")

    polis_import_run(import_id=PolisImport.objects.get(project=project).pk)
    # No reload: the page asks again every 2 seconds and replaces what the live region holds.
    expect(page.get_by_role("status").filter(has_text="from 26 participants")).to_be_visible()
    expect(page.get_by_role("link", name="See the statements")).to_be_visible()
    assert Statement.objects.filter(project=project).exists()
    assert_accessible(page, "the import page once imported")
    page.get_by_role("link", name="See the statements").click()
    expect(page.get_by_text("Statements and votes imported from")).to_be_visible()


def test_the_import_form_fits_a_phone_screen(new_context, site, host_org, host_admin):
    """WCAG 1.4.10 reflow: at 320 CSS pixels nothing scrolls sideways, the licence's example
    link in the help text included."""
    project = factories.ProjectFactory(host_organisation=host_org, created_by=host_admin)
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    log_in(page, host_admin)
    page.goto(f"/projects/{project.slug}/import/polis/")
    expect(page.get_by_label("Licence and credit")).to_be_visible()
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
