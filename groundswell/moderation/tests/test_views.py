"""The pages: who may reach them, what they show, and bad input answered with form errors."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groundswell.contributions.services import comment_create, contribution_create
from groundswell.moderation.models import Appeal, Decision, Flag
from groundswell.moderation.tests.conftest import SECRET, STORY, decide, flag
from groundswell.testing import factories


def _queue(project):
    return f"/projects/{project.slug}/moderation/"


def _decide_url(project, kind, item):
    return f"/projects/{project.slug}/moderation/items/{kind}/{item.pk}/"


def _flag_url(project, kind, item):
    return f"/projects/{project.slug}/moderation/flag/{kind}/{item.pk}/"


# who               queue  decide  site queue
ACCESS = [
    ("anonymous", "login", "login", "login"),
    ("practitioner", 403, 403, 403),
    ("outsider", 403, 403, 403),
    ("other_host", 403, 403, 403),
    ("host_admin", 200, 200, 403),
    ("staff", 200, 200, 200),
]


@pytest.fixture
def other_host(db):
    """The host admin of another project, with no rights here."""
    other_admin = factories.UserFactory(username="otto", display_name="Otto Otherhost")
    org = factories.OrganisationFactory(name="Elsewhere Trust")
    factories.MembershipFactory(organisation=org, user=other_admin, is_admin=True)
    factories.ProjectFactory(host_organisation=org, created_by=other_admin)
    return other_admin


@pytest.mark.parametrize(("who", "queue", "decide_page", "site"), ACCESS)
def test_who_reaches_the_queues_and_decisions(
    client, request, project, named, practitioner, who, queue, decide_page, site
):
    flag(project, "contribution", named, practitioner)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for url, expected in [
        (_queue(project), queue),
        (_decide_url(project, "contribution", named), decide_page),
        ("/moderation/", site),
    ]:
        response = client.get(url)
        if expected == "login":
            assert response.status_code == 302 and "/accounts/login/" in response.url
        else:
            assert response.status_code == expected, url
    # Nobody without the right can decide by posting either.
    if queue != 200:
        client.post(
            _decide_url(project, "contribution", named), {"outcome": "remove", "reason": "x"}
        )
        assert not Decision.objects.exists()


def test_the_queue_groups_flags_and_never_names_a_protected_author(
    client, project, protected, practitioner, service_user, host_admin, staff
):
    flag(project, "contribution", protected, practitioner, reason="personal", note="Names a ward")
    flag(project, "contribution", protected, service_user, reason="abusive")
    for user, url in [(host_admin, _queue(project)), (staff, "/moderation/")]:
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "Protected story about Ward 7" in page
        assert "2 reports" in page and "Names a ward" in page
        assert "Protected contributor" in page
        for value in SECRET.values():
            assert value not in page
        # Flaggers are not shown either.
        assert practitioner.display_name not in page


def test_an_empty_queue_says_so(client, project, host_admin):
    client.force_login(host_admin)
    page = client.get(_queue(project)).content.decode()
    assert "Nothing is waiting" in page
    assert "No appeals are waiting" in page


def test_flagging_through_the_page(client, project, named, comment, statement, practitioner):
    url = _flag_url(project, "contribution", named)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    client.force_login(practitioner)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "spam"}, follow=True)
    assert "A host will look at it" in response.content.decode()
    again = client.post(url, {"reason": "abusive"}, follow=True)
    assert "You have already reported this" in again.content.decode()
    assert Flag.objects.filter(item_kind="contribution").count() == 1
    for kind, item in [("comment", comment), ("statement", statement)]:
        assert (
            client.post(_flag_url(project, kind, item), {"reason": "off_topic"}).status_code == 302
        )
    assert Flag.objects.count() == 3
    # The pages link to the report form.
    detail = client.get(named.get_absolute_url()).content.decode()
    assert _flag_url(project, "contribution", named) in detail
    assert _flag_url(project, "comment", comment) in detail
    statements = client.get(f"/projects/{project.slug}/statements/").content.decode()
    assert _flag_url(project, "statement", statement) in statements


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "reason"),
        ({"reason": "because"}, "reason"),
        ({"reason": "spam", "note": "x" * 501}, "note"),
        ({"reason": "spam\x00"}, "reason"),
    ],
)
def test_bad_flags_are_form_errors(client, project, named, practitioner, data, field):
    client.force_login(practitioner)
    response = client.post(_flag_url(project, "contribution", named), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'class="error-summary"' in response.content.decode()
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "hide"}, "reason"),
        ({"outcome": "hide", "reason": "   "}, "reason"),
        ({"outcome": "hide", "reason": "x" * 1001}, "reason"),
        ({"outcome": "obliterate", "reason": "Spam"}, "outcome"),
        ({"outcome": "approve", "reason": "Spam"}, "outcome"),
        ({"reason": "Spam"}, "outcome"),
    ],
)
def test_bad_decisions_are_form_errors(client, project, named, host_admin, data, field):
    client.force_login(host_admin)
    response = client.post(_decide_url(project, "contribution", named), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    page = response.content.decode()
    assert 'class="error-summary"' in page and f'id="id_{field}_error"' in page
    assert not Decision.objects.exists()


def test_unknown_kinds_and_items_are_404(client, project, named, host_admin):
    client.force_login(host_admin)
    assert (
        client.get(f"/projects/{project.slug}/moderation/items/idea/{named.pk}/").status_code == 404
    )
    assert (
        client.get(f"/projects/{project.slug}/moderation/items/comment/999999/").status_code == 404
    )


def test_a_host_of_another_project_cannot_decide_here_even_by_id(
    client, project, named, other_host
):
    other = other_host.memberships.first().organisation.hosted_projects.first()
    client.force_login(other_host)
    # The item belongs to `project`: through the other project's door it does not exist.
    response = client.post(
        _decide_url(other, "contribution", named), {"outcome": "remove", "reason": "x"}
    )
    assert response.status_code == 404
    assert not Decision.objects.exists()


def test_deciding_through_the_page(client, project, named, practitioner, host_admin):
    flag(project, "contribution", named, practitioner)
    client.force_login(host_admin)
    response = client.post(
        _decide_url(project, "contribution", named), {"outcome": "hide", "reason": "Off topic."}
    )
    assert response.status_code == 302
    named.refresh_from_db()
    assert named.status == "hidden"
    assert "Nothing is waiting" in client.get(_queue(project)).content.decode()


def test_the_log_shows_what_and_why_but_no_author(
    client, project, protected, named, writer, host_admin
):
    decide(project, "contribution", protected, "hide", host_admin, reason="Too much detail.")
    decide(project, "contribution", named, "remove", host_admin, reason="Spam links.")
    page = client.get(f"/projects/{project.slug}/moderation/log/").content.decode()
    assert "Too much detail." in page and "Spam links." in page
    assert "Protected story about Ward 7" in page  # the excerpt of a hidden item
    assert "Removed item" in page and "Named story" not in page
    for value in SECRET.values():
        assert value not in page
    assert "Protected contributor" not in page  # no bylines at all
    assert (
        f'href="/projects/{project.slug}/moderation/log/"'
        in client.get(project.get_absolute_url()).content.decode()
    )


def test_a_personal_information_flag_keeps_the_text_out_of_the_log(
    client, project, named, practitioner, host_admin
):
    flag(project, "contribution", named, practitioner, reason="personal")
    decide(project, "contribution", named, "hide", host_admin)
    page = client.get(f"/projects/{project.slug}/moderation/log/").content.decode()
    assert "Named story" not in page and "Text not shown" in page


def test_a_private_projects_log_is_for_insiders(client, private_project, outsider, host_admin):
    url = f"/projects/{private_project.slug}/moderation/log/"
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(host_admin)
    assert "Nothing has been moderated" in client.get(url).content.decode()


def test_the_protected_author_sees_the_notice_and_appeals_and_nobody_else_can(
    client, project, protected, writer, practitioner, host_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(project, "contribution", protected, "hide", host_admin, reason="Detail.")
    assert mail.outbox == []
    appeal_url = f"/moderation/notices/{decision.pk}/appeal/"
    client.force_login(practitioner)
    assert "No notices" in client.get("/moderation/notices/").content.decode()
    assert client.get(appeal_url).status_code == 404
    assert client.post(appeal_url, {"text": "Mine really"}).status_code == 404
    client.force_login(host_admin)
    assert client.post(appeal_url, {"text": "Mine really"}).status_code == 404
    client.force_login(writer)
    notices = client.get("/moderation/notices/").content.decode()
    assert "Detail." in notices and appeal_url in notices
    too_long = client.post(appeal_url, {"text": "x" * 1001})
    assert too_long.status_code == 400 and too_long.context["form"].errors["text"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(appeal_url, {"text": "It names no one."}).status_code == 302
    assert mail.outbox == []
    again = client.get(appeal_url).content.decode()
    assert "already appealed" in again
    assert client.post(appeal_url, {"text": "Twice"}).status_code == 400
    assert Appeal.objects.count() == 1
    # The host decides the appeal from the queue; the author sees the outcome.
    appeal = Appeal.objects.get()
    client.force_login(host_admin)
    queue = client.get(_queue(project)).content.decode()
    assert f"/projects/{project.slug}/moderation/appeals/{appeal.pk}/" in queue
    url = f"/projects/{project.slug}/moderation/appeals/{appeal.pk}/"
    assert client.post(url, {"outcome": "reverse"}).status_code == 400
    assert client.post(url, {"outcome": "sideways", "reason": "x"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(url, {"outcome": "reverse", "reason": "On reflection."}).status_code == 302
        )
    assert mail.outbox == []
    protected.refresh_from_db()
    assert protected.status == "published"
    client.force_login(writer)
    assert "On reflection." in client.get("/moderation/notices/").content.decode()


def test_a_participant_cannot_decide_an_appeal(
    client, project, named, writer, practitioner, host_admin
):
    decision = decide(project, "contribution", named, "hide", host_admin)
    client.force_login(writer)
    client.post(f"/moderation/notices/{decision.pk}/appeal/", {"text": "Please"})
    appeal = Appeal.objects.get()
    client.force_login(practitioner)
    url = f"/projects/{project.slug}/moderation/appeals/{appeal.pk}/"
    assert client.post(url, {"outcome": "reverse", "reason": "x"}).status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == "open"


def test_hosts_switch_on_pre_moderation(client, project, host_admin, practitioner):
    url = f"/projects/{project.slug}/moderation/settings/"
    client.force_login(practitioner)
    assert client.post(url, {"mode": "pre"}).status_code == 403
    client.force_login(host_admin)
    assert client.post(url, {"mode": "sometimes"}).status_code == 400
    assert client.post(url, {"mode": "pre"}).status_code == 302
    project.refresh_from_db()
    assert project.contribution_moderation == "pre"


def _fill_queue(project, writer, reporters, n):
    for i in range(n):
        item = contribution_create(project=project, author=writer, title=f"Story {i}", **STORY)
        remark = comment_create(contribution=item, author=writer, body=f"Remark {i}")
        for reporter in reporters:
            flag(project, "contribution", item, reporter)
            flag(project, "comment", remark, reporter, reason="spam", note="Again")


def test_the_queue_costs_the_same_queries_however_long(
    client, project, writer, practitioner, service_user, host_admin
):
    client.force_login(host_admin)
    _fill_queue(project, writer, [practitioner], 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_queue(project)).status_code == 200
    _fill_queue(project, writer, [practitioner, service_user], 5)
    with CaptureQueriesContext(connection) as many:
        page = client.get(_queue(project)).content.decode()
    assert page.count("Decide<span") == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_decision_page_shows_every_kind_of_item(
    client, project, comment, statement, practitioner, host_admin
):
    flag(project, "comment", comment, practitioner, note="Rude")
    client.force_login(host_admin)
    for kind, item, text in [
        ("comment", comment, "A named comment on the ward."),
        ("statement", statement, "Pay travel time between visits"),
    ]:
        page = client.get(_decide_url(project, kind, item)).content.decode()
        assert text in page
    assert "Rude" in client.get(_decide_url(project, "comment", comment)).content.decode()
    response = client.post(
        _decide_url(project, "statement", statement), {"outcome": "hide", "reason": "Off topic."}
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == "hidden"


def test_statements_waiting_under_pre_moderation_are_in_the_queue_and_approved_there(
    client, project, writer, host_admin, staff
):
    from groundswell.deliberation.models import Statement
    from groundswell.deliberation.services import deliberation_settings_update, statement_create

    deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    held = statement_create(
        project=project, author=writer, text="Pay carers for travel", attribution="protected"
    )
    assert held.status == "pending"

    client.force_login(host_admin)
    page = client.get(_queue(project)).content.decode()
    assert "Pay carers for travel" in page
    assert _decide_url(project, "statement", held) in page
    assert "Protected contributor" in page
    assert all(value not in page for value in SECRET.values())

    response = client.post(
        _decide_url(project, "statement", held), {"outcome": "approve", "reason": "Fine."}
    )
    assert response.status_code == 302
    assert Statement.objects.get(pk=held.pk).status == "accepted"
    page = client.get(_queue(project)).content.decode()
    assert "No statements are waiting for approval." in page

    client.force_login(staff)  # the site moderators' queue lists them too
    statement_create(project=project, author=writer, text="Fund night visits")
    assert "Fund night visits" in client.get("/moderation/").content.decode()


def test_an_idea_is_reported_from_the_pair_and_a_host_takes_it_out_of_the_pool(
    client, project, writer, practitioner, host_admin
):
    from groundswell.deliberation import analysis
    from groundswell.deliberation import services as deliberation_services
    from groundswell.deliberation.models import Idea, IdeaStatus
    from groundswell.deliberation.selectors import idea_pair, idea_texts

    abusive, kind, fair = (
        deliberation_services.idea_create(project=project, author=writer, text=text)
        for text in ["Sack the useless manager Dave", "More home visits", "Fair rotas"]
    )
    for winner, loser in [(abusive, kind), (abusive, fair), (kind, fair)]:
        deliberation_services.comparison_record(
            project=project, user=host_admin, first_id=winner.pk, second_id=loser.pk,
            outcome="first",
        )  # fmt: skip
    client.force_login(practitioner)
    compare = client.get(f"/projects/{project.slug}/compare/").content.decode()
    assert compare.count(f"/projects/{project.slug}/moderation/flag/idea/") == 2
    reported = client.post(_flag_url(project, "idea", abusive), {"reason": "abusive"})
    assert reported.status_code == 302

    client.force_login(host_admin)
    assert "Sack the useless manager Dave" in client.get(_queue(project)).content.decode()
    response = client.post(
        _decide_url(project, "idea", abusive),
        {"outcome": "remove", "reason": "Names a member of staff."},
    )
    assert response.status_code == 302
    assert Idea.objects.get(pk=abusive.pk).status == IdeaStatus.REMOVED
    assert Flag.objects.get(item_kind="idea").decision is not None

    # Out of the pairs, the comparisons, the ranking and the texts the results page shows.
    assert all(abusive not in idea_pair(project=project) for _ in range(20))
    with pytest.raises(Exception, match="no longer in the pool"):
        deliberation_services.comparison_record(
            project=project, user=practitioner, first_id=abusive.pk, second_id=fair.pk,
            outcome="first",
        )  # fmt: skip
    assert abusive.pk not in idea_texts(project=project)
    ranked = [row["idea"] for row in analysis.compute_snapshot(project_id=project.pk)["pairwise"]]
    assert abusive.pk not in ranked and kind.pk in ranked
    # The public log says an idea was removed, and quotes nothing of a removed item.
    log = client.get(f"/projects/{project.slug}/moderation/log/").content.decode()
    assert "Idea" in log and "Names a member of staff." in log and "Dave" not in log


def test_under_pre_moderation_a_participants_idea_waits_for_a_host(
    client, project, writer, host_admin
):
    from groundswell.deliberation.models import DeliberationSettings, Idea, IdeaStatus, Moderation
    from groundswell.deliberation.selectors import NoPair, idea_pair

    DeliberationSettings.objects.update_or_create(
        project=project,
        defaults={"moderation": Moderation.PRE, "participants_may_add_ideas": True},
    )
    from groundswell.deliberation import services as deliberation_services

    deliberation_services.idea_create(project=project, author=host_admin, text="Host's idea")
    client.force_login(writer)
    response = client.post(
        f"/projects/{project.slug}/ideas/new/", {"text": "Evening clinics", "attribution": "named"}
    )
    assert response.status_code == 302
    assert "once a host has approved it" in client.get(response.url).content.decode()
    idea = Idea.objects.get(text="Evening clinics")
    assert idea.status == IdeaStatus.PENDING
    assert idea_pair(project=project) == NoPair.TOO_FEW_IDEAS  # one idea in the pool

    client.force_login(host_admin)
    compare = client.get(f"/projects/{project.slug}/compare/").content.decode()
    assert "1 idea waiting for approval" in compare and _queue(project) in compare
    queue = client.get(_queue(project)).content.decode()
    assert "Pairwise ideas waiting for approval" in queue and "Evening clinics" in queue
    decided = client.post(
        _decide_url(project, "idea", idea), {"outcome": "approve", "reason": "Fits the question."}
    )
    assert decided.status_code == 302
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.ACCEPTED
    assert idea in idea_pair(project=project)
    assert "No pairwise ideas are waiting" in client.get(_queue(project)).content.decode()


def test_a_decision_beaten_by_another_host_offers_what_is_left(
    client, project, named, host_admin, staff, monkeypatch
):
    """Another host hides the item between this host's page load and the service's locked
    read: the page says so and lists only what may be decided about it now."""
    from groundswell.moderation import services

    real = services.decision_make

    def beaten(**kwargs):
        other = {**kwargs, "item": type(named).objects.get(pk=named.pk), "by": staff}
        real(**other)
        return real(**kwargs)

    monkeypatch.setattr(services, "decision_make", beaten)
    client.force_login(host_admin)
    response = client.post(
        _decide_url(project, "contribution", named), {"outcome": "hide", "reason": "Off topic."}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else decided about this item a moment ago" in page
    assert 'value="remove"' in page and 'value="hide"' not in page
    assert Decision.objects.filter(item_id=named.pk).count() == 1


def test_a_double_click_or_a_stale_page_says_the_item_was_decided_meanwhile(
    client, project, writer, host_admin
):
    """A host approves a waiting idea and the form is sent twice (a double click; or a second
    host's page was made before the first decided). The second answer, the one on the screen,
    says the idea was decided a moment ago, not "choose one of the decisions listed" about the
    decision the host did choose from the list; and there is one decision."""
    from groundswell.deliberation.models import DeliberationSettings, Idea, IdeaStatus, Moderation
    from groundswell.deliberation.services import idea_create

    DeliberationSettings.objects.update_or_create(
        project=project, defaults={"moderation": Moderation.PRE}
    )
    idea = idea_create(project=project, author=writer, text="Evening clinics")
    client.force_login(host_admin)
    url = _decide_url(project, "idea", idea)
    assert 'name="seen" value="pending"' in client.get(url).content.decode()
    sent = {"outcome": "approve", "reason": "Fits the question.", "seen": "pending"}
    assert client.post(url, sent).status_code == 302
    again = client.post(url, sent)
    assert again.status_code == 400
    page = again.content.decode()
    assert "Someone decided about this item a moment ago" in page
    assert "Choose one of the decisions listed" not in page
    # The form now carries the status it shows: a choice sent from it is judged afresh.
    assert 'name="seen" value="accepted"' in page
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.ACCEPTED
    assert Decision.objects.filter(item_kind="idea", item_id=idea.pk).count() == 1
    # A choice not listed on an up-to-date page is still refused as before.
    bogus = client.post(url, {**sent, "seen": "accepted"}).content.decode()
    assert "Choose one of the decisions listed" in bogus


def test_the_decision_page_of_an_idea_says_an_idea(client, project, host_admin, statement):
    from groundswell.deliberation.services import idea_create

    idea = idea_create(project=project, author=host_admin, text="Evening clinics")
    client.force_login(host_admin)
    page = client.get(_decide_url(project, "idea", idea)).content.decode()
    assert "<h1>Decide on an idea</h1>" in page
    page = client.get(_decide_url(project, "statement", statement)).content.decode()
    assert "<h1>Decide on a statement</h1>" in page


def test_every_statement_and_idea_waiting_can_be_reached_from_the_queue(
    client, project, writer, host_admin
):
    """The statements page shows the oldest waiting statements and says the moderation queue
    lists them all: past the first page the queue pages through them, each list by itself."""
    from groundswell.deliberation.models import DeliberationSettings, Moderation
    from groundswell.deliberation.services import idea_create, statement_create
    from groundswell.moderation.views import PENDING_SHOWN

    DeliberationSettings.objects.update_or_create(
        project=project, defaults={"moderation": Moderation.PRE}
    )
    for n in range(PENDING_SHOWN + 2):
        statement_create(project=project, author=writer, text=f"Waiting statement {n}.")
        idea_create(project=project, author=writer, text=f"Waiting idea {n}.")
    client.force_login(host_admin)
    statements = client.get(f"/projects/{project.slug}/statements/").content.decode()
    assert "moderation queue</a> lists them all" in statements

    first = client.get(_queue(project)).content.decode()
    assert f"Waiting statement {PENDING_SHOWN - 1}." in first
    assert f"Waiting statement {PENDING_SHOWN}." not in first
    assert f"{PENDING_SHOWN + 2} waiting, oldest first; 1 to {PENDING_SHOWN} shown" in first
    assert 'href="?statements_page=2#pending-statements-title"' in first
    assert 'href="?ideas_page=2#pending-ideas-title"' in first

    second = client.get(_queue(project) + "?statements_page=2").content.decode()
    statements_part = second.split('id="pending-statements-title"')[1].split("</section>")[0]
    ideas_part = second.split('id="pending-ideas-title"')[1].split("</section>")[0]
    assert f"Waiting statement {PENDING_SHOWN + 1}." in statements_part
    assert "Waiting statement 0." not in statements_part
    assert "Waiting idea 0." in ideas_part  # the ideas stay at their own first page
    assert 'href="?statements_page=1#pending-statements-title"' in statements_part
    assert 'href="?statements_page=2&amp;ideas_page=2#pending-ideas-title"' in ideas_part


def test_every_contribution_waiting_can_be_reached_from_the_queue(client, project, host_admin):
    """Only the first 50 waiting contributions were listed, with no way to the rest."""
    from groundswell.contributions.models import Status
    from groundswell.moderation.views import PENDING_SHOWN

    for n in range(PENDING_SHOWN + 1):
        factories.ContributionFactory(project=project, status=Status.PENDING, title=f"Held {n}")
    client.force_login(host_admin)

    first = client.get(_queue(project)).content.decode()
    waiting = first.split('id="pending-title"')[1].split("</section>")[0]
    assert f"{PENDING_SHOWN + 1} waiting, oldest first; 1 to {PENDING_SHOWN} shown" in waiting
    assert 'href="?contributions_page=2#pending-title"' in waiting

    second = client.get(_queue(project) + "?contributions_page=2").content.decode()
    waiting = second.split('id="pending-title"')[1].split("</section>")[0]
    assert f"Held {PENDING_SHOWN}<" in waiting and "Held 0<" not in waiting


def test_an_item_a_crowd_reported_shows_its_reports_in_pages(client, project, named, host_admin):
    from groundswell.contributions.tests.test_queries import queries_for
    from groundswell.moderation.views import REPORTS_PER_PAGE

    def reports(start, n):
        for k in range(start, start + n):
            Flag.objects.create(
                project=project,
                item_kind="contribution",
                item_id=named.pk,
                flagger=factories.UserFactory(username=f"reporter{k}"),
                reason="other",
                note=f"Report note {k:03}",
            )

    client.force_login(host_admin)
    url = _decide_url(project, "contribution", named)
    reports(0, 3)
    few, _ = queries_for(client, url)
    reports(3, REPORTS_PER_PAGE)
    many, first = queries_for(client, url)
    last = f"Report note {REPORTS_PER_PAGE + 2:03}"

    first = first.decode()
    assert first.count("Report note") == REPORTS_PER_PAGE and last not in first
    assert f"{REPORTS_PER_PAGE + 3} open reports." in first
    assert 'href="?reports=2#reports-title" rel="next"' in first
    assert "Your decision" in first
    second = client.get(url, {"reports": "2"}).content.decode()
    assert second.count("Report note") == 3 and last in second
    assert few == many
