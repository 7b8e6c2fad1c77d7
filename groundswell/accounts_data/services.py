"""The member's rights over their own data: a copy of it, and erasure."""

import logging
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from groundswell.accounts_data.collect import protected_items_of
from groundswell.accounts_data.export import member_data
from groundswell.accounts_data.models import DataExport, ExportStatus
from groundswell.contributions.models import (
    Attribution,
    Comment,
    Contribution,
    ProtectedAuthorKey,
)
from groundswell.core.pagecache import page_cache_bump
from groundswell.deliberation.models import Comparison, Idea, Statement, Vote
from groundswell.deliberation.services import analysis_request, voter_key
from groundswell.moderation.services import decisions_forget_words
from groundswell.organisations.models import Membership, Organisation, OrganisationInvite
from groundswell.people.models import RetiredPseudonym, User
from groundswell.projects.models import Project

logger = logging.getLogger(__name__)

# A member's export takes seconds to build; one still pending after this was lost.
EXPORT_GIVE_UP_AFTER = timedelta(minutes=30)

# What a kept comment says once its author deleted it but others' replies hang from it.
DELETED_COMMENT = "This comment was deleted by its author."


# --- Download my data ------------------------------------------------------------------------


def data_export_request(*, user: User) -> DataExport:
    """Queue a fresh export, or return the one already being prepared.

    An export still "being prepared" long after it was asked for was lost (the worker died with
    it, or before it was queued): it is marked failed so that the member can ask again.
    """
    DataExport.objects.filter(
        owner=user,
        status=ExportStatus.PENDING,
        created_at__lt=timezone.now() - EXPORT_GIVE_UP_AFTER,
    ).update(status=ExportStatus.FAILED)
    pending = DataExport.objects.filter(owner=user, status=ExportStatus.PENDING).first()
    if pending is not None:
        return pending
    # An expired export is of no use to anyone: drop the member's own now, and everyone's data.
    DataExport.objects.filter(owner=user, expires_at__lte=timezone.now()).delete()
    data_exports_purge()
    export = DataExport.objects.create(owner=user)

    def enqueue() -> None:
        from groundswell.accounts_data.tasks import build_data_export

        build_data_export.enqueue(export_id=str(export.pk))

    transaction.on_commit(enqueue)
    return export


def data_exports_purge() -> int:
    """Empty every expired export, whoever's it is: a copy of someone's data (protected items,
    lived experience) is kept no longer than its link works. Runs whenever a member asks for an
    export and after each is built, so none outlives the next request for one; the rows stay,
    so that an old link still says it has expired."""
    return DataExport.objects.filter(expires_at__lte=timezone.now(), content__isnull=False).update(
        content=None
    )


def data_export_build(*, export_id: str) -> None:
    export = (
        DataExport.objects.select_related("owner")
        .filter(pk=export_id, status=ExportStatus.PENDING)
        .first()
    )
    if export is None:
        return  # already built, or the member deleted their account meanwhile
    try:
        content = member_data(user=export.owner)
    except Exception:
        # Never log the data itself: only which export failed.
        logger.exception("data export %s failed", export.pk)
        DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)
        raise
    export.content = content
    export.status = ExportStatus.READY
    export.save(update_fields=["content", "status"])
    data_exports_purge()


def data_exports_for(*, user: User):
    return DataExport.objects.filter(owner=user).only(
        "id", "owner", "created_at", "expires_at", "status"
    )


# --- Delete my account -----------------------------------------------------------------------


def account_deletion_blockers(*, user: User) -> list[Project]:
    """Projects the member hosts in their own name: they must be handed over first.

    Deleting them would delete everyone else's contributions and votes; leaving them without a
    host breaks the rule that every project has exactly one.
    """
    return list(Project.objects.filter(host_user=user).order_by("question"))


def account_deletion_orphans(*, user: User) -> list[Organisation]:
    """Organisations with members or projects whose only admin is the member.

    Memberships go with the account, so nobody would be left to run them, their projects or
    their invitations: the member must make someone else an admin first.
    """
    others = Membership.objects.filter(organisation=OuterRef("pk"), is_admin=True).exclude(
        user=user
    )
    return list(
        Organisation.objects.filter(memberships__user=user, memberships__is_admin=True)
        .exclude(Exists(others))
        .filter(
            Exists(Membership.objects.filter(organisation=OuterRef("pk")).exclude(user=user))
            | Exists(Project.objects.filter(host_organisation=OuterRef("pk")))
        )
        .order_by("name")
    )


def _unlink_votes(*, user: User) -> set[int]:
    """Give the member's votes one random key, so they still count but lead to nobody."""
    old = voter_key(user)
    projects = set(Vote.objects.filter(voter=old).values_list("project_id", flat=True))
    projects |= set(Comparison.objects.filter(voter=old).values_list("project_id", flat=True))
    if projects:
        # "x" + 30 hex digits fits Vote.voter (32) and cannot clash with "u…" or "p…" keys.
        opaque = "x" + secrets.token_hex(15)
        Vote.objects.filter(voter=old).update(voter=opaque)
        Comparison.objects.filter(voter=old).update(voter=opaque)
    return projects


def _unattribute(queryset) -> None:
    """Keep the items without their author: named ones say "Former member", pseudonymous ones
    keep their pseudonym. Were both to turn into "Former member" at the same moment, anyone who
    had seen them would learn whose the pseudonym was; the pseudonym alone identifies nobody."""
    queryset.filter(attribution=Attribution.PSEUDONYMOUS).update(author=None)
    queryset.filter(attribution=Attribution.NAMED).update(author=None, pseudonym="")


def _delete_comments(comment_ids: list[int]) -> None:
    """Delete the member's comments; one with others' replies is kept, emptied and unattributed."""
    comments = Comment.objects.filter(pk__in=comment_ids)
    keep = set(
        Comment.objects.filter(parent_id__in=comment_ids)
        .exclude(pk__in=comment_ids)
        .values_list("parent_id", flat=True)
    )
    kept = Comment.objects.filter(pk__in=keep)
    # Each keeps its byline's kind, as in _unattribute: a protected one still shows no author.
    _unattribute(kept)
    kept.update(author_role="", author_sector="", body=DELETED_COMMENT)
    touched = set(comments.values_list("contribution_id", flat=True))
    comments.exclude(pk__in=keep).delete()
    # Replies to a deleted comment went with it: recount every thread that lost comments.
    for row in (
        Contribution.objects.filter(pk__in=touched).annotate(n=Count("comments")).values("pk", "n")
    ):
        Contribution.objects.filter(pk=row["pk"]).update(comment_count=row["n"])


def _retire_pseudonym(*, pseudonym: str) -> None:
    """Items kept under the member's pseudonym still show it: nobody may take it up after them
    and pass for its author. Their earlier pseudonyms stay retired too, now held by nobody."""
    if not pseudonym:
        return
    shown = Q(attribution=Attribution.PSEUDONYMOUS, pseudonym=pseudonym)
    if any(
        model.objects.filter(shown).exists() for model in (Contribution, Comment, Statement, Idea)
    ):
        RetiredPseudonym.objects.update_or_create(pseudonym=pseudonym, defaults={"user": None})


def _forget_invitations(*, user: User) -> None:
    """Organisation invitations sent to the member's addresses: the address is theirs, and
    erased with the account (the invitations they accepted would otherwise keep it for good)."""
    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    to_member = Q(pk__in=[])
    for address in addresses - {""}:
        to_member |= Q(email__iexact=address)
    OrganisationInvite.objects.filter(to_member).delete()


def _delete_sessions(*, user_id: int) -> None:
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return  # other engines drop the session on the next request: the user no longer exists
    mine = str(user_id)
    stale = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if s.get_decoded().get("_auth_user_id") == mine
    ]
    Session.objects.filter(session_key__in=stale).delete()


def account_delete(*, user: User, keep_contributions: bool) -> None:
    """Erase the member: personal data goes; what they wrote is deleted or kept unattributed.

    Idempotent: a second call, or a call for an account already gone, does nothing.
    Statements and ideas are always kept unattributed, because others' votes and comparisons
    hang from them; votes are kept under an opaque key so results do not change.
    """
    if user.pk is None:
        return
    with transaction.atomic():
        member = User.objects.select_for_update().filter(pk=user.pk).first()
        if member is None:
            return
        if account_deletion_blockers(user=member):
            raise ValidationError(
                "You host projects in your own name. Hand them over to an organisation, "
                "or ask the site staff to, before deleting your account."
            )
        if account_deletion_orphans(user=member):
            raise ValidationError(
                "You are the only admin of an organisation. Make another member an admin, "
                "or ask the site staff to, before deleting your account."
            )
        protected = protected_items_of(user_id=member.pk)
        own = Q(author=member)
        contributions = Contribution.objects.filter(own | Q(pk__in=protected.ids["contribution"]))
        comment_ids = list(
            Comment.objects.filter(own | Q(pk__in=protected.ids["comment"])).values_list(
                "pk", flat=True
            )
        )
        attachments = []
        if keep_contributions:
            _unattribute(contributions.filter(own))
            _unattribute(Comment.objects.filter(pk__in=comment_ids, author=member))
        else:
            attachments = [c.attachment for c in contributions if c.attachment]
            decisions_forget_words(
                item_kind="contribution", item_ids=list(contributions.values_list("pk", flat=True))
            )
            decisions_forget_words(item_kind="comment", item_ids=comment_ids)
            _delete_comments(comment_ids)
            contributions.delete()
        _unattribute(Statement.objects.filter(author=member))
        _unattribute(Idea.objects.filter(author=member))
        ProtectedAuthorKey.objects.filter(key__in=protected.keys).delete()
        _retire_pseudonym(pseudonym=member.pseudonym)
        _forget_invitations(user=member)
        voted_in = _unlink_votes(user=member)
        _delete_sessions(user_id=member.pk)
        # Memberships, participations, e-mail addresses and data exports cascade with the row.
        member.delete()

        def after() -> None:
            for attachment in attachments:
                attachment.delete(save=False)
            for project_id in voted_in:
                analysis_request(project_id=project_id)
            page_cache_bump(scope="site")

        transaction.on_commit(after)
