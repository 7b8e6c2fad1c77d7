"""The project form, as hosts use it: starting a project and changing it."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from groundswell.people.perspectives import Role
from groundswell.projects.forms import ProjectForm
from groundswell.projects.services import project_update
from groundswell.testing import factories


def _as_posted(initial: dict) -> dict:
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in initial.items()
        if value is not None
    }


def test_every_role_a_member_can_declare_can_have_a_target(host_admin):
    fields = ProjectForm(user=host_admin).fields
    assert {name.removeprefix("target_") for name in fields if name.startswith("target_")} == set(
        Role.values
    )


def test_saving_the_project_keeps_every_target(client, project, host_admin):
    # The demo's research projects aim for researchers; the form had no field for them, so
    # saving the project for any reason deleted that target.
    project_update(project=project, by=host_admin, targets={"researcher": 5, "carer": 10})
    client.force_login(host_admin)
    url = reverse("projects:edit", args=[project.slug])
    posted = _as_posted(client.get(url).context["form"].initial)

    response = client.post(url, {**posted, "description": "Now with a description."})

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.description == "Now with a description."
    assert {t.role: t.target for t in project.targets.all()} == {"researcher": 5, "carer": 10}


def _create_page(client, host_admin, **changes):
    client.force_login(host_admin)
    posted = {
        "question": "What would make hospital discharge work?",
        "kind": "policy_statement",
        "host": "self",
        "visibility": "public",
        "phase_define": "2030-03-01",
        "phase_gather": "2030-03-10",
        "ends_on": "2030-04-30",
        **changes,
    }
    response = client.post(reverse("projects:create"), posted)
    assert response.status_code == 200
    return response.content.decode()


def test_an_end_before_the_last_phase_starts_says_which_day_it_starts(client, host_admin):
    page = _create_page(client, host_admin, ends_on="2030-03-05")
    assert 'class="error-summary"' in page and 'id="id_ends_on_error"' in page
    assert "The last phase (Gather contributions) starts on 10 March 2030" in page
    assert "Each phase must start after" not in page
    assert 'value="2030-03-05"' in page  # what was typed is kept


def test_no_phase_at_all_is_shown_beside_the_phases(client, host_admin):
    page = _create_page(client, host_admin, phase_define="", phase_gather="")
    assert 'class="error-summary"' in page and 'id="id_phase_define_error"' in page
    assert "Give a start date for at least one phase." in page
    assert "What would make hospital discharge work?" in page


def test_the_project_page_says_when_contributions_open_or_that_they_have_closed(
    client, practitioner, today
):
    soon = factories.ProjectFactory(phases=[("define", 5, 9), ("gather", 10, 20)])
    over = factories.ProjectFactory(phases=[("gather", -20, -10), ("draft", -9, 5)])
    client.force_login(practitioner)

    page = client.get(soon.get_absolute_url()).content.decode()
    opens = date_format(today + timedelta(days=5), "j F Y")
    assert f"This project takes contributions from {opens}." in page
    page = client.get(over.get_absolute_url()).content.decode()
    assert "This project is no longer taking new contributions." in page


def test_a_date_that_is_not_one_is_not_also_called_missing(client, host_admin):
    page = _create_page(client, host_admin, phase_define="2030-02-30", phase_gather="")
    assert "Enter a valid date." in page
    assert "Give a start date for at least one phase." not in page


def test_a_new_project_is_called_live_only_while_a_phase_is_open(client, host_admin):
    client.force_login(host_admin)
    today = timezone.localdate()

    def created(start: int, end: int) -> str:
        posted = {
            "question": f"What would make discharge work ({start})?",
            "kind": "policy_statement",
            "host": "self",
            "visibility": "public",
            "phase_gather": (today + timedelta(days=start)).isoformat(),
            "ends_on": (today + timedelta(days=end)).isoformat(),
        }
        response = client.post(reverse("projects:create"), posted, follow=True)
        assert response.redirect_chain, response.content.decode()[:2000]
        return response.content.decode()

    assert "Your project is live." in created(-1, 10)
    opens = today + timedelta(days=7)
    assert f"It opens on {date_format(opens, 'j F Y')}." in created(7, 30)
    ended = created(-30, -2)
    assert "Your project is live." not in ended
    assert "all its phases have ended" in ended
