import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from groundswell.core.pagecache import page_cache_bump, project_scope
from groundswell.core.slugs import unique_slug
from groundswell.organisations.models import Organisation
from groundswell.organisations.selectors import organisation_is_admin
from groundswell.projects.models import (
    PHASE_ORDER,
    JoinedVia,
    Participant,
    ParticipationTarget,
    Phase,
    Project,
    ProjectInvite,
    ProjectInviteCode,
    invite_code_new,
    invite_code_normalise,
)
from groundswell.projects.permissions import Action, can, forget_viewer_role


@dataclass(frozen=True)
class PhasePlan:
    kind: str
    starts_on: date
    ends_on: date


def validate_phases(phases: list[PhasePlan]) -> None:
    if not phases:
        raise ValidationError("A project needs at least one phase.")
    kinds = [p.kind for p in phases]
    if len(set(kinds)) != len(kinds):
        raise ValidationError("Each phase can appear only once.")
    ordered = sorted(phases, key=lambda p: PHASE_ORDER.index(p.kind))
    for phase in ordered:
        if phase.ends_on < phase.starts_on:
            raise ValidationError(f"The {phase.kind} phase ends before it starts.")
    for earlier, later in itertools.pairwise(ordered):
        if later.starts_on <= earlier.ends_on:
            raise ValidationError("Phases must follow one another without overlapping.")


def project_create(
    *,
    creator,
    question: str,
    kind: str,
    phases: list[PhasePlan],
    description: str = "",
    visibility: str = "public",
    host_organisation: Organisation | None = None,
    sector: str = "",
    targets: dict[str, int] | None = None,
    is_demo: bool = False,
) -> Project:
    if host_organisation is not None and not organisation_is_admin(
        organisation=host_organisation, user=creator
    ):
        raise PermissionDenied("You can only host projects for organisations you administer.")
    validate_phases(phases)
    with transaction.atomic():
        project = Project(
            slug=unique_slug(Project, question),
            question=question,
            description=description,
            kind=kind,
            visibility=visibility,
            sector=sector,
            host_user=None if host_organisation else creator,
            host_organisation=host_organisation,
            created_by=creator,
            is_demo=is_demo,
        )
        project.full_clean()
        project.save()
        Phase.objects.bulk_create(
            Phase(project=project, kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on)
            for p in phases
        )
        _set_targets(project=project, targets=targets or {})
        page_cache_bump(scope="site")  # home and the project list
    return project


def project_update(
    *,
    project: Project,
    by,
    phases: list[PhasePlan] | None = None,
    targets: dict[str, int] | None = None,
    **fields,
) -> Project:
    if not can(user=by, action=Action.EDIT, project=project):
        raise PermissionDenied("Only the project's hosts can change it.")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(project, name, value)
        # created_by is emptied when the creator's account is deleted; the project lives on.
        project.full_clean(exclude=["created_by"])
        if fields:
            project.save(update_fields=list(fields))
        if phases is not None:
            validate_phases(phases)
            project.phases.all().delete()
            Phase.objects.bulk_create(
                Phase(project=project, kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on)
                for p in phases
            )
        if targets is not None:
            _set_targets(project=project, targets=targets)
        page_cache_bump(scope="site")
        page_cache_bump(scope=project_scope(project.slug))
    return project


def _set_targets(*, project: Project, targets: dict[str, int]) -> None:
    project.targets.all().delete()
    ParticipationTarget.objects.bulk_create(
        ParticipationTarget(project=project, role=role, target=n)
        for role, n in targets.items()
        if n
    )


def project_row_lock(*, project: Project, no_key: bool = False) -> None:
    """Within a transaction: wait for, then hold, the project's row, so that writes that must
    not interleave (two imports; adding the same statement twice) take turns. `no_key` (FOR NO
    KEY UPDATE on PostgreSQL) leaves rows that merely refer to the project, votes say, free to
    be written meanwhile. SQLite's transactions take its one write lock as they begin
    (IMMEDIATE), which queues them already."""
    rows = Project.objects.select_for_update(no_key=no_key).filter(pk=project.pk)
    list(rows.values_list("pk"))


def participant_join(*, project: Project, user) -> Participant:
    participant, joined = Participant.objects.get_or_create(
        project=project, user=user, defaults={"joined_on": timezone.localdate()}
    )
    forget_viewer_role(project=project)
    if joined:  # the project page counts who has joined
        page_cache_bump(scope=project_scope(project.slug))
    return participant


def project_invite_create(
    *, project: Project, by, note: str = "", max_uses: int = 50, days: int = 30
) -> ProjectInvite:
    if not can(user=by, action=Action.EDIT, project=project):
        raise PermissionDenied("Only the project's hosts can invite people.")
    return ProjectInvite.objects.create(
        project=project,
        note=note,
        max_uses=max_uses,
        created_by=by,
        expires_at=timezone.now() + timedelta(days=days),
    )


def project_invite_revoke(*, invite: ProjectInvite, by) -> None:
    if not can(user=by, action=Action.EDIT, project=invite.project):
        raise PermissionDenied("Only the project's hosts can revoke invitations.")
    invite.revoked = True
    invite.save(update_fields=["revoked"])


def project_join_by_invite(*, token: str, user) -> Project:
    with transaction.atomic():
        invite = (
            ProjectInvite.objects.select_for_update()
            .select_related("project")
            .filter(token=token)
            .first()
        )
        if invite is None or not invite.is_usable:
            raise ValidationError("This invitation link has expired or been used up.")
        _, joined = Participant.objects.get_or_create(
            project=invite.project,
            user=user,
            defaults={"joined_on": timezone.localdate(), "joined_via": JoinedVia.INVITE_LINK},
        )
        if joined:
            ProjectInvite.objects.filter(pk=invite.pk).update(uses=F("uses") + 1)
            page_cache_bump(scope=project_scope(invite.project.slug))
    return invite.project


MAX_CODES_AT_ONCE = 200
# As long as an invitation link may last (InviteLinkForm.days). A bound also keeps the end of
# the last day inside what a date can hold: 31 December 9999 has no next day.
MAX_CODE_DAYS = 365
CODE_EXPIRY_TOO_LATE = "Choose a date no more than a year from today."


def project_invite_codes_create(
    *, project: Project, by, count: int, expires_on: date, note: str = ""
) -> list[ProjectInviteCode]:
    """`count` single-use codes, each letting one member join, usable to the end of expires_on."""
    if not can(user=by, action=Action.EDIT, project=project):
        raise PermissionDenied("Only the project's hosts can make invitation codes.")
    if not 1 <= count <= MAX_CODES_AT_ONCE:
        raise ValidationError({"count": f"Make between 1 and {MAX_CODES_AT_ONCE} codes at once."})
    if expires_on < timezone.localdate():
        raise ValidationError({"expires_on": "Choose today or a later date."})
    if expires_on > timezone.localdate() + timedelta(days=MAX_CODE_DAYS):
        raise ValidationError({"expires_on": CODE_EXPIRY_TOO_LATE})
    end_of_day = timezone.make_aware(
        datetime.combine(expires_on + timedelta(days=1), datetime.min.time())
    )
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(invite_code_new())
        if len(codes) == count:
            # Astronomically unlikely with 31^10 codes, but a clash would fail the whole batch.
            codes -= set(
                ProjectInviteCode.objects.filter(code__in=codes).values_list("code", flat=True)
            )
    return ProjectInviteCode.objects.bulk_create(
        ProjectInviteCode(
            project=project, code=code, note=note, created_by=by, expires_at=end_of_day
        )
        for code in sorted(codes)
    )


def project_invite_code_revoke(*, code: ProjectInviteCode, by) -> None:
    if not can(user=by, action=Action.EDIT, project=code.project):
        raise PermissionDenied("Only the project's hosts can revoke invitation codes.")
    ProjectInviteCode.objects.filter(pk=code.pk, used_on__isnull=True).update(revoked=True)


CODE_REFUSED = "That code does not work. It may be mistyped, used already, expired or revoked."


def project_join_by_code(*, code: str, user) -> Project:
    """Join the code's project. Two members using one code at once: exactly one gets in."""
    found = (
        ProjectInviteCode.objects.select_related("project")
        .filter(code=invite_code_normalise(code))
        .first()
    )
    if found is None:
        raise ValidationError({"code": CODE_REFUSED})
    project = found.project
    if Participant.objects.filter(project=project, user=user).exists():
        return project  # already in: the code stays free for someone else
    try:
        with transaction.atomic():
            # One conditional UPDATE claims the code; a second claimant finds it already used.
            claimed = ProjectInviteCode.objects.filter(
                pk=found.pk, used_on__isnull=True, revoked=False, expires_at__gt=timezone.now()
            ).update(used_by=user, used_on=timezone.localdate())
            if not claimed:
                raise ValidationError({"code": CODE_REFUSED})
            Participant.objects.create(
                project=project,
                user=user,
                joined_on=timezone.localdate(),
                joined_via=JoinedVia.INVITE_CODE,
            )
    except IntegrityError:
        # The same member joined by another way at the same moment; this code is left unused.
        if Participant.objects.filter(project=project, user=user).exists():
            return project
        raise
    page_cache_bump(scope=project_scope(project.slug))
    return project
