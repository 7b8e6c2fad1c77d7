"""Two-factor authentication (allauth.mfa): open to every member, required of staff.

TOTP codes depend on the time, so every test here stops allauth's clock at FROZEN.
"""

from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from django.urls import reverse

from groundswell.testing import factories

FROZEN = 1_790_000_000  # seconds since the epoch, at the start of a 30-second step


@pytest.fixture(autouse=True)
def frozen_totp_clock(monkeypatch):
    monkeypatch.setattr(totp_auth, "time", SimpleNamespace(time=lambda: FROZEN))


def code_for(secret: str, *, at: int = FROZEN) -> str:
    return totp_auth.format_hotp_value(totp_auth.hotp_value(secret, at // 30))


@pytest.fixture
def staff_without_mfa(db):
    return factories.UserFactory(username="nina", is_staff=True, is_superuser=True)


STAFF_PAGES = ["/admin/", "/admin/people/user/", "/people/priya/suspension/"]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_without_an_authenticator_are_sent_to_set_one_up(
    client, staff_without_mfa, practitioner, url
):
    client.force_login(staff_without_mfa)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    page = client.get(response.url, follow=True)
    assert b"must set up two-factor authentication" in page.content


def test_organisation_verification_is_a_staff_page_too(client, staff_without_mfa, host_org):
    client.force_login(staff_without_mfa)
    response = client.post(reverse("organisations:verify", args=[host_org.slug]))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    host_org.refresh_from_db()
    assert not host_org.verified


@pytest.mark.parametrize("url", ["/admin/", "/people/priya/suspension/"])
def test_staff_with_an_authenticator_use_staff_pages(client, staff, practitioner, url):
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200


def test_staff_without_an_authenticator_can_only_set_it_up_or_log_out(
    client, staff_without_mfa, project
):
    """Staff powers reach every project (moderation, editing), not only the staff pages."""
    client.force_login(staff_without_mfa)
    for url in (
        reverse("projects:list"),
        reverse("moderation:queue", args=[project.slug]),
        reverse("projects:edit", args=[project.slug]),
    ):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, reverse("mfa_activate_totp")), url
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_email")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert not client.get(reverse("projects:list")).wsgi_request.user.is_authenticated


def test_members_are_not_asked_for_two_factor(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("people:edit")).status_code == 200
    # and a member opening a staff page is refused as before, not sent to set up 2FA
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert reverse("mfa_activate_totp") not in str(response.redirect_chain)


def test_the_admin_log_in_page_sends_to_the_site_log_in_which_asks_for_the_code(client):
    response = client.get("/admin/login/?next=/admin/people/user/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Fadmin%2Fpeople%2Fuser%2F"
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_profile_page_links_to_two_factor_set_up(client, practitioner):
    client.force_login(practitioner)
    page = client.get(practitioner.get_absolute_url())
    assert reverse("mfa_index").encode() in page.content


def _log_in_with_password(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD}
    )


def test_a_member_sets_up_an_authenticator_app_and_then_logs_in_with_a_code(client, practitioner):
    assert _log_in_with_password(client, practitioner).status_code == 302
    # Setting it up asks for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    response = client.post(response.url, {"password": factories.PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    # The QR code is drawn inline: the Content-Security-Policy allows no data: images.
    assert '<svg class="qr-code" role="img" aria-label="QR code' in html
    assert "data:image" not in html
    assert "<script" not in html and "style=" not in html
    secret = page.context["form"].secret

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert b"error-summary" in wrong.content and b'id="id_code_error"' in wrong.content

    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=practitioner, type="totp").exists()
    assert Authenticator.objects.filter(user=practitioner, type="recovery_codes").exists()
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200 and b"recovery-codes" in codes.content

    client.post(reverse("account_logout"))
    response = _log_in_with_password(client, practitioner)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    # The password alone does not log in.
    assert not client.get(reverse("projects:list")).wsgi_request.user.is_authenticated
    stage = client.get(reverse("mfa_authenticate"))
    assert stage.status_code == 200 and b"Enter your code" in stage.content
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert wrong.status_code == 200 and b"error-summary" in wrong.content
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret, at=FROZEN + 30)})
    assert response.status_code == 302
    assert client.get(reverse("projects:list")).wsgi_request.user == practitioner


def test_staff_log_in_through_the_admin_needs_the_code(client, staff_without_mfa):
    secret = factories.totp_activate(staff_without_mfa)
    response = client.get("/admin/login/?next=/admin/")
    response = client.post(
        response.url,
        {"login": staff_without_mfa.email, "password": factories.PASSWORD, "next": "/admin/"},
    )
    assert response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
