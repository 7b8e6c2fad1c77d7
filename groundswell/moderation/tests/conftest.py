import pytest

from groundswell.contributions.services import comment_create, contribution_create
from groundswell.deliberation.services import statement_create
from groundswell.moderation import services
from groundswell.moderation.items import ITEM_TYPES
from groundswell.testing import factories

STORY = {"kind": "story", "body": "What happened when the rota changed.", "details": {}}
# Everything that could name the author of a protected item: none of it may appear anywhere.
SECRET = {
    "username": "zquill",
    "display_name": "Zephyrine Quillfeather",
    "email": "zq.whistle@example.net",
    "pseudonym": "NightOwlQuill",
}


@pytest.fixture
def writer(db):
    """A member who writes under every attribution; their identity must never leak."""
    return factories.UserFactory(role="practitioner", sector="social_care", **SECRET)


@pytest.fixture
def named(project, writer):
    return contribution_create(project=project, author=writer, title="Named story", **STORY)


@pytest.fixture
def protected(project, writer):
    return contribution_create(
        project=project,
        author=writer,
        title="Protected story about Ward 7",
        attribution="protected",
        **STORY,
    )


@pytest.fixture
def comment(named, writer):
    return comment_create(contribution=named, author=writer, body="A named comment on the ward.")


@pytest.fixture
def statement(project, writer):
    return statement_create(project=project, author=writer, text="Pay travel time between visits")


def decide(project, kind, item, outcome, by, reason="Breaks the code of conduct."):
    return services.decision_make(
        project=project,
        item_type=ITEM_TYPES[kind],
        item=item,
        outcome=outcome,
        reason=reason,
        by=by,
    )


def flag(project, kind, item, by, reason="abusive", note=""):
    return services.flag_create(
        project=project, item_type=ITEM_TYPES[kind], item=item, by=by, reason=reason, note=note
    )
