"""Blocking a member hides their named items from the blocker, and never a pseudonymous or
protected item: hiding one would tell the blocker which pseudonym is theirs, or who wrote it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from groundswell.contributions.models import Comment
from groundswell.contributions.services import comment_create, contribution_create
from groundswell.organisations.services import organisation_invite
from groundswell.people.models import Block
from groundswell.people.services import member_block, member_unblock
from groundswell.projects.models import Participant

STORY = {"kind": "story", "body": "What happened.", "details": {}}


@pytest.fixture
def blocked(service_user):
    service_user.pseudonym = "QuietOtter"
    service_user.save(update_fields=["pseudonym"])
    return service_user


@pytest.fixture
def blocker(practitioner, blocked):
    member_block(blocker=practitioner, blocked=blocked)
    return practitioner


@pytest.fixture
def items(project, blocked, blocker, outsider):
    """The blocked member wrote one item in each attribution; someone else wrote one too."""
    for user in (blocked, blocker, outsider):
        Participant.objects.get_or_create(project=project, user=user)
    made = {
        attribution: contribution_create(
            project=project,
            author=blocked,
            title=f"Story {attribution} by the blocked member",
            attribution=attribution,
            **STORY,
        )
        for attribution in ("named", "pseudonymous", "protected")
    }
    made["other"] = contribution_create(
        project=project, author=outsider, title="Story by someone else", **STORY
    )
    return made


def _titles(client, url: str) -> str:
    return client.get(url).content.decode()


def test_block_and_unblock(practitioner, blocked):
    member_block(blocker=practitioner, blocked=blocked)
    member_block(blocker=practitioner, blocked=blocked)  # twice is once
    assert Block.objects.filter(blocker=practitioner, blocked=blocked).count() == 1
    member_unblock(blocker=practitioner, blocked=blocked)
    assert not Block.objects.exists()
    with pytest.raises(ValidationError):
        member_block(blocker=practitioner, blocked=practitioner)


@pytest.mark.parametrize(
    "url",
    [
        "/projects/{slug}/contributions/",
        "/projects/{slug}/",
        "/contributions/",
        "/api/v1/projects/{slug}/contributions",
    ],
)
def test_lists_leave_out_named_items_but_keep_pseudonymous_and_protected_ones(
    client, project, blocker, items, url
):
    url = url.format(slug=project.slug)
    client.force_login(blocker)
    html = _titles(client, url)
    assert "Story by someone else" in html
    assert "Story named by the blocked member" not in html
    # The pseudonymous and protected ones stay, exactly as for everyone else.
    assert "Story pseudonymous by the blocked member" in html
    assert "Story protected by the blocked member" in html


def test_others_and_visitors_still_see_everything(client, project, items, outsider):
    url = f"/projects/{project.slug}/contributions/"
    for viewer in (None, outsider):
        if viewer:
            client.force_login(viewer)
        html = _titles(client, url)
        for item in items.values():
            assert item.title in html


def test_detail_page_of_a_blocked_members_item_says_it_is_hidden(client, blocker, items):
    client.force_login(blocker)
    page = client.get(items["named"].get_absolute_url())
    assert page.status_code == 200
    assert b"hidden because you blocked its author" in page.content
    assert items["named"].title.encode() not in page.content
    protected = client.get(items["protected"].get_absolute_url())
    assert b"hidden because you blocked" not in protected.content
    assert items["protected"].title.encode() in protected.content


def test_named_comments_by_the_blocked_member_are_left_out_but_others_stay(
    client, blocker, blocked, items
):
    story = items["other"]
    for attribution in ("named", "pseudonymous", "protected"):
        comment_create(
            contribution=story,
            author=blocked,
            body=f"Comment {attribution} by the blocked member",
            attribution=attribution,
        )
    client.force_login(blocker)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Comment named by the blocked member" not in html
    assert "Comment pseudonymous by the blocked member" in html
    assert "Comment protected by the blocked member" in html


def test_the_blocked_member_cannot_reply_to_the_blockers_comments(blocker, blocked, items):
    story = items["other"]
    named = comment_create(contribution=story, author=blocker, body="Mine", attribution="named")
    with pytest.raises(ValidationError) as error:
        comment_create(contribution=story, author=blocked, body="Reply", parent=named)
    assert "parent" in error.value.message_dict
    # A reply to a reply in the blocker's thread is refused too.
    other = comment_create(
        contribution=story, author=items["other"].author, body="Hi", parent=named
    )
    with pytest.raises(ValidationError):
        comment_create(contribution=story, author=blocked, body="Reply", parent=other)


@pytest.mark.parametrize("attribution", ["pseudonymous", "protected"])
def test_replying_to_a_pseudonymous_or_protected_comment_by_the_blocker_is_allowed(
    blocker, blocked, items, attribution
):
    """Refusing would reveal that the comment is the blocker's."""
    blocker.pseudonym = "NightShift"
    blocker.save(update_fields=["pseudonym"])
    story = items["other"]
    theirs = comment_create(
        contribution=story, author=blocker, body="Not named", attribution=attribution
    )
    reply = comment_create(contribution=story, author=blocked, body="Reply", parent=theirs)
    assert reply.parent_id == theirs.pk


def test_the_reply_form_shows_the_refusal_next_to_the_field(client, blocker, blocked, items):
    story = items["other"]
    named = comment_create(contribution=story, author=blocker, body="Mine", attribution="named")
    client.force_login(blocked)
    response = client.post(
        reverse("contributions:comment", args=[story.project.slug, story.pk]),
        {"body": "Reply", "attribution": "named", "parent": named.pk},
    )
    assert response.status_code == 400
    assert b"You cannot reply to this comment." in response.content
    assert not Comment.objects.filter(body="Reply").exists()


def test_the_blocked_member_cannot_invite_the_blocker(host_org, host_admin, practitioner):
    member_block(blocker=practitioner, blocked=host_admin)
    with pytest.raises(ValidationError) as error:
        organisation_invite(organisation=host_org, by=host_admin, email=practitioner.email.upper())
    assert "email" in error.value.message_dict
    member_unblock(blocker=practitioner, blocked=host_admin)
    assert organisation_invite(organisation=host_org, by=host_admin, email=practitioner.email)


def test_block_button_and_blocked_list_pages(client, practitioner, blocked):
    client.force_login(practitioner)
    profile = client.get(blocked.get_absolute_url())
    assert b"Block Sam Service-User" in profile.content
    assert client.get(reverse("people:block", args=[blocked.username])).status_code == 405
    response = client.post(reverse("people:block", args=[blocked.username]))
    assert response.status_code == 302
    assert Block.objects.filter(blocker=practitioner, blocked=blocked).exists()
    assert b"Unblock Sam Service-User" in client.get(blocked.get_absolute_url()).content

    listing = client.get(reverse("people:blocked"))
    assert b"@sam" in listing.content
    response = client.post(reverse("people:unblock", args=[blocked.username]), {"next": "blocked"})
    assert response.url == reverse("people:blocked")
    assert not Block.objects.exists()
    assert b"You have not blocked anyone" in client.get(reverse("people:blocked")).content


def test_no_block_button_on_your_own_profile_or_for_visitors(client, practitioner):
    assert b"Block " not in client.get(practitioner.get_absolute_url()).content
    client.force_login(practitioner)
    assert b"Block " not in client.get(practitioner.get_absolute_url()).content
