"""Loading the demo: the words in `content.py` turned into rows through the real services.

Everything goes through the same services the web uses (organisation_create, project_create,
contribution_create, comment_create, link_create …), so the demo obeys every rule a member would.
The one liberty taken afterwards is to spread the timestamps over the weeks the project has been
running, so pages read like a project in progress rather than one written in a second. Protected
items keep only the day, as the service would have recorded it.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from groundswell.contributions.authorship import protected_key
from groundswell.contributions.models import (
    Attribution,
    Comment,
    Contribution,
    ContributionLink,
    ProtectedAuthorKey,
)
from groundswell.contributions.services import comment_create, contribution_create, link_create
from groundswell.core.mail import mail_muted
from groundswell.core.pagecache import page_cache_bump
from groundswell.deliberation.analysis import analysis_recompute
from groundswell.deliberation.polis import polis_import
from groundswell.deliberation.services import (
    comparison_record,
    idea_create,
    statement_create,
    vote_cast,
)
from groundswell.demo import content
from groundswell.moderation.items import ITEM_TYPES
from groundswell.moderation.services import decision_make, flag_create
from groundswell.organisations.models import Organisation
from groundswell.organisations.services import (
    organisation_accept_invite,
    organisation_create,
    organisation_invite,
    organisation_set_verified,
    verified_role_decide,
    verified_role_request,
)
from groundswell.people.models import User
from groundswell.projects.models import Project
from groundswell.projects.services import (
    PhasePlan,
    project_create,
    project_invite_codes_create,
    project_invite_create,
    project_join_by_invite,
)

# The shared Pol.is conversations, kept in the repository (CC BY 4.0, see its ATTRIBUTION.md).
POLIS_DATA = Path(__file__).resolve().parents[2] / "data" / "polis"


@dataclass
class DemoSummary:
    created: bool
    organisations: int = 0
    members: int = 0
    projects: int = 0
    contributions: int = 0
    comments: int = 0
    links: int = 0
    # (e-mail, who they are) for everyone who can log in.
    logins: list[tuple[str, str]] = field(default_factory=list)
    project_urls: list[str] = field(default_factory=list)
    invite_url: str = ""
    password: str = content.PASSWORD


def demo_load(*, stdout: TextIO | None = None, reset: bool = False) -> DemoSummary:
    """Load the demo once. A second call does nothing unless `reset` deletes the demo first."""
    say = (lambda line: stdout.write(line + "\n")) if stdout else (lambda line: None)
    # The demo's addresses are at example.org: invitations and moderation notices go nowhere,
    # so none is queued (the worker would send them later, burying the log-in details on the
    # console backend, or handing them to the site's real mail server).
    with mail_muted(), transaction.atomic():
        if reset:
            removed = demo_delete()
            if removed:
                say(f"Removed the previous demo ({removed} projects).")
        elif Project.objects.filter(is_demo=True).exists():
            say("The demo is already loaded; nothing to do (use --reset to load it afresh).")
            return _existing_summary()
        else:
            demo_delete()  # leftovers of a demo whose projects were deleted by hand
        summary = _Loader(say=say).load()
        page_cache_bump(scope="site")  # the loader backdates and adjusts rows after the services
    return summary


def demo_delete() -> int:
    """Delete the demo's projects, organisations and members, and nothing else.

    Projects hosted by demo members or organisations go too: someone trying the demo may
    have created one while logged in as a demo member. Returns how many projects were deleted.
    """
    users = list(User.objects.filter(email__in=_demo_emails()))
    orgs = Organisation.objects.filter(
        name__in=[o["name"] for o in content.ORGANISATIONS],
        description__startswith="Demo organisation",
    )
    projects = Project.objects.filter(
        Q(is_demo=True) | Q(host_user__in=users) | Q(host_organisation__in=orgs)
    )
    _delete_protected_keys(projects=projects, users=users)
    n_projects = projects.count()
    projects.delete()
    orgs.delete()
    User.objects.filter(pk__in=[u.pk for u in users]).delete()
    page_cache_bump(scope="site")
    return n_projects


def _delete_protected_keys(*, projects, users: list[User]) -> None:
    # Protected items keep no link to their author; their keys can only be recomputed.
    protected = Attribution.PROTECTED
    objects = [
        ("contribution", pk)
        for pk in Contribution.objects.filter(
            project__in=projects, attribution=protected
        ).values_list("pk", flat=True)
    ] + [
        ("comment", pk)
        for pk in Comment.objects.filter(
            contribution__project__in=projects, attribution=protected
        ).values_list("pk", flat=True)
    ]
    keys = [
        protected_key(object_kind=kind, object_id=pk, user_id=user.pk)
        for kind, pk in objects
        for user in users
    ]
    ProtectedAuthorKey.objects.filter(key__in=keys).delete()


def _demo_emails() -> list[str]:
    return [content.STAFF["email"], *(m["email"] for m in content.MEMBERS)]


def _existing_summary() -> DemoSummary:
    projects = Project.objects.filter(is_demo=True)
    return DemoSummary(
        created=False,
        organisations=Organisation.objects.filter(
            description__startswith="Demo organisation"
        ).count(),
        members=User.objects.filter(email__in=_demo_emails()).count(),
        projects=projects.count(),
        contributions=Contribution.objects.filter(project__in=projects).count(),
        comments=Comment.objects.filter(contribution__project__in=projects).count(),
        links=ContributionLink.objects.filter(source__project__in=projects).count(),
        logins=_logins(),
        project_urls=[settings.SITE_URL + p.get_absolute_url() for p in projects],
        invite_url=_invite_url(projects.filter(visibility="private").first()),
    )


def _logins() -> list[tuple[str, str]]:
    admins = {o["admin"]: o["name"] for o in content.ORGANISATIONS}
    rows = [(content.STAFF["email"], content.STAFF["job"])]
    for m in content.MEMBERS:
        who = f"{m['display_name']}, {m['job']}"
        if m["username"] in admins:
            who += f" (admin of {admins[m['username']]})"
        rows.append((m["email"], who))
    return rows


def _invite_url(project: Project | None) -> str:
    if project is None:
        return ""
    invite = project.invites.filter(revoked=False).first()
    if invite is None:
        return ""
    return settings.SITE_URL + reverse("projects:join", kwargs={"token": invite.token})


class _Loader:
    def __init__(self, *, say) -> None:
        self.say = say
        self.now = timezone.localtime()
        self.today = self.now.date()
        self.users: dict[str, User] = {}
        self.staff: User | None = None
        self.orgs: dict[str, Organisation] = {}
        self.projects: dict[str, Project] = {}
        self.summary = DemoSummary(created=True)

    def load(self) -> DemoSummary:
        self._people()
        self._organisations()
        for spec in content.PROJECTS:
            self._project(spec)
        self._deliberation(content.DELIBERATION)
        self._imported_conversation(content.LONDON_YOUTH_POLICING)
        self._trust_and_safety()
        self.summary.logins = _logins()
        return self.summary

    # People and organisations

    def _people(self) -> None:
        # One hash for everyone: Argon2 is deliberately slow, and these passwords are public.
        password = make_password(content.PASSWORD)
        joined = self.now - timedelta(days=120)
        self.staff = self._user(content.STAFF, password=password, joined=joined, is_staff=True)
        for spec in content.MEMBERS:
            self.users[spec["username"]] = self._user(spec, password=password, joined=joined)
        self.summary.members = len(self.users) + 1
        self.say(f"Created {self.summary.members} members, including site staff.")

    def _user(self, spec: dict[str, Any], *, password: str, joined, is_staff=False) -> User:
        username = spec["username"]
        if User.objects.filter(username__iexact=username).exists():
            username = f"{username}-demo"  # a real member already has the handle
        user = User.objects.create(
            username=username,
            email=spec["email"],
            password=password,
            display_name=spec["display_name"],
            bio=spec["bio"],
            role=spec["role"],
            sector=spec["sector"],
            region=spec["region"],
            pseudonym=spec["pseudonym"],
            is_staff=is_staff,
            date_joined=joined,
        )
        # Verified, so the member can log in when e-mail verification is mandatory.
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    def _organisations(self) -> None:
        for spec in content.ORGANISATIONS:
            admin = self.users[spec["admin"]]
            org = organisation_create(
                creator=admin,
                name=spec["name"],
                kind=spec["kind"],
                description=spec["description"],
            )
            for username in spec["members"]:
                member = self.users[username]
                invite = organisation_invite(organisation=org, by=admin, email=member.email)
                organisation_accept_invite(token=invite.token, user=member)
            if spec["verified"]:
                organisation_set_verified(organisation=org, by=self.staff, verified=True)
            self.orgs[spec["name"]] = org
        Organisation.objects.filter(pk__in=[o.pk for o in self.orgs.values()]).update(
            created_at=self.now - timedelta(days=100)
        )
        self.summary.organisations = len(self.orgs)
        self.say(f"Created {len(self.orgs)} organisations.")

    # Projects

    def _project(self, spec: dict[str, Any]) -> None:
        creator = self.users[spec["creator"]]
        phases = [
            PhasePlan(
                kind=kind,
                starts_on=self.today + timedelta(days=start),
                ends_on=self.today + timedelta(days=end),
            )
            for kind, start, end in spec["phases"]
        ]
        project = project_create(
            creator=creator,
            question=spec["question"],
            kind=spec["kind"],
            phases=phases,
            description=spec["description"],
            visibility=spec["visibility"],
            host_organisation=self.orgs[spec["host"]],
            sector=spec["sector"],
            targets=spec["targets"],
            is_demo=True,
        )
        # Every service call checks the phase; fetch the phases once for all of them.
        project = Project.objects.prefetch_related("phases").get(pk=project.pk)
        self.projects[spec["key"]] = project
        first_day = min(p.starts_on for p in phases)
        Project.objects.filter(pk=project.pk).update(created_at=self._at(first_day, hour=9))

        if spec["visibility"] == "private":
            invite = project_invite_create(
                project=project, by=creator, note=spec["invite_note"], max_uses=200, days=365
            )
            for username in spec["participants"]:
                project_join_by_invite(token=invite.token, user=self.users[username])
            self.summary.invite_url = settings.SITE_URL + reverse(
                "projects:join", kwargs={"token": invite.token}
            )

        made: dict[str, Contribution] = {}
        for index, item in enumerate(spec["contributions"]):
            made[item["key"]] = self._contribution(project, item, index=index, made=made)
        for source, relation, target, note in spec["links"]:
            link_create(
                source=made[source],
                target_id=made[target].pk,
                relation=relation,
                by=creator,
                note=note,
            )
        self.summary.links += len(spec["links"])
        self.summary.projects += 1
        self.summary.project_urls.append(settings.SITE_URL + project.get_absolute_url())
        self.say(
            f"Created “{project.question}” with {len(made)} contributions "
            f"({project.get_visibility_display().split(':')[0].lower()})."
        )

    def _contribution(
        self, project: Project, item: dict[str, Any], *, index: int, made: dict
    ) -> Contribution:
        details = dict(item["details"])
        if item.get("linked_barrier"):
            details["linked_barrier"] = made[item["linked_barrier"]].pk
        attribution = item["attribution"]
        contribution = contribution_create(
            project=project,
            author=self.users[item["author"]],
            kind=item["kind"],
            title=item["title"],
            body=item["body"],
            details=details,
            attribution=attribution,
        )
        day = self.today - timedelta(days=item["days_ago"])
        written = self._at(day, hour=8 + (index * 5) % 12, minute=(index * 17) % 60)
        if attribution == Attribution.PROTECTED:
            written = self._at(day)
        Contribution.objects.filter(pk=contribution.pk).update(created_at=written)
        self.summary.contributions += 1

        top_level: list[Comment] = []
        comments = item.get("comments", [])
        # Replies follow over the next days, never later than now.
        step = min(timedelta(hours=19), (self.now - written) / (len(comments) + 1))
        for n, spec in enumerate(comments):
            reply_to = spec.get("reply_to")
            comment = comment_create(
                contribution=contribution,
                author=self.users[spec["author"]],
                body=spec["body"],
                attribution=spec.get("attribution", Attribution.NAMED),
                parent=top_level[reply_to] if reply_to is not None else None,
            )
            if reply_to is None:
                top_level.append(comment)
            when = written + step * (n + 1)
            if comment.is_protected:
                when = self._at(when.date())
                if when < written and when + timedelta(days=1) <= self.now:
                    when += timedelta(days=1)  # a protected reply never predates its subject
            Comment.objects.filter(pk=comment.pk).update(created_at=when)
            self.summary.comments += 1
        return contribution

    # Deliberation

    def _deliberation(self, spec: dict[str, Any]) -> None:
        project = self.projects[spec["project"]]
        host = project.created_by
        statements = [
            (statement_create(project=project, author=host, text=text), leaning)
            for text, leaning in spec["statements"]
        ]
        rng = random.Random(2026)  # the same demo every time
        lived = {"service_user", "carer"}
        for user in self.users.values():
            for statement, leaning in statements:
                if rng.random() < 0.15:
                    continue  # not everyone votes on everything
                agrees = {
                    "all": 0.9,
                    "lived": 0.85 if user.role in lived else 0.3,
                    "staff": 0.25 if user.role in lived else 0.8,
                    "split": 0.5,
                }[leaning]
                roll = rng.random()
                value = 1 if roll < agrees else (0 if roll < agrees + 0.1 else -1)
                vote_cast(statement=statement, user=user, value=value)
        ideas = [idea_create(project=project, author=host, text=text) for text in spec["ideas"]]
        strength = {idea.pk: len(ideas) - i for i, idea in enumerate(ideas)}
        for user in self.users.values():
            for _ in range(6):
                first, second = rng.sample(ideas, 2)
                p_first = strength[first.pk] / (strength[first.pk] + strength[second.pk])
                outcome = (
                    "tie"
                    if rng.random() < 0.1
                    else ("first" if rng.random() < p_first else "second")
                )
                comparison_record(
                    project=project,
                    user=user,
                    first_id=first.pk,
                    second_id=second.pk,
                    outcome=outcome,
                )
        self._analyse(project)
        self.say(
            f"Added {len(statements)} statements with votes and {len(ideas)} ideas to compare "
            f"to “{project.question}”."
        )

    def _imported_conversation(self, spec: dict[str, Any]) -> None:
        folder = POLIS_DATA / spec["folder"]
        if not folder.is_dir():
            self.say(f"Skipped the Pol.is conversation: {folder} is missing.")
            return
        self._project({**spec, "contributions": [], "links": []})
        project = self.projects[spec["key"]]
        summary = polis_import(project=project, directory=folder, licence=spec["licence"])
        self._analyse(project)
        self.say(
            f"Imported the Pol.is conversation {spec['folder']}: {summary.statements} "
            f"statements, {summary.votes} votes (CC BY 4.0, The Computational Democracy Project)."
        )

    # Trust and safety: badges, a moderated comment with its public log entry, invitation codes

    def _trust_and_safety(self) -> None:
        for username, label, employer_kind in content.VERIFIED_ROLES:
            role = verified_role_request(
                member=self.users[username],
                label=label,
                employer_kind=employer_kind,
                organisation=None,
            )
            verified_role_decide(role=role, by=self.staff, confirm=True)
        spec = content.MODERATED_COMMENT
        project = self.projects[spec["project"]]
        on = Contribution.objects.get(project=project, title=spec["on"])
        comment = comment_create(
            contribution=on, author=self.users[spec["author"]], body=spec["body"]
        )
        self.summary.comments += 1
        item_type = ITEM_TYPES["comment"]
        flag_create(
            project=project,
            item_type=item_type,
            item=comment,
            by=self.users[spec["reported_by"]],
            reason=spec["reason"],
        )
        host = self.users[spec["host"]]
        decision_make(
            project=project,
            item_type=item_type,
            item=comment,
            outcome="hide",
            reason=spec["decision"],
            by=host,
        )
        forum = self.projects[content.CRISIS_FORUM_KEY]
        project_invite_codes_create(
            project=forum,
            by=forum.created_by,
            count=5,
            expires_on=self.today + timedelta(days=30),
            note="For the next peer-support group",
        )
        self.say(
            f"Gave {len(content.VERIFIED_ROLES)} members verified-role badges, hid one comment "
            "(see the moderation log), and made 5 invitation codes for the private forum."
        )

    def _analyse(self, project: Project) -> None:
        # Computed now rather than by the worker, so the results page is ready when the demo is.
        analysis_recompute(project_id=project.pk)

    def _at(self, day, *, hour: int = 0, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())
