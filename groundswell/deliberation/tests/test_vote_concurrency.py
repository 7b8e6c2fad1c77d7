"""Parallel submits of the same vote give one row per person and statement, and no error."""

import pytest
from django.db import connection

from groundswell.deliberation.models import Vote
from groundswell.deliberation.services import statement_create
from groundswell.deliberation.tests.concurrency import hammer
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
