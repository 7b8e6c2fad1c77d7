from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from groundswell.people.perspectives import PROTECTED_PERSPECTIVE_CROWD, Role
from groundswell.projects.models import Participant, Project, Visibility


def projects_live_public() -> QuerySet[Project]:
    return (
        Project.objects.filter(visibility=Visibility.PUBLIC)
        .select_related("host_user", "host_organisation")
        .prefetch_related("phases")
    )


def projects_visible_to(*, user) -> QuerySet[Project]:
    qs = Project.objects.select_related("host_user", "host_organisation").prefetch_related("phases")
    if user.is_authenticated and user.is_staff:
        return qs
    visible = Q(visibility=Visibility.PUBLIC)
    if user.is_authenticated:
        visible |= (
            Q(participants__user=user)
            | Q(host_user=user)
            | Q(
                host_organisation__memberships__user=user,
                host_organisation__memberships__is_admin=True,
            )
        )
    return qs.filter(pk__in=Project.objects.filter(visible).values("pk"))


# Published counts of who has joined, by role, say only "fewer than" this below it: writing a
# protected item makes its author a participant, so a count going from 0 to 1 just as a
# protected item appears would say who wrote it, though its byline hides a rare role. The same
# small-cell rule as for those bylines.
PARTICIPATION_SHOWN_FROM = PROTECTED_PERSPECTIVE_CROWD


@dataclass(frozen=True)
class ParticipationRow:
    role: str
    label: str
    count: int
    target: int | None

    @property
    def few(self) -> bool:
        """Shown as "fewer than PARTICIPATION_SHOWN_FROM", not as the count."""
        return self.count < PARTICIPATION_SHOWN_FROM

    @property
    def percent_of_target(self) -> int | None:
        if not self.target or self.few:
            return None
        return min(100, round(100 * self.count / self.target))


def project_participation(*, project: Project) -> list[ParticipationRow]:
    """Members who have joined, by declared role, against the project's targets: every role
    with a target (its count shown only from PARTICIPATION_SHOWN_FROM up), and the others only
    once that many have joined, so that no small count is ever published."""
    counts = dict(
        Participant.objects.filter(project=project)
        .values_list("user__role")
        .annotate(n=Count("id"))
        .values_list("user__role", "n")
    )
    targets = {t.role: t.target for t in project.targets.all()}
    labels = dict(Role.choices)
    rows = [
        ParticipationRow(
            role=role, label=labels[role], count=counts.get(role, 0), target=targets.get(role)
        )
        for role in labels
        if counts.get(role, 0) >= PARTICIPATION_SHOWN_FROM or role in targets
    ]
    undeclared = counts.get("", 0)
    if undeclared >= PARTICIPATION_SHOWN_FROM:
        rows.append(ParticipationRow(role="", label="Not declared", count=undeclared, target=None))
    return rows


def participants_sharing_perspective(
    *, project: Project, role: str, sector: str, besides_user_id: int
) -> tuple[int, int]:
    """How many of the project's participants, besides one member, declare this role; and how
    many of those also this sector. One query."""
    counts = (
        Participant.objects.filter(project=project, user__role=role)
        .exclude(user_id=besides_user_id)
        .aggregate(role=Count("id"), both=Count("id", filter=Q(user__sector=sector)))
    )
    return counts["role"], counts["both"]
