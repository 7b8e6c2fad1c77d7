from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from groundswell.deliberation.polis import polis_export
from groundswell.projects.models import Project, Visibility


class Command(BaseCommand):
    help = "Write a public project's statements and votes as a Pol.is export folder."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--project", required=True, help="slug of the project")

    def handle(self, *args, directory, project, **options):
        source = Project.objects.filter(slug=project).first()
        if source is None:
            raise CommandError(f"No project with the slug {project!r}.")
        if source.visibility != Visibility.PUBLIC:
            raise CommandError("Only public projects publish their data.")
        folder = Path(directory)
        files = polis_export(project=source)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, content in files.items():
                (folder / name).write_bytes(content)
        except OSError as error:
            reason = error.strerror or str(error)
            raise CommandError(f"Cannot write the export to {folder}: {reason}.") from None
        self.stdout.write(f"Wrote a Pol.is export of {source.slug} to {folder}.")
