from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from groundswell.core.forms import add_service_errors
from groundswell.core.pagination import paginate
from groundswell.people import selectors, services
from groundswell.people.forms import LivedExperienceForm, ProfileForm, SuspendForm
from groundswell.people.models import User
from groundswell.people.perspectives import PROTECTED_PERSPECTIVE_CROWD


def profile(request, username: str):
    member = get_object_or_404(User.objects.filter(is_active=True), username=username)
    memberships = member.memberships.select_related("organisation").order_by("organisation__name")
    viewer = request.user
    return render(
        request,
        "people/profile.html",
        {
            "member": member,
            "memberships": memberships,
            "can_block": viewer.is_authenticated and viewer.pk != member.pk,
            "blocked": selectors.has_blocked(
                blocker_id=viewer.pk if viewer.is_authenticated else None, blocked_id=member.pk
            ),
        },
    )


# The member's name beside their pseudonym, which nobody may tie together: a copy kept by the
# browser would show them again to whoever presses Back on a shared computer after log-out.
@never_cache
@login_required
def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    # Back where the member came from (the vote page asks for a perspective): this site only.
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                user=request.user, **{f: form.cleaned_data[f] for f in form.Meta.fields}
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect(back or request.user.get_absolute_url())
    return render(
        request,
        "people/profile_edit.html",
        {"form": form, "crowd": PROTECTED_PERSPECTIVE_CROWD, "next": back},
        status=400 if form.errors else 200,
    )


@never_cache  # the member's health answer: as for their profile form, no copy kept
@sensitive_post_parameters("lived_experience", "consent")
@sensitive_variables("form")
@login_required
def lived_experience(request):
    """The member's answer about health or disability: private, kept only with consent."""
    user = request.user
    if request.method == "POST" and "withdraw" in request.POST:
        services.lived_experience_withdraw(user=user)
        messages.success(request, "Your answer and your agreement are deleted.")
        return redirect("people:lived_experience")
    form = LivedExperienceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lived_experience_set(
                user=user,
                value=form.cleaned_data["lived_experience"],
                consent=form.cleaned_data["consent"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your answer is saved. Only you can see it.")
            return redirect("people:lived_experience")
    status = 400 if form.is_bound else 200
    return render(request, "people/lived_experience.html", {"form": form}, status=status)


@login_required
@require_POST
def block(request, username: str):
    member = get_object_or_404(User.objects.filter(is_active=True), username=username)
    try:
        services.member_block(blocker=request.user, blocked=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"You have blocked {member.public_name}. You will not see their named or "
            "pseudonymous contributions and comments, and they cannot reply to your comments "
            "or invite you.",
        )
    return redirect(member)


@login_required
@require_POST
def unblock(request, username: str):
    member = get_object_or_404(User, username=username)
    services.member_unblock(blocker=request.user, blocked=member)
    messages.success(request, f"You have unblocked {member.public_name}.")
    if request.POST.get("next") == "blocked":
        return redirect("people:blocked")
    return redirect(member) if member.is_active else redirect("people:blocked")


@login_required
def blocked_list(request):
    page = paginate(request, selectors.blocks_made(user=request.user), per_page=50)
    return render(request, "people/blocked.html", {"page": page})


@login_required
def suspension(request, username: str):
    """Staff: suspend a member (with a reason) or lift their suspension; the history below."""
    if not request.user.is_staff:
        raise PermissionDenied("Only site staff can suspend accounts.")
    member = get_object_or_404(User, username=username)
    form = SuspendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and "lift" in request.POST:
        try:
            services.user_unsuspend(user=member, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{member.username} can log in again.")
        return redirect("people:suspension", username=member.username)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_suspend(user=member, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{member.username} is suspended and logged out.")
            return redirect("people:suspension", username=member.username)
    history = member.suspensions.select_related("suspended_by", "lifted_by")
    return render(
        request,
        "people/suspension.html",
        {
            "member": member,
            "form": form,
            "open_suspension": next((s for s in history if s.is_open), None),
            "history": history,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
