"""The page cache: anonymous visitors of public pages share one rendering until a change.

Services bump versions after commit; pytest-django runs each test in a transaction that never
commits, so writes here run inside `django_capture_on_commit_callbacks(execute=True)`.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from groundswell.contributions import services as contribution_services
from groundswell.core.pagecache import cache_page_for_anonymous, page_cache_refuse
from groundswell.organisations.services import organisation_update
from groundswell.projects.services import project_update
from groundswell.testing import factories

STORY = {"setting": "Home care in Northfield", "may_quote": "on"}


@pytest.fixture
def contribution(project, practitioner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return contribution_services.contribution_create(
            project=project,
            author=practitioner,
            kind="story",
            title="Visits are too short to help",
            body="Fifteen minutes is not enough.",
            details=STORY,
        )


def public_urls(project, contribution) -> list[str]:
    base = f"/projects/{project.slug}"
    return [
        "/",
        "/projects/",
        f"{base}/",
        f"{base}/contributions/",
        f"{base}/contributions/?kind=story&q=visits",
        f"{base}/contributions/?page=1",
        "/contributions/",
        "/contributions/?author_role=practitioner",
        contribution.get_absolute_url(),
    ]


def get_counting(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_an_anonymous_second_request_is_served_from_the_cache(client, project, contribution):
    for url in public_urls(project, contribution):
        first, first_queries = get_counting(client, url)
        second, second_queries = get_counting(Client(), url)

        assert first.status_code == second.status_code == 200, url
        assert first_queries > 0, url
        assert second_queries == 0, url
        assert second.content == first.content, url
        assert second["Content-Type"] == first["Content-Type"], url
        # Nothing on a shared page may hold a visitor's own CSRF token.
        assert b"csrfmiddlewaretoken" not in first.content, url
        assert not first.cookies, url


def test_a_new_contribution_shows_on_the_next_anonymous_request(
    client, project, contribution, service_user, django_capture_on_commit_callbacks
):
    urls = [
        f"/projects/{project.slug}/",
        f"/projects/{project.slug}/contributions/",
        "/contributions/",
    ]
    for url in urls:
        client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        contribution_services.contribution_create(
            project=project,
            author=service_user,
            kind="story",
            title="Nobody reads the care plan",
            body="It sits in a folder.",
            details=STORY,
        )

    for url in urls:
        assert "Nobody reads the care plan" in client.get(url).text, url


def test_a_withdrawn_contribution_leaves_the_cached_lists(
    client, project, contribution, practitioner, django_capture_on_commit_callbacks
):
    url = f"/projects/{project.slug}/contributions/"
    assert contribution.title in client.get(url).text

    with django_capture_on_commit_callbacks(execute=True):
        contribution_services.contribution_withdraw(contribution=contribution, by=practitioner)

    assert contribution.title not in client.get(url).text


def test_a_comment_and_a_link_show_on_the_next_anonymous_request(
    client, project, contribution, service_user, django_capture_on_commit_callbacks
):
    other = factories.ContributionFactory(project=project, title="Rotas change every week")
    url = contribution.get_absolute_url()
    client.get(url)
    client.get("/contributions/")

    with django_capture_on_commit_callbacks(execute=True):
        contribution_services.comment_create(
            contribution=contribution, author=service_user, body="Same in our street."
        )
    page = client.get(url).text
    assert "Same in our street." in page
    assert "1 comment" in client.get("/contributions/").text

    with django_capture_on_commit_callbacks(execute=True):
        contribution_services.link_create(
            source=contribution, target_id=other.pk, relation="supports", by=service_user
        )
    assert "Rotas change every week" in client.get(url).text


def test_a_project_edit_shows_on_every_page_that_names_the_project(
    client, project, contribution, host_admin, django_capture_on_commit_callbacks
):
    urls = public_urls(project, contribution)
    for url in urls:
        client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        project_update(project=project, by=host_admin, question="How should home care change?")

    for url in urls:
        assert "How should home care change?" in client.get(url).text, url


def test_a_host_organisation_rename_shows_on_the_project_page(
    client, project, host_org, host_admin, django_capture_on_commit_callbacks
):
    url = f"/projects/{project.slug}/"
    assert "Northfield Care Trust" in client.get(url).text

    with django_capture_on_commit_callbacks(execute=True):
        organisation_update(organisation=host_org, by=host_admin, name="Northfield Home Care")

    assert "Northfield Home Care" in client.get(url).text


def test_a_bump_before_commit_does_nothing_until_the_commit(
    client, project, contribution, host_admin, django_capture_on_commit_callbacks
):
    url = f"/projects/{project.slug}/"
    client.get(url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        project_update(project=project, by=host_admin, question="Not yet committed?")
    assert callbacks  # queued for after the commit, not run inside the transaction
    _, queries = get_counting(client, url)
    assert queries == 0


def test_logged_in_members_never_get_a_cached_page_nor_leave_one(
    client, project, contribution, practitioner
):
    for url in public_urls(project, contribution):
        client.get(url)  # an anonymous copy is in the cache
        member = Client()
        member.force_login(practitioner)

        response, queries = get_counting(member, url)

        # Her name is also in the bylines; the log-out button is hers alone.
        assert queries > 0, url
        assert "Priya Practitioner" in response.text, url
        assert "Log out" in response.text, url
        assert "Log out" not in Client().get(url).text, url


def with_message(client, text: str) -> None:
    """Give the client a pending message, as a redirect after a form would leave one."""
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value


@pytest.mark.parametrize("cached_first", [True, False])
def test_a_page_with_a_pending_message_is_neither_served_from_nor_stored_in_the_cache(
    project, contribution, cached_first
):
    url = f"/projects/{project.slug}/"
    if cached_first:
        Client().get(url)
    visitor = Client()
    with_message(visitor, "Thank you. Your contribution is published.")

    response, queries = get_counting(visitor, url)

    assert "Thank you. Your contribution is published." in response.text
    assert queries > 0
    later = Client().get(url)
    assert "Thank you. Your contribution is published." not in later.text


def test_private_projects_are_never_cached(client, private_project, host_admin):
    factories.ContributionFactory(project=private_project, title="Inside the private forum")
    url = f"/projects/{private_project.slug}/"
    hosts = Client()
    hosts.force_login(host_admin)
    assert "Inside the private forum" in hosts.get(url).text

    for _ in range(2):
        response, queries = get_counting(client, url)
        assert response.status_code == 404
        assert queries > 0  # the door is asked every time: no stored 404
    assert "Inside the private forum" not in client.get("/contributions/").text


def test_a_project_made_private_stops_being_served_from_the_cache(
    client, project, contribution, host_admin, django_capture_on_commit_callbacks
):
    urls = [f"/projects/{project.slug}/", contribution.get_absolute_url()]
    for url in urls:
        assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        project_update(project=project, by=host_admin, visibility="private")

    for url in urls:
        assert client.get(url).status_code == 404, url
    assert contribution.title not in client.get("/contributions/").text


def test_the_protected_authors_note_is_never_cached_nor_shown_to_others(
    project, service_user, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        protected = contribution_services.contribution_create(
            project=project,
            author=service_user,
            kind="story",
            title="What the agency told me",
            body="They said to keep quiet.",
            details=STORY,
            attribution="protected",
        )
    url = protected.get_absolute_url()
    note = "You wrote this"
    author = Client()
    author.force_login(service_user)
    other = Client()
    other.force_login(outsider)

    assert note in author.get(url).text
    assert note not in Client().get(url).text  # anonymous, stored
    assert note in author.get(url).text  # the author is never served the stored copy
    assert note not in Client().get(url).text  # served from the cache
    assert note not in other.get(url).text


# The decorator's own rules, on small views


def anonymous_get(path: str = "/page/", method: str = "get"):
    request = getattr(RequestFactory(), method)(path)
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)
    return request


def counting_view(respond):
    calls = []

    @cache_page_for_anonymous()
    def view(request):
        calls.append(request)
        return respond(request)

    return view, calls


def _sets_cookie(request):
    response = HttpResponse("hello")
    response.set_cookie("seen", "1")
    return response


def _asks_for_a_csrf_token(request):
    return HttpResponse(f"<form>{get_token(request)}</form>")


def _refuses(request):
    page_cache_refuse(request)
    return HttpResponse("private")


def _not_found(request):
    raise Http404


@pytest.mark.parametrize(
    "respond",
    [
        pytest.param(_sets_cookie, id="sets a cookie"),
        pytest.param(_asks_for_a_csrf_token, id="holds a CSRF token"),
        pytest.param(_refuses, id="refused by the view"),
        pytest.param(lambda request: HttpResponse("moved", status=302), id="redirect"),
        pytest.param(lambda request: HttpResponse("bad", status=400), id="form errors"),
    ],
)
def test_responses_that_are_never_stored(respond):
    view, calls = counting_view(respond)
    view(anonymous_get())
    view(anonymous_get())
    assert len(calls) == 2


def test_a_404_is_never_stored():
    view, calls = counting_view(_not_found)
    for _ in range(2):
        with pytest.raises(Http404):
            view(anonymous_get())
    assert len(calls) == 2


def test_only_get_and_head_are_cached():
    view, calls = counting_view(lambda request: HttpResponse("hello"))
    view(anonymous_get())
    view(anonymous_get())
    view(anonymous_get(method="head"))
    assert len(calls) == 1
    view(anonymous_get(method="post"))
    assert len(calls) == 2


def test_the_query_string_is_part_of_the_key():
    view, calls = counting_view(lambda request: HttpResponse(request.GET.get("q", "")))
    assert view(anonymous_get("/page/?q=care")).content == b"care"
    assert view(anonymous_get("/page/?q=rent")).content == b"rent"
    assert view(anonymous_get("/page/?q=care")).content == b"care"
    assert len(calls) == 2


def test_a_new_deployment_does_not_serve_pages_cached_by_the_last(
    client, project, contribution, monkeypatch
):
    from groundswell.core import pagecache

    url = f"/projects/{project.slug}/"
    client.get(url)
    assert get_counting(Client(), url)[1] == 0  # cached

    # Another deployment: other templates or static files (say a new stylesheet name).
    monkeypatch.setattr(pagecache, "_build_id", lambda: "another-build")
    response, queries = get_counting(Client(), url)
    assert response.status_code == 200 and queries > 0


def test_the_build_changes_with_code_templates_or_static_files(tmp_path):
    import os

    from groundswell.core.pagecache import files_digest

    package, manifest = tmp_path / "package", tmp_path / "static" / "staticfiles.json"
    (package / "templates").mkdir(parents=True)
    template = package / "templates" / "base.html"
    template.write_text("<html></html>")
    (package / "notes.txt").write_text("not part of a page")
    builds = [files_digest(package=package, manifest=manifest)]

    (package / "notes.txt").write_text("still not part of a page, longer")
    assert files_digest(package=package, manifest=manifest) == builds[0]
    os.utime(template, ns=(0, template.stat().st_mtime_ns + 1_000_000_000))  # redeployed
    builds.append(files_digest(package=package, manifest=manifest))
    manifest.parent.mkdir()
    manifest.write_text('{"paths": {"css/site.css": "css/site.0123abcd.css"}}')
    builds.append(files_digest(package=package, manifest=manifest))
    manifest.write_text('{"paths": {"css/site.css": "css/site.4567ef01.css"}}')
    builds.append(files_digest(package=package, manifest=manifest))
    assert len(set(builds)) == 4


def test_a_contribution_removed_in_the_admin_leaves_the_cached_pages(
    client, project, contribution, staff, django_capture_on_commit_callbacks
):
    """The admin saves models directly, not through the services that bump the cache: staff
    who took a contribution down there left it on every page anonymous visitors are served."""
    pages = [
        contribution.get_absolute_url(),
        f"/projects/{project.slug}/",
        f"/projects/{project.slug}/contributions/",
        "/contributions/",
    ]
    visitor = Client()
    for url in pages:
        assert contribution.title.encode() in visitor.get(url).content, url  # now cached
    staff.is_superuser = True  # the admin's change pages need the model's permissions
    staff.save()
    client.force_login(staff)
    change = f"/admin/contributions/contribution/{contribution.pk}/change/"
    form = {"title": "Taken down", "body": "-", "details": "{}", "sector": contribution.sector}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change, {**form, "status": "removed"})
    assert response.status_code == 302
    assert visitor.get(pages[0]).status_code == 404
    for url in pages[1:]:
        assert contribution.title.encode() not in visitor.get(url).content, url


def test_a_bulk_delete_in_the_admin_leaves_the_cached_pages(
    client, project, contribution, staff, django_capture_on_commit_callbacks
):
    visitor = Client()
    listing = f"/projects/{project.slug}/contributions/"
    assert contribution.title.encode() in visitor.get(listing).content
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/contributions/contribution/",
            {"action": "delete_selected", "_selected_action": [contribution.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert contribution.title.encode() not in visitor.get(listing).content
