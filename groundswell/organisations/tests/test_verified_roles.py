"""Verified role badges: asked for by a member, confirmed by a verified organisation or staff,
and shown next to the member's name or pseudonym without ever naming the organisation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from groundswell.accounts_data.export import member_data
from groundswell.contributions.models import Contribution
from groundswell.contributions.services import comment_create, contribution_create
from groundswell.organisations.models import VerifiedRole, VerifiedRoleStatus
from groundswell.organisations.selectors import verified_roles_of
from groundswell.organisations.services import (
    verified_role_decide,
    verified_role_request,
    verified_role_revoke,
)
from groundswell.testing import factories

EMPLOYER = "Westshire County Council"
BADGE = "Verified: registered social worker · council or public body"


@pytest.fixture
def employer(db):
    org = factories.OrganisationFactory(name=EMPLOYER, kind="council", verified=True)
    factories.MembershipFactory(
        organisation=org, user=factories.UserFactory(username="ada"), is_admin=True
    )
    return org


@pytest.fixture
def employer_admin(employer):
    return employer.memberships.get(is_admin=True).user


@pytest.fixture
def worker(practitioner, employer):
    practitioner.pseudonym = "NightShiftSW"
    practitioner.save(update_fields=["pseudonym"])
    factories.MembershipFactory(organisation=employer, user=practitioner)
    return practitioner


def ask(member, organisation, label="registered social worker"):
    return verified_role_request(
        member=member, label=label, employer_kind="council", organisation=organisation
    )


def test_a_member_asks_an_organisation_they_belong_to(worker, employer):
    role = ask(worker, employer)
    assert role.status == VerifiedRoleStatus.REQUESTED
    assert role.organisation == employer
    assert verified_roles_of(member=worker) == []  # not a badge until confirmed


def test_a_member_cannot_ask_an_organisation_they_do_not_belong_to(outsider, employer):
    with pytest.raises(ValidationError) as error:
        ask(outsider, employer)
    assert "organisation" in error.value.message_dict


def test_the_same_request_twice_is_refused(worker, employer):
    ask(worker, employer)
    with pytest.raises(ValidationError):
        ask(worker, employer, label="Registered Social Worker")


def test_an_admin_of_a_verified_organisation_confirms(worker, employer, employer_admin):
    role = verified_role_decide(role=ask(worker, employer), by=employer_admin, confirm=True)
    assert role.status == VerifiedRoleStatus.CONFIRMED
    assert not role.confirmed_by_staff
    assert role.decided_on is not None
    assert [r.pk for r in verified_roles_of(member=worker)] == [role.pk]
    assert role.confirmer == "confirmed by a verified organisation"


def test_an_admin_can_decline(worker, employer, employer_admin):
    role = verified_role_decide(role=ask(worker, employer), by=employer_admin, confirm=False)
    assert role.status == VerifiedRoleStatus.DECLINED
    assert verified_roles_of(member=worker) == []
    with pytest.raises(ValidationError, match="already been decided"):
        verified_role_decide(role=role, by=employer_admin, confirm=True)


def test_an_unverified_organisation_cannot_confirm(worker, employer, employer_admin):
    employer.verified = False
    employer.save(update_fields=["verified"])
    role = ask(worker, employer)
    with pytest.raises(PermissionDenied, match="verified organisation"):
        verified_role_decide(role=role, by=employer_admin, confirm=True)
    role.refresh_from_db()
    assert role.status == VerifiedRoleStatus.REQUESTED


def test_a_plain_member_or_an_other_organisations_admin_cannot_confirm(
    worker, employer, service_user, host_admin
):
    factories.MembershipFactory(organisation=employer, user=service_user)
    role = ask(worker, employer)
    for someone in (service_user, host_admin):  # host_admin administers another organisation
        with pytest.raises(PermissionDenied):
            verified_role_decide(role=role, by=someone, confirm=True)
    role.refresh_from_db()
    assert role.status == VerifiedRoleStatus.REQUESTED


def test_an_admin_cannot_confirm_their_own_role(employer, employer_admin):
    role = ask(employer_admin, employer)
    with pytest.raises(PermissionDenied, match="your own"):
        verified_role_decide(role=role, by=employer_admin, confirm=True)


def test_staff_confirm_a_request_made_to_staff(worker, staff):
    role = ask(worker, None, label="lived experience of temporary accommodation")
    role = verified_role_decide(role=role, by=staff, confirm=True)
    assert role.confirmed_by_staff
    assert role.confirmer == "confirmed by Groundswell staff"


def test_nobody_but_staff_decides_a_request_made_to_staff(worker, employer_admin):
    role = ask(worker, None)
    with pytest.raises(PermissionDenied):
        verified_role_decide(role=role, by=employer_admin, confirm=True)


def test_revoking_removes_the_badge(worker, employer, employer_admin, service_user):
    role = verified_role_decide(role=ask(worker, employer), by=employer_admin, confirm=True)
    with pytest.raises(PermissionDenied):
        verified_role_revoke(role=role, by=service_user)
    verified_role_revoke(role=role, by=employer_admin)
    assert VerifiedRole.objects.get(pk=role.pk).revoked
    assert verified_roles_of(member=worker) == []


def test_a_member_withdraws_their_own_badge(client, worker, staff):
    role = verified_role_decide(role=ask(worker, None), by=staff, confirm=True)
    client.force_login(worker)
    response = client.post(reverse("organisations:verified_role_revoke", args=[role.pk]))
    assert response.status_code == 302
    assert verified_roles_of(member=worker) == []


# Pages -----------------------------------------------------------------------------------------


def test_the_request_form_sends_a_request(client, worker, employer):
    client.force_login(worker)
    url = reverse("organisations:verified_roles")
    page = client.get(url).content.decode()
    assert EMPLOYER in page  # offered as a confirmer to the member themself
    response = client.post(
        url,
        {"label": "registered social worker", "employer_kind": "council", "confirmer": employer.pk},
    )
    assert response.status_code == 302
    assert VerifiedRole.objects.get(member=worker).organisation == employer


def test_the_request_form_shows_errors_next_to_fields_and_in_a_summary(client, worker):
    client.force_login(worker)
    response = client.post(
        reverse("organisations:verified_roles"),
        {"label": "", "employer_kind": "", "confirmer": "staff"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert 'id="id_label_error"' in page and 'id="id_employer_kind_error"' in page
    assert not VerifiedRole.objects.exists()


def test_an_admin_confirms_on_the_requests_page(client, worker, employer, employer_admin):
    role = ask(worker, employer)
    client.force_login(employer_admin)
    page = client.get(reverse("organisations:verified_role_requests", args=[employer.slug]))
    assert page.status_code == 200 and "registered social worker" in page.content.decode()
    client.post(
        reverse("organisations:verified_role_decide", args=[role.pk]), {"decision": "confirm"}
    )
    role.refresh_from_db()
    assert role.status == VerifiedRoleStatus.CONFIRMED


def test_a_plain_member_cannot_decide_on_the_page(client, worker, employer, service_user):
    role = ask(worker, employer)
    client.force_login(service_user)
    response = client.post(
        reverse("organisations:verified_role_decide", args=[role.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 403
    assert (
        client.get(
            reverse("organisations:verified_role_requests", args=[employer.slug])
        ).status_code
        == 403
    )
    role.refresh_from_db()
    assert role.status == VerifiedRoleStatus.REQUESTED


def test_staff_see_requests_made_to_staff(client, worker, staff):
    ask(worker, None, label="lived experience of temporary accommodation")
    client.force_login(staff)
    page = client.get(reverse("organisations:verified_role_requests_staff")).content.decode()
    assert "lived experience of temporary accommodation" in page


# The badge in bylines --------------------------------------------------------------------------


@pytest.fixture
def badged(worker, employer, employer_admin):
    verified_role_decide(role=ask(worker, employer), by=employer_admin, confirm=True)
    return worker


def _write(project, author, attribution, title):
    return contribution_create(
        project=project, author=author, kind="story", title=title, body="b", attribution=attribution
    )


def test_badge_shows_on_a_pseudonymous_contribution_without_naming_the_employer(
    client, project, badged
):
    item = _write(project, badged, "pseudonymous", "Visits are too short")
    comment_create(contribution=item, author=badged, body="And rushed", attribution="pseudonymous")
    for url in (item.get_absolute_url(), reverse("contributions:list", args=[project.slug])):
        page = client.get(url).content.decode()
        assert "NightShiftSW" in page
        assert BADGE in page
        assert "confirmed by a verified organisation" in page
        assert EMPLOYER not in page and "westshire" not in page.lower()
        assert "Priya" not in page  # the pseudonym stays a pseudonym
    detail = client.get(item.get_absolute_url()).content.decode()
    assert detail.count(BADGE) == 2  # the contribution and the comment


def test_badge_shows_neither_beside_the_name_nor_on_the_public_profile(client, project, badged):
    """A rare badge seen beside a name and beside a pseudonym would tie the two together."""
    item = _write(project, badged, "named", "Named story")
    assert BADGE not in client.get(item.get_absolute_url()).content.decode()
    assert BADGE not in client.get(badged.get_absolute_url()).content.decode()
    client.force_login(badged)  # the member sees their own badges on their profile
    assert BADGE in client.get(badged.get_absolute_url()).content.decode()


def test_badge_never_shows_on_protected_items(client, project, badged):
    item = _write(project, badged, "protected", "Protected story")
    comment_create(contribution=item, author=badged, body="Quietly", attribution="protected")
    assert Contribution.objects.get(pk=item.pk).author_id is None
    for url in (item.get_absolute_url(), reverse("contributions:list", args=[project.slug])):
        page = client.get(url).content.decode()
        assert "Protected story" in page
        assert "Verified:" not in page
        assert "registered social worker" not in page


def test_a_revoked_badge_no_longer_shows(client, project, badged, employer_admin):
    item = _write(project, badged, "pseudonymous", "Visits are too short")
    verified_role_revoke(role=VerifiedRole.objects.get(member=badged), by=employer_admin)
    assert "Verified:" not in client.get(item.get_absolute_url()).content.decode()


def test_the_members_own_data_export_lists_their_roles(worker, employer, employer_admin):
    verified_role_decide(role=ask(worker, employer), by=employer_admin, confirm=True)
    ask(worker, None, label="lived experience of care")
    roles = {r["role"]: r for r in member_data(user=worker)["verified_roles"]}
    assert roles["registered social worker"]["status"] == "confirmed"
    assert roles["registered social worker"]["asked"] == EMPLOYER  # their own data: named
    assert roles["lived experience of care"]["asked"] == "site staff"


def test_staff_can_confirm_a_request_made_to_an_unverified_organisation(worker, employer, staff):
    employer.verified = False
    employer.save(update_fields=["verified"])
    role = verified_role_decide(role=ask(worker, employer), by=staff, confirm=True)
    assert role.confirmed_by_staff
    assert role.confirmer == "confirmed by Groundswell staff"
