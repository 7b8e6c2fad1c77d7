from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from groundswell.core.forms import add_service_errors
from groundswell.core.pagination import page_query, paginate
from groundswell.core.ratelimit import rate_limit
from groundswell.deliberation import selectors, services
from groundswell.deliberation.coordination import SETTINGS as COORDINATION_SETTINGS
from groundswell.deliberation.coordination import coordination_report
from groundswell.deliberation.forms import (
    ComparisonForm,
    IdeaForm,
    PolisImportForm,
    SettingsForm,
    StatementForm,
    StatementsSeedForm,
    VoteForm,
)
from groundswell.deliberation.models import (
    MIN_PERSPECTIVE_VOTERS,
    IdeaStatus,
    StatementStatus,
    VoteValue,
)
from groundswell.deliberation.opinion_map import opinion_map
from groundswell.deliberation.polis import polis_export_zip, polis_import_start
from groundswell.people.perspectives import Role
from groundswell.projects.permissions import (
    CONTRIBUTION_PHASES,
    Action,
    can,
    project_get_for_user,
)
from groundswell.projects.selectors import PARTICIPATION_SHOWN_FROM, project_participation
from groundswell.projects.views import project_page_context

STATEMENTS_PER_PAGE = 50
PENDING_SHOWN = 20  # statements waiting for a host, listed above the statement table


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _vote_context(request, project, *, statement_form=None, seed_form=None) -> dict:
    remaining = selectors.statements_for_voting(project=project, user=request.user)
    settings = services.deliberation_settings(project=project)
    statement = remaining.first()
    return {
        **project_page_context(request, project),
        "statement": statement,
        "remaining": remaining.count() if statement else 0,
        # "Voted on every statement" only when there were statements to vote on.
        "any_open": statement is not None or selectors.statements_open_exist(project=project),
        # A card swapped in by htmx takes the focus: the button pressed has just gone.
        "swapped": _is_htmx(request),
        "vote_choices": VoteValue.choices,
        "settings": settings,
        "statement_lang": settings.statement_language,
        "statement_form": statement_form or StatementForm(),
        # What became of the member's own statements a host has not opened for votes; the full
        # page lists them, a card swapped in after a vote does not.
        "mine_not_open": []
        if _is_htmx(request)
        else selectors.statements_mine_not_open(project=project, user=request.user),
        # Its own prefix: the page's two forms must not share field ids.
        "seed_form": seed_form or StatementsSeedForm(prefix="seed"),
    }


def _project_for_statements(*, slug: str, user):
    """The project, for voting and adding statements or ideas: members while its phase takes
    them, and its hosts at any time, to seed statements and ideas before voting opens
    (statement_create and idea_create let them)."""
    try:
        return project_get_for_user(slug=slug, user=user, action=Action.CONTRIBUTE)
    except PermissionDenied as refused:
        try:
            return project_get_for_user(slug=slug, user=user, action=Action.EDIT)
        except PermissionDenied:
            raise refused from None


@login_required
# htmx swaps each vote in place: a copy of the page kept by the browser still shows the first
# statement and count, and the back button would bring that back as if no vote had been cast.
@never_cache
def vote(request, slug: str):
    project = _project_for_statements(slug=slug, user=request.user)
    return render(request, "deliberation/vote.html", _vote_context(request, project))


@login_required
@require_POST
@rate_limit("vote")
def vote_cast(request, slug: str, pk: int):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.CONTRIBUTE)
    statement = selectors.statement_open_get(project=project, pk=pk)
    if statement is None:
        return _statement_not_open(request, project)
    form = VoteForm(request.POST)
    refused = True
    if not form.is_valid():
        # Only a tampered form gets here; say so where the member is, as for a refused vote.
        messages.error(request, "Choose agree, disagree or pass.")
    else:
        try:
            services.vote_cast(
                statement=statement, user=request.user, value=form.cleaned_data["value"]
            )
            refused = False
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    if _is_htmx(request):
        return render(request, "deliberation/_vote_card.html", _vote_context(request, project))
    if request.POST.get("next") == "statements":
        return redirect(_statements_url(slug=slug, page=request.POST.get("page"), pk=statement.pk))
    # Without JavaScript, back at the card rather than the top of the page: the next statement
    # and its buttons in view on a phone, and the next Tab on its first button. A refusal's
    # message is at the top of the page, so that is where a refused vote goes back to.
    url = reverse("deliberation:vote", kwargs={"slug": slug})
    return redirect(url if refused else f"{url}#vote-card")


def _statement_not_open(request, project) -> HttpResponse:
    """The same answer whether the statement does not exist or is not open (see
    STATEMENT_NOT_OPEN): the message, with the next statement to vote on, as a member whose
    statement was just taken down needs. A 404, but for htmx, which swaps in no 404 answer: it
    gets the card with the message in place, as for a refused vote."""
    messages.error(request, selectors.STATEMENT_NOT_OPEN)
    if _is_htmx(request):
        return render(request, "deliberation/_vote_card.html", _vote_context(request, project))
    if request.POST.get("next") == "statements":
        # Back to the list the vote came from (the same for any statement not open).
        return redirect(_statements_url(slug=project.slug, page=request.POST.get("page")))
    return render(request, "deliberation/vote.html", _vote_context(request, project), status=404)


def _statements_url(*, slug: str, page: str | None, pk: int | None = None) -> str:
    """Back to the page of the statement list the vote came from, at the statement's row."""
    url = reverse("deliberation:statements", kwargs={"slug": slug}) + page_query(page)
    return f"{url}#statement-{pk}" if pk else url


@login_required
@require_POST
@rate_limit("post")
def statement_add(request, slug: str):
    project = _project_for_statements(slug=slug, user=request.user)
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            statement = services.statement_create(
                project=project, author=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if statement.status == "pending":
                done = "Thank you. Your statement will appear once a host has approved it."
            elif can(user=request.user, action=Action.CONTRIBUTE, project=project):
                done = "Thank you. Your statement is now open for votes."
            else:  # a host seeding statements before voting opens
                done = "Statement added. People can vote on it once voting opens."
            messages.success(request, done)
            return redirect("deliberation:vote", slug=slug)
    context = _vote_context(request, project, statement_form=form)
    return render(request, "deliberation/vote.html", context, status=400)


@login_required
@require_POST
# One list is one post: hosts seeding a project are not stopped after 30 statements, and
# members' single statements are counted as before (only hosts can send this form).
@rate_limit("post")
def statements_seed(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.EDIT)
    form = StatementsSeedForm(request.POST, prefix="seed")
    if form.is_valid():
        try:
            added = services.statements_seed(
                project=project,
                author=request.user,
                lines=form.cleaned_data["statements"],
                attribution=form.cleaned_data["attribution"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = f"{len(added)} statement{'s' if len(added) != 1 else ''} added."
            if not can(user=request.user, action=Action.CONTRIBUTE, project=project):
                done += " People can vote on them once voting opens."
            messages.success(request, done)
            return redirect("deliberation:vote", slug=slug)
    context = _vote_context(request, project, seed_form=form)
    return render(request, "deliberation/vote.html", context, status=400)


def statements(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user)
    context = project_page_context(request, project)
    page = paginate(
        request,
        selectors.statements_open_with_counts(project=project),
        per_page=STATEMENTS_PER_PAGE,
    )
    pending = selectors.statements_pending(project=project).order_by("id")
    moderates = context["can"].get("moderate")
    may_add = context["can"].get("edit") or (
        context["can"].get("contribute")
        and selectors.participants_may_add_statements(project=project)
    )
    context.update(
        may_add_statements=may_add,
        # Whether a visitor who logs in could vote: else "Log in to vote" leads to a refusal.
        voting_open=context["phase"] in CONTRIBUTION_PHASES,
        page=page,
        statements=selectors.statements_mark_my_votes(
            statements=list(page.object_list), project=project, user=request.user
        ),
        # The oldest few here; the moderation queue pages through all of them.
        pending=list(pending[:PENDING_SHOWN]) if moderates else [],
        pending_count=pending.count() if moderates else 0,
        rejected_count=selectors.statements_rejected(project=project).count() if moderates else 0,
        # A member's own statements a host has yet to read are in no list here: without a word
        # the list reads as if theirs was lost (hosts see them all above the table).
        mine_waiting=0
        if moderates
        else sum(
            s.status == StatementStatus.PENDING
            for s in selectors.statements_mine_not_open(project=project, user=request.user)
        ),
        vote_choices=VoteValue.choices,
        **selectors.statement_labels(project=project),
    )
    if context["pending"]:
        # What a one-click accept or reject did is said in the list of those still waiting,
        # where the host goes on (moderation.views.statement_moderate tags it "in-page").
        shown = list(messages.get_messages(request))
        context["messages"] = [m for m in shown if "in-page" not in (m.extra_tags or "")]
        context["pending_messages"] = [m for m in shown if "in-page" in (m.extra_tags or "")]
    return render(request, "deliberation/statements.html", context)


@login_required
def statements_rejected(request, slug: str):
    """For hosts: the rejected statements, to look over and accept after all."""
    project = project_get_for_user(slug=slug, user=request.user, action=Action.MODERATE)
    context = project_page_context(request, project)
    context.update(
        page=paginate(
            request, selectors.statements_rejected(project=project), per_page=STATEMENTS_PER_PAGE
        ),
        **selectors.statement_labels(project=project),
    )
    return render(request, "deliberation/statements_rejected.html", context)


@login_required
@rate_limit("vote")
def compare(request, slug: str):
    if request.method != "POST":
        # Hosts see the page in any phase, to add ideas to the pool before comparing opens.
        project = _project_for_statements(slug=slug, user=request.user)
        return render(request, "deliberation/compare.html", _compare_context(request, project))
    project = project_get_for_user(slug=slug, user=request.user, action=Action.CONTRIBUTE)
    form = ComparisonForm(request.POST)
    if form.is_valid():
        try:
            services.comparison_record(
                project=project,
                user=request.user,
                first_id=form.cleaned_data["first"],
                second_id=form.cleaned_data["second"],
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("deliberation:compare", slug=slug)
        # As after a vote: at the next pair, not the top of the page.
        return redirect(reverse("deliberation:compare", kwargs={"slug": slug}) + "#pair-title")
    messages.error(request, "Choose one of the two ideas, or can't decide.")
    return render(
        request, "deliberation/compare.html", _compare_context(request, project), status=400
    )


@login_required
@require_POST
@rate_limit("post")
def idea_add(request, slug: str):
    project = _project_for_statements(slug=slug, user=request.user)
    form = IdeaForm(request.POST)
    if form.is_valid():
        try:
            idea = services.idea_create(project=project, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if idea.status == IdeaStatus.PENDING:
                done = "Thank you. Your idea will join the pool once a host has approved it."
            elif can(user=request.user, action=Action.CONTRIBUTE, project=project):
                done = "Your idea is in the pool."
            else:  # a host seeding ideas before comparing opens
                done = "Idea added. People can compare it once the project takes contributions."
            messages.success(request, done)
            return redirect("deliberation:compare", slug=slug)
    context = _compare_context(request, project, idea_form=form)
    return render(request, "deliberation/compare.html", context, status=400)


def _compare_context(request, project, *, idea_form=None) -> dict:
    context = project_page_context(request, project)
    # No pair for a host while the phase takes no comparisons: they could not record one.
    found = (
        selectors.idea_pair(project=project, user=request.user)
        if context["can"].get("contribute")
        else None
    )
    return {
        **context,
        "ideas_waiting": selectors.ideas_waiting_count(project=project)
        if context["can"].get("moderate")
        else 0,
        "pair": found if isinstance(found, tuple) else None,
        # Not "too few ideas" when the member has simply compared every pair there is.
        "compared_all": found == selectors.NoPair.COMPARED_ALL,
        "settings": services.deliberation_settings(project=project),
        "idea_form": idea_form or IdeaForm(),
    }


def results(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user)
    snapshot = selectors.analysis_snapshot(project=project)
    results = selectors.analysis_results(project=project, snapshot=snapshot)
    context = project_page_context(request, project)
    context.update(
        snapshot=snapshot,
        result=_present(results) if results else None,
        participation=project_participation(project=project),
        participation_shown_from=PARTICIPATION_SHOWN_FROM,
        imported_participants=selectors.imported_participants_count(project=project),
        **selectors.statement_labels(project=project),
        trust=selectors.voter_trust_tiers(project=project),
        min_perspective_voters=MIN_PERSPECTIVE_VOTERS,
    )
    return render(request, "deliberation/results.html", context)


@login_required
def coordination(request, slug: str):
    """For hosts: groups of new accounts that voted alike within a short time."""
    project = project_get_for_user(slug=slug, user=request.user, action=Action.MODERATE)
    return render(
        request,
        "deliberation/coordination.html",
        {
            **project_page_context(request, project),
            "rings": coordination_report(project=project),
            "settings": {
                **COORDINATION_SETTINGS,
                "window_hours": round(COORDINATION_SETTINGS["window_seconds"] / 3600),
                "agreement_percent": round(COORDINATION_SETTINGS["min_agreement"] * 100),
            },
        },
    )


def export_polis(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user)
    if project.is_private:
        raise Http404("Private projects do not publish their data")
    response = HttpResponse(polis_export_zip(project=project), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-polis.zip"'
    return response


@login_required
def settings_edit(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.EDIT)
    form = SettingsForm(
        request.POST or None, instance=services.deliberation_settings(project=project)
    )
    if request.method == "POST" and form.is_valid():
        services.deliberation_settings_update(
            project=project, by=request.user, **{f: form.cleaned_data[f] for f in form.Meta.fields}
        )
        messages.success(request, "Saved.")
        return redirect("deliberation:statements", slug=slug)
    return render(
        request,
        "deliberation/settings.html",
        {**project_page_context(request, project), "form": form},
    )


@never_cache
@login_required
@rate_limit("post")
def polis_import(request, slug: str):
    """Hosts upload a Pol.is export; a background task imports it while this page, asking
    again every few seconds (htmx; a link without JavaScript), says how it goes."""
    project = project_get_for_user(slug=slug, user=request.user, action=Action.EDIT)
    latest = selectors.polis_import_latest(project=project)
    if _is_htmx(request) and latest and request.GET.get("seen") == latest.status:
        # Nothing new: htmx swaps nothing in, so the status is not read out again and the
        # focus stays where it is.
        return HttpResponse(status=204)
    form = PolisImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            polis_import_start(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Files received. They are imported in the background; this page says how it goes.",
            )
            return redirect("deliberation:polis_import", slug=slug)
    return render(
        request,
        "deliberation/polis_import.html",
        {
            **project_page_context(request, project),
            "form": form,
            "latest": latest,
            "imported_from": services.deliberation_settings(project=project).imported_from,
        },
        status=400 if form.errors else 200,
    )


def _present(result: dict) -> dict:
    """The named results with group letters, perspectives in words and the map scaled for SVG."""
    groups = [{**g, "label": chr(ord("A") + i)} for i, g in enumerate(result["groups"])]
    perspective = result["bridging_perspective"]
    if perspective:
        # Stored as role codes ("service_user"); people read the role's name.
        roles = dict(Role.choices)
        perspective = {
            **perspective,
            "perspectives": [roles.get(p, p) for p in perspective["perspectives"]],
            "top": [
                {**r, "weakest": roles.get(r["weakest"], r["weakest"])} for r in perspective["top"]
            ],
        }
    # Only people who voted on enough statements are clustered: the rest are in no group and
    # not on the map, and the page has to say so or its numbers do not add up.
    grouped = sum(g["size"] for g in groups)
    return {
        **result,
        "grouped": grouped,
        "ungrouped": max(result.get("participants", 0) - grouped, 0),
        "groups": groups,
        # The intercept is support beyond the average statement's: one at or below zero is no
        # common ground, however high it ranks among few statements.
        "bridging_latent": [r for r in result["bridging_latent"] if r["score"] > 0],
        "bridging_perspective": perspective,
        "map": opinion_map(points=result.get("points", []), groups=groups),
    }
