"""Every list page and API list costs the same number of queries with 3 items as with 30.

The contribution and project lists have their own tests (contributions/tests/test_queries.py);
these are the rest: moderation, deliberation, organisations, people and the API. One world
grows under each page: contributions and comments in every attribution mode, authors with
verified-role badges, members blocked by the viewer, hidden items, flags and decisions,
statements with votes, ideas with comparisons, invitations and codes.
"""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from groundswell.contributions.models import ContributionLink
from groundswell.contributions.tests.test_queries import (
    LARGE,
    SMALL,
    contribution,
    member,
    queries_for,
)
from groundswell.deliberation.models import Comparison, Idea, Statement, Vote
from groundswell.moderation.models import Decision, Flag
from groundswell.organisations.models import OrganisationInvite, VerifiedRole
from groundswell.people.models import Block
from groundswell.projects.models import Participant, ProjectInvite, ProjectInviteCode
from groundswell.testing import factories

_n = itertools.count()
ATTRIBUTIONS = ["named", "pseudonymous", "protected"]


class World:
    def __init__(self, *, project, host_org, host_admin):
        self.project, self.org, self.host = project, host_org, host_admin
        self.deliberating = factories.ProjectFactory(
            host_organisation=host_org,
            created_by=host_admin,
            phases=[("gather", -20, -1), ("deliberate", 0, 30)],
        )
        Participant.objects.create(project=self.deliberating, user=host_admin)
        self.subject = contribution(project, kind="practice", attribution="named")

    def badged(self):
        who = member()
        VerifiedRole.objects.create(
            member=who,
            label="registered nurse",
            employer_kind="provider",
            status="confirmed",
            organisation=self.org,
            decided_on="2026-01-01",
        )
        return who

    def grow(self, n):
        project, dproj, host = self.project, self.deliberating, self.host
        for _ in range(n):
            i = next(_n)
            attribution = ATTRIBUTIONS[i % 3]
            author, other = self.badged(), self.badged()
            VerifiedRole.objects.create(
                member=member(), label="carer", employer_kind="charity", organisation=self.org
            )
            item = contribution(project)
            mine = contribution(project, author=host, attribution="named")
            hidden = contribution(project, status="hidden")
            top = factories.CommentFactory(
                contribution=self.subject,
                author=None if attribution == "protected" else author,
                attribution=attribution,
                pseudonym=f"P{i}" if attribution == "pseudonymous" else "",
            )
            factories.CommentFactory(contribution=self.subject, parent=top, author=other)
            factories.CommentFactory(contribution=mine, author=author)
            ContributionLink.objects.create(source=item, target=self.subject, relation="supports")
            for kind, pk, flagger in [
                ("contribution", item.pk, author),
                ("comment", top.pk, other),
                ("contribution", self.subject.pk, author),
            ]:
                Flag.objects.create(
                    project=project, item_kind=kind, item_id=pk, flagger=flagger, reason="spam"
                )
            for whose in (host, author):
                Decision.objects.create(
                    project=project,
                    item_kind="contribution",
                    item_id=hidden.pk,
                    outcome="hide",
                    reason="Off topic",
                    status_before="published",
                    author=whose,
                    decided_by=host,
                )
            Participant.objects.create(project=project, user=author)
            Participant.objects.create(project=dproj, user=author)
            factories.MembershipFactory(organisation=self.org, user=author)
            OrganisationInvite.objects.create(
                organisation=self.org, email=f"invitee{i}@example.org", invited_by=host
            )
            ProjectInvite.objects.create(project=project, created_by=host)
            ProjectInviteCode.objects.create(
                project=project,
                created_by=host,
                expires_at=timezone.now() + timedelta(days=3),
                used_by=author if i % 2 else None,
            )
            Block.objects.create(blocker=host, blocked=other)
            statement = Statement.objects.create(
                project=dproj,
                text=f"Statement {i} about pay",
                author=None if attribution == "protected" else author,
                attribution=attribution,
                pseudonym="Pseud" if attribution == "pseudonymous" else "",
            )
            for status in ("pending", "rejected", "hidden"):
                Statement.objects.create(
                    project=dproj, text=f"{status} {i}", author=other, status=status
                )
            for voter, value in ((author, 1), (other, -1)):
                Vote.objects.create(
                    statement=statement, project=dproj, voter=f"u{voter.pk}", value=value
                )
            first = Idea.objects.create(project=dproj, text=f"Idea {i} a", author=author)
            second = Idea.objects.create(
                project=dproj,
                text=f"Idea {i} b",
                author=other,
                attribution="pseudonymous",
                pseudonym="Q",
            )
            Comparison.objects.create(
                project=dproj, voter=f"u{author.pk}", first=first, second=second, outcome="first"
            )
            factories.ProjectFactory(host_organisation=self.org)
            factories.ProjectFactory(host_user=author)


# Each page, and whether it lists what grows (so its page grows too) or shows one item.
PAGES = {
    "moderation log": ("/projects/{p}/moderation/log/", True),
    "moderation decide": ("/projects/{p}/moderation/items/contribution/{subject}/", False),
    "notices": ("/moderation/notices/", True),
    "organisation": ("/organisations/{org}/", True),
    "role confirmations": ("/organisations/{org}/verified-roles/", True),
    "blocked members": ("/me/blocked/", True),
    "profile": ("/people/{host}/", False),
    "my data": ("/me/data/", False),
    "invitation codes": ("/projects/{p}/codes/", True),
    "invitation links": ("/projects/{p}/invites/", True),
    "statements": ("/projects/{d}/statements/", True),
    "rejected statements": ("/projects/{d}/statements/rejected/", True),
    "vote": ("/projects/{d}/vote/", False),
    "results": ("/projects/{d}/results/", True),
    "compare": ("/projects/{d}/compare/", False),
    "api projects": ("/api/v1/projects", True),
    "api contributions": ("/api/v1/projects/{p}/contributions", True),
    "api contribution": ("/api/v1/projects/{p}/contributions/{subject}", False),
    "api statements": ("/api/v1/projects/{d}/statements", True),
    "api ideas": ("/api/v1/projects/{d}/ideas", True),
    "api pair": ("/api/v1/projects/{d}/pair", False),
}


@pytest.mark.parametrize("name", PAGES)
def test_the_page_costs_the_same_however_much_it_lists(client, project, host_org, host_admin, name):
    world = World(project=project, host_org=host_org, host_admin=host_admin)
    template, lists = PAGES[name]
    url = template.format(
        p=project.slug,
        d=world.deliberating.slug,
        org=host_org.slug,
        host=host_admin.username,
        subject=world.subject.pk,
    )
    client.force_login(host_admin)

    world.grow(SMALL)
    small, small_page = queries_for(client, url)
    world.grow(LARGE - SMALL)
    large, large_page = queries_for(client, url)

    if lists:  # the world is on the page: more of it with more items
        assert len(large_page) > len(small_page)
    assert small == large, f"{url}: {small} queries for {SMALL} items, {large} for {LARGE}"
