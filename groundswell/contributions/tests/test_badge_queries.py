"""Verified role badges in bylines cost no query per item."""

from django.urls import reverse

from groundswell.contributions.tests.test_queries import assert_no_growth, contribution, member
from groundswell.organisations.models import VerifiedRole
from groundswell.testing import factories


def badge(user, label="registered nurse"):
    VerifiedRole.objects.create(
        member=user,
        label=label,
        employer_kind="provider",
        status="confirmed",
        confirmed_by_staff=True,
        decided_on="2026-01-01",
    )


def test_contribution_list_with_badged_authors(client, project):
    made = []

    def grow(n):
        for _ in range(n):
            item = contribution(project)
            made.append(item)
            if item.author_id:
                badge(item.author)
                badge(item.author, label="lived experience of care")

    def shown(n):
        # The newest 20 are listed; only the pseudonymous ones carry a badge.
        return sum(1 for item in made[:n][-20:] if item.attribution == "pseudonymous")

    url = reverse("contributions:list", args=[project.slug])
    assert_no_growth(client, url, grow, b"Verified: registered nurse", shown=shown)


def test_comments_with_badged_authors(client, project):
    subject = contribution(project, kind="practice", attribution="named")

    def grow(n):
        for _ in range(n):
            top = factories.CommentFactory(
                contribution=subject, author=member(), attribution="pseudonymous", pseudonym="P"
            )
            badge(top.author)
            reply = factories.CommentFactory(
                contribution=subject,
                parent=top,
                author=member(),
                attribution="pseudonymous",
                pseudonym="Q",
            )
            badge(reply.author)

    assert_no_growth(
        client,
        subject.get_absolute_url(),
        grow,
        b"Verified: registered nurse",
        shown=lambda n: 2 * n,
    )
