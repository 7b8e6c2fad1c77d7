"""Statements, ideas and deliberation settings: junk is refused, markup is shown as text."""

import pytest

from groundswell.core.tests.test_bad_input import ESCAPED, IMG, LIVE, SCRIPT
from groundswell.deliberation.models import DeliberationSettings, Idea, Statement
from groundswell.deliberation.services import idea_create, statement_create
from groundswell.projects.models import Participant
from groundswell.testing import factories


def _no_live_markup(html: str) -> None:
    for tag in LIVE:
        assert tag not in html


@pytest.fixture
def deliberating(project, host_admin, practitioner):
    Participant.objects.create(project=project, user=practitioner)
    statement_create(project=project, author=host_admin, text="Pay travel time")
    for text in ("Longer visits", "Named carers"):
        idea_create(project=project, author=host_admin, text=text)
    return project


FORMS = {
    # name: (url suffix, valid baseline, text field, its max length)
    "statement": ("statements/new/", {"text": "Rotas a week ahead", "attribution": "named"}),
    "idea": ("ideas/new/", {"text": "Shared rotas", "attribution": "named"}),
}
JUNK = {
    "empty": "",
    "blank": "   \n ",
    "too-long": "x" * 281,
    "nul-byte": "a\x00b",
    # Nothing to read: a blank card to vote on.
    "invisible": "\u200b\u202e\u2060\ufeff",
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("junk", JUNK)
def test_junk_text_is_refused_and_nothing_saved(client, deliberating, practitioner, form, junk):
    suffix, valid = FORMS[form]
    client.force_login(practitioner)
    before = (Statement.objects.count(), Idea.objects.count())
    response = client.post(f"/projects/{deliberating.slug}/{suffix}", {**valid, "text": JUNK[junk]})
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert "There is a problem" in html
    _no_live_markup(html)
    assert (Statement.objects.count(), Idea.objects.count()) == before


@pytest.mark.parametrize("payload", [SCRIPT, IMG])
def test_markup_in_statements_ideas_and_settings_is_shown_escaped(
    client, deliberating, host_admin, practitioner, payload
):
    slug = deliberating.slug
    client.force_login(host_admin)
    for suffix, valid in FORMS.values():
        response = client.post(f"/projects/{slug}/{suffix}", {**valid, "text": f"Say {payload}"})
        assert response.status_code == 302, suffix
    response = client.post(
        f"/projects/{slug}/deliberation/settings/",
        {"moderation": "post", "participants_may_add_statements": "on", "pairwise_prompt": payload},
    )
    assert response.status_code == 302
    assert DeliberationSettings.objects.get(project=deliberating).pairwise_prompt == payload
    assert Statement.objects.filter(text=f"Say {payload}").exists()

    escaped = ESCAPED[payload]
    client.force_login(practitioner)
    for page in ("vote/", "statements/", "compare/", "results/"):
        response = client.get(f"/projects/{slug}/{page}")
        assert response.status_code == 200, page
        _no_live_markup(response.content.decode())
    assert escaped in client.get(f"/projects/{slug}/statements/").content.decode()
    assert escaped in client.get(f"/projects/{slug}/compare/").content.decode()
    client.force_login(host_admin)
    html = client.get(f"/projects/{slug}/deliberation/settings/").content.decode()
    _no_live_markup(html)
    assert escaped in html


@pytest.mark.parametrize(
    "data",
    [
        {"moderation": "sometimes"},
        {"moderation": SCRIPT},
        {"pairwise_prompt": ""},
        {"pairwise_prompt": "x" * 201},
        {"pairwise_prompt": "a\x00b"},
    ],
)
def test_junk_settings_are_refused(client, deliberating, host_admin, data):
    client.force_login(host_admin)
    before = list(DeliberationSettings.objects.values())
    valid = {"moderation": "post", "pairwise_prompt": "Which matters more?"}
    response = client.post(
        f"/projects/{deliberating.slug}/deliberation/settings/", {**valid, **data}
    )
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "There is a problem" in html
    _no_live_markup(html)
    assert list(DeliberationSettings.objects.values()) == before


@pytest.mark.parametrize(
    "first", ["99999999999999999999", "-99999999999999999999", "9223372036854775808"]
)
def test_out_of_range_idea_ids_in_a_comparison_are_refused(
    client, deliberating, practitioner, first
):
    """Ids no database column can hold: a clear refusal, not a server error."""
    from groundswell.deliberation.models import Comparison

    client.force_login(practitioner)
    second = Idea.objects.filter(project=deliberating).first().pk
    response = client.post(
        f"/projects/{deliberating.slug}/compare/",
        {"first": first, "second": second, "outcome": "first"},
    )
    assert response.status_code in (200, 302, 400)
    assert not Comparison.objects.exists()


@pytest.mark.parametrize("decision", ["", "maybe", SCRIPT])
def test_a_moderation_decision_must_be_accept_or_reject(client, project, host_admin, decision):
    """A missing or garbled decision is refused; it does not quietly reject the statement."""
    from groundswell.deliberation.models import Moderation, StatementStatus
    from groundswell.deliberation.services import deliberation_settings_update

    deliberation_settings_update(project=project, by=host_admin, moderation=Moderation.PRE)
    participant = factories.UserFactory()
    Participant.objects.create(project=project, user=participant)
    pending = statement_create(project=project, author=participant, text="Rotas a week ahead")
    assert pending.status == StatementStatus.PENDING
    client.force_login(host_admin)
    response = client.post(
        f"/projects/{project.slug}/statements/{pending.pk}/moderate/", {"decision": decision}
    )
    assert response.status_code == 302
    assert "Choose accept or reject" in client.get(response.url).content.decode()
    pending.refresh_from_db()
    assert pending.status == StatementStatus.PENDING


@pytest.mark.parametrize("status", ["hidden", "removed"])
def test_hosts_cannot_accept_a_statement_a_moderator_took_down(client, project, host_admin, status):
    """A host's accept or reject (a crafted post: the page offers none for these) must not bring
    back a statement a site moderator hid or removed."""
    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    Statement.objects.filter(pk=statement.pk).update(status=status)
    client.force_login(host_admin)
    response = client.post(
        f"/projects/{project.slug}/statements/{statement.pk}/moderate/", {"decision": "accept"}
    )
    assert response.status_code == 302
    assert "A moderator has taken that statement down" in client.get(response.url).content.decode()
    statement.refresh_from_db()
    assert statement.status == status


@pytest.mark.parametrize("form", FORMS)
def test_a_double_submit_adds_one_statement_or_idea(client, deliberating, practitioner, form):
    """Pressing "Add" twice (a slow page, no JavaScript) must not put the same text up twice."""
    suffix, valid = FORMS[form]
    client.force_login(practitioner)
    before = (Statement.objects.count(), Idea.objects.count())
    first = client.post(f"/projects/{deliberating.slug}/{suffix}", valid)
    assert first.status_code == 302
    again = client.post(
        f"/projects/{deliberating.slug}/{suffix}", {**valid, "text": valid["text"].upper() + "  "}
    )
    assert again.status_code == 400
    assert "already" in again.content.decode()
    after = (Statement.objects.count(), Idea.objects.count())
    assert sum(after) == sum(before) + 1
