import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from groundswell.deliberation import selectors, services
from groundswell.deliberation.models import (
    AnalysisSnapshot,
    Idea,
    Moderation,
    Statement,
    StatementStatus,
    Vote,
)
from groundswell.moderation.services import statement_moderate
from groundswell.testing import factories


@pytest.fixture
def statements(project, host_admin):
    return [
        services.statement_create(project=project, author=host_admin, text=f"Statement {i}")
        for i in range(6)
    ]


def test_host_seeds_statements_that_are_open_at_once(statements):
    assert all(s.status == StatementStatus.ACCEPTED and s.is_seed for s in statements)


def test_pre_moderation_holds_participant_statements_until_a_host_accepts(
    project, practitioner, host_admin, outsider
):
    services.deliberation_settings_update(project=project, by=host_admin, moderation=Moderation.PRE)
    statement = services.statement_create(project=project, author=practitioner, text="Pay travel")
    assert statement.status == StatementStatus.PENDING
    assert statement not in selectors.statements_for_voting(project=project, user=outsider)

    with pytest.raises(PermissionDenied):
        statement_moderate(statement=statement, by=practitioner, accept=True)
    statement_moderate(statement=statement, by=host_admin, accept=True)
    assert statement in selectors.statements_for_voting(project=project, user=outsider)


@pytest.mark.parametrize("attribution", ["named", "protected"])
def test_a_statement_sent_twice_tells_its_author_it_is_already_theirs(
    project, practitioner, outsider, attribution
):
    """A double submit: the second answer is the one on the screen, and must not read as if the
    statement was not added. Anyone else learns only that it is in the project."""
    first = services.statement_create(
        project=project, author=practitioner, text="Pay travel time", attribution=attribution
    )
    with pytest.raises(ValidationError) as again:
        services.statement_create(
            project=project, author=practitioner, text="pay  travel time", attribution=attribution
        )
    assert again.value.message_dict["text"] == ["You have already added that statement."]
    with pytest.raises(ValidationError) as other:
        services.statement_create(project=project, author=outsider, text="Pay travel time")
    assert other.value.message_dict["text"] == ["That statement is already in this project."]
    assert list(project.statements.all()) == [first]


@pytest.mark.parametrize(
    ("kind", "status", "said"),
    [
        ("statement", "accepted", "That statement is already in this project."),
        ("statement", "pending", "already been suggested and is waiting for a host to look at it"),
        ("statement", "rejected", "already been suggested, and a host did not accept it"),
        ("statement", "hidden", "already been suggested, and a moderator has taken it down"),
        ("statement", "removed", "already been suggested, and a moderator has taken it down"),
        ("idea", "accepted", "That idea is already in the pool."),
        ("idea", "pending", "That idea has already been suggested and is waiting for a host"),
        ("idea", "hidden", "a moderator has taken it out of the pool"),
        ("idea", "removed", "a moderator has taken it out of the pool"),
    ],
)
def test_a_repeat_is_refused_with_what_is_true_of_the_other(
    project, host_admin, practitioner, kind, status, said
):
    """Under pre-moderation two members often send the same point: the second must not be sent
    looking for a statement "already in this project" that nobody can see or vote on yet. And
    nothing is said of who sent the first."""
    create, model = {
        "statement": (services.statement_create, Statement),
        "idea": (services.idea_create, Idea),
    }[kind]
    other = create(project=project, author=host_admin, text="Free bus passes")
    model.objects.filter(pk=other.pk).update(status=status)
    with pytest.raises(ValidationError) as refused:
        create(project=project, author=practitioner, text="free bus  passes")
    message = refused.value.message_dict["text"][0]
    assert said in message
    assert host_admin.display_name not in message and host_admin.username not in message


def test_a_vote_can_be_changed_and_stays_one_row(project, statements, practitioner):
    statement = statements[0]
    services.vote_cast(statement=statement, user=practitioner, value=1)
    services.vote_cast(statement=statement, user=practitioner, value=-1)
    services.vote_cast(statement=statement, user=practitioner, value=-1)
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]
    remaining = selectors.statements_for_voting(project=project, user=practitioner)
    assert statement not in remaining
    assert remaining.count() == 5


@pytest.mark.parametrize("value", [2, -2, "yes", None])
def test_a_vote_must_be_agree_disagree_or_pass(statements, practitioner, value):
    with pytest.raises(ValidationError):
        services.vote_cast(statement=statements[0], user=practitioner, value=value)
    assert not Vote.objects.exists()


def test_outsiders_cannot_vote_in_a_private_project(private_project, host_admin, outsider):
    statement = services.statement_create(project=private_project, author=host_admin, text="x")
    with pytest.raises(PermissionDenied):
        services.vote_cast(statement=statement, user=outsider, value=1)


def test_new_ideas_get_seen(project, host_admin, practitioner):
    old = [
        services.idea_create(project=project, author=host_admin, text=f"Idea {i}") for i in range(4)
    ]
    for _ in range(5):
        services.comparison_record(
            project=project,
            user=practitioner,
            first_id=old[0].pk,
            second_id=old[1].pk,
            outcome="first",
        )
    for idea in old[2:]:
        for _ in range(3):
            services.comparison_record(
                project=project,
                user=practitioner,
                first_id=idea.pk,
                second_id=old[0].pk,
                outcome="tie",
            )
    new = services.idea_create(project=project, author=practitioner, text="A new idea")
    rng = random.Random(1)
    for _ in range(20):
        pair = selectors.idea_pair(project=project, rng=rng)
        assert new in pair


def test_a_pair_counts_once_per_member_and_judging_it_again_changes_the_judgement(
    project, host_admin, practitioner
):
    from groundswell.deliberation.models import Comparison, Idea

    a, b = (services.idea_create(project=project, author=host_admin, text=t) for t in "AB")
    for _ in range(3):  # a double (or triple) submit
        services.comparison_record(
            project=project, user=practitioner, first_id=a.pk, second_id=b.pk, outcome="first"
        )
    # The same pair shown the other way round, judged again.
    services.comparison_record(
        project=project, user=practitioner, first_id=b.pk, second_id=a.pk, outcome="first"
    )
    row = Comparison.objects.get()
    assert (row.first_id, row.second_id, row.outcome) == (b.pk, a.pk, "first")
    assert list(Idea.objects.values_list("appearances", flat=True)) == [1, 1]


def test_a_member_is_offered_each_pair_once_then_told_they_compared_them_all(
    project, host_admin, practitioner, service_user
):
    ideas = [services.idea_create(project=project, author=host_admin, text=t) for t in "ABC"]
    seen = set()
    for _ in range(3):
        first, second = selectors.idea_pair(project=project, user=practitioner)
        assert frozenset((first.pk, second.pk)) not in seen
        seen.add(frozenset((first.pk, second.pk)))
        services.comparison_record(
            project=project, user=practitioner, first_id=first.pk, second_id=second.pk,
            outcome="tie",
        )  # fmt: skip
    done = selectors.idea_pair(project=project, user=practitioner)
    assert done == selectors.NoPair.COMPARED_ALL
    assert isinstance(selectors.idea_pair(project=project, user=service_user), tuple)
    # A new idea gives the member new pairs, each with the new idea.
    new = services.idea_create(project=project, author=host_admin, text="D")
    assert new in selectors.idea_pair(project=project, user=practitioner)
    assert len(ideas) == 3


def test_cant_decide_leaves_the_ranking_as_it_was(project, host_admin):
    """ "Can't decide" says neither idea matters more; it must not count as half a win each,
    which would drag a clear favourite towards the middle."""
    from groundswell.deliberation import analysis

    a, b = (services.idea_create(project=project, author=host_admin, text=t) for t in "AB")
    for _ in range(3):
        services.comparison_record(
            project=project, user=factories.UserFactory(), first_id=a.pk, second_id=b.pk,
            outcome="first",
        )  # fmt: skip
    decided = analysis.pairwise(project_id=project.pk)
    for _ in range(6):
        services.comparison_record(
            project=project, user=factories.UserFactory(), first_id=a.pk, second_id=b.pk,
            outcome="tie",
        )  # fmt: skip
    assert analysis.pairwise(project_id=project.pk) == decided
    assert [row["comparisons"] for row in decided] == [3, 3]


def test_comparison_rejects_ideas_from_elsewhere(project, host_admin, practitioner):
    here = services.idea_create(project=project, author=host_admin, text="Here")
    elsewhere = factories.ProjectFactory()
    there = services.idea_create(project=elsewhere, author=elsewhere.host_user, text="There")
    with pytest.raises(ValidationError):
        services.comparison_record(
            project=project,
            user=practitioner,
            first_id=here.pk,
            second_id=there.pk,
            outcome="first",
        )


def test_votes_queue_a_recompute_after_commit_that_builds_the_results(
    project, host_admin, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    statements = [
        services.statement_create(project=project, author=host_admin, text=f"Statement {i}")
        for i in range(8)
    ]
    voters = [factories.UserFactory(role=role) for role in ["practitioner", "service_user"] * 8]
    rng = random.Random(3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for i, voter in enumerate(voters):
            for j, statement in enumerate(statements):
                # Two camps split on the first four statements; everyone agrees on the rest;
                # one vote in ten goes the other way.
                value = (1 if i % 2 == 0 else -1) if j < 4 else 1
                value = -value if rng.random() < 0.1 else value
                services.vote_cast(statement=statement, user=voter, value=value)
    assert callbacks, "the recompute is queued only after the votes commit"
    (queued,) = default_task_backend.results  # one recompute for the whole burst
    queued.task.call(*queued.args, **queued.kwargs)

    snapshot = AnalysisSnapshot.objects.get(project=project)
    assert snapshot.computed_at is not None and snapshot.pending is False
    result = snapshot.result
    assert result["votes"] == len(voters) * len(statements)
    assert result["participants"] == len(voters)
    assert len(result["groups"]) == 2
    assert sorted(g["size"] for g in result["groups"]) == [8, 8]
    consensus = {row["statement"] for row in result["consensus"]}
    assert consensus and consensus <= {s.pk for s in statements[4:]}
    assert set(result["bridging_perspective"]["perspectives"]) == {"practitioner", "service_user"}


def test_a_burst_of_votes_queues_one_recompute(project, statements, practitioner, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    for statement in statements:
        services.vote_cast(statement=statement, user=practitioner, value=1)
    assert len(default_task_backend.results) == 0  # nothing before commit


@pytest.mark.django_db(transaction=True)
def test_votes_committed_while_a_recompute_is_queued_do_not_queue_another(
    project, statements, practitioner, service_user, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    for statement in statements:
        services.vote_cast(statement=statement, user=practitioner, value=1)
        services.vote_cast(statement=statement, user=service_user, value=-1)
    assert len(default_task_backend.results) == 1
    assert AnalysisSnapshot.objects.get(project=project).pending is True


@pytest.mark.django_db(transaction=True)
def test_a_failure_to_queue_the_recompute_leaves_no_flag_behind(
    project, statements, practitioner, settings, monkeypatch
):
    """Were the flag to stay set with no task queued, no later vote would queue a recompute."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend
    from django_tasks.backends.dummy import DummyBackend

    from groundswell.deliberation.tasks import recompute_analysis

    default_task_backend.clear()

    def crash(*args, **kwargs):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(DummyBackend, "enqueue", crash)
    with pytest.raises(RuntimeError):
        services.vote_cast(statement=statements[0], user=practitioner, value=1)
    assert AnalysisSnapshot.objects.get(project=project).pending is False

    monkeypatch.undo()
    assert isinstance(recompute_analysis.get_backend(), DummyBackend)
    services.vote_cast(statement=statements[1], user=practitioner, value=1)
    assert len(default_task_backend.results) == 1  # the next vote queues one
    assert AnalysisSnapshot.objects.get(project=project).pending is True


def test_a_recompute_warm_starts_from_the_previous_result(project, host_admin):
    from groundswell.deliberation import analysis

    analysis._PREVIOUS.clear()  # ids are reused between tests; start this one cold
    statements = [
        services.statement_create(project=project, author=host_admin, text=f"S{i}")
        for i in range(6)
    ]
    voters = [factories.UserFactory(role="practitioner") for _ in range(12)]
    rng = random.Random(5)
    for i, voter in enumerate(voters):
        for j, statement in enumerate(statements):
            value = (1 if i % 2 else -1) if j < 3 else 1
            services.vote_cast(
                statement=statement, user=voter, value=-value if rng.random() < 0.1 else value
            )
    first = analysis.compute_snapshot(project_id=project.pk)
    late = factories.UserFactory(role="service_user")
    services.vote_cast(statement=statements[0], user=late, value=1)
    second = analysis.compute_snapshot(project_id=project.pk)
    assert first["warm_start"] is False
    assert second["warm_start"] is True
    assert second["votes"] == first["votes"] + 1
    assert len(second["groups"]) == len(first["groups"])


def test_results_recover_after_every_statement_was_taken_down(project, host_admin):
    """A host rejects every statement (spam, say), then new ones are voted on: the recompute
    must not warm-start from the result that had no statements, or it fails until the worker
    restarts."""
    from groundswell.deliberation import analysis

    analysis._PREVIOUS.clear()
    voters = [factories.UserFactory(role="practitioner") for _ in range(6)]

    def voted_statements(prefix: str) -> list:
        made = [
            services.statement_create(project=project, author=host_admin, text=f"{prefix} {i}")
            for i in range(3)
        ]
        for i, voter in enumerate(voters):
            for j, statement in enumerate(made):
                services.vote_cast(statement=statement, user=voter, value=1 if (i + j) % 2 else -1)
        return made

    for statement in voted_statements("Spam"):
        statement_moderate(statement=statement, by=host_admin, accept=False)
    emptied = analysis.analysis_recompute(project_id=project.pk)
    assert emptied.result["statements"] == 0
    assert emptied.result["groups"] == []  # no group of people voting on nothing

    voted_statements("Real")
    snapshot = analysis.analysis_recompute(project_id=project.pk)
    assert snapshot.failed_at is None
    assert snapshot.result["statements"] == 3 and snapshot.result["groups"]


def test_results_name_the_right_statements_when_some_are_not_open(project, host_admin):
    """Perspective bridging spans every statement; its rows must not shift onto other statements
    when a rejected one comes first, and statements nobody voted on are neither counted nor
    ranked."""
    from groundswell.deliberation import analysis

    analysis._PREVIOUS.clear()
    rejected = services.statement_create(project=project, author=host_admin, text="Rejected")
    everyone_agrees, everyone_disagrees, unvoted = (
        services.statement_create(project=project, author=host_admin, text=text)
        for text in ["Everyone agrees", "Everyone disagrees", "Nobody voted"]
    )
    voters = [factories.UserFactory(role=role) for role in ["practitioner", "service_user"] * 4]
    for voter in voters:
        services.vote_cast(statement=rejected, user=voter, value=-1)
        services.vote_cast(statement=everyone_agrees, user=voter, value=1)
        services.vote_cast(statement=everyone_disagrees, user=voter, value=-1)
    only_on_rejected = factories.UserFactory(role="practitioner")
    services.vote_cast(statement=rejected, user=only_on_rejected, value=1)
    statement_moderate(statement=rejected, by=host_admin, accept=False)

    snapshot = analysis.compute_snapshot(project_id=project.pk)

    # Counted on statements open for votes: not the rejected one, its votes or its only voter.
    assert snapshot["statements"] == 3
    assert (snapshot["votes"], snapshot["participants"], snapshot["votes_all"]) == (16, 8, 25)
    top = snapshot["bridging_perspective"]["top"]
    assert top[0]["statement"] == everyone_agrees.pk and top[0]["rates"][0] > 0.8
    ranked = {row["statement"] for row in top} | {
        row["statement"] for row in snapshot["bridging_latent"]
    }
    assert rejected.pk not in ranked and unvoted.pk not in ranked
    assert everyone_disagrees.pk in ranked


def test_a_perspective_of_one_or_two_voters_does_not_tell_how_they_voted(
    client, project, host_admin
):
    """A project's only commissioner is known by role (their bylines say it): the agreement of
    the "Commissioner" perspective would be theirs alone."""
    from groundswell.deliberation import analysis

    statements = [
        services.statement_create(project=project, author=host_admin, text=f"Point {i}")
        for i in range(3)
    ]
    roles = ["practitioner"] * 3 + ["service_user"] * 3 + ["commissioner"] + ["carer"] * 2
    for i, role in enumerate(roles):
        voter = factories.UserFactory(role=role)
        for j, statement in enumerate(statements):
            services.vote_cast(statement=statement, user=voter, value=1 if (i + j) % 3 else -1)

    analysis.analysis_recompute(project_id=project.pk)

    perspective = AnalysisSnapshot.objects.get(project=project).result["bridging_perspective"]
    assert perspective["perspectives"] == ["practitioner", "service_user"]
    assert perspective["members"] == [3, 3]
    assert {row["weakest"] for row in perspective["top"]} <= {"practitioner", "service_user"}
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    table = page.split('id="common-ground"')[1].split('id="groups-title"')[0]
    assert "Commissioner" not in table and "Carer" not in table
    assert "fewer than 3 voters is left out" in table

    # Results stored before this rule are not shown with their small perspective.
    snapshot = AnalysisSnapshot.objects.get(project=project)
    snapshot.result["bridging_perspective"]["perspectives"].append("commissioner")
    snapshot.result["bridging_perspective"]["members"].append(1)
    snapshot.save()
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    assert "Commissioner" not in page.split('id="common-ground"')[1].split('id="groups-title"')[0]
    api = client.get(f"/api/v1/projects/{project.slug}/results").json()
    assert api["bridging_perspective"] is None


def test_one_or_two_votes_of_a_perspective_on_a_statement_do_not_tell_how_they_voted(
    client, project, host_admin
):
    """Both perspectives have three members, but only one service user voted on the second
    statement: "0% of the 1 who voted on it", or a rate of 1/3, would be that person's vote."""
    from groundswell.deliberation import analysis

    first, second, third = (
        services.statement_create(project=project, author=host_admin, text=f"Point {i}")
        for i in range(3)
    )
    practitioners = [factories.UserFactory(role="practitioner") for _ in range(3)]
    service_users = [factories.UserFactory(role="service_user") for _ in range(3)]
    for voter in practitioners + service_users:
        services.vote_cast(statement=first, user=voter, value=1)
        services.vote_cast(statement=third, user=voter, value=-1)
    for voter in practitioners:
        services.vote_cast(statement=second, user=voter, value=1)
    services.vote_cast(statement=second, user=service_users[0], value=-1)

    analysis.analysis_recompute(project_id=project.pk)

    results = client.get(f"/api/v1/projects/{project.slug}/results").json()
    rows = {row["statement"]: row for row in results["bridging_perspective"]["top"]}
    lone = rows[second.pk]
    assert (lone["seen"], lone["agree"]) == (1, None)
    assert lone["rates"][1] == 0.5 and lone["score"] == 0.5  # as if none of them had voted
    assert rows[first.pk]["agree"] == 1.0  # three of three: shown
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    table = page.split('id="common-ground"')[1].split('id="groups-title"')[0]
    assert "Fewer than 3 of them have voted on it" in table
    assert "of the 1 who voted" not in table

    # Results stored before this rule are not shown with their perspectives.
    snapshot = AnalysisSnapshot.objects.get(project=project)
    del snapshot.result["bridging_perspective"]["min_voters"]
    snapshot.save()
    api = client.get(f"/api/v1/projects/{project.slug}/results").json()
    assert api["bridging_perspective"] is None


def test_members_statements_stay_within_280_characters(project, host_admin):
    # The column is wider, for imported Pol.is comments; members are still held to 280.
    services.statement_create(project=project, author=host_admin, text="x" * 280)
    with pytest.raises(ValidationError, match="280 characters"):
        services.statement_create(project=project, author=host_admin, text="y" * 281)


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("Ysgol Gymraeg ŵyr a wyresau", "YSGOL GYMRAEG ŴYR A WYRESAU"),  # Welsh circumflex
        ("Élèves d'abord", "élèves D'ABORD"),
        ("Straße sicherer machen", "STRASSE SICHERER MACHEN"),  # casefold, not only lower
    ],
)
def test_a_repeat_in_another_case_is_refused_in_any_script(
    project, host_admin, practitioner, first, again
):
    """On SQLite the database's own case-insensitive match knows only ASCII letters."""
    services.statement_create(project=project, author=host_admin, text=first)
    with pytest.raises(ValidationError, match="already in this project"):
        services.statement_create(project=project, author=practitioner, text=again)
    services.idea_create(project=project, author=host_admin, text=first)
    with pytest.raises(ValidationError, match="already in the pool"):
        services.idea_create(project=project, author=practitioner, text=again)


def test_an_imported_comment_counts_as_already_in_the_project(project, host_admin, tmp_path):
    from groundswell.deliberation.polis import polis_import

    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        '1,x,0,0,0,0,1,"Énergie:\nmore buses"\n',
        encoding="utf-8",
    )
    (tmp_path / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n")
    polis_import(project=project, directory=tmp_path)
    with pytest.raises(ValidationError, match="already in this project"):
        services.statement_create(project=project, author=host_admin, text="ÉNERGIE: more buses")


@pytest.mark.parametrize("create", [services.statement_create, services.idea_create])
@pytest.mark.parametrize(
    "text", ["\u200b\u200d\u2060", "\u202e \ufeff", "\u200b\n\u200b", "", "   "]
)
@pytest.mark.parametrize("who", ["host", "member"])
def test_the_services_refuse_text_nobody_can_read(
    project, host_admin, practitioner, create, text, who
):
    """Not only the forms: a script or any other caller of the services is refused too, with
    the message the forms show next to the field."""
    author = host_admin if who == "host" else practitioner
    with pytest.raises(ValidationError) as refused:
        create(project=project, author=author, text=text)
    assert refused.value.message_dict == {"text": [services.UNREADABLE]}
    assert not Statement.objects.exists() and not Idea.objects.exists()


def test_statements_and_ideas_are_saved_without_control_or_direction_override_characters(
    project, host_admin
):
    """A bell or a right-to-left override in a statement changes how it reads (the override
    turns its words round on screen), and a zero-width space let a repeat past the check."""
    statement = services.statement_create(
        project=project, author=host_admin, text="Pay\x07 travel \u202etime\u202c\u200b\ufeff"
    )
    assert statement.text == "Pay travel time"
    with pytest.raises(ValidationError, match="already"):
        services.statement_create(project=project, author=host_admin, text="Pay trav\u200bel time")
    idea = services.idea_create(project=project, author=host_admin, text="Named\x00 carers\u2066")
    assert idea.text == "Named carers"
    # What scripts and emoji need stays: joiners and direction marks.
    kept = "Family 👨\u200d👩\u200d👧 \u200f\u0634\u0643\u0631\u0627"
    assert services.statement_create(project=project, author=host_admin, text=kept).text == kept


def test_a_hosts_protected_statement_is_not_marked_as_a_hosts_seed(project, host_admin):
    named = services.statement_create(project=project, author=host_admin, text="Named seed")
    protected = services.statement_create(
        project=project, author=host_admin, text="Protected one", attribution="protected"
    )
    assert (named.is_seed, protected.is_seed) == (True, False)
