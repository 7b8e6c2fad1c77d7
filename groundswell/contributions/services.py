from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groundswell.contributions.authorship import is_protected_author, protected_key_store
from groundswell.contributions.kinds import get_kind
from groundswell.contributions.models import (
    Attributed,
    Attribution,
    Comment,
    CommentStatus,
    Contribution,
    ContributionLink,
    LinkRelation,
    Status,
)
from groundswell.core.pagecache import page_cache_bump, project_scope
from groundswell.people.perspectives import PROTECTED_PERSPECTIVE_CROWD
from groundswell.people.selectors import has_blocked
from groundswell.projects.models import ContributionModeration, Project
from groundswell.projects.permissions import Action, can
from groundswell.projects.selectors import participants_sharing_perspective
from groundswell.projects.services import participant_join


def attribute(item: Attributed, *, author, attribution: str, project: Project) -> None:
    """Fill in what the public may know of the author, and nothing more."""
    if attribution not in Attribution.values:
        raise ValidationError({"attribution": "Choose how your contribution is attributed."})
    item.attribution = attribution
    item.author_role = author.role
    item.author_sector = author.sector
    if attribution == Attribution.PROTECTED:
        item.author_role, item.author_sector = _perspective_in_a_crowd(author, project=project)
        item.author = None
        # Only the day: a precise time could be matched against other records.
        now = timezone.localtime()
        item.created_at = now.replace(hour=0, minute=0, second=0, microsecond=0)
    elif attribution == Attribution.PSEUDONYMOUS:
        if not author.pseudonym:
            raise ValidationError(
                {"attribution": "Set a pseudonym on your profile before posting pseudonymously."}
            )
        item.author = author
        item.pseudonym = author.pseudonym
    else:
        item.author = author


def _perspective_in_a_crowd(author, *, project: Project) -> tuple[str, str]:
    """The role and sector a protected item may show: each only if enough of the project's
    participants share it, author included. The only commissioner in a project, or the only
    housing practitioner, would otherwise be named by their perspective."""
    if not author.role:
        return "", ""
    crowd = PROTECTED_PERSPECTIVE_CROWD - 1  # the others it takes, besides the author
    same_role, same_both = participants_sharing_perspective(
        project=project, role=author.role, sector=author.sector, besides_user_id=author.pk
    )
    if same_role < crowd:
        return "", ""
    if not author.sector or same_both < crowd:
        return author.role, ""
    return author.role, author.sector


def attributed_save(item: Attributed, *, author, project: Project, object_kind: str) -> None:
    """Save a new item written by `author`, with what must be saved with it, atomically.

    A protected item gets the key that lets its author, and only its author, recognise it;
    writing anything makes the author a participant of the project.
    """
    with transaction.atomic():
        item.save()
        if item.is_protected:
            protected_key_store(object_kind=object_kind, object_id=item.pk, user_id=author.pk)
        participant_join(project=project, user=author)


def contribution_create(
    *,
    project: Project,
    author,
    kind: str,
    title: str,
    body: str,
    details: dict[str, Any] | None = None,
    attribution: str = Attribution.NAMED,
    sector: str = "",
    attachment=None,
) -> Contribution:
    if not can(user=author, action=Action.CONTRIBUTE, project=project):
        raise PermissionDenied("You cannot contribute to this project at the moment.")
    kind_def = get_kind(kind)
    if kind_def is None:
        raise ValidationError({"kind": "Unknown kind of contribution."})
    cleaned, upload = _clean_details(
        project=project, kind_def=kind_def, details=details, attachment=attachment
    )
    contribution = Contribution(
        project=project,
        status=Status.PENDING
        if _held_for_a_host(project=project, author=author, attribution=attribution)
        else Status.PUBLISHED,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        details=cleaned,
        search_text=" ".join([title, body, kind_def.search_text(cleaned)]),
    )
    attribute(contribution, author=author, attribution=attribution, project=project)
    # What it is about, if the author did not say: the project's sector, else the author's as
    # far as it may be shown (a protected item's may not, see attribute).
    contribution.sector = sector or project.sector or contribution.author_sector
    if upload:
        contribution.attachment = upload
    contribution.full_clean(exclude=["attachment"])
    attributed_save(contribution, author=author, project=project, object_kind="contribution")
    _pages_changed(project)
    return contribution


def _clean_details(*, project: Project, kind_def, details, attachment) -> tuple[dict, Any]:
    """The kind's own fields, validated and made JSON-safe, and the cleaned file if any."""
    form = kind_def.clean_details(details or {}, {"file": attachment} if attachment else None)
    if not form.is_valid():
        raise ValidationError(form.errors)
    cleaned = kind_def.serialise(form.cleaned_data)
    linked_barrier = cleaned.get("linked_barrier") if kind_def.slug == "failure_demand" else None
    # Only a barrier anyone can open: one waiting for a host, withdrawn or removed must not be
    # confirmed to exist by accepting its number.
    if (
        linked_barrier
        and not Contribution.objects.filter(
            project=project, pk=linked_barrier, kind="barrier", status=Status.PUBLISHED
        ).exists()
    ):
        raise ValidationError({"linked_barrier": "There is no barrier with that number here."})
    upload = form.cleaned_data.get("file") if kind_def.accepts_file else None
    return cleaned, upload


# An author may change what is still theirs to change: not a withdrawn or removed item.
EDITABLE = {Status.PUBLISHED, Status.PENDING, Status.HIDDEN}


def contribution_edit(
    *,
    contribution: Contribution,
    by,
    title: str,
    body: str,
    details: dict[str, Any] | None = None,
    sector: str = "",
    attachment=None,
) -> Contribution:
    """The author's own correction. Attribution and moderation status stay as they were; only
    the day of the change is kept, as for every date on a protected item."""
    if not is_author(item=contribution, user=by):
        raise PermissionDenied("Only the author can edit a contribution.")
    if contribution.status not in EDITABLE:
        raise ValidationError("This contribution can no longer be edited.")
    project = contribution.project
    kind_def = get_kind(contribution.kind)
    cleaned, upload = _clean_details(
        project=project, kind_def=kind_def, details=details, attachment=attachment
    )
    contribution.title = title.strip()
    contribution.body = body.strip()
    contribution.details = cleaned
    contribution.sector = sector or project.sector or contribution.sector
    contribution.search_text = " ".join([title, body, kind_def.search_text(cleaned)])
    contribution.edited_on = timezone.localdate()
    fields = ["title", "body", "details", "sector", "search_text", "edited_on"]
    if upload:
        contribution.attachment = upload
        fields.append("attachment")
    contribution.full_clean(exclude=["attachment"])
    contribution.save(update_fields=fields)
    _pages_changed(project)
    return contribution


def _held_for_a_host(*, project: Project, author, attribution: str) -> bool:
    """Under pre-moderation a participant's contribution waits for a host; a host's does not,
    unless it is protected: published at once while everyone else's waits, it would tell the
    other hosts and the site's moderators that a host (in many projects the only one) wrote it."""
    if project.contribution_moderation != ContributionModeration.PRE:
        return False
    if attribution == Attribution.PROTECTED:
        return True
    return not can(user=author, action=Action.MODERATE, project=project)


def contribution_withdraw(*, contribution: Contribution, by) -> Contribution:
    if not is_author(item=contribution, user=by):
        raise PermissionDenied("Only the author can withdraw a contribution.")
    contribution.status = Status.WITHDRAWN
    contribution.save(update_fields=["status"])
    _pages_changed(contribution.project)
    return contribution


def _pages_changed(project: Project, *, browse: bool = True) -> None:
    """The project's pages, and the cross-project list, show this change once it commits."""
    page_cache_bump(scope=project_scope(project.slug))
    if browse:
        page_cache_bump(scope="browse")


def is_author(*, item: Contribution | Comment, user) -> bool:
    if not user.is_authenticated:
        return False
    if item.is_protected:
        kind = "contribution" if isinstance(item, Contribution) else "comment"
        return is_protected_author(object_kind=kind, object_id=item.pk, user=user)
    return item.author_id == user.pk


def comment_create(
    *,
    contribution: Contribution,
    author,
    body: str,
    attribution: str = Attribution.NAMED,
    parent: Comment | None = None,
) -> Comment:
    if not can(user=author, action=Action.COMMENT, project=contribution.project):
        raise PermissionDenied("You cannot comment on this project at the moment.")
    if parent is not None and parent.contribution_id != contribution.pk:
        raise ValidationError({"parent": "You can only reply within the same thread."})
    if parent is not None and _replying_to_a_blocker(parent, author=author):
        raise ValidationError({"parent": "You cannot reply to this comment."})
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent  # threads are one level deep: a reply to a reply joins the thread
    if parent is not None and parent.status != CommentStatus.PUBLISHED:
        # Under a hidden or removed thread a reply would be posted and counted, yet never shown.
        raise ValidationError(
            {"parent": "That comment is no longer shown, so it cannot take replies."}
        )
    comment = Comment(contribution=contribution, parent=parent, body=body.strip())
    attribute(comment, author=author, attribution=attribution, project=contribution.project)
    comment.full_clean()
    with transaction.atomic():
        attributed_save(comment, author=author, project=contribution.project, object_kind="comment")
        Contribution.objects.filter(pk=contribution.pk).update(comment_count=F("comment_count") + 1)
    _pages_changed(contribution.project)  # the lists show comment counts
    return comment


def contribution_comment_count_refresh(*, contribution_id: int) -> None:
    """Count the comments anyone can see: published, and not replies in a hidden thread."""
    visible = Comment.objects.filter(
        contribution_id=contribution_id, status=CommentStatus.PUBLISHED
    ).exclude(parent__status__in=[CommentStatus.HIDDEN, CommentStatus.REMOVED])
    Contribution.objects.filter(pk=contribution_id).update(comment_count=visible.count())


def _replying_to_a_blocker(parent: Comment, *, author) -> bool:
    """Whether the comment replied to (or its thread's first comment) is by someone who blocked
    `author`. Only named comments count: refusing a reply to a pseudonymous or protected comment
    would tell `author` who wrote it."""
    return any(
        comment.attribution == Attribution.NAMED
        and has_blocked(blocker_id=comment.author_id, blocked_id=author.pk)
        for comment in (parent, parent.parent)
        if comment is not None
    )


def link_create(
    *, source: Contribution, target_id: int, relation: str, by, note: str = ""
) -> ContributionLink:
    if not can(user=by, action=Action.COMMENT, project=source.project):
        raise PermissionDenied("You cannot link contributions in this project at the moment.")
    if relation not in LinkRelation.values:
        raise ValidationError({"relation": "Choose how the two contributions are related."})
    target = Contribution.objects.filter(
        project=source.project, pk=target_id, status=Status.PUBLISHED
    ).first()
    if target is None:
        raise ValidationError({"target": "There is no contribution with that number here."})
    if target.pk == source.pk:
        raise ValidationError({"target": "A contribution cannot be linked to itself."})
    if relation == LinkRelation.REPLICATES and target.kind != "practice":
        raise ValidationError({"relation": "Only a practice can be adopted elsewhere."})
    link, created = ContributionLink.objects.get_or_create(
        source=source, target=target, relation=relation, defaults={"note": note.strip()}
    )
    if not created:
        raise ValidationError({"target": "Those two are already linked that way."})
    _pages_changed(source.project, browse=False)
    return link
