from django.core.management.base import BaseCommand, CommandError

from groundswell.deliberation.management.progress import progress_to
from groundswell.deliberation.polis import PolisImportError, polis_import
from groundswell.projects.models import Project


class Command(BaseCommand):
    help = "Import a Pol.is export folder into a project as statements and votes."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--project", required=True, help="slug of the project")
        parser.add_argument(
            "--lang",
            default="",
            help="language code of the statements if not English, such as zh-TW (Pol.is "
            "exports do not say); screen readers use it to read them aloud",
        )
        parser.add_argument(
            "--licence",
            default="",
            help="the terms the data is shared on and the credit its publisher asks for, such as "
            "'Licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/) with "
            "attribution to ...': shown with the statements and results, and kept in exports",
        )

    def handle(self, *args, directory, project, lang, licence, **options):
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"No project with the slug {project!r}.")
        try:
            summary = polis_import(
                project=target,
                directory=directory,
                language=lang,
                licence=licence,
                progress=progress_to(self.stdout),
            )
        except PolisImportError as error:
            raise CommandError(f"Nothing was imported: {error}") from None
        self.stdout.write(
            f"Imported {_count(summary.statements, 'statement')} and "
            f"{_count(summary.votes, 'vote')} from {_count(summary.participants, 'participant')} "
            f"into {target.slug}."
        )
        if not lang:
            self.stdout.write(
                "The statements are taken to be in English. If they are not, give their language "
                "with --lang, or in the project's deliberation settings, so that screen readers "
                "read them aloud in it."
            )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
