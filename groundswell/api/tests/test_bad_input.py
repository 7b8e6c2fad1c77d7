"""Every text the API takes, with script and HTML in it: answered as JSON, never rendered."""

import json
from urllib.parse import quote

import pytest
from django.test import Client

from groundswell.core.tests.test_bad_input import IMG, SCRIPT
from groundswell.deliberation.services import statement_create
from groundswell.testing import factories

PAYLOADS = [SCRIPT, IMG, "a\x00b", "x" * 5000, "%", "' OR 1=1 --"]


def _assert_json(response) -> None:
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    json.loads(response.content)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", ["q", "kind", "sector", "author_role", "page"])
def test_filters_with_markup_answer_json(client, project, payload, field):
    factories.ContributionFactory(project=project, title="Visits are too short")
    response = client.get(f"/api/v1/projects/{project.slug}/contributions", {field: payload})
    assert response.status_code in (200, 404, 422), response.status_code
    _assert_json(response)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/projects/{payload}",
        "/api/v1/projects/{payload}/contributions",
        "/api/v1/projects/{project}/contributions/{payload}",
        "/api/v1/projects/{project}/statements/{payload}/vote",
    ],
)
def test_markup_in_the_path_is_a_clean_refusal(client, project, practitioner, url, payload):
    client.force_login(practitioner)
    url = url.format(project=project.slug, payload=quote(payload, safe=""))
    method = client.post if url.endswith("/vote") else client.get
    response = method(url, {"value": 1}, content_type="application/json")
    assert response.status_code in (400, 404, 405, 422), (url, response.status_code)
    if response["Content-Type"].startswith("text/html"):
        # A "/" in the payload makes a path no API route matches (the site's 404 page); a NUL
        # in a path is refused before routing (400).
        assert response.status_code == (400 if "\x00" in payload else 404)
        assert "<script>alert" not in response.content.decode()
    elif response.status_code != 405:
        _assert_json(response)


@pytest.mark.parametrize(
    "body", [{"value": SCRIPT}, {"value": IMG}, {"value": "1", "extra": SCRIPT}, [SCRIPT], SCRIPT]
)
def test_markup_in_a_vote_is_refused(client, project, host_admin, practitioner, body):
    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    client.force_login(practitioner)
    response = client.post(
        f"/api/v1/projects/{project.slug}/statements/{statement.pk}/vote",
        json.dumps(body),
        content_type="application/json",
    )
    if body == {"value": "1", "extra": SCRIPT}:
        assert response.status_code == 200  # the value is good; the extra key is ignored
    else:
        assert response.status_code in (400, 422)
    _assert_json(response)
    assert "<script>" not in response.content.decode()


def test_markup_saved_through_the_web_comes_back_as_json_text(client, project, host_admin):
    factories.ContributionFactory(project=project, title=SCRIPT, body=IMG)
    statement_create(project=project, author=host_admin, text=SCRIPT)
    for url in (
        f"/api/v1/projects/{project.slug}/contributions",
        f"/api/v1/projects/{project.slug}/statements",
    ):
        response = client.get(url)
        assert response.status_code == 200
        _assert_json(response)
        assert SCRIPT in json.dumps(response.json())  # the data, exactly as typed


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/v1/no-such-endpoint", 404),
        ("get", "/api/v1/projects/a/b/c/d", 404),
        ("get", "/api/v1/projects/{project}/statements/1/vote", 405),
        ("delete", "/api/v1/projects", 405),
        ("put", "/api/v1/projects/{project}/statements", 405),
    ],
)
def test_unknown_endpoints_and_wrong_methods_answer_json(client, project, method, url, status):
    """A program calling the API gets errors it can parse, not the site's HTML pages."""
    response = getattr(client, method)(url.format(project=project.slug))
    assert response.status_code == status
    _assert_json(response)
    assert response.json()["detail"]
    if status == 405:
        assert response["Allow"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_the_openapi_document_takes_only_get_and_answers_other_methods_in_json(db, method):
    """It is a plain Django view, not an endpoint: a POST met the CSRF check and was refused
    with the site's HTML 403 page, or with the token answered 200 as if it had done something."""
    client = Client(enforce_csrf_checks=True)
    response = client.generic(method, "/api/v1/openapi.json", "{}", content_type="application/json")
    assert response.status_code == 405
    _assert_json(response)
    assert response.json() == {"detail": "Method not allowed"}
    assert response["Allow"] == "GET, HEAD"
    assert client.head("/api/v1/openapi.json").status_code == 200


def test_the_site_outside_the_api_keeps_its_html_error_pages(client, db):
    response = client.get("/projects/no-such-project/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_staff_without_two_factor_are_refused_in_json_not_redirected(client, project):
    # The site sends them to set up an authenticator; a program cannot follow that to a form.
    client.force_login(factories.UserFactory(is_staff=True))
    response = client.get(f"/api/v1/projects/{project.slug}/statements")
    assert response.status_code == 403
    _assert_json(response)
    assert "two-factor" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("statements", {"text": "Pay travel time \ud800"}),
        ("ideas", {"text": "Pay travel \udfff time"}),
        ("statements", {"text": "Fund the night bus", "\ud83d": 1}),
        ("vote", {"value": 1, "note": "\ud83d"}),
    ],
)
def test_half_a_surrogate_pair_is_refused_not_a_500(
    client, project, host_admin, practitioner, path, body
):
    """JSON lets "\\ud800" stand alone, but no text holds it: the databases cannot store it and
    hashing it for the duplicate check failed, answering a 500."""
    from groundswell.deliberation.models import Idea, Statement, Vote

    statement = statement_create(project=project, author=host_admin, text="Longer visits")
    client.force_login(practitioner)
    url = f"/api/v1/projects/{project.slug}/" + (
        f"statements/{statement.pk}/vote" if path == "vote" else path
    )
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    _assert_json(response)
    assert "surrogate" in response.json()["detail"]
    assert (Statement.objects.count(), Idea.objects.count(), Vote.objects.count()) == (1, 0, 0)


def test_a_whole_surrogate_pair_and_an_escaped_backslash_are_fine(client, project, practitioner):
    client.force_login(practitioner)
    # "\ud83d\ude8c" is one character (a bus); "\\ud800" is a backslash and five letters.
    body = '{"text": "Night bus \\ud83d\\ude8c and \\\\ud800"}'
    response = client.post(
        f"/api/v1/projects/{project.slug}/statements", body, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["text"] == "Night bus \U0001f68c and \\ud800"


def test_a_body_nested_too_deeply_says_so(client, project, practitioner):
    client.force_login(practitioner)
    response = client.post(
        f"/api/v1/projects/{project.slug}/statements",
        "[" * 100_000,
        content_type="application/json",
    )
    assert response.status_code == 400
    _assert_json(response)
    assert response.json() == {"detail": "The body is not valid JSON: it is nested too deeply."}


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("null", "null"),
        ("[]", "a list"),
        ('[{"statement": 1, "value": 1}]', "a list"),
        ('"Fund the night bus"', "a string"),
        ("1", "a number"),
        ("1.5", "a number"),
        ("true", "true or false"),
    ],
)
@pytest.mark.parametrize("path", ["votes", "statements", "statements/1/vote"])
def test_a_body_that_is_not_an_object_is_refused_saying_so(
    client, project, practitioner, body, kind, path
):
    """Pydantic named every field of the object as missing ("votes: Field required"), leaving
    a client that sent its votes as a bare list to guess what was wrong."""
    client.force_login(practitioner)
    response = client.post(
        f"/api/v1/projects/{project.slug}/{path}", body, content_type="application/json"
    )
    assert response.status_code == 400
    _assert_json(response)
    assert response.json() == {"detail": f"The body must be a JSON object ({{...}}), not {kind}."}


def test_head_answers_wherever_get_does_without_a_body(client, project, practitioner):
    """HTTP asks HEAD of every GET resource (RFC 9110); django-ninja routes GET alone."""
    for url in ["/api/v1/projects", f"/api/v1/projects/{project.slug}/statements"]:
        got, head = client.get(url), client.head(url)
        assert head.status_code == got.status_code == 200
        assert head.content == b""
        assert head["Content-Type"] == got["Content-Type"]
        assert int(head["Content-Length"]) == len(got.content)
    missing = client.head("/api/v1/projects/no-such-project")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/json")
    # A write endpoint is not a GET one: refused as GET is, with what it allows.
    url = f"/api/v1/projects/{project.slug}/statements/1/vote"
    refused = client.head(url)
    assert refused.status_code == 405 and refused["Allow"] == client.get(url)["Allow"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        # Half a surrogate pair encoded as bytes, under content types the UTF-8 check skips.
        (b'{"text": "Pay travel \xed\xa0\x80 time between visits"}', "application/octet-stream"),
        (b'{"text": "Pay travel \xed\xa0\x80 time between visits"}', "application/vnd.api+json"),
        # UTF-16, whose NULs are valid UTF-8: json.loads(bytes) guessed the encoding.
        ('{"text": "Pay travel \\ud800 time"}'.encode("utf-16-le"), "application/json"),
    ],
)
def test_a_body_that_is_not_utf8_json_is_refused_not_a_500(
    client, project, practitioner, body, content_type
):
    from groundswell.deliberation.models import Statement

    client.force_login(practitioner)
    response = client.post(
        f"/api/v1/projects/{project.slug}/statements", body, content_type=content_type
    )
    assert response.status_code == 400
    _assert_json(response)
    assert not Statement.objects.exists()


def test_a_body_in_latin_1_is_refused_saying_it_is_not_utf8(client, project, practitioner):
    """As Windows PowerShell 5.1 sends a JSON string it was given: the client is told what to
    change, not just "Bad request"."""
    client.force_login(practitioner)
    response = client.post(
        f"/api/v1/projects/{project.slug}/statements",
        '{"text": "A café near every surgery"}'.encode("latin-1"),
        content_type="application/json",
    )
    assert response.status_code == 400
    _assert_json(response)
    assert response.json() == {"detail": "Bad request: Request body is not valid UTF-8."}
    query = client.get("/api/v1/projects", QUERY_STRING="q=caf%E9")
    assert query.status_code == 400
    assert query.json() == {"detail": "Bad request: Query string is not valid UTF-8."}
