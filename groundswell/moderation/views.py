"""Thin pages: find through the project door, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from groundswell.core.forms import add_service_errors
from groundswell.core.pagination import page_query, paginate, paginate_section
from groundswell.core.ratelimit import rate_limit
from groundswell.deliberation.models import StatementStatus
from groundswell.deliberation.selectors import statement_get, statements_pending
from groundswell.moderation import selectors, services
from groundswell.moderation.forms import (
    AppealDecisionForm,
    AppealForm,
    DecisionForm,
    FlagForm,
    ModerationSettingsForm,
    StatementModerationForm,
)
from groundswell.moderation.items import ITEM_TYPES, item_type
from groundswell.moderation.models import Appeal
from groundswell.projects.permissions import Action, project_get_for_user
from groundswell.projects.views import project_page_context

PENDING_SHOWN = 50
# An item a crowd reported: its reports in pages, so the decision form stays within reach.
REPORTS_PER_PAGE = 50


def _posted(request):
    # An empty POST is still a submission: it must show "required" errors, not a fresh form.
    return request.POST if request.method == "POST" else None


def _item_or_404(project, kind: str, pk: int):
    kind_def = item_type(kind)
    item = kind_def.get(project=project, pk=pk) if kind_def else None
    if item is None:
        raise Http404("Nothing to moderate there")
    return kind_def, item


@login_required
@rate_limit("post")
def flag(request, slug: str, kind: str, pk: int):
    project = project_get_for_user(slug=slug, user=request.user)
    kind_def, item = _item_or_404(project, kind, pk)
    if not kind_def.is_public(item):
        raise Http404("Nothing to report there")
    form = FlagForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            _, created = services.flag_create(
                project=project, item_type=kind_def, item=item, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Thank you. A host will look at it."
                if created
                else "You have already reported this. A host will look at it.",
            )
            return redirect(kind_def.url(item))
    return render(
        request,
        "moderation/flag.html",
        {
            **project_page_context(request, project),
            "form": form,
            "item_type": kind_def,
            "item": item,
            "excerpt": kind_def.excerpt(item, 200),
        },
        status=400 if form.errors else 200,
    )


def _with_items(appeals) -> list:
    """Open appeals, each decision with the start of its item: which one the appeal is about."""
    appeals = list(appeals)
    selectors.decisions_with_items([a.decision for a in appeals])
    return appeals


def _queue_context(request, *, project=None) -> dict:
    page = paginate(request, selectors.flagged_items(project=project), per_page=20)
    pending = paginate_section(
        request,
        selectors.contributions_pending(project=project),
        param="contributions_page",
        section="pending-title",
        per_page=PENDING_SHOWN,
    )
    statements = paginate_section(
        request,
        selectors.statements_pending(project=project),
        param="statements_page",
        section="pending-statements-title",
        per_page=PENDING_SHOWN,
    )
    ideas = paginate_section(
        request,
        selectors.ideas_pending(project=project),
        param="ideas_page",
        section="pending-ideas-title",
        per_page=PENDING_SHOWN,
    )
    return {
        "page": page,
        "entries": selectors.queue_entries(rows=page.object_list),
        "pending": pending,
        "pending_statements": statements,
        "pending_ideas": ideas,
        "appeals": _with_items(selectors.appeals_open(project=project)[:PENDING_SHOWN]),
        "item_types": ITEM_TYPES,
    }


@login_required
def queue(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.MODERATE)
    context = {**project_page_context(request, project), **_queue_context(request, project=project)}
    context["settings_form"] = ModerationSettingsForm(
        initial={"mode": project.contribution_moderation}
    )
    return render(request, "moderation/queue.html", context)


@login_required
def site_queue(request):
    # Site moderators are the site's staff (is_staff): the same people as the Django admin.
    if not request.user.is_staff:
        raise PermissionDenied("Only site moderators can see every project's queue.")
    return render(request, "moderation/queue.html", _queue_context(request))


@login_required
@require_POST
def settings_edit(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.EDIT)
    form = ModerationSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.contribution_moderation_set(
                project=project, by=request.user, mode=form.cleaned_data["mode"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Moderation setting saved.")
            return redirect("moderation:queue", slug=slug)
    context = {**project_page_context(request, project), **_queue_context(request, project=project)}
    context["settings_form"] = form
    return render(request, "moderation/queue.html", context, status=400)


@login_required
def decide(request, slug: str, kind: str, pk: int):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.MODERATE)
    kind_def, item = _item_or_404(project, kind, pk)
    outcomes = services.outcomes_for(item_type=kind_def, item=item)
    form = DecisionForm(_posted(request), outcomes=outcomes, status=item.status)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_make(
                project=project, item_type=kind_def, item=item, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            # The service read the item again: offer what may be decided about it now.
            form.outcomes_set(services.outcomes_for(item_type=kind_def, item=item))
        else:
            messages.success(request, f"Decision recorded: {decision.get_outcome_display()}.")
            return redirect("moderation:queue", slug=slug)
    return render(
        request,
        "moderation/decide.html",
        {
            **project_page_context(request, project),
            "form": form,
            "item_type": kind_def,
            "item": item,
            "flags": paginate_section(
                request,
                selectors.open_flags_for(item_type=kind_def, item=item),
                param="reports",
                section="reports-title",
                per_page=REPORTS_PER_PAGE,
            ),
            "decisions": selectors.decisions_for_item(item_type=kind_def, item=item),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def statement_moderate(request, slug: str, pk: int):
    """The statements page's one-click accept or reject: a decision like any other."""
    project = project_get_for_user(slug=slug, user=request.user, action=Action.MODERATE)
    statement = statement_get(project=project, pk=pk)
    if statement is None:
        raise Http404("No such statement")
    form = StatementModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["decision"]))
        return redirect("deliberation:statements", slug=slug)
    accept = form.cleaned_data["decision"] == "accept"
    seen = request.POST.get("seen")
    from_rejected = request.POST.get("next") == "rejected"
    # Back to the list of those still waiting, with the outcome shown there: a host working
    # down a long list goes on from where they were, not from the top of the page.
    in_list = (
        not from_rejected and statements_pending(project=project).exclude(pk=statement.pk).exists()
    )
    tags = "in-page" if in_list else ""
    try:
        services.statement_moderate(
            statement=statement,
            by=request.user,
            accept=accept,
            # What the host's list showed (waiting, or rejected), sent with the click.
            seen=seen if seen in (StatementStatus.PENDING, StatementStatus.REJECTED) else None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages), extra_tags=tags)
    else:
        quoted = f"“{Truncator(statement.text).chars(80)}”"
        messages.success(
            request,
            f"Statement accepted. {quoted} is open for votes, and its author is told."
            if accept
            else f"Statement rejected. {quoted} is not open for votes; its author is told and "
            "can appeal.",
            extra_tags=tags,
        )
    if from_rejected:
        # Back to the page of the list the host was working on (an imported conversation can
        # have hundreds of comments left out), not its first page.
        url = reverse("deliberation:statements_rejected", kwargs={"slug": slug})
        return redirect(url + page_query(request.POST.get("page")))
    url = reverse("deliberation:statements", kwargs={"slug": slug})
    return redirect(f"{url}#pending-title" if in_list else url)


@login_required
def appeal_decide(request, slug: str, pk: int):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.MODERATE)
    appeal = (
        Appeal.objects.select_related("decision__project").filter(pk=pk, decision__project=project)
    ).first()
    if appeal is None:
        raise Http404("No such appeal")
    decision = appeal.decision
    kind_def = item_type(decision.item_kind)
    item = kind_def.get(project=project, pk=decision.item_id)
    form = AppealDecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_decide(
                appeal=appeal, item_type=kind_def, item=item, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Appeal decided.")
            return redirect("moderation:queue", slug=slug)
    return render(
        request,
        "moderation/appeal_decide.html",
        {
            **project_page_context(request, project),
            "form": form,
            "appeal": appeal,
            "decision": decision,
            "item_type": kind_def,
            "item": item,
        },
        status=400 if form.errors else 200,
    )


def log(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user)
    page = paginate(request, selectors.moderation_log(project=project), per_page=30)
    return render(
        request,
        "moderation/log.html",
        {**project_page_context(request, project), "page": page, "item_types": ITEM_TYPES},
    )


# The member's own notices, protected items among them: a copy kept by the browser would show
# them again to whoever presses Back on a shared computer after the member has logged out.
@never_cache
@login_required
def notices(request):
    page = paginate(request, selectors.decisions_about_me(user=request.user), per_page=20)
    page.object_list = selectors.decisions_with_items(list(page.object_list))
    return render(request, "moderation/notices.html", {"page": page, "item_types": ITEM_TYPES})


@never_cache  # as for the notices
@login_required
@rate_limit("post")
def appeal(request, pk: int):
    decision = selectors.decision_get_mine(user=request.user, pk=pk)
    if decision is None:
        raise Http404("No such notice")
    # The author must see which of their items they are appealing, even one the public never saw.
    (decision,) = selectors.decisions_with_items([decision])
    form = AppealForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_make(
                decision=decision,
                item_type=item_type(decision.item_kind),
                by=request.user,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your appeal is sent. A host will look at it.")
            return redirect("moderation:notices")
    return render(
        request,
        "moderation/appeal.html",
        {"form": form, "decision": decision, "item_types": ITEM_TYPES},
        status=400 if form.errors else 200,
    )
