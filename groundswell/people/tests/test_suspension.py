"""Staff suspend an account with a reason and lift it; a suspended member cannot log in."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts_data.export import member_data
from groundswell.contributions.models import Contribution
from groundswell.people.models import Suspension
from groundswell.people.services import user_suspend, user_unsuspend
from groundswell.testing import factories

FROZEN = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: FROZEN)
    return FROZEN


def _log_in(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD}
    )


def test_suspending_records_who_when_and_why(practitioner, staff, frozen):
    suspension = user_suspend(user=practitioner, by=staff, reason="Repeated abuse of others")
    practitioner.refresh_from_db()
    assert not practitioner.is_active
    assert practitioner.is_suspended
    assert (suspension.suspended_by, suspension.suspended_at, suspension.reason) == (
        staff,
        FROZEN,
        "Repeated abuse of others",
    )
    lifted = user_unsuspend(user=practitioner, by=staff)
    practitioner.refresh_from_db()
    assert practitioner.is_active and not practitioner.is_suspended
    assert (lifted.pk, lifted.lifted_by, lifted.lifted_at) == (suspension.pk, staff, FROZEN)


def test_only_staff_suspend_and_a_reason_is_required(practitioner, service_user, staff):
    with pytest.raises(PermissionDenied):
        user_suspend(user=practitioner, by=service_user, reason="I dislike them")
    with pytest.raises(ValidationError) as error:
        user_suspend(user=practitioner, by=staff, reason="   ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        user_suspend(user=staff, by=staff, reason="Testing")
    with pytest.raises(ValidationError):
        user_unsuspend(user=practitioner, by=staff)
    practitioner.refresh_from_db()
    assert practitioner.is_active
    assert not Suspension.objects.exists()


def test_an_account_is_suspended_once_at_a_time(practitioner, staff):
    user_suspend(user=practitioner, by=staff, reason="First")
    with pytest.raises(ValidationError):
        user_suspend(user=practitioner, by=staff, reason="Second")
    user_unsuspend(user=practitioner, by=staff)
    user_suspend(user=practitioner, by=staff, reason="Again")
    assert practitioner.suspensions.count() == 2
    assert practitioner.suspensions.filter(lifted_at__isnull=True).count() == 1


def test_a_suspended_member_cannot_log_in_and_their_sessions_end(client, practitioner, staff):
    assert _log_in(client, practitioner).status_code == 302
    assert client.get(reverse("people:edit")).status_code == 200

    user_suspend(user=practitioner, by=staff, reason="Harassment")
    # The session from before no longer logs them in.
    response = client.get(reverse("people:edit"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))

    response = _log_in(client, practitioner)
    assert response.status_code == 302
    assert response.url == reverse("account_inactive")
    page = client.get(response.url)
    assert b"This account is suspended" in page.content
    assert b"Harassment" not in page.content  # the reason is for staff
    assert not client.get(reverse("people:edit")).wsgi_request.user.is_authenticated

    # A wrong password tells nothing about the suspension.
    wrong = client.post(
        reverse("account_login"), {"login": practitioner.email, "password": "not the password"}
    )
    assert wrong.status_code == 200
    assert b"suspended" not in wrong.content

    user_unsuspend(user=practitioner, by=staff)
    assert _log_in(client, practitioner).url != reverse("account_inactive")
    assert client.get(reverse("people:edit")).status_code == 200


def test_their_contributions_stay(client, practitioner, staff, project):
    story = factories.ContributionFactory(project=project, author=practitioner, title="Kept story")
    user_suspend(user=practitioner, by=staff, reason="Spam")
    assert Contribution.objects.filter(pk=story.pk, status="published").exists()
    page = client.get(reverse("contributions:list", args=[project.slug]))
    assert b"Kept story" in page.content


def test_staff_suspend_and_lift_from_the_page(client, practitioner, staff):
    client.force_login(staff)
    url = reverse("people:suspension", args=[practitioner.username])
    page = client.get(url)
    assert page.status_code == 200 and b"never been suspended" in page.content

    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert "error-summary" in html and 'id="id_reason_error"' in html

    response = client.post(url, {"reason": "Threats in comments"})
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.is_suspended
    page = client.get(url)
    assert b"Threats in comments" in page.content and b"stella" in page.content

    response = client.post(url, {"lift": "1"})
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.is_active and not practitioner.is_suspended


def test_members_cannot_use_the_suspension_page(client, practitioner, service_user):
    client.force_login(service_user)
    url = reverse("people:suspension", args=[practitioner.username])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x"}).status_code == 403
    practitioner.refresh_from_db()
    assert practitioner.is_active


def test_profile_of_a_member_shows_staff_the_suspend_link(client, practitioner, staff):
    client.force_login(staff)
    page = client.get(practitioner.get_absolute_url())
    assert reverse("people:suspension", args=[practitioner.username]).encode() in page.content


def test_staff_are_told_the_truth_about_who_reads_the_reason(client, practitioner, staff):
    """The member's own copy of their data holds the reason (it is about them): the page must
    not tell staff that the member never sees it."""
    user_suspend(user=practitioner, by=staff, reason="Threats in comments")
    user_unsuspend(user=practitioner, by=staff)
    reasons = [s["reason"] for s in member_data(user=practitioner)["suspensions"]]
    assert reasons == ["Threats in comments"]
    client.force_login(staff)
    page = client.get(reverse("people:suspension", args=[practitioner.username])).content
    assert b"not shown this" not in page
    assert b"copy of their data" in page
