"""Request and response hardening that Django's own middleware does not cover."""

import re
from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse, QueryDict
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

# Everything comes from our own origin; nothing inline (no 'unsafe-inline', no 'unsafe-eval'),
# no plugins, no <base> rewriting, forms post only to us, and no page may be framed.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy on every response, error pages included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class UndecodableInput(SuspiciousOperation):
    """Raised for input that is not UTF-8; Django answers a SuspiciousOperation with a 400."""


# Bodies read as text. Multipart bodies carry files, and Django decodes their text parts itself.
TEXT_BODIES = ("application/x-www-form-urlencoded", "application/json", "text/")


class RejectUndecodableInputMiddleware:
    """Answer 400 to a query string or text body that is not valid UTF-8, or a path with a NUL.

    Django would otherwise replace the bad bytes with U+FFFD and carry on, quietly changing
    what someone wrote, or fail later in a parser with a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if problem := self._problem(request):
            # Kept on the request, so that the API can tell its client what was wrong.
            request.undecodable_input = problem
            raise UndecodableInput(problem)
        return self.get_response(request)

    def _problem(self, request) -> str:
        if "\x00" in request.path_info:
            # No route has one, and PostgreSQL refuses a NUL in a lookup with an error.
            return "Path contains a NUL character"
        query = request.META.get("QUERY_STRING", "")
        if query and not _is_utf8(_form_bytes(query.encode("latin-1", "replace"))):
            return "Query string is not valid UTF-8"
        content_type = request.content_type or ""
        if request.method in {"POST", "PUT", "PATCH"} and content_type.startswith(TEXT_BODIES):
            # Reading the body raises RequestDataTooBig (a 400) past DATA_UPLOAD_MAX_MEMORY_SIZE.
            body = request.body
            if content_type == "application/x-www-form-urlencoded":
                body = _form_bytes(body)
            if not _is_utf8(body):
                return "Request body is not valid UTF-8"
        return ""


def _form_bytes(raw: bytes) -> bytes:
    return unquote_to_bytes(raw.replace(b"+", b" "))


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class HtmxLoginRedirectMiddleware:
    """Send a request whose session has ended to log in, then back to the page it came from.

    `login_required` sends the URL asked for as `next`; for a form's POST (a vote, a new
    statement) that URL only takes POST, and after logging in the member would land on an empty
    405. Instead `next` is the page the form was on: its Referer, or htmx's `HX-Current-URL`.
    And htmx follows a redirect itself and would swap the log-in page into the fragment it was
    updating (the vote card): it gets `HX-Redirect`, so that the log-in page is a whole page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = request.headers.get("HX-Request") == "true"
        if response.status_code != 302 or not (htmx or request.method == "POST"):
            return response
        login = resolve_url(settings.LOGIN_URL)
        location = response.get("Location", "")
        if urlsplit(location).path != login:
            return response
        if not htmx and QueryDict(urlsplit(location).query).get("next") != request.get_full_path():
            return response  # a view's own choice of where to go after logging in
        target = location
        page = urlsplit(request.headers.get("HX-Current-URL" if htmx else "Referer", ""))
        back = f"{page.path}?{page.query}" if page.query else page.path
        # Only a page of this site, by its path: never a way to send someone elsewhere. Browsers
        # read "/\\evil.example" as "//evil.example", another site, so Django's own test decides.
        if (
            page.netloc == request.get_host()
            and back.startswith("/")
            and url_has_allowed_host_and_scheme(back, allowed_hosts=None)
        ):
            query = QueryDict(mutable=True)
            query["next"] = back
            target = f"{login}?{query.urlencode(safe='/')}"
        if not htmx:
            response["Location"] = target
            return response
        redirect = HttpResponse(status=200)
        redirect["HX-Redirect"] = target
        return redirect


_PROJECT_PATH = re.compile(r"^/projects/([^/]+)/")


class MethodNotAllowedPageMiddleware:
    """A page, not an empty answer, where an address that only takes a form is opened.

    Django's `require_POST` answers 405 with no body. People meet it by pressing Enter in the
    address bar after a form came back with errors (the address is still the form's) or by
    opening a bookmarked vote: they get a page saying what happened and where to go, with the
    405 status and its `Allow` header kept. The API's 405s are JSON (its own middleware).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.method == "HEAD":
            return response
        project = _PROJECT_PATH.match(request.path)
        page = render(
            request,
            "405.html",
            {"project_url": f"/projects/{project.group(1)}/" if project else None},
            status=405,
        )
        page["Allow"] = response.get("Allow", "")
        return page
