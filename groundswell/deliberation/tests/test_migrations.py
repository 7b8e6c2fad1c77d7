"""The data step of migrations that change what is stored for existing rows."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from groundswell.deliberation.models import text_key


@pytest.mark.django_db(transaction=True)
def test_statements_and_ideas_written_before_text_keys_are_keyed():
    executor = MigrationExecutor(connection)
    before = [("deliberation", "0007_analysis_failure_recorded")]
    after = [("deliberation", "0008_statement_and_idea_text_key")]
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        project = old.get_model("projects", "Project").objects.first()
        if project is None:
            from groundswell.testing import factories

            project_id = factories.ProjectFactory().pk
        else:
            project_id = project.pk
        statement = old.get_model("deliberation", "Statement").objects.create(
            project_id=project_id, text="Élèves  d'abord"
        )
        idea = old.get_model("deliberation", "Idea").objects.create(
            project_id=project_id, text="Ŵyr a wyresau"
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        keys = {
            name: new.get_model("deliberation", name).objects.get(pk=pk).text_key
            for name, pk in [("Statement", statement.pk), ("Idea", idea.pk)]
        }
        assert keys == {"Statement": text_key("élèves d'ABORD"), "Idea": text_key("ŵYR A WYRESAU")}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
