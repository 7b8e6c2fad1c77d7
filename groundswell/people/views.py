from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from groundswell.core.forms import add_service_errors
from groundswell.people.forms import ProfileForm
from groundswell.people.models import User
from groundswell.people.services import profile_update


def profile(request, username: str):
    member = get_object_or_404(User.objects.filter(is_active=True), username=username)
    memberships = member.memberships.select_related("organisation").order_by("organisation__name")
    return render(request, "people/profile.html", {"member": member, "memberships": memberships})


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=request.user, **{f: form.cleaned_data[f] for f in form.Meta.fields})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect(request.user.get_absolute_url())
    return render(request, "people/profile_edit.html", {"form": form})
