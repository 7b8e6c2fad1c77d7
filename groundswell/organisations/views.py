from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from groundswell.core.forms import add_service_errors
from groundswell.core.pagination import paginate, paginate_section
from groundswell.core.ratelimit import rate_limit
from groundswell.organisations import services
from groundswell.organisations.forms import InviteForm, OrganisationForm, VerifiedRoleRequestForm
from groundswell.organisations.models import (
    Membership,
    Organisation,
    OrganisationInvite,
    VerifiedRole,
)
from groundswell.organisations.selectors import (
    organisation_invites_pending,
    organisation_is_admin,
    organisation_members,
    verified_role_requests_for_organisation,
    verified_role_requests_for_staff,
    verified_roles_requested_by,
)

MEMBERS_PER_PAGE = 50
INVITES_PER_PAGE = 50
ORG_PROJECTS_PER_PAGE = 20


def organisation_list(request):
    page = paginate(request, Organisation.objects.all(), per_page=30)
    return render(request, "organisations/list.html", {"page": page})


def organisation_detail(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    is_admin = organisation_is_admin(organisation=organisation, user=request.user)
    projects = organisation.hosted_projects.filter(visibility="public").prefetch_related("phases")
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "is_admin": is_admin,
            "members": paginate(
                request,
                organisation_members(organisation=organisation, active_only=True),
                per_page=MEMBERS_PER_PAGE,
            ),
            "projects": paginate_section(
                request,
                projects,
                param="projects",
                section="projects-title",
                per_page=ORG_PROJECTS_PER_PAGE,
            ),
        },
    )


@login_required
@rate_limit("post")
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(creator=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{organisation.name} is set up. You are its admin.")
            return redirect(organisation)
    return render(request, "organisations/form.html", {"form": form, "creating": True})


def _admin_only(request, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not organisation_is_admin(organisation=organisation, user=request.user):
        raise PermissionDenied("Only the organisation's admins can do that.")
    return organisation


@login_required
def organisation_edit(request, slug: str):
    organisation = _admin_only(request, slug)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_update(
            organisation=organisation, by=request.user, **form.cleaned_data
        )
        messages.success(request, "Saved.")
        return redirect(organisation)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})


@login_required
@rate_limit("post")
def organisation_members_manage(request, slug: str):
    organisation = _admin_only(request, slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_invite(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("organisations:members", slug=slug)
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": organisation,
            "form": form,
            "members": paginate(
                request, organisation_members(organisation=organisation), per_page=MEMBERS_PER_PAGE
            ),
            "pending": paginate_section(
                request,
                organisation_invites_pending(organisation=organisation),
                param="pending",
                section="pending-title",
                per_page=INVITES_PER_PAGE,
            ),
        },
    )


@login_required
@require_POST
def organisation_set_admin(request, slug: str, user_id: int):
    organisation = _admin_only(request, slug)
    make_admin = request.POST.get("is_admin") == "1"
    try:
        services.membership_set_admin(
            organisation=organisation, by=request.user, member_id=user_id, is_admin=make_admin
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Membership.DoesNotExist:
        messages.error(request, "That person is not a member.")
    else:
        messages.success(request, "Admin rights updated.")
        if user_id == request.user.pk and not make_admin and not request.user.is_staff:
            # The members page is for admins: after giving up their own rights, it would
            # answer 403 to the member who has just done so.
            return redirect(organisation)
    return redirect("organisations:members", slug=slug)


@login_required
def organisation_accept_invite(request, token: str):
    if request.method == "POST":
        try:
            organisation = services.organisation_accept_invite(token=token, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("home")
        messages.success(request, f"You are now a member of {organisation.name}.")
        return redirect(organisation)
    invite = get_object_or_404(
        OrganisationInvite.objects.select_related("organisation"), token=token
    )
    return render(request, "organisations/accept_invite.html", {"invite": invite})


@login_required
@require_POST
def organisation_verify(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    verified = request.POST.get("verified") == "1"
    services.organisation_set_verified(
        organisation=organisation, by=request.user, verified=verified
    )
    messages.success(request, "Verified." if verified else "Verification removed.")
    return redirect(organisation)


@login_required
@rate_limit("post")
def verified_roles(request):
    """The member's own role badges, and a form to ask for one to be confirmed."""
    organisations = Organisation.objects.filter(memberships__user=request.user, verified=True)
    form = VerifiedRoleRequestForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.verified_role_request(
                member=request.user,
                label=form.cleaned_data["label"],
                employer_kind=form.cleaned_data["employer_kind"],
                organisation=form.cleaned_data["confirmer"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your request has been sent.")
            return redirect("organisations:verified_roles")
    page = paginate(request, verified_roles_requested_by(member=request.user), per_page=20)
    return render(request, "organisations/verified_roles.html", {"form": form, "page": page})


@login_required
def verified_role_requests(request, slug: str):
    """Requests made to one organisation, for its admins (and staff) to decide."""
    organisation = _admin_only(request, slug)
    page = paginate(
        request, verified_role_requests_for_organisation(organisation=organisation), per_page=30
    )
    return render(
        request,
        "organisations/verified_role_requests.html",
        {"organisation": organisation, "page": page},
    )


@login_required
def verified_role_requests_staff(request):
    if not request.user.is_staff:
        raise PermissionDenied("Only site staff can see this page.")
    page = paginate(request, verified_role_requests_for_staff(), per_page=30)
    return render(
        request, "organisations/verified_role_requests.html", {"organisation": None, "page": page}
    )


def _back_to_requests(role: VerifiedRole):
    if role.organisation_id:
        return redirect("organisations:verified_role_requests", slug=role.organisation.slug)
    return redirect("organisations:verified_role_requests_staff")


@login_required
@require_POST
def verified_role_decide(request, pk: int):
    role = get_object_or_404(VerifiedRole.objects.select_related("organisation"), pk=pk)
    confirm = request.POST.get("decision") == "confirm"
    try:
        services.verified_role_decide(role=role, by=request.user, confirm=confirm)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Role confirmed." if confirm else "Request declined.")
    return _back_to_requests(role)


@login_required
@require_POST
def verified_role_revoke(request, pk: int):
    role = get_object_or_404(VerifiedRole.objects.select_related("organisation"), pk=pk)
    services.verified_role_revoke(role=role, by=request.user)
    messages.success(request, "That role badge has been withdrawn.")
    if role.member_id == request.user.pk:
        return redirect("organisations:verified_roles")
    return _back_to_requests(role)
