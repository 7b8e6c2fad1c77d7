"""API errors in JSON, including those Django or django-ninja answer before an endpoint runs."""

import json

from django.http import HttpResponse

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
    does not take (django-ninja's plain-text 405) and an unhandled error (the HTML 500 page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code not in _DETAIL:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        replacement = HttpResponse(
            json.dumps({"detail": _DETAIL[response.status_code]}),
            status=response.status_code,
            content_type="application/json; charset=utf-8",
        )
        if response.has_header("Allow"):
            replacement["Allow"] = response["Allow"]
        return replacement
