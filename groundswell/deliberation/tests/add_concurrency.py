"""Several members add the same statement and the same idea at the same moment; used by
test_vote_concurrency on both databases. Run as a script it builds a throwaway SQLite file
database first (see groundswell.testing.sqlite_file).
"""

import sys
from collections import Counter


def same_text_at_once(*, project_id: int, user_ids: list[int]) -> tuple[dict[str, int], list[str]]:
    """Each member adds "Same text" as a statement and as an idea, all at once: (how many of
    each answer came, errors raised other than a refusal)."""
    from django.core.exceptions import ValidationError

    from groundswell.deliberation.services import idea_create, statement_create
    from groundswell.deliberation.tests.concurrency import at_once
    from groundswell.people.models import User
    from groundswell.projects.models import Project

    said: list[str] = []
    create = {"statement": statement_create, "idea": idea_create}

    def run(wait, user_id: int, kind: str) -> None:
        project, user = Project.objects.get(pk=project_id), User.objects.get(pk=user_id)
        wait()
        try:
            create[kind](project=project, author=user, text="Same text")
        except ValidationError as refusal:
            said.append(f"{kind} refused: {' '.join(refusal.messages)}")
        else:
            said.append(f"{kind} added")

    errors = at_once([(user, kind) for user in user_ids for kind in create], run)
    return dict(sorted(Counter(said).items())), errors


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from groundswell.deliberation.models import Idea, Statement
    from groundswell.testing import factories

    project = factories.ProjectFactory()
    users = [factories.UserFactory().pk for _ in range(4)]
    said, errors = same_text_at_once(project_id=project.pk, user_ids=users)
    saved = (Statement.objects.count(), Idea.objects.count())
    print(f"said={said} errors={errors} saved={saved}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
