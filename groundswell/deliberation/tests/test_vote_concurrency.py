"""Parallel submits of the same vote or judgement give one row per person and statement or pair,
and of the same statement or idea one item, with no error."""

import pytest
from django.db import connection

from groundswell.deliberation.models import Vote
from groundswell.deliberation.services import statement_create
from groundswell.deliberation.tests.concurrency import at_once, hammer
from groundswell.testing import factories
from groundswell.testing.sqlite_file import run_on_a_sqlite_file


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submits_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database has no real concurrency; see the next test")
    project = factories.ProjectFactory()
    statement = statement_create(project=project, author=project.host_user, text="Same vote")
    users = [factories.UserFactory().pk for _ in range(6)]

    errors = hammer(statement_id=statement.pk, user_ids=users)

    assert errors == []
    assert Vote.objects.filter(statement=statement).count() == 6
    assert Vote.objects.filter(statement=statement).values("voter").distinct().count() == 6


def test_concurrent_double_submits_on_sqlite(tmp_path):
    last = run_on_a_sqlite_file("groundswell.deliberation.tests.concurrency", var_dir=tmp_path)
    assert last == "rows=6 voters=6 errors=[] batch_rows=30 batch_errors=[]"


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_of_votes_on_postgresql():
    """One member's queue sent three times at once, in opposite orders: one row per statement,
    no error (no deadlock between the batches' row locks)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database has no real concurrency; see above")
    from groundswell.deliberation.tests.concurrency import hammer_batches

    project = factories.ProjectFactory()
    statements = [
        statement_create(project=project, author=project.host_user, text=f"Batch {i}").pk
        for i in range(5)
    ]
    users = [factories.UserFactory().pk for _ in range(4)]

    errors = hammer_batches(project_id=project.pk, statement_ids=statements, user_ids=users)

    assert errors == []
    assert Vote.objects.count() == 20
    assert Vote.objects.values("statement", "voter").distinct().count() == 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submits_of_a_pair_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database has no real concurrency")
    from groundswell.deliberation.models import Comparison
    from groundswell.deliberation.services import comparison_record, idea_create
    from groundswell.people.models import User

    project = factories.ProjectFactory()
    a, b = (idea_create(project=project, author=project.host_user, text=t) for t in "AB")
    users = [factories.UserFactory().pk for _ in range(4)]

    def submit(wait, user_id: int, outcome: str) -> None:
        user = User.objects.get(pk=user_id)
        wait()
        comparison_record(
            project=project, user=user, first_id=a.pk, second_id=b.pk, outcome=outcome
        )

    errors = at_once(
        [(user, outcome) for user in users for outcome in ["first", "second", "tie"]], submit
    )

    assert errors == []
    assert Comparison.objects.count() == 4
    a.refresh_from_db()
    assert a.appearances == 4


SAME_TEXT_ANSWERS = {
    "idea added": 1,
    "idea refused: That idea is already in the pool.": 3,
    "statement added": 1,
    "statement refused: That statement is already in this project.": 3,
}


@pytest.mark.django_db(transaction=True)
def test_the_same_statement_or_idea_added_at_once_is_added_once_on_postgresql():
    """The check for a repeat and the save were two steps: members (or one member's double
    click, sent on two connections) adding the same text at once all found no repeat."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database has no real concurrency; see the next test")
    from groundswell.deliberation.models import Idea, Statement
    from groundswell.deliberation.tests.add_concurrency import same_text_at_once

    project = factories.ProjectFactory()
    users = [factories.UserFactory().pk for _ in range(4)]

    said, errors = same_text_at_once(project_id=project.pk, user_ids=users)

    assert errors == []
    assert said == SAME_TEXT_ANSWERS
    assert (Statement.objects.count(), Idea.objects.count()) == (1, 1)


def test_the_same_statement_or_idea_added_at_once_is_added_once_on_sqlite(tmp_path):
    last = run_on_a_sqlite_file("groundswell.deliberation.tests.add_concurrency", var_dir=tmp_path)
    assert last == f"said={SAME_TEXT_ANSWERS} errors=[] saved=(1, 1)"
