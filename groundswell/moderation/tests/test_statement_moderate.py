"""A host's one-click accept or reject on the statements page is a moderation decision: the
author is told (protected authors too, without anyone learning who they are) and can appeal."""

import html

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from groundswell.deliberation.models import AnalysisSnapshot, Statement, StatementStatus
from groundswell.deliberation.services import deliberation_settings_update, statement_create
from groundswell.moderation import selectors, services
from groundswell.moderation.items import ITEM_TYPES
from groundswell.moderation.models import Appeal, AppealStatus, Decision
from groundswell.moderation.tests.conftest import SECRET, decide
from groundswell.projects.models import Participant

STATEMENTS = ITEM_TYPES["statement"]


@pytest.fixture
def pre_moderated(project, host_admin):
    deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    return project


def _waiting(project, writer, attribution="named", text="Pay travel time between visits"):
    statement = statement_create(project=project, author=writer, text=text, attribution=attribution)
    assert statement.status == StatementStatus.PENDING
    return statement


def _host_pages(client, project, statement) -> str:
    """Every page a host could look at the statement and its decisions on."""
    slug = project.slug
    urls = [
        f"/projects/{slug}/statements/",
        f"/projects/{slug}/statements/rejected/",
        f"/projects/{slug}/moderation/",
        f"/projects/{slug}/moderation/log/",
        f"/projects/{slug}/moderation/items/statement/{statement.pk}/",
        "/moderation/notices/",
    ]
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    return "\n".join(pages)


def test_a_quick_reject_is_a_decision_and_the_named_author_is_told(
    pre_moderated, writer, host_admin, django_capture_on_commit_callbacks
):
    statement = _waiting(pre_moderated, writer)
    with django_capture_on_commit_callbacks() as callbacks:
        decision = services.statement_moderate(statement=statement, by=host_admin, accept=False)
        # Nothing leaves before the commit: no e-mail, no recompute.
        assert mail.outbox == []
        assert not AnalysisSnapshot.objects.filter(computed_at__isnull=False).exists()
    assert Statement.objects.get(pk=statement.pk).status == StatementStatus.REJECTED
    assert (decision.outcome, decision.item_kind, decision.item_id) == (
        "reject",
        "statement",
        statement.pk,
    )
    assert decision.reason == services.STATEMENT_REJECT_REASON
    assert "did not fit the question" in decision.reason
    assert decision.status_before == StatementStatus.PENDING
    assert decision.author == writer and decision.decided_by == host_admin
    assert decision.excerpt == ""  # never shown to the public, so the public log does not quote it
    assert decision.is_appealable
    assert list(selectors.decisions_about_me(user=writer)) == [decision]

    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [SECRET["email"]]
    assert services.STATEMENT_REJECT_REASON in mail.outbox[0].body
    # The results drop it: the recompute was queued once the decision was committed.
    assert AnalysisSnapshot.objects.get(project=pre_moderated).computed_at is not None


def test_a_quick_reject_of_a_protected_statement_tells_its_author_and_names_nobody(
    client, pre_moderated, writer, host_admin, practitioner, django_capture_on_commit_callbacks
):
    statement = _waiting(pre_moderated, writer, attribution="protected")
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.statement_moderate(statement=statement, by=host_admin, accept=False)
    assert decision.item_protected and decision.author_id is None
    assert mail.outbox == []  # an e-mail would itself tie the member to the statement
    # The author finds the notice through their key; nobody else has it.
    assert list(selectors.decisions_about_me(user=writer)) == [decision]
    assert list(selectors.decisions_about_me(user=host_admin)) == []
    assert list(selectors.decisions_about_me(user=practitioner)) == []
    stored = Decision.objects.filter(pk=decision.pk).values().get()
    assert writer.pk not in [v for k, v in stored.items() if k not in ("id", "item_id")]

    client.force_login(host_admin)
    pages = _host_pages(client, pre_moderated, statement)
    assert services.STATEMENT_REJECT_REASON in pages  # the host's pages do show the decision
    for secret in SECRET.values():
        assert secret not in pages

    client.force_login(writer)
    notices = client.get("/moderation/notices/").content.decode()
    assert services.STATEMENT_REJECT_REASON in notices
    assert f"/moderation/notices/{decision.pk}/appeal/" in notices
    # The public log keeps no excerpt of it, but its author is shown which statement it was.
    assert f"<blockquote><p>{statement.text}</p></blockquote>" in notices
    # So is the appeal form, where it matters most.
    appeal = client.get(f"/moderation/notices/{decision.pk}/appeal/").content.decode()
    assert f"<dd>{statement.text}</dd>" in appeal
    log = client.get(f"/projects/{pre_moderated.slug}/moderation/log/").content.decode()
    assert statement.text not in log


def test_a_quick_accept_of_a_waiting_statement_is_a_decision_too(
    pre_moderated, writer, host_admin, django_capture_on_commit_callbacks
):
    statement = _waiting(pre_moderated, writer, attribution="protected")
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.statement_moderate(statement=statement, by=host_admin, accept=True)
    assert Statement.objects.get(pk=statement.pk).status == StatementStatus.ACCEPTED
    assert decision.outcome == "approve" and decision.reason == services.STATEMENT_ACCEPT_REASON
    assert decision.author_id is None and not decision.is_appealable
    assert list(selectors.decisions_about_me(user=writer)) == [decision]
    assert mail.outbox == []  # approvals are on the notices page only
    assert AnalysisSnapshot.objects.get(project=pre_moderated).computed_at is not None


def test_a_host_may_still_give_a_reason(pre_moderated, writer, host_admin):
    statement = _waiting(pre_moderated, writer)
    decision = services.statement_moderate(
        statement=statement, by=host_admin, accept=False, reason="  Already asked above.  "
    )
    assert decision.reason == "Already asked above."


@pytest.mark.parametrize("attribution", ["named", "protected"])
@pytest.mark.parametrize(
    ("outcome", "status", "appeal_status"),
    [
        # Reversed: the rejection was wrong, so it is open for votes (not sent back to wait).
        ("reverse", StatementStatus.ACCEPTED, AppealStatus.REVERSED),
        ("uphold", StatementStatus.REJECTED, AppealStatus.UPHELD),
    ],
)
def test_the_author_appeals_a_quick_reject(
    pre_moderated, writer, practitioner, host_admin, attribution, outcome, status, appeal_status
):
    statement = _waiting(pre_moderated, writer, attribution=attribution)
    decision = services.statement_moderate(statement=statement, by=host_admin, accept=False)
    with pytest.raises(PermissionDenied):
        services.appeal_make(decision=decision, item_type=STATEMENTS, by=practitioner, text="Me")
    appeal = services.appeal_make(
        decision=decision, item_type=STATEMENTS, by=writer, text="It is about the question."
    )
    assert list(selectors.appeals_open(project=pre_moderated)) == [appeal]
    # The host finds the rejected statement to decide the appeal on.
    item = STATEMENTS.get(project=pre_moderated, pk=statement.pk)
    assert item is not None
    services.appeal_decide(
        appeal=appeal,
        item_type=STATEMENTS,
        item=item,
        outcome=outcome,
        reason="Read again.",
        by=host_admin,
    )
    assert Appeal.objects.get(pk=appeal.pk).status == appeal_status
    statement.refresh_from_db()
    assert statement.status == status
    if outcome == "reverse":
        # Nothing left for a host to accept: it is open already.
        with pytest.raises(ValidationError):
            services.statement_moderate(statement=statement, by=host_admin, accept=True)


def test_rejecting_a_statement_open_for_votes_and_accepting_it_after_all(
    project, statement, writer, host_admin
):
    assert statement.status == StatementStatus.ACCEPTED
    rejected = services.statement_moderate(statement=statement, by=host_admin, accept=False)
    # It was public, so the log may quote it, as for a hidden item.
    assert rejected.status_before == StatementStatus.ACCEPTED and rejected.excerpt
    with pytest.raises(ValidationError) as error:
        services.statement_moderate(statement=statement, by=host_admin, accept=False)
    assert error.value.messages == ["That statement is already rejected."]
    accepted = services.statement_moderate(statement=statement, by=host_admin, accept=True)
    assert accepted.outcome == "approve" and accepted.status_before == StatementStatus.REJECTED
    with pytest.raises(ValidationError) as error:
        services.statement_moderate(statement=statement, by=host_admin, accept=True)
    assert error.value.messages == ["That statement is already open for votes."]
    assert Statement.objects.get(pk=statement.pk).status == StatementStatus.ACCEPTED
    assert [d.outcome for d in selectors.decisions_about_me(user=writer)] == ["approve", "reject"]


def test_a_stale_page_cannot_decide_twice(pre_moderated, writer, host_admin):
    """Two hosts, or a double click, on the same waiting statement: one decision."""
    statement = _waiting(pre_moderated, writer)
    stale = Statement.objects.get(pk=statement.pk)
    services.statement_moderate(statement=statement, by=host_admin, accept=True)
    with pytest.raises(ValidationError):
        services.statement_moderate(statement=stale, by=host_admin, accept=True)
    assert Decision.objects.count() == 1


@pytest.mark.parametrize("outcome", ["hide", "remove"])
@pytest.mark.parametrize("accept", [True, False])
def test_a_statement_a_moderator_took_down_is_not_changed_here(
    project, statement, host_admin, outcome, accept
):
    decide(project, "statement", statement, outcome, host_admin)
    taken_down = Statement.objects.get(pk=statement.pk)
    with pytest.raises(ValidationError) as error:
        services.statement_moderate(statement=taken_down, by=host_admin, accept=accept)
    assert "taken that statement down" in error.value.messages[0]
    assert Statement.objects.get(pk=statement.pk).status == taken_down.status
    assert Decision.objects.count() == 1


@pytest.mark.parametrize("outcome", ["hide", "remove"])
def test_a_statement_taken_down_cannot_be_rejected_then_accepted_back(
    project, statement, host_admin, outcome
):
    # Rejecting it would put it on the rejected list, whose one click accepts it: a host would
    # undo a take-down (a site moderator's removal, say) without the appeal it needs.
    decide(project, "statement", statement, outcome, host_admin)
    taken_down = Statement.objects.get(pk=statement.pk)
    assert "reject" not in services.outcomes_for(item_type=STATEMENTS, item=taken_down)
    with pytest.raises(ValidationError):
        decide(project, "statement", taken_down, "reject", host_admin)
    assert Statement.objects.get(pk=statement.pk).status == taken_down.status
    assert Decision.objects.count() == 1


def test_only_hosts_and_staff_moderate_statements(
    pre_moderated, writer, practitioner, outsider, staff
):
    statement = _waiting(pre_moderated, writer)
    for user in (practitioner, outsider, writer):
        with pytest.raises(PermissionDenied):
            services.statement_moderate(statement=statement, by=user, accept=True)
    assert not Decision.objects.exists()
    assert services.statement_moderate(statement=statement, by=staff, accept=False).decided_by


def test_one_click_on_the_statements_page_then_the_appeal(
    client, pre_moderated, writer, practitioner, host_admin, django_capture_on_commit_callbacks
):
    slug = pre_moderated.slug
    statement = _waiting(pre_moderated, writer)
    url = f"/projects/{slug}/statements/{statement.pk}/moderate/"
    client.force_login(practitioner)
    assert client.post(url, {"decision": "reject"}).status_code == 403
    assert not Decision.objects.exists()

    client.force_login(host_admin)
    assert f'action="{url}"' in client.get(f"/projects/{slug}/statements/").content.decode()
    response = client.post(url, {"decision": "maybe"}, follow=True)
    assert "Choose accept or reject." in response.content.decode()
    assert not Decision.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "reject"}, follow=True)  # one click, no reason
    assert response.redirect_chain == [(f"/projects/{slug}/statements/", 302)]
    # The message names the statement: after a click in a long list, which one it was.
    assert f"Statement rejected. “{statement.text}” is not open for votes" in html.unescape(
        response.content.decode()
    )
    decision = Decision.objects.get()
    assert (decision.outcome, decision.author) == ("reject", writer)
    assert Statement.objects.get(pk=statement.pk).status == StatementStatus.REJECTED
    assert [m.to for m in mail.outbox] == [[SECRET["email"]]]

    # The author reads the notice and appeals; the host reverses the decision from the queue.
    client.force_login(writer)
    notices = client.get("/moderation/notices/").content.decode()
    appeal_url = f"/moderation/notices/{decision.pk}/appeal/"
    assert services.STATEMENT_REJECT_REASON in notices and appeal_url in notices
    assert client.post(appeal_url, {"text": "It answers the question."}).status_code == 302
    appeal = Appeal.objects.get()
    client.force_login(host_admin)
    queue = client.get(f"/projects/{slug}/moderation/").content.decode()
    appeals = queue.split('id="appeals-title"')[1].split("</section>")[0]
    # The card says which statement the appeal is about, though the public log quotes nothing.
    assert "Pay travel time between visits" in appeals
    assert "Appeal: It answers the question." in appeals
    decide_url = f"/projects/{slug}/moderation/appeals/{appeal.pk}/"
    assert "Pay travel time between visits" in client.get(decide_url).content.decode()
    response = client.post(decide_url, {"outcome": "reverse", "reason": "Fair point."})
    assert response.status_code == 302
    # The rejection was wrong: open for votes at once, with no second click to accept it.
    assert Statement.objects.get(pk=statement.pk).status == StatementStatus.ACCEPTED


def test_one_click_accept_from_the_rejected_list(client, project, statement, host_admin):
    services.statement_moderate(statement=statement, by=host_admin, accept=False)
    client.force_login(host_admin)
    rejected_url = f"/projects/{project.slug}/statements/rejected/"
    url = f"/projects/{project.slug}/statements/{statement.pk}/moderate/"
    assert f'action="{url}"' in client.get(rejected_url).content.decode()
    response = client.post(url, {"decision": "accept", "next": "rejected"})
    assert response.status_code == 302 and response.url == rejected_url
    assert Statement.objects.get(pk=statement.pk).status == StatementStatus.ACCEPTED
    assert [d.outcome for d in Decision.objects.order_by("id")] == ["reject", "approve"]


@pytest.mark.parametrize("attribution", ["named", "protected"])
def test_accepting_after_all_settles_the_open_appeal(
    pre_moderated, writer, host_admin, attribution, django_capture_on_commit_callbacks
):
    statement = _waiting(pre_moderated, writer, attribution=attribution)
    other = _waiting(pre_moderated, writer, attribution=attribution, text="Fund the night rota")
    rejected = services.statement_moderate(statement=statement, by=host_admin, accept=False)
    other_rejected = services.statement_moderate(statement=other, by=host_admin, accept=False)
    appeal, other_appeal = (
        services.appeal_make(decision=d, item_type=STATEMENTS, by=writer, text="It fits.")
        for d in (rejected, other_rejected)
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.statement_moderate(statement=statement, by=host_admin, accept=True)

    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REVERSED
    assert (
        appeal.outcome_reason == f"A later decision put it back: {services.STATEMENT_ACCEPT_REASON}"
    )
    assert list(selectors.appeals_open(project=pre_moderated)) == [other_appeal]
    assert Statement.objects.get(pk=statement.pk).status == StatementStatus.ACCEPTED
    # The named author is e-mailed about the appeal's outcome; a protected one never.
    assert [m.to for m in mail.outbox] == ([[writer.email]] if attribution == "named" else [])


def test_notices_work_out_keys_only_in_projects_the_member_joined(
    pre_moderated, private_project, writer, practitioner, host_admin, monkeypatch
):
    mine = _waiting(pre_moderated, writer, attribution="protected")
    deliberation_settings_update(project=private_project, by=host_admin, moderation="pre")
    Participant.objects.create(project=private_project, user=practitioner)  # invited
    theirs = _waiting(private_project, practitioner, attribution="protected", text="Not mine")
    decisions = [
        services.statement_moderate(statement=s, by=host_admin, accept=False)
        for s in (mine, theirs)
    ]
    keyed = []
    real_key = selectors.protected_key
    monkeypatch.setattr(
        selectors,
        "protected_key",
        lambda **kw: keyed.append((kw["object_kind"], kw["object_id"])) or real_key(**kw),
    )

    assert list(selectors.decisions_about_me(user=writer)) == [decisions[0]]
    # The other project's protected decision was not even looked at for this member.
    assert keyed == [("statement", mine.pk)]
    assert list(selectors.decisions_about_me(user=practitioner)) == [decisions[1]]


def test_a_rejection_undone_before_any_appeal_cannot_be_appealed(
    client, pre_moderated, writer, host_admin
):
    statement = _waiting(pre_moderated, writer, attribution="protected")
    rejected = services.statement_moderate(statement=statement, by=host_admin, accept=False)
    client.force_login(writer)
    appeal_url = f"/moderation/notices/{rejected.pk}/appeal/"
    assert appeal_url in client.get("/moderation/notices/").content.decode()

    services.statement_moderate(statement=statement, by=host_admin, accept=True)

    with pytest.raises(ValidationError) as error:
        services.appeal_make(decision=rejected, item_type=STATEMENTS, by=writer, text="Why?")
    assert "no longer stands" in error.value.messages[0]
    notices = client.get("/moderation/notices/").content.decode()
    assert appeal_url not in notices
    assert "This decision no longer stands" in notices
    response = client.post(appeal_url, {"text": "It answers the question."})
    assert response.status_code == 400 and "no longer stands" in response.content.decode()
    assert not Appeal.objects.exists()


def test_working_down_the_waiting_list_comes_back_to_it(client, pre_moderated, writer, host_admin):
    """After one click the host is back at the list of those still waiting, with what happened
    said there, not at the top of the page; after the last one, at the top as usual."""
    slug = pre_moderated.slug
    first = _waiting(pre_moderated, writer)
    last = _waiting(pre_moderated, writer, text="Let carers book visits online")
    client.force_login(host_admin)

    response = client.post(
        f"/projects/{slug}/statements/{first.pk}/moderate/", {"decision": "reject"}
    )
    assert response.url == f"/projects/{slug}/statements/#pending-title"
    page = html.unescape(client.get(response.url).content.decode())
    said = f"Statement rejected. “{first.text}”"
    pending = page.split('id="pending-title"')[1].split("</section>")[0]
    assert said in pending and last.text in pending
    assert said not in page.split('id="pending-title"')[0]  # not twice

    response = client.post(
        f"/projects/{slug}/statements/{last.pk}/moderate/", {"decision": "accept"}
    )
    assert response.url == f"/projects/{slug}/statements/"
    page = html.unescape(client.get(response.url).content.decode())
    assert 'id="pending-title"' not in page
    assert f"Statement accepted. “{last.text}”" in page.split('class="messages"')[1]


@pytest.mark.parametrize(
    ("first", "stale", "now", "said"),
    [
        ("accept", "reject", StatementStatus.ACCEPTED, "it is open for votes"),
        ("reject", "accept", StatementStatus.REJECTED, "it is rejected"),
    ],
)
def test_a_click_on_a_stale_waiting_list_does_not_undo_another_hosts_decision(
    client, pre_moderated, writer, host_admin, staff, first, stale, now, said
):
    """Two hosts have the list of waiting statements open. One accepts a statement (people
    start voting on it); the other, on the old page, clicks Reject on it: it stays open for
    votes, with one decision, and the second host is told what became of it. The same the
    other way round: a statement a colleague rejected is not accepted from the old list."""
    statement = _waiting(pre_moderated, writer)
    url = f"/projects/{pre_moderated.slug}/statements/{statement.pk}/moderate/"
    client.force_login(host_admin)
    # The list of those waiting sends what it showed with each click.
    form = client.get(f"/projects/{pre_moderated.slug}/statements/").content.decode()
    form = form.split(f'action="{url}"')[1].split("</form>")[0]
    assert '<input type="hidden" name="seen" value="pending">' in form
    services.statement_moderate(statement=statement, by=staff, accept=first == "accept")
    assert Statement.objects.get(pk=statement.pk).status == now

    response = client.post(url, {"decision": stale, "seen": "pending"}, follow=True)
    assert Statement.objects.get(pk=statement.pk).status == now
    assert Decision.objects.filter(item_id=statement.pk).count() == 1
    page = html.unescape(response.content.decode())
    assert f"Someone decided about that statement a moment ago: {said}." in page


def test_accepting_from_a_later_page_of_the_rejected_list_comes_back_to_that_page(
    client, project, writer, host_admin
):
    from groundswell.deliberation.views import STATEMENTS_PER_PAGE

    rejected = [
        statement_create(project=project, author=writer, text=f"Left out {n}")
        for n in range(STATEMENTS_PER_PAGE + 2)
    ]
    Statement.objects.filter(pk__in=[s.pk for s in rejected]).update(
        status=StatementStatus.REJECTED
    )
    client.force_login(host_admin)
    rejected_url = f"/projects/{project.slug}/statements/rejected/"
    page = client.get(rejected_url + "?page=2").content.decode()
    assert 'name="page" value="2"' in page
    last = rejected[-1]
    response = client.post(
        f"/projects/{project.slug}/statements/{last.pk}/moderate/",
        {"decision": "accept", "next": "rejected", "seen": "rejected", "page": "2"},
    )
    assert response.status_code == 302 and response.url == rejected_url + "?page=2"
    assert Statement.objects.get(pk=last.pk).status == StatementStatus.ACCEPTED
    # Anything else sent as the page goes back to the first.
    other = rejected[-2]
    response = client.post(
        f"/projects/{project.slug}/statements/{other.pk}/moderate/",
        {"decision": "accept", "next": "rejected", "page": "2; DROP"},
    )
    assert response.url == rejected_url
