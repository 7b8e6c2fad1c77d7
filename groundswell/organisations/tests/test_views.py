"""Organisation pages as their admins and members meet them."""

from django.urls import reverse

from groundswell.contributions.tests.test_queries import assert_no_growth
from groundswell.organisations.models import Membership, Organisation, OrganisationInvite
from groundswell.organisations.views import (
    INVITES_PER_PAGE,
    MEMBERS_PER_PAGE,
    ORG_PROJECTS_PER_PAGE,
)
from groundswell.testing import factories


def test_an_admin_who_gives_up_their_own_rights_lands_on_the_organisation_page(
    client, host_org, host_admin, practitioner
):
    factories.MembershipFactory(organisation=host_org, user=practitioner, is_admin=True)
    client.force_login(host_admin)
    response = client.post(
        reverse("organisations:set_admin", args=[host_org.slug, host_admin.pk]),
        {"is_admin": "0"},
        follow=True,
    )
    # Not the members page, which is for admins only and would answer 403.
    assert response.status_code == 200
    assert response.redirect_chain == [(host_org.get_absolute_url(), 302)]
    assert "Admin rights updated." in response.content.decode()
    assert not Membership.objects.get(organisation=host_org, user=host_admin).is_admin


def test_an_admin_who_changes_someone_else_stays_on_the_members_page(
    client, host_org, host_admin, practitioner
):
    factories.MembershipFactory(organisation=host_org, user=practitioner)
    client.force_login(host_admin)
    response = client.post(
        reverse("organisations:set_admin", args=[host_org.slug, practitioner.pk]),
        {"is_admin": "1"},
    )
    assert response.status_code == 302
    assert response.url == reverse("organisations:members", args=[host_org.slug])


def test_the_last_admin_giving_up_their_rights_is_told_why_not(client, host_org, host_admin):
    client.force_login(host_admin)
    response = client.post(
        reverse("organisations:set_admin", args=[host_org.slug, host_admin.pk]),
        {"is_admin": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert "An organisation needs at least one admin." in response.content.decode()
    assert Membership.objects.get(organisation=host_org, user=host_admin).is_admin


def test_a_long_membership_is_listed_in_pages(client, host_org, host_admin):
    for n in range(MEMBERS_PER_PAGE + 5):
        factories.MembershipFactory(
            organisation=host_org,
            user=factories.UserFactory(username=f"m{n:03}", display_name=f"Member {n:03}"),
        )
    last = f"Member {MEMBERS_PER_PAGE + 4:03}"
    client.force_login(host_admin)
    for url in (
        host_org.get_absolute_url(),
        reverse("organisations:members", args=[host_org.slug]),
    ):
        first = client.get(url).content.decode()
        assert "Member 000" in first and last not in first
        assert "Page 1 of 2" in first and 'rel="next"' in first
        second = client.get(url, {"page": "2"}).content.decode()
        assert last in second and "Member 000" not in second


def test_the_public_page_leaves_out_a_suspended_member_whose_profile_is_gone(
    client, host_org, host_admin, practitioner
):
    factories.MembershipFactory(organisation=host_org, user=practitioner)
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])
    assert client.get(practitioner.get_absolute_url()).status_code == 404
    page = client.get(host_org.get_absolute_url()).content.decode()
    assert "Hana Host" in page and "Priya Practitioner" not in page
    # Its admins still see them, to manage their rights, but with no link to a missing page.
    client.force_login(host_admin)
    members = client.get(reverse("organisations:members", args=[host_org.slug])).content.decode()
    assert "Priya Practitioner" in members
    assert f'href="{practitioner.get_absolute_url()}"' not in members


def test_an_id_too_long_for_the_database_is_not_found(client, host_org, host_admin):
    """Django's <int:…> let any number through to the database driver, which overflowed: 500."""
    client.force_login(host_admin)
    huge = "9" * 20
    for url in (
        f"/organisations/{host_org.slug}/members/{huge}/admin/",
        f"/organisations/verified-roles/{huge}/decide/",
        f"/organisations/verified-roles/{huge}/revoke/",
    ):
        assert client.post(url, {"is_admin": "1"}).status_code == 404, url
    # The longest id that fits still reaches the view.
    longest = reverse("organisations:set_admin", args=[host_org.slug, 10**18 - 1])
    response = client.post(longest, {"is_admin": "1"}, follow=True)
    assert "That person is not a member." in response.content.decode()


def test_an_organisation_name_with_a_direction_override_is_refused(client, practitioner):
    client.force_login(practitioner)
    response = client.post(
        reverse("organisations:create"), {"name": "Trust\u202eeurT", "kind": "charity"}
    )
    html = response.content.decode()
    assert "There is a problem" in html and 'id="id_name_error"' in html
    assert "invisible characters" in html
    assert not Organisation.objects.exists()


def test_invitations_waiting_for_a_reply_are_listed_in_pages_of_their_own(
    client, host_org, host_admin
):
    for n in range(MEMBERS_PER_PAGE + 1):
        factories.MembershipFactory(
            organisation=host_org,
            user=factories.UserFactory(username=f"m{n:03}", display_name=f"Member {n:03}"),
        )
    for n in range(INVITES_PER_PAGE + 3):
        OrganisationInvite.objects.create(
            organisation=host_org, email=f"invitee{n:03}@example.org", invited_by=host_admin
        )
    client.force_login(host_admin)
    url = reverse("organisations:members", args=[host_org.slug])

    first = client.get(url).content.decode()
    newest, oldest = f"invitee{INVITES_PER_PAGE + 2:03}@", "invitee000@"
    assert newest in first and oldest not in first
    assert 'href="?pending=2#pending-title" rel="next"' in first
    # Each list keeps its own page number: the second page of invitations, members unmoved.
    second = client.get(url, {"page": "2", "pending": "2"}).content.decode()
    assert oldest in second and newest not in second
    assert "Member 000" not in second and f"Member {MEMBERS_PER_PAGE:03}" in second
    assert 'href="?page=2&amp;pending=1#pending-title" rel="prev"' in second


def test_an_organisations_projects_are_listed_in_pages(client, host_org):
    for n in range(ORG_PROJECTS_PER_PAGE + 2):
        factories.ProjectFactory(host_organisation=host_org, question=f"Question {n:03}?")
    url = host_org.get_absolute_url()

    first = client.get(url).content.decode()
    assert first.count('<li class="card">') == ORG_PROJECTS_PER_PAGE
    assert 'href="?projects=2#projects-title" rel="next"' in first
    second = client.get(url, {"projects": "2"}).content.decode()
    assert second.count('<li class="card">') == 2
    assert "Question 000?" in second and "Question 000?" not in first


def test_the_members_page_costs_the_same_however_many_invitations_wait(
    client, host_org, host_admin
):
    def grow(n):
        for _ in range(n):
            k = OrganisationInvite.objects.count()
            OrganisationInvite.objects.create(
                organisation=host_org, email=f"grow{k}@example.org", invited_by=host_admin
            )
            factories.MembershipFactory(organisation=host_org)

    client.force_login(host_admin)
    url = reverse("organisations:members", args=[host_org.slug])
    assert_no_growth(client, url, grow, b"@example.org, sent")
