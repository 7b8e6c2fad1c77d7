"""Every route declares who may use it, and restricted routes turn a plain participant away."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from groundswell.accounts_data.models import DataExport
from groundswell.core.routes import RESTRICTED, ROUTES, Rule, rule_for
from groundswell.deliberation.services import statement_create
from groundswell.projects.models import Participant, ProjectInvite
from groundswell.testing import factories


def all_routes(patterns=None, prefix: str = "", namespace: str = ""):
    """(key, route) for every URL pattern, the API's, the admin's and allauth's included."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(n for n in (namespace, p.namespace) if n)
            yield from all_routes(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            key = ":".join(n for n in (namespace, p.name) if n) if p.name else route
            yield key, route


ROUTE_LIST = sorted(set(all_routes()))


def test_there_are_routes_to_check():
    keys = {key for key, _ in ROUTE_LIST}
    assert {"home", "admin:index", "account_login", "api:cast_vote"} <= keys
    assert len(ROUTE_LIST) > 100


@pytest.mark.parametrize(("key", "route"), ROUTE_LIST, ids=[k for k, _ in ROUTE_LIST])
def test_every_route_declares_who_may_use_it(key, route):
    assert rule_for(key) is not None, f"{key} ({route}) has no entry in groundswell/core/routes.py"


def test_every_declared_name_is_a_real_route():
    keys = {key for key, _ in ROUTE_LIST}
    stale = [k for k in ROUTES if "*" not in k and k not in keys]
    assert stale == []


def _url(route: str, values: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        return values[match.group(1)]

    url = re.sub(r"<(?:\w+:)?(\w+)>", value, route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", value, url)
    return "/" + url.replace("^", "").replace("$", "")


@pytest.fixture
def world(project, host_org, host_admin, practitioner, service_user):
    """A project the participant takes part in, with things in it they have no rights over."""
    Participant.objects.create(project=project, user=practitioner)
    contribution = factories.ContributionFactory(project=project, author=service_user)
    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    invite = ProjectInvite.objects.create(
        project=project, created_by=host_admin, token="t" * 32, max_uses=5
    )
    export = DataExport.objects.create(owner=host_admin, status="ready", content={})
    return {
        "project": project.slug,
        "org": host_org.slug,
        "contribution": str(contribution.pk),
        "statement": str(statement.pk),
        "invite_id": str(invite.pk),
        "user_id": str(host_admin.pk),
        "object_id": str(host_admin.pk),
        "id": str(host_admin.pk),
        "content_type_id": "1",
        "app_label": "people",
        "url": "people/user/nothing-here/",
        "username": host_admin.username,
        "token": "t" * 32,
        "kind": "story",
        "key": "abc",
        "uidb36": "1",
        "export_id": str(export.pk),
    }


def _values_for(route: str, w: dict) -> dict[str, str]:
    slug = w["org"] if route.startswith("organisations/") else w["project"]
    pk = w["statement"] if "/vote/" in route or "/statements/" in route else w["contribution"]
    return {**w, "slug": slug, "pk": pk}


RESTRICTED_ROUTES = [(k, r) for k, r in ROUTE_LIST if rule_for(k) in RESTRICTED]
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and response.url.startswith(LOGIN_PAGES)


@pytest.mark.parametrize(("key", "route"), RESTRICTED_ROUTES, ids=[k for k, _ in RESTRICTED_ROUTES])
def test_a_plain_participant_is_turned_away(client, world, practitioner, key, route):
    client.force_login(practitioner)
    url = _url(route, _values_for(route, world))
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert _refused(response), (method, url, response.status_code, response.get("Location"))


MEMBER_ROUTES = [(k, r) for k, r in ROUTE_LIST if rule_for(k) in RESTRICTED | {Rule.MEMBER}]


@pytest.mark.parametrize(("key", "route"), MEMBER_ROUTES, ids=[k for k, _ in MEMBER_ROUTES])
def test_anonymous_visitors_are_sent_to_log_in(client, world, key, route):
    url = _url(route, _values_for(route, world))
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert _refused(response), (method, url, response.status_code, response.get("Location"))


ID_ROUTES = [(k, r) for k, r in ROUTE_LIST if "<id:" in r]


def test_site_routes_take_ids_through_the_id_converter():
    """Django's <int:…> lets any number through to the database driver, which overflows on one
    too long for a 64-bit id column: a 500 instead of a 404."""
    assert len(ID_ROUTES) >= 15
    outside = [r for _, r in ROUTE_LIST if "<int:" in r and not r.startswith("admin/")]
    assert outside == []


@pytest.mark.parametrize(("key", "route"), ID_ROUTES, ids=[k for k, _ in ID_ROUTES])
def test_an_id_too_long_for_the_database_is_not_found(client, world, host_admin, key, route):
    client.force_login(host_admin)  # a host, so that nothing is refused before the lookup
    values = _values_for(route, world)
    ids = re.findall(r"<id:(\w+)>", route)
    url = _url(route, {**values, **dict.fromkeys(ids, "9" * 20)})
    for method in ("get", "post"):
        assert getattr(client, method)(url).status_code == 404, (method, url)
