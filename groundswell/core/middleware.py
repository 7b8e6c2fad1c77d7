"""Request and response hardening that Django's own middleware does not cover."""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import SuspiciousOperation

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
        if "\x00" in request.path_info:
            # No route has one, and PostgreSQL refuses a NUL in a lookup with an error.
            raise UndecodableInput("Path contains a NUL character")
        query = request.META.get("QUERY_STRING", "")
        if query and not _is_utf8(_form_bytes(query.encode("latin-1", "replace"))):
            raise UndecodableInput("Query string is not valid UTF-8")
        content_type = request.content_type or ""
        if request.method in {"POST", "PUT", "PATCH"} and content_type.startswith(TEXT_BODIES):
            # Reading the body raises RequestDataTooBig (a 400) past DATA_UPLOAD_MAX_MEMORY_SIZE.
            body = request.body
            if content_type == "application/x-www-form-urlencoded":
                body = _form_bytes(body)
            if not _is_utf8(body):
                raise UndecodableInput("Request body is not valid UTF-8")
        return self.get_response(request)


def _form_bytes(raw: bytes) -> bytes:
    return unquote_to_bytes(raw.replace(b"+", b" "))


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
