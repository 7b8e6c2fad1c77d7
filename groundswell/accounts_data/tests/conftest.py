import pytest

from groundswell.contributions.services import comment_create, contribution_create
from groundswell.deliberation.services import idea_create, statement_create, vote_cast
from groundswell.people.models import User
from groundswell.projects.models import Participant
from groundswell.testing import factories

PASSWORD = "a long enough passphrase"
IDENTITY = {
    "display name": "Zephyrine Quillfeather",
    "username": "zquill",
    "e-mail": "zq.whistle@example.net",
    "pseudonym": "NightOwlQuill",
}
STORY = {"kind": "story", "body": "What happened.", "details": {}}


@pytest.fixture
def member(db) -> User:
    user = factories.UserFactory(
        username=IDENTITY["username"],
        display_name=IDENTITY["display name"],
        email=IDENTITY["e-mail"],
        pseudonym=IDENTITY["pseudonym"],
        bio="I work nights in a care home.",
        role="practitioner",
        sector="social_care",
        region="north_west",
    )
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def lived(member, project, host_org, service_user, host_admin):
    """The member has written in every way and voted; a fellow member replied and voted too."""
    factories.MembershipFactory(organisation=host_org, user=member)
    Participant.objects.get_or_create(project=project, user=member)
    named = contribution_create(project=project, author=member, title="Named story", **STORY)
    pseudo = contribution_create(
        project=project, author=member, title="Pseudo story", attribution="pseudonymous", **STORY
    )
    protected = contribution_create(
        project=project, author=member, title="Protected story", attribution="protected", **STORY
    )
    others = contribution_create(
        project=project, author=service_user, title="Someone else's story", **STORY
    )
    my_comment = comment_create(contribution=others, author=member, body="Named comment here")
    protected_comment = comment_create(
        contribution=others, author=member, body="Protected comment here", attribution="protected"
    )
    reply = comment_create(
        contribution=others, author=service_user, body="A reply from Sam", parent=my_comment
    )
    their_comment = comment_create(contribution=named, author=service_user, body="Sam on named")
    statement = statement_create(project=project, author=member, text="Pay travel time")
    hosts = statement_create(project=project, author=host_admin, text="End 15-minute visits")
    idea = idea_create(project=project, author=member, text="More time per visit")
    vote_cast(statement=hosts, user=member, value=1)
    vote_cast(statement=statement, user=member, value=-1)
    vote_cast(statement=hosts, user=service_user, value=1)
    return {
        "named": named,
        "pseudo": pseudo,
        "protected": protected,
        "others": others,
        "my_comment": my_comment,
        "protected_comment": protected_comment,
        "reply": reply,
        "their_comment": their_comment,
        "statement": statement,
        "hosts_statement": hosts,
        "idea": idea,
    }
