"""Who may do what in a project. One table of rules, one door for fetching a project.

`project_get_for_user` is the only way views fetch a project for a member: it returns the project
or raises (404 where the member may not even know a private project exists, 403 otherwise).
"""

import logging
from datetime import date
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from groundswell.organisations.models import Membership
from groundswell.projects.models import Participant, PhaseKind, Project, Visibility

logger = logging.getLogger(__name__)


class ProjectRole(StrEnum):
    ANONYMOUS = "anonymous"
    OUTSIDER = "outsider"
    MEMBER = "member"
    HOST_ADMIN = "host_admin"
    STAFF = "staff"


class Action(StrEnum):
    VIEW = "view"
    CONTRIBUTE = "contribute"
    COMMENT = "comment"
    EDIT = "edit"
    MODERATE = "moderate"


CONTRIBUTION_PHASES = {PhaseKind.DEFINE, PhaseKind.GATHER, PhaseKind.DELIBERATE}
COMMENT_PHASES = CONTRIBUTION_PHASES | {PhaseKind.DRAFT, PhaseKind.CROWD_CHECK}

_ALL = set(ProjectRole)
_SIGNED_IN = _ALL - {ProjectRole.ANONYMOUS}
_INSIDERS = {ProjectRole.MEMBER, ProjectRole.HOST_ADMIN, ProjectRole.STAFF}
_MANAGERS = {ProjectRole.HOST_ADMIN, ProjectRole.STAFF}

# (visibility, action) -> roles allowed, and the phases in which the action is open (None: any).
RULES: dict[tuple[str, Action], tuple[set[ProjectRole], set[str] | None]] = {
    (Visibility.PUBLIC, Action.VIEW): (_ALL, None),
    (Visibility.PUBLIC, Action.CONTRIBUTE): (_SIGNED_IN, CONTRIBUTION_PHASES),
    (Visibility.PUBLIC, Action.COMMENT): (_SIGNED_IN, COMMENT_PHASES),
    (Visibility.PUBLIC, Action.EDIT): (_MANAGERS, None),
    (Visibility.PUBLIC, Action.MODERATE): (_MANAGERS, None),
    (Visibility.PRIVATE, Action.VIEW): (_INSIDERS, None),
    (Visibility.PRIVATE, Action.CONTRIBUTE): (_INSIDERS, CONTRIBUTION_PHASES),
    (Visibility.PRIVATE, Action.COMMENT): (_INSIDERS, COMMENT_PHASES),
    (Visibility.PRIVATE, Action.EDIT): (_MANAGERS, None),
    (Visibility.PRIVATE, Action.MODERATE): (_MANAGERS, None),
}


def is_host_admin(*, user, project: Project) -> bool:
    if not user.is_authenticated:
        return False
    if project.host_user_id is not None:
        return project.host_user_id == user.pk
    return Membership.objects.filter(
        organisation_id=project.host_organisation_id, user=user, is_admin=True
    ).exists()


# The door records the role it worked out on the project it returns, so that later checks in
# the same request (a service's own `can`) do not ask the database again. Joining the project
# forgets it (`forget_viewer_role`).
_VIEWER_ROLE = "_viewer_role"


def project_role(*, user, project: Project, is_participant: bool | None = None) -> ProjectRole:
    """`is_participant`, when the caller has just read it with the project, saves a query."""
    if not user.is_authenticated:
        return ProjectRole.ANONYMOUS
    known = project.__dict__.get(_VIEWER_ROLE)
    if is_participant is None and known is not None and known[0] == user.pk:
        return known[1]
    if user.is_staff:
        return ProjectRole.STAFF
    if is_host_admin(user=user, project=project):
        return ProjectRole.HOST_ADMIN
    if is_participant is None:
        is_participant = project.participants.filter(user=user).exists()
    if is_participant:
        return ProjectRole.MEMBER
    return ProjectRole.OUTSIDER


def forget_viewer_role(*, project: Project) -> None:
    """Call when the viewer's place in the project changes (they joined it)."""
    project.__dict__.pop(_VIEWER_ROLE, None)


def current_phase(*, project: Project, today: date | None = None) -> str | None:
    today = today or timezone.localdate()
    for phase in project.phases.all():
        if phase.is_current(today):
            return phase.kind
    return None


def can(
    *, user, action: Action, project: Project, role: ProjectRole | None = None, today=None
) -> bool:
    """Whether the user may take the action. A check that fails unexpectedly denies."""
    try:
        role = role or project_role(user=user, project=project)
        roles, phases = RULES[(project.visibility, action)]
        if role not in roles:
            return False
        return phases is None or current_phase(project=project, today=today) in phases
    except Exception:
        logger.exception("Permission check failed; denying %s on project %s", action, project.pk)
        return False


def allowed_actions(*, user, project: Project, today=None) -> set[Action]:
    try:
        role = project_role(user=user, project=project)
    except Exception:
        logger.exception("Working out a role failed; no actions allowed on project %s", project.pk)
        return set()
    return {a for a in Action if can(user=user, action=a, project=project, role=role, today=today)}


def project_get_for_user(*, slug: str, user, action: Action = Action.VIEW) -> Project:
    if "\x00" in slug:  # no slug has one, and PostgreSQL refuses it in a query
        raise Http404("No such project")
    projects = (
        Project.objects.select_related("host_user", "host_organisation")
        .prefetch_related("phases")
        .filter(slug=slug)
    )
    if user.is_authenticated:
        # Read with the project rather than in a query of its own; used once, right below.
        projects = projects.annotate(
            viewer_is_participant=Exists(
                Participant.objects.filter(project=OuterRef("pk"), user=user)
            )
        )
    project = projects.first()
    if project is None:
        raise Http404("No such project")
    is_participant = project.__dict__.pop("viewer_is_participant", None)
    try:
        role = project_role(user=user, project=project, is_participant=is_participant)
    except Exception:
        # Deny, and say no more than for a project that does not exist.
        logger.exception("Working out a role failed; denying access to project %s", project.pk)
        raise Http404("No such project") from None
    if not can(user=user, action=Action.VIEW, project=project, role=role):
        raise Http404("No such project")
    if user.is_authenticated:
        project.__dict__[_VIEWER_ROLE] = (user.pk, role)
    if action != Action.VIEW and not can(user=user, action=action, project=project, role=role):
        raise PermissionDenied(_denial_reason(action=action, project=project, role=role))
    return project


def _denial_reason(*, action: Action, project: Project, role: ProjectRole) -> str:
    roles, _ = RULES[(project.visibility, action)]
    if role not in roles:
        if role == ProjectRole.ANONYMOUS:
            return "Please log in first."
        return "Only the project's hosts can do that."
    return "This project is not taking that at its current phase."
