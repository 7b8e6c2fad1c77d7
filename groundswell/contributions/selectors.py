import re

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from groundswell.contributions.authorship import is_protected_author
from groundswell.contributions.models import (
    Attributed,
    Attribution,
    Comment,
    CommentStatus,
    Contribution,
    ContributionLink,
    Status,
)
from groundswell.organisations.selectors import verified_roles_prefetch
from groundswell.people.models import Block
from groundswell.projects.models import Project
from groundswell.projects.permissions import Action, can
from groundswell.projects.selectors import projects_visible_to

_WORD = re.compile(r"\w+", re.UNICODE)


def _search_words(q: str) -> list[str]:
    return _WORD.findall(q)[:20]


def _fts5_query(words: list[str]) -> str:
    # Quote every word so user input can never be FTS5 syntax; the last word matches as a prefix.
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _tsquery(words: list[str]) -> str:
    """The same search for PostgreSQL: every word, the last as a prefix. websearch_to_tsquery
    read the query differently from SQLite: "care -visit" left out what SQLite required, and
    "care-leavers" found only the hyphenated spelling. A word (letters, digits, _) holds no
    quote, so quoting it keeps it from being tsquery syntax."""
    quoted = [f"'{w}'" for w in words]
    quoted[-1] += ":*"
    return " & ".join(quoted)


def _search(qs: QuerySet[Contribution], q: str) -> QuerySet[Contribution]:
    words = _search_words(q)
    if not words:
        # Nothing to search for: both databases leave the list unfiltered.
        return qs
    if connection.vendor == "sqlite":
        return qs.filter(
            id__in=RawSQL(
                "SELECT rowid FROM contributions_fts WHERE contributions_fts MATCH %s",
                [_fts5_query(words)],
            )
        )
    # search_vector is a stored column with a GIN index (migration 0005). Matching the expression
    # to_tsvector(search_text) instead made PostgreSQL parse every row's text whenever it chose
    # a scan over the index: seconds to count a common word.
    return qs.filter(
        id__in=RawSQL(
            "SELECT id FROM contributions_contribution"
            " WHERE search_vector @@ to_tsquery('english'::regconfig, %s)",
            [_tsquery(words)],
        )
    )


# Only these can be hidden by a block. A protected item must never be: hiding it would tell the
# blocker that the member they blocked wrote it.
# Only named items: hiding a member's pseudonymous items from someone who blocked them by name
# would show the blocker which pseudonym is theirs; hiding protected ones, which items they wrote.
BLOCKABLE = (Attribution.NAMED,)


def without_blocked(qs: QuerySet, *, viewer) -> QuerySet:
    """Leave out the named items of members `viewer` has blocked."""
    if viewer is None or not viewer.is_authenticated:
        return qs
    blocked = Block.objects.filter(blocker_id=viewer.pk).values("blocked_id")
    return qs.exclude(Q(attribution__in=BLOCKABLE) & Q(author_id__in=blocked))


def hidden_by_block(*, item: Attributed, viewer) -> bool:
    """True when `viewer` blocked the author of this named item."""
    if item.attribution not in BLOCKABLE or item.author_id is None:
        return False
    if viewer is None or not viewer.is_authenticated:
        return False
    return Block.objects.filter(blocker_id=viewer.pk, blocked_id=item.author_id).exists()


def contributions_list(
    *,
    project: Project | None = None,
    user=None,
    kind: str = "",
    sector: str = "",
    author_role: str = "",
    q: str = "",
) -> QuerySet[Contribution]:
    """Published contributions in one project, or in every project the user can see.

    Named ones whose author the user has blocked are left out (see BLOCKABLE).
    """
    qs = (
        Contribution.objects.filter(status=Status.PUBLISHED)
        .select_related("author", "project")
        .prefetch_related(verified_roles_prefetch())
    )
    if project is not None:
        qs = qs.filter(project=project)
    else:
        qs = qs.filter(project__in=projects_visible_to(user=user).values("pk"))
    qs = without_blocked(qs, viewer=user)
    if kind:
        qs = qs.filter(kind=kind)
    if sector:
        qs = qs.filter(sector=sector)
    if author_role:
        qs = qs.filter(author_role=author_role)
    if q.strip():
        qs = _search(qs, q.strip())
    return qs.order_by("-created_at", "-id")


def contribution_get(*, project: Project, pk: int, viewer=None) -> Contribution:
    """A contribution in a project the caller has already been let into (see project door).

    Only published ones, except that a contribution waiting for a host or hidden by one is
    shown to the project's hosts and to its author (`viewer`); a removed one to nobody.
    """
    contribution = (
        Contribution.objects.select_related("author")
        .filter(project=project, pk=pk)
        .exclude(status__in=[Status.WITHDRAWN, Status.REMOVED])
        .first()
    )
    if contribution is None:
        raise Http404("No such contribution")
    if contribution.status != Status.PUBLISHED and not _may_see_held(contribution, viewer):
        raise Http404("No such contribution")
    contribution.project = project  # the door's copy, with its phases already fetched
    return contribution


def _may_see_held(contribution: Contribution, viewer) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    if can(user=viewer, action=Action.MODERATE, project=contribution.project):
        return True
    if contribution.is_protected:
        return is_protected_author(
            object_kind="contribution", object_id=contribution.pk, user=viewer
        )
    return contribution.author_id == viewer.pk


def contribution_links(*, contribution: Contribution) -> dict[str, list[ContributionLink]]:
    # A join, not `IN (published contributions)`: SQLite built that list from the whole table.
    out_links = contribution.links_out.filter(target__status=Status.PUBLISHED).select_related(
        "target"
    )
    in_links = contribution.links_in.filter(source__status=Status.PUBLISHED).select_related(
        "source"
    )
    return {"outgoing": list(out_links), "incoming": list(in_links)}


def comments_for(*, contribution: Contribution, viewer=None) -> QuerySet[Comment]:
    """Top-level comments, each with its replies, in the order they were written.

    Named comments by members the viewer has blocked are left out, and so are the replies under a
    left-out comment; pseudonymous and protected comments always stay. A queryset, so that a page
    of threads is read, and the replies and badges of that page only.
    """
    replies = without_blocked(
        Comment.objects.filter(status=CommentStatus.PUBLISHED)
        .select_related("author")
        .prefetch_related(verified_roles_prefetch())
        .order_by("created_at", "id"),
        viewer=viewer,
    )
    return (
        without_blocked(
            contribution.comments.filter(parent__isnull=True, status=CommentStatus.PUBLISHED),
            viewer=viewer,
        )
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies), verified_roles_prefetch())
        .order_by("created_at", "id")
    )


def comment_thread_page(
    *, contribution: Contribution, comment_id: int, viewer=None, per_page: int
) -> int:
    """The page of comments_for that shows the thread of comment `comment_id`: where to send
    someone after they comment or reply. Page 1 when the thread is not shown."""
    comment = contribution.comments.filter(pk=comment_id).values("parent_id").first()
    if comment is None:
        return 1
    thread = (
        contribution.comments.filter(pk=comment["parent_id"] or comment_id)
        .values("id", "created_at")
        .first()
    )
    if thread is None:
        return 1
    before = (
        comments_for(contribution=contribution, viewer=viewer)
        .filter(
            Q(created_at__lt=thread["created_at"])
            | Q(created_at=thread["created_at"], id__lt=thread["id"])
        )
        .count()
    )
    return before // per_page + 1


def kind_counts(*, project: Project) -> dict[str, int]:
    return dict(
        Contribution.objects.filter(project=project, status=Status.PUBLISHED)
        .values_list("kind")
        .annotate(n=Count("*"))  # not COUNT(id): the (project, kind, status) index alone answers
        .values_list("kind", "n")
    )
