"""Staff must set up two-factor authentication before they can do anything else."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

# django-allauth's account pages (log-out, e-mail, password) and its two-factor pages.
OPEN_BEFORE_TWO_FACTOR = ("account_", "mfa_", "healthz")

MESSAGE = (
    "Site staff must set up two-factor authentication before using staff pages. "
    "Set up an authenticator app below."
)


def _route_key(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name:
        return match.view_name
    return match.route


class StaffNeedTwoFactorMiddleware:
    """Send staff without an active authenticator to the set-up page from every route but
    django-allauth's own (log-out, e-mail, password and the two-factor pages themselves).

    The admin's own log-in page goes to the site's log-in instead, which asks for the code;
    the admin's would not.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if request.path_info == reverse("admin:login"):
            # As allauth's secure_admin_login: members who are signed in but not staff are
            # refused (sending them to log in would loop), visitors log in on the site.
            if not signed_in:
                target = request.GET.get("next") or reverse("admin:index")
                return HttpResponseRedirect(
                    f"{reverse('account_login')}?{urlencode({'next': target})}"
                )
            if not user.is_staff:
                raise PermissionDenied("Only site staff can use the admin.")
        # Only staff pay for working out the route. A staff account's powers reach beyond the
        # staff pages (it moderates and manages every project), so until it has a second factor
        # it may only set one up, manage its e-mail and password, or log out.
        if signed_in and user.is_staff and not is_mfa_enabled(user):
            key = _route_key(request.path_info)
            if key is not None and not key.startswith(OPEN_BEFORE_TWO_FACTOR):
                messages.warning(request, MESSAGE)
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
