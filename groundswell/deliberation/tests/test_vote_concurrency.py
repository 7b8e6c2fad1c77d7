"""Parallel submits of the same vote give one row per person and statement, and no error."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from groundswell.deliberation.models import Vote
from groundswell.deliberation.services import statement_create
from groundswell.deliberation.tests.concurrency import hammer
from groundswell.testing import factories


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
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="groundswell.settings",
        GROUNDSWELL_VAR_DIR=str(tmp_path),
        GROUNDSWELL_FAST_HASHER="1",
        TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
    )
    result = subprocess.run(
        [sys.executable, "-m", "groundswell.deliberation.tests.concurrency"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "rows=6 voters=6 errors=[]"
