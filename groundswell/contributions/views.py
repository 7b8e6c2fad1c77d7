import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from groundswell.contributions import selectors, services
from groundswell.contributions.forms import CommentForm, ContributionForm, FilterForm, LinkForm
from groundswell.contributions.kinds import all_kinds, get_kind
from groundswell.contributions.models import Comment, Status
from groundswell.core.forms import add_service_errors
from groundswell.core.pagecache import cache_page_for_anonymous, project_scopes
from groundswell.core.pagination import paginate, paginate_section
from groundswell.core.ratelimit import rate_limit
from groundswell.projects.permissions import CONTRIBUTION_PHASES, Action, project_get_for_user
from groundswell.projects.selectors import PARTICIPATION_SHOWN_FROM, project_participation
from groundswell.projects.views import project_page_context

# Threads (a comment with its replies) to a page: a much-discussed contribution stays readable.
COMMENTS_PER_PAGE = 50


@cache_page_for_anonymous(project_scopes)
def project_detail(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user)
    context = project_page_context(request, project)
    phases = list(project.phases.all())
    today = timezone.localdate()
    context.update(
        participation=project_participation(project=project),
        participation_shown_from=PARTICIPATION_SHOWN_FROM,
        phases=phases,
        # Before it opens, say when: "not in its current phase" read as closed for good.
        opens_on=next(
            (p.starts_on for p in phases if p.starts_on > today and p.kind in CONTRIBUTION_PHASES),
            None,
        ),
        recent=selectors.contributions_list(project=project, user=request.user)[:10],
        kind_counts=_kind_counts(project),
    )
    return render(request, "projects/detail.html", context)


def _kind_counts(project) -> list[tuple]:
    counts = selectors.kind_counts(project=project)
    return [(kind, counts[kind.slug]) for kind in all_kinds() if counts.get(kind.slug)]


def _list(request, *, project=None):
    form = FilterForm(request.GET or None, kinds=all_kinds())
    filters = form.filters()
    contributions = selectors.contributions_list(project=project, user=request.user, **filters)
    page = paginate(request, contributions, per_page=20)
    return {
        "form": form,
        "page": page,
        "filtered": bool(filters),
        "kinds": {k.slug: k for k in all_kinds()},
    }


@cache_page_for_anonymous(project_scopes)
def contribution_list(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user)
    context = {**project_page_context(request, project), **_list(request, project=project)}
    return render(request, "contributions/list.html", context)


@cache_page_for_anonymous(lambda: ["browse"])
def contribution_browse(request):
    return render(request, "contributions/list.html", _list(request))


@login_required
def contribute_choose(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.CONTRIBUTE)
    return render(
        request,
        "contributions/choose.html",
        {**project_page_context(request, project), "kinds": all_kinds()},
    )


@login_required
@rate_limit("post")
def contribute(request, slug: str, kind: str):
    try:
        project = project_get_for_user(slug=slug, user=request.user, action=Action.CONTRIBUTE)
        refused = None
    except PermissionDenied as denied:
        if request.method != "POST":
            raise
        # The phase may have closed while they wrote (at midnight, say): an error page would
        # lose every word, so the form comes back with them and the reason.
        project = project_get_for_user(slug=slug, user=request.user)
        refused = denied
    kind_def = get_kind(kind)
    if kind_def is None:
        raise Http404("No such kind of contribution")
    data = request.POST if request.method == "POST" else None
    form = ContributionForm(data, kind=kind_def)
    details = kind_def.details_form(data, request.FILES or None)
    if refused is not None:
        form.add_error(
            None, f"{refused} Nothing was published: your text is below for you to keep a copy."
        )
        return _form_page(request, project, kind=kind_def, form=form, details=details, status=403)
    if request.method == "POST" and form.is_valid() & details.is_valid():
        try:
            contribution = services.contribution_create(
                project=project,
                author=request.user,
                kind=kind_def.slug,
                details=request.POST.dict(),
                attachment=request.FILES.get("file"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(details, error)
        else:
            messages.success(
                request,
                "Thank you. Your contribution is waiting for a host to approve it."
                if contribution.status == Status.PENDING
                else "Thank you. Your contribution is published.",
            )
            return redirect(contribution)
    return _form_page(request, project, kind=kind_def, form=form, details=details)


def _form_page(request, project, *, kind, form, details, contribution=None, status=None):
    """The contribution form, for a new contribution or the author's edit of one."""
    if (
        (form.errors or details.errors)
        and request.FILES.get("file")
        and "file" in details.fields
        and "file" not in details.errors
    ):
        # A browser never fills a file box in again: without a word, the file would be
        # missing from the next attempt unnoticed.
        details.add_error(
            "file", "Choose the file again: it is not kept while something else needs fixing."
        )
    return render(
        request,
        "contributions/form.html",
        {
            **project_page_context(request, project),
            "kind": kind,
            "form": form,
            "details": details,
            "contribution": contribution,
        },
        status=status or (400 if form.errors or details.errors else 200),
    )


@cache_page_for_anonymous(project_scopes)
def contribution_detail(request, slug: str, pk: int):
    project = project_get_for_user(slug=slug, user=request.user)
    contribution = selectors.contribution_get(project=project, pk=pk, viewer=request.user)
    return _detail_page(request, _detail_context(request, contribution))


def contribution_attachment(request, slug: str, pk: int):
    # Served through the project door, never from a public media URL: private projects'
    # evidence stays private. Always a download, so an uploaded file can never run as a page.
    project = project_get_for_user(slug=slug, user=request.user)
    contribution = selectors.contribution_get(project=project, pk=pk, viewer=request.user)
    if not contribution.attachment:
        raise Http404("No file attached")
    extension = os.path.splitext(contribution.attachment.name)[1].lower()
    return FileResponse(
        contribution.attachment.open("rb"),
        as_attachment=True,
        # A neutral name: the name it was uploaded under could identify the person.
        filename=f"evidence-{contribution.pk}{extension}",
    )


@login_required
@require_POST
@rate_limit("post")
def comment_add(request, slug: str, pk: int):
    try:
        project = project_get_for_user(slug=slug, user=request.user, action=Action.COMMENT)
    except PermissionDenied as denied:
        # As for a contribution (see contribute): the comment comes back, with the reason.
        project = project_get_for_user(slug=slug, user=request.user)
        contribution = selectors.contribution_get(project=project, pk=pk)
        form = CommentForm(request.POST)
        form.add_error(None, f"{denied} Nothing was posted: your comment is below to keep.")
        context = _detail_context(request, contribution)
        return _detail_page(request, {**context, "refused_comment": form}, status=403)
    contribution = selectors.contribution_get(project=project, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent_id = form.cleaned_data["parent"]
        # A reply to a comment that is missing or in another thread is refused, not quietly
        # posted as a new top-level comment; the service turns away other threads.
        parent = Comment.objects.filter(pk=parent_id).first() if parent_id else None
        try:
            if parent_id and parent is None:
                raise ValidationError({"parent": "You can only reply within the same thread."})
            comment = services.comment_create(
                contribution=contribution,
                author=request.user,
                body=form.cleaned_data["body"],
                attribution=form.cleaned_data["attribution"],
                parent=parent,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your comment is posted.")
            number = _comment_page_number(contribution, request.user, comment.pk)
            query = f"?comments={number}" if number > 1 else ""
            return redirect(f"{contribution.get_absolute_url()}{query}#comment-{comment.pk}")
    return _detail_with_errors(request, contribution, comment_form=form)


@login_required
@require_POST
@rate_limit("post")
def link_add(request, slug: str, pk: int):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.COMMENT)
    contribution = selectors.contribution_get(project=project, pk=pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.link_create(
                source=contribution,
                target_id=form.cleaned_data["target"],
                relation=form.cleaned_data["relation"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Link added.")
            return redirect(f"{contribution.get_absolute_url()}#links")
    return _detail_with_errors(request, contribution, link_form=form)


@never_cache  # the author's own form, as for their page (contribution_detail)
@login_required
@rate_limit("post")
def contribution_edit(request, slug: str, pk: int):
    project = project_get_for_user(slug=slug, user=request.user)
    contribution = selectors.contribution_get(project=project, pk=pk, viewer=request.user)
    if not services.is_author(item=contribution, user=request.user):
        raise PermissionDenied("Only the author can edit a contribution.")
    kind_def = get_kind(contribution.kind)
    data = request.POST if request.method == "POST" else None
    initial = {"title": contribution.title, "body": contribution.body}
    initial["sector"] = contribution.sector if contribution.sector != project.sector else ""
    form = ContributionForm(data, kind=kind_def, editing=True, initial=initial)
    details = kind_def.details_form(data, request.FILES or None, initial=contribution.details)
    if request.method == "POST" and form.is_valid() & details.is_valid():
        try:
            services.contribution_edit(
                contribution=contribution,
                by=request.user,
                details=request.POST.dict(),
                attachment=request.FILES.get("file"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(details, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(contribution)
    return _form_page(
        request, project, kind=kind_def, form=form, details=details, contribution=contribution
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_withdraw(request, slug: str, pk: int):
    project = project_get_for_user(slug=slug, user=request.user)
    contribution = selectors.contribution_get(project=project, pk=pk, viewer=request.user)
    if request.method == "GET":
        # Asked first: withdrawing cannot be undone, and the button sat beside "Edit".
        if not services.is_author(item=contribution, user=request.user):
            raise PermissionDenied("Only the author can withdraw a contribution.")
        context = {**project_page_context(request, project), "contribution": contribution}
        return render(request, "contributions/withdraw.html", context)
    services.contribution_withdraw(contribution=contribution, by=request.user)
    messages.success(request, "Your contribution is withdrawn.")
    return redirect(project)


def _detail_with_errors(request, contribution, **forms):
    return _detail_page(request, _detail_context(request, contribution, **forms), status=400)


def _detail_page(request, context, *, status=200):
    response = render(request, "contributions/detail.html", context, status=status)
    if context["is_author"]:
        # "You wrote this", with the edit and withdraw buttons: a copy kept by the browser would
        # show it again to whoever presses Back on a shared computer after the author logged out.
        # Only the author's page: everyone else's stays in the page cache.
        add_never_cache_headers(response)
    return response


def _replying_to(comment_form) -> int | None:
    """The comment a refused comment form replied to, if it was a reply."""
    if comment_form is None or not comment_form.errors:
        return None
    return comment_form.cleaned_data.get("parent")


def _comment_page_number(contribution, viewer, comment_id: int) -> int:
    return selectors.comment_thread_page(
        contribution=contribution, comment_id=comment_id, viewer=viewer, per_page=COMMENTS_PER_PAGE
    )


def _detail_context(request, contribution, *, comment_form=None, link_form=None) -> dict:
    kind_def = get_kind(contribution.kind)
    context = project_page_context(request, contribution.project)
    replying_to = _replying_to(comment_form)
    comments = paginate_section(
        request,
        selectors.comments_for(contribution=contribution, viewer=request.user),
        param="comments",
        section="comments-title",
        per_page=COMMENTS_PER_PAGE,
        path=contribution.get_absolute_url(),
        # A refused reply comes back on the page of its thread, wherever the form was posted.
        number=(
            _comment_page_number(contribution, request.user, replying_to) if replying_to else None
        ),
    )
    if context["can"].get(Action.COMMENT):
        for comment in comments:
            if comment.pk == replying_to:
                # A refused reply comes back in its own reply box, open, with its errors and
                # text; in the box for new comments it would look like one, yet post a reply.
                comment_form.auto_id = f"id_reply{comment.pk}_%s"
                comment.reply_form, comment_form = comment_form, None
                continue
            comment.reply_form = CommentForm(
                auto_id=f"id_reply{comment.pk}_%s", initial={"parent": comment.pk}
            )
    return {
        **context,
        "contribution": contribution,
        "hidden_by_block": selectors.hidden_by_block(item=contribution, viewer=request.user),
        "kind": kind_def,
        "detail_rows": kind_def.display(contribution.details) if kind_def else [],
        "is_author": services.is_author(item=contribution, user=request.user),
        "comments": comments,
        "links": selectors.contribution_links(contribution=contribution),
        "comment_form": comment_form or CommentForm(),
        "link_form": link_form or LinkForm(),
    }
