"""Statements, ideas and deliberation settings: junk is refused, markup is shown as text."""

import pytest

from groundswell.core.tests.test_bad_input import ESCAPED, IMG, LIVE, SCRIPT
from groundswell.deliberation.models import DeliberationSettings, Idea, Statement
from groundswell.deliberation.services import idea_create, statement_create
from groundswell.projects.models import Participant


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
