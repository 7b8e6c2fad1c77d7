"""List pages make the same number of queries for 3 items as for 30: no N+1 queries.

Each test builds a small world, measures a page, grows the world to 30 items, and measures again.
Comparing the two catches a query per item without hard-coding a magic number.
"""

import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groundswell.contributions.models import Comment, ContributionLink
from groundswell.projects.models import ParticipationTarget
from groundswell.projects.services import participant_join
from groundswell.testing import factories

SMALL, LARGE = 3, 30
KINDS = ["story", "barrier", "practice", "idea", "evidence", "failure_demand", "question"]
ROLES = ["practitioner", "service_user", "carer", "manager", "policy", ""]
_counter = itertools.count()


def queries_for(client, url: str) -> tuple[int, bytes]:
    client.get(url)  # warm any one-off lookups (content types, sessions) out of the count
    cache.clear()  # count the queries of rendering the page, not of the page cache's copy
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response.content


def assert_no_growth(client, url: str, grow, marker: bytes, shown=lambda n: n):
    """Measure url with SMALL items, grow to LARGE, measure again: same count, more shown."""
    grow(SMALL)
    small, small_page = queries_for(client, url)
    grow(LARGE - SMALL)
    large, large_page = queries_for(client, url)
    assert small_page.count(marker) == shown(SMALL)
    assert large_page.count(marker) == shown(LARGE)
    assert small == large, f"{url}: {small} queries for {SMALL} items, {large} for {LARGE}"


def member(role=None):
    n = next(_counter)
    return factories.UserFactory(
        username=f"q{n}", role=ROLES[n % len(ROLES)] if role is None else role
    )


def contribution(project, *, kind=None, title=None, **fields):
    """Contributions by different people, in every kind and attribution mode."""
    n = next(_counter)
    author = member()
    attribution = ["named", "pseudonymous", "protected"][n % 3]
    values = {
        "project": project,
        "kind": kind or KINDS[n % len(KINDS)],
        "title": title or f"Contribution number {n} about visits",
        "attribution": attribution,
        "author": None if attribution == "protected" else author,
        "pseudonym": f"Pseud{n}" if attribution == "pseudonymous" else "",
        "author_role": author.role,
        "author_sector": "social_care",
        "sector": ["social_care", "health", "housing"][n % 3],
        "comment_count": n % 4,
    }
    return factories.ContributionFactory(**{**values, **fields})


def hosted_project(host_org, **kwargs):
    """Projects hosted alternately by an organisation and by a person."""
    n = next(_counter)
    if n % 2:
        org = factories.OrganisationFactory(name=f"Query Trust {n}")
        return factories.ProjectFactory(host_organisation=org, **kwargs)
    return factories.ProjectFactory(host_user=member(), **kwargs)


@pytest.fixture
def member_client(client, practitioner):
    client.force_login(practitioner)
    return client


def test_home_page(client, host_org):
    def grow(n):
        for _ in range(n):
            hosted_project(host_org)
            hosted_project(host_org, visibility="private")  # never listed on the home page

    assert_no_growth(client, "/", grow, b'<li class="card">', shown=lambda n: min(n, 12))


def test_project_list(member_client, host_org, practitioner):
    made = []

    def grow(n):
        for _ in range(n):
            made.append(hosted_project(host_org))
            private = hosted_project(host_org, visibility="private")
            participant_join(project=private, user=practitioner)

    # Public and joined private projects are listed, 20 to a page.
    assert_no_growth(
        member_client,
        reverse("projects:list"),
        grow,
        b'<li class="card">',
        shown=lambda n: min(2 * n, 20),
    )


def test_organisation_list(client, host_org):
    def grow(n):
        for _ in range(n):
            org = factories.OrganisationFactory(name=f"Listed Org {next(_counter)}")
            factories.MembershipFactory(organisation=org, user=member(), is_admin=True)

    # host_org is listed too, 30 to a page.
    assert_no_growth(
        client,
        reverse("organisations:list"),
        grow,
        b'<li class="card">',
        shown=lambda n: min(n + 1, 30),
    )


def test_project_page(member_client, project, practitioner):
    participant_join(project=project, user=practitioner)
    for role, target in [("practitioner", 20), ("service_user", 20), ("carer", 5)]:
        ParticipationTarget.objects.create(project=project, role=role, target=target)

    def grow(n):
        for _ in range(n):
            c = contribution(project)
            participant_join(project=project, user=member())
            factories.CommentFactory(contribution=c, author=member())

    assert_no_growth(
        member_client,
        project.get_absolute_url(),
        grow,
        b'<li class="contribution kind-',
        shown=lambda n: min(n, 10),
    )


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        pytest.param("", lambda n: n, id="unfiltered"),
        pytest.param("?kind=barrier", lambda n: n, id="kind"),
        pytest.param("?sector=health&author_role=carer", lambda n: n, id="sector-role"),
        pytest.param("?q=visits", lambda n: n, id="search"),
        # A page number past the end shows the last page.
        pytest.param(
            "?q=visits&kind=barrier&page=2", lambda n: n if n <= 20 else n - 20, id="page-2"
        ),
    ],
)
def test_project_contribution_list(member_client, project, query, matches):
    def grow(n):
        for _ in range(n):
            # The items the filters match, and as many that they do not.
            factories.ContributionFactory(
                project=project,
                kind="barrier",
                title=f"Barrier {next(_counter)} to home visits",
                author=member(role="carer"),
                author_role="carer",
                sector="health",
            )
            contribution(project, kind="story", title="Paperwork")

    url = reverse("contributions:list", args=[project.slug]) + query
    per_page = 20

    def shown(n):
        if query:
            return min(matches(n), per_page)
        return min(2 * n, per_page)

    assert_no_growth(member_client, url, grow, b'<li class="contribution kind-', shown=shown)


@pytest.mark.parametrize("query", ["", "?q=visits", "?kind=idea&sector=housing"])
def test_cross_project_browse(member_client, host_org, practitioner, query):
    def grow(n):
        for _ in range(n):
            public = hosted_project(host_org)
            joined = hosted_project(host_org, visibility="private")
            participant_join(project=joined, user=practitioner)
            hidden = hosted_project(host_org, visibility="private")
            for p in (public, joined, hidden):
                contribution(
                    p, kind="idea", title=f"Idea {next(_counter)} about visits", sector="health"
                )
                factories.ContributionFactory(project=p, kind="idea", sector="housing")

    def shown(n):
        # Two visible projects per round, each with one "visits" idea and one housing idea.
        return min(2 * n, 20) if query else min(4 * n, 20)

    url = reverse("contributions:browse") + query
    assert_no_growth(member_client, url, grow, b'<li class="contribution kind-', shown=shown)


def test_contribution_page_with_many_comments_and_links(member_client, project, practitioner):
    participant_join(project=project, user=practitioner)
    subject = contribution(project, kind="practice")

    def grow(n):
        for _ in range(n):
            i = next(_counter)
            attribution = ["named", "pseudonymous", "protected"][i % 3]
            top = factories.CommentFactory(
                contribution=subject,
                author=None if attribution == "protected" else member(),
                attribution=attribution,
                pseudonym=f"Commenter{i}" if attribution == "pseudonymous" else "",
                author_role=ROLES[i % len(ROLES)],
            )
            for _ in range(2):
                factories.CommentFactory(contribution=subject, parent=top, author=member())
            other = contribution(project, kind="evidence")
            ContributionLink.objects.create(source=other, target=subject, relation="supports")
            ContributionLink.objects.create(source=subject, target=other, relation="addresses")

    def shown(n):
        return n * 3  # every comment and reply

    assert_no_growth(
        member_client, subject.get_absolute_url(), grow, b'<li class="comment"', shown=shown
    )
    assert Comment.objects.filter(contribution=subject).count() == LARGE * 3
