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


@pytest.mark.django_db(transaction=True)
def test_conversations_imported_before_the_count_was_kept_are_counted_once():
    executor = MigrationExecutor(connection)
    before = [("deliberation", "0008_statement_and_idea_text_key")]
    after = [("deliberation", "0009_imported_participants_kept")]
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        from groundswell.testing import factories

        imported, members_only = factories.ProjectFactory(), factories.ProjectFactory()
        Settings = old.get_model("deliberation", "DeliberationSettings")
        Statement = old.get_model("deliberation", "Statement")
        Vote = old.get_model("deliberation", "Vote")
        Settings.objects.create(project_id=imported.pk, imported_from="A Pol.is conversation")
        Settings.objects.create(project_id=members_only.pk)
        for project in (imported, members_only):
            first, second = (
                Statement.objects.create(project_id=project.pk, text=f"{project.pk} {n}")
                for n in (1, 2)
            )
            # Three Pol.is voters (one voting twice) and a member, in each project.
            for statement, voter in [(first, "p1"), (second, "p1"), (first, "p2"), (first, "p7")]:
                Vote.objects.create(
                    project_id=project.pk, statement=statement, voter=voter, value=1
                )
            Vote.objects.create(project_id=project.pk, statement=first, voter="u5", value=1)

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        counts = dict(
            new.get_model("deliberation", "DeliberationSettings").objects.values_list(
                "project_id", "imported_participants"
            )
        )
        assert counts == {imported.pk: 3, members_only.pk: 0}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
