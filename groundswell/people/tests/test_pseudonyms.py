"""A pseudonym lets a member write without their name, so nobody else may pass for it: not
with the same letters in another case, not by taking one its member gave up, and not by
using the labels the site itself writes on contributions."""

import re

import pytest
from django.urls import reverse

from groundswell.people.models import RetiredPseudonym
from groundswell.people.services import profile_update


def _save_profile(client, **fields):
    return client.post(reverse("people:edit"), {"display_name": "Priya", **fields})


def _error_next_to(html: str, field: str) -> str:
    error = re.search(rf'<p class="error" id="id_{field}_error">([^<]*)</p>', html)
    assert error, f"the error must sit next to the {field} field"
    assert "There is a problem" in html
    return error.group(1)


@pytest.mark.parametrize(
    "label", ["Protected contributor", "former MEMBER", "Pseudonymous contributor"]
)
def test_the_sites_own_bylines_cannot_be_taken_as_a_pseudonym_or_a_name(
    client, practitioner, label
):
    client.force_login(practitioner)
    for field in ("pseudonym", "display_name"):
        response = _save_profile(client, **{field: label})
        assert response.status_code == 400
        assert "labels some contributions" in _error_next_to(response.content.decode(), field)
    practitioner.refresh_from_db()
    assert practitioner.pseudonym == "" and practitioner.display_name == "Priya Practitioner"


def test_a_pseudonym_differing_only_in_case_is_taken(client, practitioner, service_user):
    profile_update(user=service_user, pseudonym="NightShift")
    client.force_login(practitioner)
    response = _save_profile(client, pseudonym="nightshift")
    assert response.status_code == 400
    assert "already uses" in _error_next_to(response.content.decode(), "pseudonym")


def test_a_pseudonym_given_up_stays_with_its_member(client, practitioner, service_user):
    """What they wrote under it still shows it: only they may take it up again."""
    profile_update(user=service_user, pseudonym="NightShift")
    profile_update(user=service_user, pseudonym="DayShift")
    assert RetiredPseudonym.objects.get().user == service_user

    client.force_login(practitioner)
    response = _save_profile(client, pseudonym="NightShift")
    assert response.status_code == 400
    assert "already uses" in _error_next_to(response.content.decode(), "pseudonym")

    profile_update(user=service_user, pseudonym="NightShift")
    service_user.refresh_from_db()
    assert service_user.pseudonym == "NightShift"
    assert set(RetiredPseudonym.objects.values_list("pseudonym", flat=True)) == {
        "NightShift",
        "DayShift",
    }


def test_a_pseudonym_changed_on_the_profile_page_is_kept_from_others(
    client, practitioner, service_user
):
    client.force_login(service_user)
    assert _save_profile(client, pseudonym="NightShift").status_code == 302
    assert _save_profile(client, pseudonym="DayShift").status_code == 302
    assert RetiredPseudonym.objects.get().pseudonym == "NightShift"
    client.force_login(practitioner)
    response = _save_profile(client, pseudonym="NightShift")
    assert response.status_code == 400
    assert "already uses" in _error_next_to(response.content.decode(), "pseudonym")


def test_saving_the_same_pseudonym_again_retires_nothing(client, practitioner):
    profile_update(user=practitioner, pseudonym="NightShift")
    client.force_login(practitioner)
    assert _save_profile(client, pseudonym="NightShift").status_code == 302
    assert not RetiredPseudonym.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", "Priya \u202eetunim 5 ni kcab"),  # right-to-left override
        ("display_name", "Priya\u2066"),  # an isolate never closed
        ("pseudonym", "Night\u200bShift"),  # zero-width space: looks like "NightShift"
        ("pseudonym", "\ufeffNightShift"),
    ],
)
def test_invisible_characters_that_change_how_a_name_reads_are_refused(
    client, practitioner, field, value
):
    client.force_login(practitioner)
    response = _save_profile(client, **{field: value})
    assert response.status_code == 400
    assert "invisible characters" in _error_next_to(response.content.decode(), field)


def test_a_name_may_still_hold_any_script_and_emoji(client, practitioner):
    client.force_login(practitioner)
    response = _save_profile(client, display_name="Zoë 李 نور 👩\u200d⚕️", pseudonym="Hé 🌙")
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.display_name == "Zoë 李 نور 👩\u200d⚕️"
