"""Two imports of one Pol.is folder into one project at the same moment; used by test_polis on
both databases. Run as a script it builds a throwaway SQLite file database first (see
groundswell.testing.sqlite_file).
"""

import sys
from pathlib import Path

LONDON = Path(__file__).resolve().parents[3] / "data" / "polis" / "london.youth.policing"


def two_imports(*, project_id: int, directory: Path) -> tuple[list[str], list[str]]:
    """(what each import said, errors raised other than a refusal)."""
    from groundswell.deliberation.polis import PolisImportError, polis_import
    from groundswell.deliberation.tests.concurrency import at_once
    from groundswell.projects.models import Project

    said: list[str] = []

    def run(wait, _: int) -> None:
        project = Project.objects.get(pk=project_id)
        wait()
        try:
            summary = polis_import(project=project, directory=directory)
        except PolisImportError as refusal:
            said.append(f"refused: {refusal}")
        else:
            said.append(f"imported {summary.votes} votes")

    errors = at_once([(0,), (1,)], run)
    return sorted(said), errors


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from groundswell.deliberation.models import Vote
    from groundswell.testing import factories

    project = factories.ProjectFactory()
    said, errors = two_imports(project_id=project.pk, directory=LONDON)
    print(f"said={said} errors={errors} votes={Vote.objects.filter(project=project).count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
