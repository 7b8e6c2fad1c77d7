"""The data step of migrations that change what is stored for existing rows."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from groundswell.testing import factories

BEFORE = [
    ("contributions", "0007_contribution_edited_on"),
    ("deliberation", "0008_statement_and_idea_text_key"),
]
AFTER = [("contributions", "0008_protected_perspective_in_a_crowd")]


@pytest.mark.django_db(transaction=True)
def test_protected_items_written_before_the_crowd_rule_keep_only_a_shared_perspective():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        Project = old.get_model("projects", "Project")
        Participant = old.get_model("projects", "Participant")
        Contribution = old.get_model("contributions", "Contribution")
        Comment = old.get_model("contributions", "Comment")
        Statement = old.get_model("deliberation", "Statement")
        Idea = old.get_model("deliberation", "Idea")

        # A project with no sector: a contribution's subject defaulted to its author's sector.
        project = Project.objects.get(pk=factories.ProjectFactory(sector="").pk)
        people = [
            *[("practitioner", "social_care")] * 5,
            ("practitioner", "housing"),
            ("commissioner", "health"),
        ]
        for role, sector in people:
            user = factories.UserFactory(role=role, sector=sector)
            Participant.objects.create(project=project, user_id=user.pk)

        def written(model, perspective, attribution="protected", **fields):
            role, sector = perspective
            return model.objects.create(
                attribution=attribution, author_role=role, author_sector=sector, **fields
            )

        story = {"project": project, "kind": "story", "title": "t", "body": "b"}
        common, rare_sector, rare_role = (
            ("practitioner", "social_care"),
            ("practitioner", "housing"),
            ("commissioner", "health"),
        )
        shared = written(Contribution, common, sector="social_care", **story)
        only_sector_rare = written(Contribution, rare_sector, sector="housing", **story)
        only_one = written(Contribution, rare_role, sector="health", **story)
        about_else = written(Contribution, rare_role, sector="education", **story)
        named = written(Contribution, rare_role, attribution="named", sector="health", **story)
        comment = written(Comment, rare_role, contribution=shared, body="c")
        statement = written(Statement, rare_sector, project=project, text="s")
        idea = written(Idea, rare_role, project=project, text="i")

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps

        def stored(app, name, pk):
            row = new.get_model(app, name).objects.get(pk=pk)
            return row.author_role, row.author_sector

        assert stored("contributions", "Contribution", shared.pk) == ("practitioner", "social_care")
        assert stored("contributions", "Contribution", only_sector_rare.pk) == ("practitioner", "")
        assert stored("contributions", "Contribution", only_one.pk) == ("", "")
        assert stored("contributions", "Contribution", named.pk) == ("commissioner", "health")
        subjects = dict(
            new.get_model("contributions", "Contribution").objects.values_list("pk", "sector")
        )
        # The subject sector goes where it was the hidden author's sector, and only there.
        assert [
            subjects[c.pk] for c in (shared, only_sector_rare, only_one, about_else, named)
        ] == [
            "social_care",
            "",
            "",
            "education",
            "health",
        ]
        assert stored("contributions", "Comment", comment.pk) == ("", "")
        assert stored("deliberation", "Statement", statement.pk) == ("practitioner", "")
        assert stored("deliberation", "Idea", idea.pk) == ("", "")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
