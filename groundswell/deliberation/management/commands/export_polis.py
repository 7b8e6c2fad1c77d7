from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from groundswell.deliberation.management.progress import progress_to
from groundswell.deliberation.polis import polis_export
from groundswell.projects.models import Project, Visibility


class Command(BaseCommand):
    help = "Write a public project's statements and votes as a Pol.is export folder."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--project", required=True, help="slug of the project")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="replace the files of an earlier export in the folder",
        )

    def handle(self, *args, directory, project, overwrite=False, **options):
        source = Project.objects.filter(slug=project).first()
        if source is None:
            raise CommandError(f"No project with the slug {project!r}.")
        if source.visibility != Visibility.PUBLIC:
            raise CommandError("Only public projects publish their data.")
        folder = Path(directory)
        say = progress_to(self.stdout)
        say(f"Reading the statements and votes of {source.slug}…")
        files = polis_export(project=source, progress=say)
        # The folder may be the very Pol.is export the project was imported from: its files are
        # the original data, and are not silently replaced.
        present = sorted(name for name in files if (folder / name).exists())
        if present and not overwrite:
            raise CommandError(
                f"{folder} already holds {', '.join(present)}; nothing was written. Choose a "
                "new folder, or pass --overwrite to replace them."
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, content in files.items():
                (folder / name).write_bytes(content)
                say(f"Wrote {name} ({len(content):,} bytes).")
        except OSError as error:
            reason = error.strerror or str(error)
            raise CommandError(f"Cannot write the export to {folder}: {reason}.") from None
        self.stdout.write(f"Wrote a Pol.is export of {source.slug} to {folder}.")
