"""Flag, decide, appeal and decide the appeal, through the services alone."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from groundswell.contributions.models import Comment, CommentStatus, Contribution, Status
from groundswell.deliberation.models import Statement, StatementStatus
from groundswell.moderation import selectors, services
from groundswell.moderation.items import ITEM_TYPES
from groundswell.moderation.models import Appeal, AppealStatus, Decision, Flag
from groundswell.moderation.tests.conftest import SECRET, decide, flag

pytestmark = pytest.mark.django_db(transaction=False)


def test_a_member_flags_an_item_once(project, named, practitioner):
    first, created = flag(project, "contribution", named, practitioner, note="Names a carer")
    again, created_again = flag(project, "contribution", named, practitioner, reason="spam")
    assert created and not created_again
    assert again.pk == first.pk
    assert Flag.objects.filter(item_kind="contribution", item_id=named.pk).count() == 1
    assert first.flagger == practitioner and first.note == "Names a carer"


def test_flags_check_reason_and_note(project, named, practitioner):
    with pytest.raises(ValidationError) as error:
        flag(project, "contribution", named, practitioner, reason="because")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        flag(project, "contribution", named, practitioner, note="x" * 501)
    assert "note" in error.value.message_dict
    assert not Flag.objects.exists()


def test_an_author_cannot_flag_their_own_protected_item(project, protected, writer):
    with pytest.raises(ValidationError):
        flag(project, "contribution", protected, writer)
    assert not Flag.objects.exists()


def test_an_outsider_cannot_flag_in_a_private_project(private_project, host_admin, outsider):
    contribution = Contribution.objects.create(
        project=private_project, kind="story", title="Inside", body="x"
    )
    with pytest.raises(PermissionDenied):
        flag(private_project, "contribution", contribution, outsider)


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        ("keep", Status.PUBLISHED),
        ("hide", Status.HIDDEN),
        ("edit_request", Status.PUBLISHED),
        ("remove", Status.REMOVED),
    ],
)
def test_each_decision_on_a_contribution(project, named, practitioner, host_admin, outcome, status):
    flag(project, "contribution", named, practitioner)
    decision = decide(project, "contribution", named, outcome, host_admin)
    named.refresh_from_db()
    assert named.status == status
    assert decision.reason == "Breaks the code of conduct."
    assert decision.status_before == Status.PUBLISHED
    # The decision closes the open flags: the item leaves the queue.
    assert not Flag.objects.filter(decision__isnull=True).exists()
    assert list(selectors.flagged_items(project=project)) == []


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_a_decision_needs_a_reason_of_sensible_length(project, named, host_admin, reason):
    with pytest.raises(ValidationError) as error:
        decide(project, "contribution", named, "hide", host_admin, reason=reason)
    assert "reason" in error.value.message_dict
    named.refresh_from_db()
    assert named.status == Status.PUBLISHED
    assert not Decision.objects.exists()


@pytest.mark.parametrize("outcome", ["delete", "approve", ""])
def test_an_unknown_or_unfitting_decision_is_refused(project, named, host_admin, outcome):
    with pytest.raises(ValidationError) as error:
        decide(project, "contribution", named, outcome, host_admin)
    assert "outcome" in error.value.message_dict
    assert not Decision.objects.exists()


def test_only_hosts_and_staff_decide(project, named, practitioner, outsider, staff, host_admin):
    for user in (practitioner, outsider):
        with pytest.raises(PermissionDenied):
            decide(project, "contribution", named, "hide", user)
    assert decide(project, "contribution", named, "keep", staff).decided_by == staff


def test_hiding_a_comment_recounts_the_thread(project, named, comment, writer, host_admin):
    named.refresh_from_db()
    assert named.comment_count == 1
    decide(project, "comment", comment, "hide", host_admin)
    named.refresh_from_db()
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.HIDDEN
    assert named.comment_count == 0


def test_removing_a_statement_takes_it_out_of_voting(project, statement, host_admin):
    decide(project, "statement", statement, "remove", host_admin)
    assert Statement.objects.get(pk=statement.pk).status == StatementStatus.REMOVED


def test_nobody_is_asked_to_change_a_statement_they_cannot_edit(
    project, statement, named, host_admin, writer
):
    """Statements have no edit or withdraw: a request to change one would be a dead end for its
    author (told to edit it from its page), and a waiting one would wait for ever."""
    statements = ITEM_TYPES["statement"]
    assert "edit_request" not in services.outcomes_for(item_type=statements, item=statement)
    with pytest.raises(ValidationError):
        decide(project, "statement", statement, "edit_request", host_admin)
    waiting = Statement.objects.create(project=project, text="Waiting", status="pending")
    assert services.outcomes_for(item_type=statements, item=waiting) == [
        "approve",
        "reject",
        "remove",
    ]
    # What can be edited can still be sent back to its author.
    assert "edit_request" in services.outcomes_for(item_type=ITEM_TYPES["contribution"], item=named)
    # Nor is the author of a statement told to withdraw it instead of reporting it.
    with pytest.raises(ValidationError) as own:
        flag(project, "statement", statement, writer)
    assert own.value.messages == ["You wrote this, so you cannot report it."]
    with pytest.raises(ValidationError) as own:
        flag(project, "contribution", named, writer)
    assert "You can withdraw it." in own.value.messages[0]


def test_a_named_author_is_emailed_and_a_protected_one_never(
    project, named, protected, host_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(project, "contribution", named, "hide", host_admin)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [SECRET["email"]]
    assert "Breaks the code of conduct." in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(project, "contribution", protected, "remove", host_admin)
    assert mail.outbox == []
    assert decision.author_id is None and decision.item_protected


def test_the_author_appeals_once(project, named, writer, host_admin):
    decision = decide(project, "contribution", named, "hide", host_admin)
    kind = ITEM_TYPES["contribution"]
    with pytest.raises(ValidationError) as error:
        services.appeal_make(decision=decision, item_type=kind, by=writer, text="  ")
    assert "text" in error.value.message_dict
    appeal = services.appeal_make(
        decision=decision, item_type=kind, by=writer, text="It names nobody."
    )
    assert appeal.status == AppealStatus.OPEN
    with pytest.raises(ValidationError):
        services.appeal_make(decision=decision, item_type=kind, by=writer, text="Again")
    assert Appeal.objects.count() == 1
    assert list(selectors.appeals_open(project=project)) == [appeal]


def test_only_the_author_appeals_and_keep_is_not_appealable(
    project, named, writer, practitioner, host_admin
):
    kind = ITEM_TYPES["contribution"]
    hidden = decide(project, "contribution", named, "hide", host_admin)
    with pytest.raises(PermissionDenied):
        services.appeal_make(decision=hidden, item_type=kind, by=practitioner, text="Mine")
    kept = decide(project, "contribution", named, "keep", host_admin)
    with pytest.raises(ValidationError):
        services.appeal_make(decision=kept, item_type=kind, by=writer, text="Why")


def test_the_protected_author_appeals_and_nothing_records_who(
    project, protected, writer, practitioner, host_admin
):
    kind = ITEM_TYPES["contribution"]
    decision = decide(project, "contribution", protected, "hide", host_admin)
    assert [d.pk for d in selectors.decisions_about_me(user=writer)] == [decision.pk]
    assert list(selectors.decisions_about_me(user=practitioner)) == []
    with pytest.raises(PermissionDenied):
        services.appeal_make(decision=decision, item_type=kind, by=practitioner, text="Me")
    appeal = services.appeal_make(decision=decision, item_type=kind, by=writer, text="Please")
    stored = Appeal.objects.filter(pk=appeal.pk).values().get()
    assert writer.pk not in [v for k, v in stored.items() if k != "id" and k != "decision_id"]
    assert Decision.objects.get(pk=decision.pk).author_id is None


@pytest.mark.parametrize(
    ("outcome", "status", "appeal_status"),
    [
        ("reverse", Status.PUBLISHED, AppealStatus.REVERSED),
        ("uphold", Status.HIDDEN, AppealStatus.UPHELD),
    ],
)
def test_a_host_decides_the_appeal(
    project,
    named,
    writer,
    host_admin,
    outcome,
    status,
    appeal_status,
    django_capture_on_commit_callbacks,
):
    kind = ITEM_TYPES["contribution"]
    decision = decide(project, "contribution", named, "hide", host_admin)
    appeal = services.appeal_make(decision=decision, item_type=kind, by=writer, text="Fair?")
    named.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.appeal_decide(
            appeal=appeal, item_type=kind, item=named, outcome=outcome, reason="", by=host_admin
        )
    assert "reason" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_decide(
            appeal=appeal,
            item_type=kind,
            item=named,
            outcome=outcome,
            reason="Read again.",
            by=host_admin,
        )
    named.refresh_from_db()
    appeal.refresh_from_db()
    assert named.status == status
    assert appeal.status == appeal_status
    assert "Read again." in mail.outbox[-1].body
    with pytest.raises(ValidationError):
        services.appeal_decide(
            appeal=appeal, item_type=kind, item=named, outcome="reverse", reason="x", by=host_admin
        )


def test_an_appeal_decision_is_for_hosts(project, named, writer, practitioner, host_admin):
    kind = ITEM_TYPES["contribution"]
    decision = decide(project, "contribution", named, "remove", host_admin)
    appeal = services.appeal_make(decision=decision, item_type=kind, by=writer, text="Fair?")
    with pytest.raises(PermissionDenied):
        services.appeal_decide(
            appeal=appeal, item_type=kind, item=named, outcome="reverse", reason="x", by=writer
        )
    with pytest.raises(ValidationError) as error:
        services.appeal_decide(
            appeal=appeal, item_type=kind, item=named, outcome="maybe", reason="x", by=host_admin
        )
    assert "outcome" in error.value.message_dict


def test_a_comment_under_a_hidden_contribution_cannot_be_reported(
    project, named, comment, practitioner, host_admin
):
    decide(project, "contribution", named, "hide", host_admin)
    comment.refresh_from_db()
    with pytest.raises(ValidationError):
        flag(project, "comment", comment, practitioner)
    assert not Flag.objects.filter(decision__isnull=True).exists()


@pytest.mark.parametrize(
    ("first", "offered"),
    [("hide", ["keep", "edit_request", "remove"]), ("remove", ["keep", "edit_request"])],
)
def test_a_taken_down_item_is_not_taken_down_again_or_brought_back_to_hidden(
    project, named, host_admin, first, offered
):
    decide(project, "contribution", named, first, host_admin)
    named.refresh_from_db()
    assert services.outcomes_for(item_type=ITEM_TYPES["contribution"], item=named) == offered


@pytest.mark.parametrize("kind", ["contribution", "statement"])
def test_two_hosts_deciding_from_the_same_page_make_one_decision(
    project, named, statement, writer, host_admin, staff, kind, django_capture_on_commit_callbacks
):
    """Both opened the item while it was public; the second decides after the first hid it.
    The service reads the item again, locked, so the second is refused: no second decision,
    no second notice to the author."""
    item = {"contribution": named, "statement": statement}[kind]
    stale = type(item).objects.get(pk=item.pk)
    with django_capture_on_commit_callbacks(execute=True):
        decide(project, kind, item, "hide", host_admin)
        with pytest.raises(ValidationError) as error:
            decide(project, kind, stale, "hide", staff)
    assert "Someone else decided" in error.value.message_dict["outcome"][0]
    assert Decision.objects.filter(item_kind=kind, item_id=item.pk).count() == 1
    assert len(mail.outbox) == 1


def test_an_appeal_decided_on_a_stale_page_restores_nothing_a_later_decision_changed(
    project, named, writer, host_admin
):
    """A host reverses an appeal against a hide from a page loaded before another decision
    removed the item: the removal stands (the service reads the item again)."""
    kind = ITEM_TYPES["contribution"]
    decision = decide(project, "contribution", named, "hide", host_admin)
    appeal = services.appeal_make(decision=decision, item_type=kind, by=writer, text="Fair?")
    stale = Contribution.objects.get(pk=named.pk)
    decide(project, "contribution", Contribution.objects.get(pk=named.pk), "remove", host_admin)
    services.appeal_decide(
        appeal=appeal, item_type=kind, item=stale, outcome="reverse", reason="x", by=host_admin
    )
    assert Contribution.objects.get(pk=named.pk).status == Status.REMOVED


@pytest.mark.django_db(transaction=True)
def test_hosts_deciding_at_once_make_one_decision_on_postgresql(
    project, named, writer, host_admin, staff
):
    from django.db import connection

    from groundswell.deliberation.tests.concurrency import at_once
    from groundswell.people.models import User

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database has no real concurrency")

    def hide(wait, user_id: int) -> None:
        item = Contribution.objects.select_related("project").get(pk=named.pk)
        by = User.objects.get(pk=user_id)
        wait()
        decide(item.project, "contribution", item, "hide", by)

    errors = at_once([(host_admin.pk,), (staff.pk,)] * 2, hide)

    assert Decision.objects.filter(item_id=named.pk).count() == 1
    # The winner's own second click is the same decision; the other moderator's two are told.
    assert len(errors) == 2 and all("Someone else decided" in e for e in errors)


def test_a_decision_sent_twice_is_one_decision_and_one_notice(
    project, named, host_admin, django_capture_on_commit_callbacks
):
    """ "Ask for an edit" and "Keep" change no status, so a double click recorded two decisions
    and the author got two notices. The same decision again at once is the one already made; a
    different reason, or the same later, is a decision of its own."""
    with django_capture_on_commit_callbacks(execute=True):
        first = decide(project, "contribution", named, "edit_request", host_admin)
        second = decide(project, "contribution", named, "edit_request", host_admin)
    assert second.pk == first.pk
    assert Decision.objects.filter(item_kind="contribution", item_id=named.pk).count() == 1
    assert len(mail.outbox) == 1

    kept = decide(project, "contribution", named, "keep", host_admin)
    assert kept.pk != first.pk
    Decision.objects.filter(pk=kept.pk).update(decided_at=kept.decided_at - timedelta(minutes=5))
    assert decide(project, "contribution", named, "keep", host_admin).pk != kept.pk


def test_a_suspended_author_is_not_emailed(
    project, named, writer, host_admin, django_capture_on_commit_callbacks
):
    from groundswell.people.services import user_suspend
    from groundswell.testing import factories

    staff = factories.UserFactory(is_staff=True)
    user_suspend(user=writer, by=staff, reason="Threats to other members.")
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(project, "contribution", named, "hide", host_admin)
    assert decision.author_id == writer.pk  # the notice waits on the notices page
    assert mail.outbox == []
