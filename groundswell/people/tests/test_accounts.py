"""Accounts end to end: sign up, verify by e-mail, log in and out, reset a password, edit a profile.

Accounts are django-allauth with mandatory e-mail verification; confirming takes a POST.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from groundswell.testing import factories

User = get_user_model()
NEW_PASSWORD = "a much longer new passphrase 42"


def _link(message, pattern: str) -> str:
    found = re.search(r"https?://[^/\s]+(" + pattern + r")", message.body)
    assert found, f"no link matching {pattern!r} in:\n{message.body}"
    return found.group(1)


def _logged_in_as(client):
    return client.get("/me/profile/").wsgi_request.user


@pytest.fixture
def signed_up(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "nadia@example.org",
            "username": "nadia",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    return response


def test_sign_up_sends_a_verification_email_and_does_not_log_in(client, signed_up):
    user = User.objects.get(username="nadia")
    assert user.email == "nadia@example.org"
    assert user.check_password(NEW_PASSWORD)
    assert not EmailAddress.objects.get(user=user).verified
    assert signed_up.url == "/accounts/confirm-email/"
    page = client.get(signed_up.url)
    assert b"Verify Your Email Address" in page.content
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nadia@example.org"]
    assert message.subject.startswith("[Groundswell] ")
    assert _link(message, r"/accounts/confirm-email/[^/\s]+/")
    assert not _logged_in_as(client).is_authenticated


def test_the_link_confirms_by_post_then_log_in_and_log_out_work(client, signed_up):
    link = _link(mail.outbox[0], r"/accounts/confirm-email/[^/\s]+/")
    client.logout()

    # Following the link only shows a button: mail scanners that GET links confirm nothing.
    page = client.get(link)
    assert page.status_code == 200
    assert b'method="post"' in page.content
    assert not EmailAddress.objects.get(email="nadia@example.org").verified

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="nadia@example.org").verified

    client.logout()
    assert not _logged_in_as(client).is_authenticated
    login = client.post(
        "/accounts/login/", {"login": "nadia@example.org", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
    assert login.url == "/"
    assert _logged_in_as(client).username == "nadia"
    home = client.get("/")
    assert b"Log out" in home.content

    logout = client.post("/accounts/logout/")
    assert logout.status_code == 302
    assert not _logged_in_as(client).is_authenticated
    assert b"Log in" in client.get("/").content


def test_an_unverified_member_cannot_log_in_and_is_asked_to_verify(client, signed_up):
    client.logout()
    mail.outbox.clear()
    response = client.post(
        "/accounts/login/", {"login": "nadia@example.org", "password": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert b"Verify Your Email Address" in response.content
    assert not response.wsgi_request.user.is_authenticated
    assert not _logged_in_as(client).is_authenticated
    # A fresh verification e-mail is sent, and still nothing is verified.
    assert [m.to for m in mail.outbox] == [["nadia@example.org"]]
    assert not EmailAddress.objects.get(email="nadia@example.org").verified


def test_a_wrong_password_does_not_log_in(client, practitioner):
    response = client.post(
        "/accounts/login/", {"login": practitioner.email, "password": "not the password"}
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"not correct" in response.content
    assert not _logged_in_as(client).is_authenticated


def test_password_reset_by_email(client, practitioner):
    response = client.post("/accounts/password/reset/", {"email": practitioner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [practitioner.email]
    link = _link(mail.outbox[0], r"/accounts/password/reset/key/[^/\s]+/")

    # The key moves from the URL into the session, then the form sets the new password.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    assert set_url.endswith("-set-password/")
    mismatch = client.post(set_url, {"password1": NEW_PASSWORD, "password2": "something else"})
    assert mismatch.status_code == 200
    assert b'id="id_password2_error"' in mismatch.content
    practitioner.refresh_from_db()
    assert practitioner.check_password(factories.PASSWORD)

    done = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.check_password(NEW_PASSWORD)

    # The link is single-use.
    again = client.get(link, follow=True)
    assert b"Bad Token" in again.content or b"invalid" in again.content.lower()

    client.logout()
    old = client.post(
        "/accounts/login/", {"login": practitioner.email, "password": factories.PASSWORD}
    )
    assert old.status_code == 200
    new = client.post("/accounts/login/", {"login": practitioner.email, "password": NEW_PASSWORD})
    assert new.status_code == 302
    assert _logged_in_as(client) == practitioner


def test_profile_edit_saves_the_perspective(client, practitioner):
    client.force_login(practitioner)
    response = client.post(
        "/me/profile/",
        {
            "display_name": "Priya P.",
            "bio": "Social worker in a hospital discharge team.",
            "role": "manager",
            "sector": "health",
            "region": "yorkshire",
            "pseudonym": "DischargeDesk",
        },
    )
    assert response.status_code == 302
    assert response.url == "/people/priya/"
    practitioner.refresh_from_db()
    assert (practitioner.role, practitioner.sector, practitioner.region) == (
        "manager",
        "health",
        "yorkshire",
    )
    assert practitioner.display_name == "Priya P."
    assert practitioner.pseudonym == "DischargeDesk"
    profile = client.get(response.url).content.decode()
    for shown in ("Priya P.", "Manager", "Health", "Yorkshire and the Humber"):
        assert shown in profile


def test_profile_edit_rejects_a_pseudonym_someone_else_has(client, practitioner, service_user):
    service_user.pseudonym = "NightShift"
    service_user.save(update_fields=["pseudonym"])
    client.force_login(practitioner)
    response = client.post(
        "/me/profile/",
        {"display_name": "Priya", "role": "practitioner", "sector": "", "pseudonym": "NightShift"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    error = re.search(r'<p class="error" id="id_pseudonym_error">([^<]*)</p>', html)
    assert error, "the error must sit next to the pseudonym field"
    assert "pseudonym" in error.group(1).lower()
    practitioner.refresh_from_db()
    assert practitioner.pseudonym == ""
    assert practitioner.display_name == "Priya Practitioner"


def test_profile_edit_needs_a_login(client):
    response = client.get("/me/profile/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("next_url", "lands"),
    [
        ("/projects/care/vote/", "/projects/care/vote/"),
        ("https://elsewhere.example/phish", "/people/priya/"),
        ("//elsewhere.example/", "/people/priya/"),
    ],
)
def test_profile_edit_goes_back_where_the_member_came_from_on_this_site_only(
    client, practitioner, next_url, lands
):
    client.force_login(practitioner)
    page = client.get("/me/profile/", {"next": next_url}).content.decode()
    assert ('name="next"' in page) == (next_url == lands)
    data = {"display_name": "Priya", "role": "manager", "sector": "", "next": next_url}
    response = client.post("/me/profile/", data)
    assert response.status_code == 302 and response.url == lands


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_account_forms_leave_checking_to_the_server(client, db, path):
    """The browser's own checks would stop an empty or malformed field with a passing bubble,
    before the error summary and the message beside the field are shown."""
    form = re.search(rb"<form [^>]*>", client.get(path).content).group(0)
    assert b"novalidate" in form


def test_account_form_checked_by_the_server_shows_the_summary(client, practitioner):
    client.force_login(practitioner)
    response = client.post("/accounts/password/change/", {})
    assert b'class="error-summary"' in response.content
    assert b'aria-invalid="true"' in response.content
    form = re.search(
        rb'<form method="post" action="/accounts/password/change/"[^>]*>', response.content
    )
    assert form and b"novalidate" in form.group(0)


def test_account_mail_links_to_site_url_and_names_groundswell(client, practitioner, settings):
    """Links and the greeting come from SITE_URL, not from the host the request came in on."""
    settings.SITE_URL = "https://groundswell.example"
    client.post(
        "/accounts/signup/",
        {
            "email": "nadia@example.org",
            "username": "nadia",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    client.post("/accounts/password/reset/", {"email": practitioner.email})
    client.post("/accounts/password/reset/", {"email": "nobody-here@example.org"})

    assert [m.to for m in mail.outbox] == [
        ["nadia@example.org"],
        [practitioner.email],
        ["nobody-here@example.org"],
    ]
    confirm, reset, unknown = (m.body for m in mail.outbox)
    assert re.search(r"https://groundswell\.example/accounts/confirm-email/[^/\s]+/", confirm)
    assert re.search(r"https://groundswell\.example/accounts/password/reset/key/[^/\s]+/", reset)
    assert "https://groundswell.example/accounts/signup/" in unknown
    for body in (confirm, reset, unknown):
        assert "testserver" not in body
        assert "Hello from Groundswell!" in body
        assert "groundswell.example" in body
