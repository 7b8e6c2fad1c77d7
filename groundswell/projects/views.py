from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_POST

from groundswell.core.forms import add_service_errors
from groundswell.core.pagecache import cache_page_for_anonymous, page_cache_refuse
from groundswell.core.pagination import paginate
from groundswell.core.ratelimit import rate_limit
from groundswell.projects import services
from groundswell.projects.forms import InviteCodesForm, InviteLinkForm, JoinCodeForm, ProjectForm
from groundswell.projects.models import ProjectInvite, ProjectInviteCode
from groundswell.projects.permissions import (
    Action,
    allowed_actions,
    current_phase,
    project_get_for_user,
)
from groundswell.projects.selectors import projects_live_public, projects_visible_to

INVITES_PER_PAGE = 50


@cache_page_for_anonymous()
def home(request):
    return render(request, "projects/home.html", {"projects": projects_live_public()[:12]})


@cache_page_for_anonymous()
def project_list(request):
    page = paginate(request, projects_visible_to(user=request.user), per_page=20)
    return render(request, "projects/list.html", {"page": page})


def project_page_context(request, project) -> dict:
    """What every page inside a project shows about it (header, phase, permissions)."""
    if project.is_private:
        page_cache_refuse(request)
    return {
        "project": project,
        "phase": current_phase(project=project),
        "can": {a.value: True for a in allowed_actions(user=request.user, project=project)},
    }


@login_required
@rate_limit("post")
def project_create(request):
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                creator=request.user,
                question=data["question"],
                description=data["description"],
                kind=data["kind"],
                visibility=data["visibility"],
                sector=data["sector"],
                host_organisation=data["host"],
                phases=data["phases"],
                targets=data["targets"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _created_message(project))
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "creating": True})


def _created_message(project) -> str:
    """ "Live" only when a phase is open: with dates all past or all ahead, it would mislead."""
    today = timezone.localdate()
    if current_phase(project=project, today=today) is not None:
        return "Your project is live."
    upcoming = [p.starts_on for p in project.phases.all() if p.starts_on > today]
    if upcoming:
        return f"Your project is created. It opens on {date_format(min(upcoming), 'j F Y')}."
    return (
        "Your project is created, but all its phases have ended, so nobody can take part. "
        "Edit the project to change the dates."
    )


@login_required
def project_edit(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.EDIT)
    form = ProjectForm(
        request.POST or None, user=request.user, initial=ProjectForm.initial_for(project)
    )
    del form.fields["host"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.project_update(
                project=project,
                by=request.user,
                phases=data["phases"],
                targets=data["targets"],
                question=data["question"],
                description=data["description"],
                kind=data["kind"],
                visibility=data["visibility"],
                sector=data["sector"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Project saved.")
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "project": project})


@login_required
@rate_limit("post")
def project_invites(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.EDIT)
    form = InviteLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.project_invite_create(project=project, by=request.user, **form.cleaned_data)
        messages.success(request, "New invitation link made.")
        return redirect("projects:invites", slug=slug)
    invites = project.invites.order_by("-created_at", "-id")
    return render(
        request,
        "projects/invites.html",
        {
            **project_page_context(request, project),
            "form": form,
            "page": paginate(request, invites, per_page=INVITES_PER_PAGE),
        },
    )


@login_required
@require_POST
def project_invite_revoke(request, slug: str, invite_id: int):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.EDIT)
    invite = get_object_or_404(ProjectInvite, project=project, pk=invite_id)
    services.project_invite_revoke(invite=invite, by=request.user)
    messages.success(request, "That invitation link no longer works.")
    return redirect("projects:invites", slug=slug)


@login_required
def project_join(request, token: str):
    invite = ProjectInvite.objects.select_related("project").filter(token=token).first()
    if request.method == "POST":
        try:
            project = services.project_join_by_invite(token=token, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("home")
        messages.success(request, "Welcome. You have joined the project.")
        return redirect(project)
    if invite is None or not invite.is_usable:
        return render(request, "projects/join.html", {"invite": None}, status=410)
    return render(request, "projects/join.html", {"invite": invite})


@login_required
@rate_limit("post")
def project_invite_codes(request, slug: str):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.EDIT)
    form = InviteCodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.project_invite_codes_create(
                project=project, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{len(codes)} new code{'s' if len(codes) != 1 else ''} made."
            )
            return redirect("projects:invite_codes", slug=slug)
    codes = project.invite_codes.select_related("used_by").order_by("-created_at", "code")
    return render(
        request,
        "projects/invite_codes.html",
        {
            **project_page_context(request, project),
            "form": form,
            "page": paginate(request, codes, per_page=50),
            "unused": project.invite_codes.filter(
                used_on__isnull=True, revoked=False, expires_at__gt=timezone.now()
            ).count(),
        },
    )


@login_required
@require_POST
def project_invite_code_revoke(request, slug: str, invite_id: int):
    project = project_get_for_user(slug=slug, user=request.user, action=Action.EDIT)
    code = get_object_or_404(ProjectInviteCode, project=project, pk=invite_id)
    services.project_invite_code_revoke(code=code, by=request.user)
    messages.success(request, f"Code {code.code} no longer works.")
    return redirect("projects:invite_codes", slug=slug)


@login_required
@rate_limit("post")
def project_join_code(request):
    """Join a private forum with a single-use code, typed in or carried by a link (?code=)."""
    form = JoinCodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_join_by_code(
                code=form.cleaned_data["code"], user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Welcome. You have joined the project.")
            return redirect(project)
    return render(request, "projects/join_code.html", {"form": form})
