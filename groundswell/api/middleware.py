"""API errors in JSON, including those Django or django-ninja answer before an endpoint runs."""

import json

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

API_PREFIX = "/api/"

# What the API says when no endpoint's own exception handler answered.
_DETAIL = {
    400: "Bad request",
    404: "No such API endpoint",
    405: "Method not allowed",
    500: "Something went wrong on our side",
}


class ApiJsonErrorsMiddleware:
    """Answer API errors in JSON: an unknown path (Django's HTML 404 page), a method the endpoint
    does not take (django-ninja's plain-text 405), a body over the upload limit (413), staff
    sent to set up two-factor authentication (403) and an unhandled error (the HTML 500 page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX) and _too_big(request):
            # Django would answer a bare 400 (and log a traceback): say what is wrong.
            return _json(
                413,
                f"The request body is too large: the API takes up to "
                f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
            )
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method == "HEAD":
            # HTTP asks HEAD of whatever answers GET (RFC 9110, 9.3.2); django-ninja routes GET
            # alone. The same answer, headers and length, without its body.
            request.method = "GET"
            response = self._answer(request)
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
            return response
        return self._answer(request)

    def _answer(self, request):
        response = self.get_response(request)
        if response.status_code == 302 and response.get("Location") == reverse("mfa_activate_totp"):
            # Staff without two-factor authentication are sent to set it up from every page
            # (people.middleware); a program cannot follow that to an HTML form.
            return _json(403, "Set up two-factor authentication on the site first.")
        if response.status_code not in _DETAIL:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        detail = _DETAIL[response.status_code]
        if response.status_code == 400 and getattr(request, "undecodable_input", ""):
            # Refused by the input check before the API's parser could say what was wrong.
            detail = f"Bad request: {request.undecodable_input}."
        replacement = _json(response.status_code, detail)
        if response.has_header("Allow"):
            replacement["Allow"] = response["Allow"]
        return replacement


def _too_big(request) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False  # Django refuses a malformed length itself
    return limit is not None and length > limit


def _json(status: int, detail: str) -> HttpResponse:
    return HttpResponse(
        json.dumps({"detail": detail}),
        status=status,
        content_type="application/json; charset=utf-8",
    )
