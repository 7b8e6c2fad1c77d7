"""Delete my account: personal data goes, writing is deleted or kept as "Former member",
votes keep counting under a key that leads to nobody, and doing it twice is harmless."""

import re
from urllib.parse import urldefrag

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from groundswell.accounts_data.models import DataExport
from groundswell.accounts_data.services import DELETED_COMMENT, account_delete
from groundswell.contributions.models import Comment, Contribution, ProtectedAuthorKey
from groundswell.deliberation.models import Idea, Statement, Vote
from groundswell.organisations.models import Membership
from groundswell.people.models import User
from groundswell.projects.models import Participant
from groundswell.testing import factories

from .conftest import IDENTITY, PASSWORD


def _delete_through_the_page(client, member, choice: str, password: str = PASSWORD):
    client.force_login(member)
    return client.post(
        reverse("accounts_data:delete"), {"contributions": choice, "password": password}
    )


def test_the_password_is_required(client, member, lived):
    for password in ("", "not my password"):
        response = _delete_through_the_page(client, member, "keep", password)
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_keeping_contributions_removes_every_trace_of_the_member(client, member, lived):
    EmailAddress.objects.get_or_create(user=member, email=IDENTITY["e-mail"])
    DataExport.objects.create(owner=member)
    other_browser = Client()
    other_browser.force_login(member)
    response = _delete_through_the_page(client, member, "keep")
    assert response.status_code == 302 and response.url == reverse("home")

    assert not User.objects.filter(pk=member.pk).exists()
    assert not EmailAddress.objects.filter(email=IDENTITY["e-mail"]).exists()
    assert not Membership.objects.filter(user_id=member.pk).exists()
    assert not Participant.objects.filter(user_id=member.pk).exists()
    assert not DataExport.objects.exists()
    # Logged out here and everywhere else.
    assert "_auth_user_id" not in client.session
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(member.pk)
    ]
    assert other_browser.get(reverse("accounts_data:my_data")).status_code == 302

    for key in ("named", "pseudo", "my_comment"):
        item = type(lived[key]).objects.get(pk=lived[key].pk)
        assert item.author_id is None and item.pseudonym == "" and item.byline == "Former member"
    for key in ("statement", "idea"):
        item = type(lived[key]).objects.get(pk=lived[key].pk)
        assert item.author_id is None and item.byline == "Former member"
    protected = Contribution.objects.get(pk=lived["protected"].pk)
    assert protected.byline == "Protected contributor"
    assert Comment.objects.filter(pk=lived["protected_comment"].pk).exists()
    # The keys that let the member recognise their protected items are gone.
    assert not ProtectedAuthorKey.objects.exists()
    # Others' replies and comments are untouched.
    untouched = [lived["reply"].pk, lived["their_comment"].pk]
    assert Comment.objects.filter(pk__in=untouched).count() == 2


def test_deleting_contributions_removes_them_and_keeps_others_threads(member, lived):
    account_delete(user=member, keep_contributions=False)

    for key in ("named", "pseudo", "protected"):
        assert not Contribution.objects.filter(pk=lived[key].pk).exists()
    assert not Comment.objects.filter(pk=lived["protected_comment"].pk).exists()
    # A comment others replied to stays, emptied and unattributed, so the reply keeps its thread.
    kept = Comment.objects.get(pk=lived["my_comment"].pk)
    assert kept.body == DELETED_COMMENT and kept.author_id is None
    assert kept.byline == "Former member"
    assert Comment.objects.filter(pk=lived["reply"].pk).exists()
    others = Contribution.objects.get(pk=lived["others"].pk)
    assert others.comment_count == others.comments.count() == 2
    # Statements and ideas others voted on are always kept, without the name.
    assert Statement.objects.get(pk=lived["statement"].pk).author_id is None
    assert Idea.objects.get(pk=lived["idea"].pk).author_id is None
    assert not ProtectedAuthorKey.objects.exists()


def test_deleted_writing_leaves_the_moderation_log_too(member, lived, project, host_admin, client):
    """The decisions stay on the public log; the member's words (excerpt, appeal) go."""
    from groundswell.moderation.items import ITEM_TYPES
    from groundswell.moderation.models import Appeal, Decision
    from groundswell.moderation.services import appeal_make, decision_make

    decisions = {}
    for kind, key in (("contribution", "protected"), ("comment", "my_comment")):
        decisions[key] = decision_make(
            project=project,
            item_type=ITEM_TYPES[kind],
            item=lived[key],
            outcome="hide",
            reason=f"Hidden {kind} for the test.",
            by=host_admin,
        )
    appeal_make(
        decision=decisions["protected"],
        item_type=ITEM_TYPES["contribution"],
        by=member,
        text="Zephyrine's appeal words",
    )
    assert Decision.objects.get(pk=decisions["protected"].pk).excerpt  # something to forget

    account_delete(user=member, keep_contributions=False)

    for decision in decisions.values():
        assert Decision.objects.get(pk=decision.pk).excerpt == ""
    assert Appeal.objects.get(decision=decisions["protected"]).text == ""
    log = client.get(reverse("moderation:log", args=[project.slug])).content.decode()
    assert "Hidden contribution for the test." in log
    assert "Protected story" not in log and "Named comment here" not in log


@pytest.mark.parametrize("keep", [True, False])
def test_votes_still_count_but_lead_to_nobody(member, lived, service_user, keep):
    before = sorted(Vote.objects.values_list("statement_id", "value"))
    account_delete(user=member, keep_contributions=keep)
    assert sorted(Vote.objects.values_list("statement_id", "value")) == before
    voters = set(Vote.objects.values_list("voter", flat=True))
    assert f"u{member.pk}" not in voters
    assert f"u{service_user.pk}" in voters
    opaque = voters - {f"u{service_user.pk}"}
    # One key for all the member's votes, so the analysis still sees one participant.
    assert len(opaque) == 1
    (key,) = opaque
    assert key.startswith("x") and len(key) <= 32


@pytest.mark.parametrize("keep", [True, False])
def test_deleting_twice_is_harmless(member, lived, keep):
    account_delete(user=member, keep_contributions=keep)
    state = (
        sorted(Contribution.objects.values_list("pk", "author_id", "pseudonym", "attribution")),
        sorted(Comment.objects.values_list("pk", "author_id", "body")),
        sorted(Vote.objects.values_list("voter", "statement_id", "value")),
    )
    account_delete(user=member, keep_contributions=keep)
    account_delete(user=member, keep_contributions=not keep)
    assert state == (
        sorted(Contribution.objects.values_list("pk", "author_id", "pseudonym", "attribution")),
        sorted(Comment.objects.values_list("pk", "author_id", "body")),
        sorted(Vote.objects.values_list("voter", "statement_id", "value")),
    )


def test_a_second_post_from_a_stale_page_is_harmless(client, member, lived):
    _delete_through_the_page(client, member, "keep")
    response = client.post(
        reverse("accounts_data:delete"), {"contributions": "delete", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert Contribution.objects.filter(pk=lived["named"].pk).exists()


def test_a_member_hosting_projects_is_asked_to_hand_them_over_first(client, member):
    hosted = factories.ProjectFactory(host_user=member, created_by=member)
    client.force_login(member)
    page = client.get(reverse("accounts_data:delete")).content.decode()
    assert "hand them over" in page and hosted.question in page
    response = client.post(
        reverse("accounts_data:delete"), {"contributions": "keep", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert User.objects.filter(pk=member.pk).exists()
    with pytest.raises(ValidationError):
        account_delete(user=member, keep_contributions=True)


HREF = re.compile(r'href="([^"#]+)"')


def _crawl(client: Client, seeds: list[str], limit: int = 300) -> dict[str, str]:
    pages: dict[str, str] = {}
    queue = list(seeds)
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in pages:
            continue
        response = client.get(url)
        assert response.status_code != 500, url
        pages[url] = response.content.decode(errors="replace")
        if not response.get("Content-Type", "").startswith(("text/html", "application/json")):
            continue
        for link in HREF.findall(pages[url]):
            link = urldefrag(link.replace("&amp;", "&")).url
            if link.startswith("/") and not link.startswith(
                ("/static/", "/media/", "/accounts/logout", "/admin/logout")
            ):
                queue.append(link)
    return pages


@pytest.mark.parametrize("viewer", ["anonymous", "service_user", "host_admin", "superuser"])
def test_after_deletion_with_keep_no_page_shows_the_old_identity(
    client, member, lived, project, service_user, host_admin, viewer
):
    slug = project.slug
    account_delete(user=member, keep_contributions=True)
    if viewer == "superuser":
        root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
        factories.totp_activate(root)  # staff pages need two-factor authentication
        client.force_login(root)
    elif viewer != "anonymous":
        client.force_login({"service_user": service_user, "host_admin": host_admin}[viewer])
    seeds = [
        "/",
        f"/projects/{slug}/",
        f"/projects/{slug}/statements/",
        f"/projects/{slug}/results/",
        f"/api/v1/projects/{slug}/contributions",
        f"/api/v1/projects/{slug}/statements",
        f"/projects/{slug}/contributions/",
        "/admin/" if viewer == "superuser" else "/people/sam/",
    ]
    pages = _crawl(client, seeds)
    everything = "\n".join(pages.values())
    # Not vacuous: what the member wrote is still there, under "Former member".
    assert "Named story" in everything and "Former member" in everything
    for what, value in IDENTITY.items():
        leaks = [url for url, text in pages.items() if value.lower() in text.lower()]
        assert leaks == [], (what, leaks)
    assert client.get(f"/people/{IDENTITY['username']}/").status_code == 404
