"""The host's list of invitation links comes in pages: a forum handed out link by link, one per
team or event, soon has more than a page of them."""

from django.urls import reverse

from groundswell.contributions.tests.test_queries import queries_for
from groundswell.projects.models import ProjectInvite
from groundswell.projects.views import INVITES_PER_PAGE


def _links(project, host, n, start=0):
    for k in range(start, start + n):
        ProjectInvite.objects.create(project=project, created_by=host, note=f"Link {k:03}")


def test_invitation_links_are_listed_in_pages(client, private_project, host_admin):
    client.force_login(host_admin)
    url = reverse("projects:invites", args=[private_project.slug])
    _links(private_project, host_admin, 3)
    few, _ = queries_for(client, url)
    _links(private_project, host_admin, INVITES_PER_PAGE + 2, start=3)
    many, first = queries_for(client, url)
    newest, oldest = f"Link {INVITES_PER_PAGE + 4:03}", "Link 000"

    first = first.decode()
    assert newest in first and oldest not in first
    assert first.count('<tr role="row"><td role="cell">') == INVITES_PER_PAGE
    assert "Page 1 of 2" in first and 'href="?page=2" rel="next"' in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert oldest in second and newest not in second
    assert second.count('<tr role="row"><td role="cell">') == 5
    assert "(page 2 of 2)" in second  # in the title
    assert few == many
