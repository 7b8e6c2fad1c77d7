from django.core.management.base import BaseCommand

from groundswell.demo.loader import demo_load


class Command(BaseCommand):
    help = "Load the demo organisations, members and projects (once; --reset to reload)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo's projects, organisations and members, then load it afresh.",
        )

    def handle(self, *args, reset: bool = False, **options):
        summary = demo_load(stdout=self.stdout, reset=reset)
        out = self.stdout
        if summary.created:
            out.write(
                self.style.SUCCESS(
                    f"Demo loaded: {summary.organisations} organisations, {summary.members} "
                    f"members, {summary.projects} projects, {summary.contributions} "
                    f"contributions, {summary.comments} comments, {summary.links} links."
                )
            )
        out.write("\nProjects:")
        for url in summary.project_urls:
            out.write(f"  {url}")
        if summary.invite_url:
            out.write(f"Invitation link to the private forum: {summary.invite_url}")
        out.write(f"\nLog in with any of these e-mails and the password {summary.password}:")
        for email, who in summary.logins:
            out.write(f"  {email:<32} {who}")
