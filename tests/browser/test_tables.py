"""Data tables on a 320 px wide screen (a small phone, or 1280 px at 400% zoom): the page does not
scroll sideways (WCAG 1.4.10), no header, label or number is broken inside a word, and axe finds
nothing. Then the same pages at a desktop width, where the tables stay tables."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from groundswell.contributions.services import comment_create
from groundswell.deliberation.polis import polis_import
from groundswell.deliberation.services import comparison_record, idea_create, vote_cast
from groundswell.deliberation.tasks import recompute_analysis
from groundswell.demo.content import LONDON_YOUTH_POLICING
from groundswell.moderation.items import item_type
from groundswell.moderation.services import decision_make
from groundswell.projects.models import ParticipationTarget
from groundswell.projects.services import project_invite_codes_create
from groundswell.testing import factories
from tests.browser.test_deliberation import BROKEN_NUMBERS
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser

LONG_URL = "https://www.example.org/a-very-long-path/with-no-spaces/in-it/at-all/consultation.pdf"

# The words drawn over more than one line in each visible table header, number, button and cell
# of set words (`keep-words`: a date, a status), and in each label a stacked cell shows first.
# A word may be split at a hyphen ("e-mail"), nowhere else.
BROKEN_WORDS = """() => {
  const broken = [];
  const words = /[^\\s\\-\\u2013\\u2014]+/g;
  const visible = el => el.offsetWidth > 1 && el.offsetHeight > 1;
  for (const cell of document.querySelectorAll('main table :is(th, .num, .keep-words, .button)')) {
    if (!visible(cell)) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.offsetWidth) continue;  // visually hidden text
      for (const match of node.data.matchAll(words)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(`${cell.tagName}: ${match[0]}`);
      }
    }
  }
  const canvas = document.createElement('canvas').getContext('2d');
  for (const cell of document.querySelectorAll('main table td[data-label]')) {
    const label = getComputedStyle(cell, '::before');
    if (!visible(cell) || label.content === 'none' || label.display === 'none') continue;
    canvas.font = label.font;
    const room = parseFloat(label.width) || cell.clientWidth;  // an inline label: the cell's width
    for (const word of cell.dataset.label.match(words) || []) {
      if (canvas.measureText(word).width > room + 0.5) broken.push(`label: ${word}`);
    }
  }
  return broken;
}"""


@pytest.fixture
def london(site, host_org, host_admin):
    """The London Pol.is conversation with participation targets, votes from two declared
    perspectives (for the perspective-bridging table), and ideas compared in pairs."""
    project = factories.ProjectFactory(host_organisation=host_org, created_by=host_admin)
    for role, target in [("service_user", 100), ("practitioner", 20), ("policy", 5)]:
        ParticipationTarget.objects.create(project=project, role=role, target=target)
    folder = Path(settings.BASE_DIR).parent / "data" / "polis" / "london.youth.policing"
    polis_import(project=project, directory=folder, licence=LONDON_YOUTH_POLICING["licence"])
    statements = list(project.statements.filter(status="accepted").order_by("pk")[:6])
    statements[0].text = f"See {LONG_URL}"
    statements[0].save(update_fields=["text"])
    ideas = [
        idea_create(project=project, author=host_admin, text=text)
        for text in ["More youth workers on the estates", "Stop and search only with a body camera"]
    ]
    voters = [factories.UserFactory(role=r) for r in ["practitioner", "service_user"] * 4]
    for i, voter in enumerate(voters):
        for j, statement in enumerate(statements):
            vote_cast(statement=statement, user=voter, value=1 if (i + j) % 3 else -1)
        comparison_record(
            project=project,
            user=voter,
            first_id=ideas[i % 2].pk,
            second_id=ideas[1 - i % 2].pk,
            outcome="first" if i % 3 else "second",
        )
    recompute_analysis.call(project_id=project.pk)
    return project


def check_tables(page, assert_accessible, what: str) -> None:
    expect(page.locator("main table").first).to_be_visible()
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{what}: the page is {widths[0]} px wide in {widths[1]} px"
    assert not page.evaluate(BROKEN_WORDS), what
    assert not page.evaluate(BROKEN_NUMBERS), what
    assert_accessible(page, what)


@pytest.mark.parametrize("width", [320, 1280])
def test_the_results_and_project_pages_tables_read_whole_words(
    new_context, london, practitioner, width, assert_accessible
):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto(f"/projects/{london.slug}/results/")
    for name in [
        "Bridging statements with their scores",
        "Statements by their support in the least supportive perspective",
        "Opinion groups and what distinguishes them",
        "Ideas ranked",
        "Members who have joined, by role, against the target",
    ]:
        expect(page.get_by_role("table", name=name)).to_be_visible()
    # Stacked or not, a cell is still announced with its column's header.
    ranked = page.get_by_role("table", name="Ideas ranked")
    expect(ranked.get_by_role("columnheader", name="Comparisons")).to_have_count(1)
    expect(ranked.get_by_role("cell", name="More youth workers on the estates")).to_be_visible()
    check_tables(page, assert_accessible, f"results at {width} px")
    log_in(page, practitioner)  # the statements page then has vote buttons in every row
    for path in ["", "statements/"]:
        page.goto(f"/projects/{london.slug}/{path}")
        check_tables(page, assert_accessible, f"{path or 'project page'} at {width} px")


@pytest.mark.parametrize("width", [320, 1280])
def test_the_moderation_log_and_invitation_codes_read_whole_words(
    new_context, project, host_admin, practitioner, width, assert_accessible
):
    story = factories.ContributionFactory(
        project=project, author=practitioner, title="Missed visits"
    )
    comments = item_type("comment")
    for body, reason in [
        ("Nobody came on Tuesday.", f"Names a carer; see {LONG_URL}"),
        ("Nobody came on Friday.", "A reason long enough to need several lines on a phone. " * 3),
    ]:
        comment = comment_create(contribution=story, author=practitioner, body=body)
        decision_make(
            project=project,
            item_type=comments,
            item=comment,
            by=host_admin,
            outcome="hide",
            reason=reason,
        )
    project_invite_codes_create(
        project=project,
        by=host_admin,
        count=2,
        expires_on=timezone.localdate() + timedelta(days=30),
        note="Tuesday drop-in at the community centre",
    )
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto(f"/projects/{project.slug}/moderation/log/")
    check_tables(page, assert_accessible, f"moderation log at {width} px")
    log_in(page, host_admin)
    page.goto(f"/projects/{project.slug}/codes/")
    check_tables(page, assert_accessible, f"invitation codes at {width} px")


def test_the_joined_by_role_table_fits_a_phone_screen_whatever_the_roles(
    new_context, project, assert_accessible
):
    """A target for every role: the longest role names and four-figure numbers, with nothing
    in the table the keyboard could scroll it by (axe: scrollable-region-focusable)."""
    from groundswell.people.perspectives import Role

    for role in Role.values:
        ParticipationTarget.objects.create(project=project, role=role, target=1000)
    page = new_context(viewport={"width": 320, "height": 800}).new_page()
    page.goto(f"/projects/{project.slug}/results/")
    table = page.get_by_role("table", name="Members who have joined, by role, against the target")
    expect(table.get_by_role("rowheader", name="Commissioner")).to_be_visible()
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth"), table.evaluate(
        "t => [t.scrollWidth, t.clientWidth]"
    )
    check_tables(page, assert_accessible, "who has joined at 320 px")
