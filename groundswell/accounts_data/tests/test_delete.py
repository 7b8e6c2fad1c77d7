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
from django.utils import timezone

from groundswell.accounts_data.models import DataExport
from groundswell.accounts_data.services import DELETED_COMMENT, account_delete
from groundswell.contributions.models import Comment, Contribution, ProtectedAuthorKey
from groundswell.contributions.services import comment_create
from groundswell.deliberation.models import Idea, Statement, Vote
from groundswell.deliberation.services import statement_create
from groundswell.organisations.models import Membership, Organisation, OrganisationInvite
from groundswell.people.models import RetiredPseudonym, User
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
    EmailAddress.objects.create(user=member, email="zq.second@example.net")
    org = Organisation.objects.get(memberships__user=member)
    for address in (IDENTITY["e-mail"].upper(), "zq.second@example.net", "someone@example.org"):
        OrganisationInvite.objects.create(organisation=org, email=address)
    OrganisationInvite.objects.filter(email="zq.second@example.net").update(
        accepted_at=timezone.now()
    )
    DataExport.objects.create(owner=member)
    other_browser = Client()
    other_browser.force_login(member)
    response = _delete_through_the_page(client, member, "keep")
    assert response.status_code == 302 and response.url == reverse("home")

    assert not User.objects.filter(pk=member.pk).exists()
    assert not EmailAddress.objects.filter(user_id=member.pk).exists()
    # Invitations sent to their addresses, accepted or not, went with them; others' stay.
    assert list(OrganisationInvite.objects.values_list("email", flat=True)) == [
        "someone@example.org"
    ]
    assert not Membership.objects.filter(user_id=member.pk).exists()
    assert not Participant.objects.filter(user_id=member.pk).exists()
    assert not DataExport.objects.exists()
    # Logged out here and everywhere else.
    assert "_auth_user_id" not in client.session
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(member.pk)
    ]
    assert other_browser.get(reverse("accounts_data:my_data")).status_code == 302

    for key in ("named", "my_comment"):
        item = type(lived[key]).objects.get(pk=lived[key].pk)
        assert item.author_id is None and item.pseudonym == "" and item.byline == "Former member"
    # The pseudonym stays on its items: turning them into "Former member" together with the
    # named ones would tell everyone who had seen both whose the pseudonym was.
    pseudo = Contribution.objects.get(pk=lived["pseudo"].pk)
    assert pseudo.author_id is None and pseudo.byline == IDENTITY["pseudonym"]
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


def test_pseudonymous_writing_keeps_its_pseudonym_and_named_writing_loses_the_name(
    member, lived, project, service_user
):
    """Only named items turn into "Former member": a pseudonym that did so at the same moment
    would be tied, for anyone who had seen both, to the name of the member who left."""
    pseudo_comment = comment_create(
        contribution=lived["others"],
        author=member,
        body="Pseudo comment here",
        attribution="pseudonymous",
    )
    pseudo_statement = statement_create(
        project=project, author=member, text="Fund carers", attribution="pseudonymous"
    )
    account_delete(user=member, keep_contributions=True)

    for item in (lived["pseudo"], pseudo_comment, pseudo_statement):
        item = type(item).objects.get(pk=item.pk)
        assert item.author_id is None
        assert item.attribution == "pseudonymous" and item.byline == IDENTITY["pseudonym"]
    for key in ("named", "my_comment", "statement"):
        item = type(lived[key]).objects.get(pk=lived[key].pk)
        assert item.attribution == "named" and item.byline == "Former member"
    for key in ("protected", "protected_comment"):
        item = type(lived[key]).objects.get(pk=lived[key].pk)
        assert item.attribution == "protected" and item.byline == "Protected contributor"


@pytest.mark.parametrize("keep", [True, False])
def test_nobody_can_take_up_the_pseudonym_still_shown_on_kept_items(
    client, member, lived, project, practitioner, keep
):
    """Someone who took it would pass for the author of what the member wrote under it. In
    "delete" mode only statements and ideas are kept, so only a pseudonymous one holds it."""
    statement_create(project=project, author=member, text="Fund carers", attribution="pseudonymous")
    account_delete(user=member, keep_contributions=keep)

    client.force_login(practitioner)
    for taken in (IDENTITY["pseudonym"], IDENTITY["pseudonym"].upper()):
        response = client.post(
            reverse("people:edit"), {"display_name": "Priya", "pseudonym": taken}
        )
        assert response.status_code == 400
        assert "Someone already uses that pseudonym" in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.pseudonym == ""


def test_a_pseudonym_no_kept_item_shows_is_not_kept_at_all(member, lived):
    """With their writing deleted and no pseudonymous statement or idea, nothing shows the
    pseudonym: it goes with the rest of the account."""
    account_delete(user=member, keep_contributions=False)
    assert not RetiredPseudonym.objects.exists()


def test_an_emptied_comment_keeps_the_kind_of_byline_it_had(member, lived, service_user):
    """A comment others replied to is kept, emptied, when the member deletes their writing: a
    pseudonymous one still shows the pseudonym, and a protected one still shows no author."""
    others = lived["others"]
    pseudo_comment = comment_create(
        contribution=others, author=member, body="Pseudo comment", attribution="pseudonymous"
    )
    for parent in (pseudo_comment, lived["protected_comment"]):
        comment_create(contribution=others, author=service_user, body="Reply", parent=parent)
    account_delete(user=member, keep_contributions=False)

    pseudo = Comment.objects.get(pk=pseudo_comment.pk)
    assert pseudo.body == DELETED_COMMENT and pseudo.author_id is None
    assert pseudo.byline == IDENTITY["pseudonym"]
    protected = Comment.objects.get(pk=lived["protected_comment"].pk)
    assert protected.body == DELETED_COMMENT
    assert protected.byline == "Protected contributor" and protected.pseudonym == ""
    named = Comment.objects.get(pk=lived["my_comment"].pk)
    assert named.body == DELETED_COMMENT and named.byline == "Former member"


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


def test_the_only_admin_of_an_organisation_is_asked_to_hand_it_over_first(
    client, member, practitioner
):
    """Memberships go with the account: an organisation would be left with nobody to run it."""
    org = factories.OrganisationFactory(name="Quillfeather Carers")
    factories.MembershipFactory(organisation=org, user=member, is_admin=True)
    factories.MembershipFactory(organisation=org, user=practitioner)
    client.force_login(member)
    page = client.get(reverse("accounts_data:delete")).content.decode()
    assert "only admin" in page and "Quillfeather Carers" in page
    response = client.post(
        reverse("accounts_data:delete"), {"contributions": "keep", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert User.objects.filter(pk=member.pk).exists()
    with pytest.raises(ValidationError):
        account_delete(user=member, keep_contributions=True)

    # With another admin, or alone in an organisation with no projects, nothing is left behind.
    Membership.objects.filter(user=practitioner).update(is_admin=True)
    alone = factories.OrganisationFactory(name="Just me")
    factories.MembershipFactory(organisation=alone, user=member, is_admin=True)
    assert _delete_through_the_page(client, member, "keep").status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()


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
    # The pseudonym stays beside what was written under it, and identifies nobody.
    assert "Pseudo story" in everything and IDENTITY["pseudonym"] in everything
    for what, value in IDENTITY.items():
        if what == "pseudonym":
            continue
        leaks = [url for url, text in pages.items() if value.lower() in text.lower()]
        assert leaks == [], (what, leaks)
    assert client.get(f"/people/{IDENTITY['username']}/").status_code == 404
