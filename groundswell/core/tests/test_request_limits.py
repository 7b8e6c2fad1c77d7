"""Oversized bodies, too many fields and bytes that are not UTF-8: a 400, never a 500."""

import json

import pytest
from django.conf import settings
from django.test import Client

from groundswell.contributions.models import Contribution
from groundswell.deliberation.models import Statement, Vote
from groundswell.deliberation.services import statement_create
from groundswell.projects.models import Participant

FORM = "application/x-www-form-urlencoded"
TOO_BIG = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
TOO_MANY = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1


@pytest.fixture
def world(project, host_admin, practitioner):
    Participant.objects.create(project=project, user=practitioner)
    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    client = Client(raise_request_exception=False)
    client.force_login(practitioner)
    return {"project": project, "statement": statement, "client": client}


def _urls(w) -> dict[str, str]:
    slug = w["project"].slug
    return {
        "statement_form": f"/projects/{slug}/statements/new/",
        "contribution_form": f"/projects/{slug}/contribute/story/",
        "api_vote": f"/api/v1/projects/{slug}/statements/{w['statement'].pk}/vote",
    }


def _bodies():
    text = "text=" + "x" * TOO_BIG
    many = "&".join(f"f{i}=x" for i in range(TOO_MANY))
    yield "statement_form", "oversized", FORM, text.encode()
    yield "statement_form", "too-many-fields", FORM, many.encode()
    yield "statement_form", "bad-utf8-escaped", FORM, b"text=%FF%FEabc&attribution=named"
    yield "statement_form", "bad-utf8-raw", FORM, b"text=\xff\xfeabc&attribution=named"
    yield "contribution_form", "oversized", FORM, ("title=x&body=" + "x" * TOO_BIG).encode()
    yield "contribution_form", "too-many-fields", FORM, many.encode()
    yield "contribution_form", "bad-utf8", FORM, b"title=%C3%28&body=b&attribution=named"
    boundary = "gsboundary"
    multipart = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nx\r\n'
        for i in range(TOO_MANY)
    )
    yield (
        "contribution_form",
        "multipart-too-many-fields",
        f"multipart/form-data; boundary={boundary}",
        (multipart + f"--{boundary}--\r\n").encode(),
    )
    yield (
        "contribution_form",
        "multipart-oversized",
        f"multipart/form-data; boundary={boundary}",
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\n'
            + "x" * TOO_BIG
            + f"\r\n--{boundary}--\r\n"
        ).encode(),
    )
    yield "api_vote", "oversized", "application/json", json.dumps({"value": 1, "x": "y" * TOO_BIG})
    yield "api_vote", "bad-utf8", "application/json", b'{"value": 1, "note": "\xff\xfe"}'
    yield "api_vote", "not-json", "application/json", b"{value: "
    yield "api_vote", "form-instead", FORM, many.encode()


BODIES = [pytest.param(*b, id=f"{b[0]}-{b[1]}") for b in _bodies()]


@pytest.mark.parametrize(("target", "label", "content_type", "body"), BODIES)
def test_bad_bodies_get_a_400(world, target, label, content_type, body):
    before = (Statement.objects.count(), Contribution.objects.count(), Vote.objects.count())
    response = world["client"].post(_urls(world)[target], body, content_type=content_type)
    assert response.status_code in (400, 413, 422), (label, response.status_code)
    assert "Traceback" not in response.content.decode(errors="replace")
    assert before == (
        Statement.objects.count(),
        Contribution.objects.count(),
        Vote.objects.count(),
    )


QUERIES = {
    "bad-utf8-escaped": "q=%FF%FE",
    "bad-utf8-overlong": "q=%C0%AF",
    "too-many-fields": "&".join(f"f{i}=x" for i in range(TOO_MANY)),
}


@pytest.mark.parametrize("query", QUERIES, ids=list(QUERIES))
@pytest.mark.parametrize(
    "path",
    [
        "/contributions/",
        "/projects/",
        "/projects/{slug}/contributions/",
        "/api/v1/projects",
        "/api/v1/projects/{slug}/contributions",
    ],
)
def test_bad_query_strings_get_a_400(world, path, query):
    url = path.format(slug=world["project"].slug) + "?" + QUERIES[query]
    response = world["client"].get(url)
    assert response.status_code == 400, (url, response.status_code)


def test_good_utf8_still_goes_through(world):
    client, slug = world["client"], world["project"].slug
    assert client.get("/contributions/?q=%C3%A9t%C3%A9").status_code == 200
    response = client.post(
        f"/projects/{slug}/statements/new/",
        "text=Caf%C3%A9+visits+%E2%80%94+longer&attribution=named",
        content_type=FORM,
    )
    assert response.status_code == 302
    assert Statement.objects.filter(text="Café visits — longer").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/people/a%00b/",
        "/organisations/invites/a%00b/",
        "/projects/join/a%00b/",
        "/projects/{slug}/contribute/a%00b/",
        "/api/v1/projects/a%00b",
        "/api/v1/projects/a%00b/statements",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_nul_in_the_path_gets_a_400(world, path, method):
    url = path.format(slug=world["project"].slug)
    response = getattr(world["client"], method)(url)
    assert response.status_code == 400, (url, response.status_code)


@pytest.mark.parametrize("field", ["q", "kind", "sector", "author_role"])
def test_a_nul_in_an_api_filter_is_refused(world, field):
    url = f"/api/v1/projects/{world['project'].slug}/contributions?{field}=a%00b"
    assert world["client"].get(url).status_code == 422
