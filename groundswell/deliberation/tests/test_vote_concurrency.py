"""Parallel submits of the same vote give one row per person and statement, and no error."""

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
    assert last == "rows=6 voters=6 errors=[]"


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
