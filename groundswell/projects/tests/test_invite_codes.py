"""Single-use invitation codes: a host makes a batch, each lets exactly one member join."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from groundswell.projects.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    JoinedVia,
    Participant,
    ProjectInviteCode,
)
from groundswell.projects.services import (
    project_invite_code_revoke,
    project_invite_codes_create,
    project_invite_create,
    project_join_by_code,
    project_join_by_invite,
)
from groundswell.projects.tests.code_concurrency import race
from groundswell.testing import factories
from groundswell.testing.sqlite_file import run_on_a_sqlite_file


@pytest.fixture
def in_a_week(today):
    return today + timedelta(days=7)


@pytest.fixture
def codes(private_project, host_admin, in_a_week):
    return project_invite_codes_create(
        project=private_project, by=host_admin, count=5, expires_on=in_a_week, note="Day centre"
    )


def test_a_host_makes_a_batch_of_distinct_typeable_codes(codes, private_project, in_a_week):
    assert len({c.code for c in codes}) == 5
    for c in codes:
        assert len(c.code) == CODE_LENGTH and set(c.code) <= set(CODE_ALPHABET)
        assert timezone.localtime(c.expires_at).date() == in_a_week + timedelta(days=1)
        assert c.is_usable
    assert private_project.invite_codes.count() == 5


def test_only_hosts_make_codes_and_batches_are_bounded(private_project, practitioner, host_admin):
    with pytest.raises(PermissionDenied):
        project_invite_codes_create(
            project=private_project, by=practitioner, count=1, expires_on=timezone.localdate()
        )
    for count in (0, 201):
        with pytest.raises(ValidationError):
            project_invite_codes_create(
                project=private_project, by=host_admin, count=count, expires_on=timezone.localdate()
            )
    assert not ProjectInviteCode.objects.exists()


def test_a_code_lets_one_member_in_once(codes, private_project, practitioner, service_user):
    code = codes[0]
    # Typed in small letters with a space, as people do.
    typed = code.code[:5].lower() + " " + code.code[5:]
    assert project_join_by_code(code=typed, user=practitioner) == private_project
    participant = Participant.objects.get(project=private_project, user=practitioner)
    assert participant.joined_via == JoinedVia.INVITE_CODE
    code.refresh_from_db()
    assert code.used_by == practitioner and code.status == "Used"
    with pytest.raises(ValidationError):
        project_join_by_code(code=code.code, user=service_user)
    assert not Participant.objects.filter(user=service_user).exists()


def test_a_member_already_in_does_not_use_up_a_code(codes, private_project, practitioner):
    Participant.objects.create(project=private_project, user=practitioner)
    project_join_by_code(code=codes[0].code, user=practitioner)
    codes[0].refresh_from_db()
    assert codes[0].is_usable


@pytest.mark.parametrize("problem", ["wrong", "expired", "revoked"])
def test_wrong_expired_and_revoked_codes_are_refused(codes, host_admin, practitioner, problem):
    code = codes[0]
    if problem == "wrong":
        text = "ZZZZZZZZZZ" if code.code != "ZZZZZZZZZZ" else "YYYYYYYYYY"
    else:
        text = code.code
        if problem == "expired":
            ProjectInviteCode.objects.filter(pk=code.pk).update(
                expires_at=timezone.now() - timedelta(days=1)
            )
        else:
            project_invite_code_revoke(code=code, by=host_admin)
    with pytest.raises(ValidationError) as error:
        project_join_by_code(code=text, user=practitioner)
    assert "code" in error.value.message_dict
    assert not Participant.objects.filter(user=practitioner).exists()


def test_joining_by_a_link_is_recorded_as_invited(private_project, host_admin, practitioner):
    invite = project_invite_create(project=private_project, by=host_admin)
    project_join_by_invite(token=invite.token, user=practitioner)
    participant = Participant.objects.get(project=private_project, user=practitioner)
    assert participant.joined_via == JoinedVia.INVITE_LINK


# Pages -----------------------------------------------------------------------------------------


def test_the_host_page_makes_codes_and_shows_who_used_them(
    client, private_project, host_admin, practitioner, in_a_week
):
    client.force_login(host_admin)
    url = reverse("projects:invite_codes", args=[private_project.slug])
    response = client.post(url, {"count": 3, "expires_on": in_a_week.isoformat(), "note": "Ward"})
    assert response.status_code == 302
    first = private_project.invite_codes.first()
    project_join_by_code(code=first.code, user=practitioner)
    page = client.get(url).content.decode()
    assert all(c.code in page for c in private_project.invite_codes.all())
    assert "Priya Practitioner" in page
    assert "2 codes still unused" in page


def test_the_host_page_shows_errors(client, private_project, host_admin, yesterday):
    client.force_login(host_admin)
    url = reverse("projects:invite_codes", args=[private_project.slug])
    response = client.post(url, {"count": 500, "expires_on": yesterday.isoformat()})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert 'id="id_count_error"' in page and 'id="id_expires_on_error"' in page
    assert not ProjectInviteCode.objects.exists()


@pytest.mark.parametrize("expires_on", ["9999-12-31", "2500-01-01"])
def test_codes_last_at_most_a_year(client, private_project, host_admin, today, expires_on):
    # 31 December 9999 has no next day to end on: it was a server error, not a form error.
    client.force_login(host_admin)
    url = reverse("projects:invite_codes", args=[private_project.slug])
    response = client.post(url, {"count": 1, "expires_on": expires_on})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page and 'id="id_expires_on_error"' in page
    assert "no more than a year from today" in page
    with pytest.raises(ValidationError):
        project_invite_codes_create(
            project=private_project,
            by=host_admin,
            count=1,
            expires_on=today + timedelta(days=366),
        )
    assert not ProjectInviteCode.objects.exists()
    project_invite_codes_create(
        project=private_project, by=host_admin, count=1, expires_on=today + timedelta(days=365)
    )


def test_participants_cannot_see_or_revoke_codes(client, codes, private_project, practitioner):
    Participant.objects.create(project=private_project, user=practitioner)
    client.force_login(practitioner)
    assert (
        client.get(reverse("projects:invite_codes", args=[private_project.slug])).status_code == 403
    )
    revoke = reverse("projects:invite_code_revoke", args=[private_project.slug, codes[0].pk])
    assert client.post(revoke).status_code == 403
    codes[0].refresh_from_db()
    assert codes[0].is_usable


def test_the_host_revokes_a_code(client, codes, private_project, host_admin):
    client.force_login(host_admin)
    client.post(reverse("projects:invite_code_revoke", args=[private_project.slug, codes[0].pk]))
    codes[0].refresh_from_db()
    assert codes[0].status == "Revoked"


def test_join_with_a_code_form(client, codes, private_project, practitioner):
    client.force_login(practitioner)
    url = reverse("projects:join_code")
    # A link carrying the code fills the form in.
    assert codes[0].code in client.get(url, {"code": codes[0].code}).content.decode()
    response = client.post(url, {"code": codes[0].code.lower()})
    assert response.status_code == 302
    assert response.url == private_project.get_absolute_url()
    assert Participant.objects.filter(project=private_project, user=practitioner).exists()


def test_join_with_a_used_code_shows_a_form_error(client, codes, practitioner, service_user):
    project_join_by_code(code=codes[0].code, user=service_user)
    client.force_login(practitioner)
    response = client.post(reverse("projects:join_code"), {"code": codes[0].code})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page and 'id="id_code_error"' in page
    assert "does not work" in page


def test_join_with_a_code_needs_logging_in(client, codes):
    response = client.post(reverse("projects:join_code"), {"code": codes[0].code})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    codes[0].refresh_from_db()
    assert codes[0].is_usable


# Two people, one code, the same instant ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_let_exactly_one_in_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database has no real concurrency; see the next test")
    project = factories.ProjectFactory(visibility="private")
    (code,) = project_invite_codes_create(
        project=project,
        by=project.host_user,
        count=1,
        expires_on=timezone.localdate() + timedelta(days=3),
    )
    users = [factories.UserFactory().pk for _ in range(6)]

    joined, errors = race(code=code.code, user_ids=users)

    assert errors == []
    assert len(joined) == 1
    assert Participant.objects.filter(project=project).count() == 1
    code.refresh_from_db()
    assert code.used_by_id == joined[0]


def test_concurrent_redemptions_let_exactly_one_in_on_sqlite(tmp_path):
    last = run_on_a_sqlite_file("groundswell.projects.tests.code_concurrency", var_dir=tmp_path)
    assert last == "joined=1 members=1 used_by_winner=True errors=[]"
