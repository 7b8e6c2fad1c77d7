"""Health and disability (special-category data): kept only with explicit consent, shown to
nobody else, and exported only in the member's own "download my data"."""

import io
import json
import logging
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts_data.export import member_data
from groundswell.contributions.services import contribution_create
from groundswell.deliberation.services import statement_create, vote_cast
from groundswell.people.services import lived_experience_set, lived_experience_withdraw
from groundswell.projects.models import Participant
from groundswell.testing import factories

FROZEN = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
URL = "/me/health-and-disability/"
# A value that appears nowhere else on the site's pages, so its absence means something.
MARKER = "prefer_not"
LABEL = "rather not say"


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: FROZEN)
    return FROZEN


def test_it_cannot_be_saved_without_consent(client, practitioner):
    with pytest.raises(ValidationError) as error:
        lived_experience_set(user=practitioner, value="yes", consent=False)
    assert "consent" in error.value.message_dict
    client.force_login(practitioner)
    response = client.post(URL, {"lived_experience": "yes"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and 'id="id_consent_error"' in html
    assert (
        'type="checkbox" name="consent"' in html
        and "checked" not in html.split('name="consent"')[1].split(">")[0]
    )
    practitioner.refresh_from_db()
    assert practitioner.lived_experience == ""
    assert practitioner.lived_experience_consent_at is None


def test_the_database_refuses_an_answer_without_consent(practitioner):
    practitioner.lived_experience = "yes"
    with pytest.raises(IntegrityError), transaction.atomic():
        practitioner.save(update_fields=["lived_experience"])


def test_consent_is_recorded_with_the_time_and_withdrawal_clears_it(client, practitioner, frozen):
    client.force_login(practitioner)
    response = client.post(URL, {"lived_experience": "yes", "consent": "on"})
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.lived_experience == "yes"
    assert practitioner.lived_experience_consent_at == FROZEN
    page = client.get(URL)
    assert b"6 May 2026" in page.content

    response = client.post(URL, {"withdraw": "1"})
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.lived_experience == ""
    assert practitioner.lived_experience_consent_at is None


def test_an_answer_must_be_one_of_the_choices(client, practitioner):
    client.force_login(practitioner)
    response = client.post(URL, {"lived_experience": "maybe", "consent": "on"})
    assert response.status_code == 400
    assert b'id="id_lived_experience_error"' in response.content
    with pytest.raises(ValidationError):
        lived_experience_set(user=practitioner, value="maybe", consent=True)


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_nothing_is_logged_not_even_sql_and_error_reports_hide_it(client, practitioner):
    client.force_login(practitioner)
    recorder, root = Recorder(), logging.getLogger()
    sql_log = logging.getLogger("django.db.backends")
    old_level, old_sql_level = root.level, sql_log.level
    root.addHandler(recorder)
    root.setLevel(logging.DEBUG)
    sql_log.setLevel(logging.DEBUG)
    # Every query logged with its parameters, as with DEBUG on and LOG_LEVEL=DEBUG.
    connection.force_debug_cursor = True
    try:
        response = client.post(URL, {"lived_experience": MARKER, "consent": "on"})
        client.get(URL)
    finally:
        connection.force_debug_cursor = False
        root.removeHandler(recorder)
        root.setLevel(old_level)
        sql_log.setLevel(old_sql_level)
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.lived_experience == MARKER
    assert any("SELECT" in line for line in recorder.lines)  # queries were logged
    assert any("special-category" in line for line in recorder.lines)
    assert not [line for line in recorder.lines if MARKER in line]
    # Django's error reports (debug page, e-mails to admins) show these fields as stars.
    assert response.wsgi_request.sensitive_post_parameters == ("lived_experience", "consent")


@pytest.fixture
def answered(practitioner, project, service_user, host_admin):
    """The practitioner answered, and took part in every way that ends up in a page or export."""
    lived_experience_set(user=practitioner, value=MARKER, consent=True)
    Participant.objects.get_or_create(project=project, user=practitioner)
    contribution_create(
        project=project,
        author=practitioner,
        kind="story",
        title="A story",
        body="What happened.",
        details={},
    )
    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    vote_cast(statement=statement, user=practitioner, value=1)
    return practitioner


def test_absent_from_other_members_views_the_api_and_the_polis_export(
    client, answered, project, service_user, staff
):
    slug = project.slug
    pages = [
        answered.get_absolute_url(),
        f"/projects/{slug}/",
        f"/projects/{slug}/contributions/",
        f"/projects/{slug}/results/",
        f"/api/v1/projects/{slug}/contributions",
    ]
    for viewer in (None, service_user, staff):
        client.logout()
        if viewer:
            client.force_login(viewer)
        for url in pages:
            response = client.get(url)
            text = response.content.decode()
            assert response.status_code == 200, url
            assert MARKER not in text and LABEL not in text and "lived_experience" not in text
        assert "Priya Practitioner" in client.get(answered.get_absolute_url()).content.decode()
    # Not even site staff, in the admin.
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    factories.totp_activate(root)
    client.force_login(root)
    response = client.get(f"/admin/people/user/{answered.pk}/change/")
    text = response.content.decode()
    assert response.status_code == 200 and "Priya Practitioner" in text
    assert MARKER not in text and LABEL not in text and "lived_experience" not in text
    response = client.get(reverse("deliberation:export_polis", args=[slug]))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist()
        for name in archive.namelist():
            content = archive.read(name).decode()
            assert MARKER not in content and "lived" not in content


def test_present_in_the_members_own_data_export(answered, frozen):
    lived_experience_set(user=answered, value="yes", consent=True)
    profile = member_data(user=answered)["profile"]
    assert profile["lived_experience"] == "yes"
    assert profile["lived_experience_consent_at"] == FROZEN.isoformat()
    lived_experience_withdraw(user=answered)
    profile = json.loads(json.dumps(member_data(user=answered)))["profile"]
    assert profile["lived_experience"] == ""
    assert profile["lived_experience_consent_at"] is None


@pytest.mark.parametrize("url", [URL, "/me/profile/"])
def test_the_members_private_pages_are_not_kept_by_the_browser(client, practitioner, url):
    """After log-out on a shared computer, Back must not bring the health answer (or the name
    beside the pseudonym) back from the browser's copy."""
    lived_experience_set(user=practitioner, value=MARKER, consent=True)
    client.force_login(practitioner)
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
