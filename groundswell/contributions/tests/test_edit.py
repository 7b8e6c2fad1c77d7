"""The author, and only the author, can correct a contribution: named, pseudonymous or protected."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from groundswell.contributions import selectors, services
from groundswell.contributions.models import Contribution
from groundswell.contributions.tests import samples
from groundswell.contributions.tests.test_services import VALID, create


def edit_url(contribution):
    return reverse("contributions:edit", args=[contribution.project.slug, contribution.pk])


def posted(kind="story", **changes):
    return {**VALID[kind][0], "title": "Corrected title", "body": "Corrected body", **changes}


@pytest.mark.parametrize("attribution", ["named", "protected"])
def test_the_author_edits_through_the_page(client, project, practitioner, attribution):
    contribution = create(project, practitioner, attribution=attribution)
    client.force_login(practitioner)

    page = client.get(edit_url(contribution))
    assert page.status_code == 200
    assert contribution.title in page.content.decode()  # the form starts from what is there

    response = client.post(edit_url(contribution), posted(attribution="named"))

    assert response.status_code == 302
    saved = Contribution.objects.get(pk=contribution.pk)
    assert (saved.title, saved.body) == ("Corrected title", "Corrected body")
    assert saved.edited_on == timezone.localdate()
    # Attribution is settled at publication: a posted "named" changes nothing.
    assert saved.attribution == attribution
    assert (saved.author_id is None) == (attribution == "protected")
    detail = client.get(saved.get_absolute_url()).content.decode()
    assert "Corrected title" in detail and "edited" in detail


def test_an_edit_is_found_by_search_under_its_new_words(project, practitioner):
    contribution = create(project, practitioner)

    services.contribution_edit(
        contribution=contribution, by=practitioner, **_fields(title="Zebra crossings")
    )

    assert [c.pk for c in selectors.contributions_list(project=project, q="zebra")] == [
        contribution.pk
    ]


def _fields(kind="story", **changes):
    data = posted(kind, **changes)
    return {"title": data["title"], "body": data["body"], "details": data}


@pytest.mark.parametrize("attribution", ["named", "pseudonymous", "protected"])
def test_nobody_else_can_edit(
    client, project, practitioner, service_user, host_admin, staff, attribution
):
    practitioner.pseudonym = "Night Nurse"
    practitioner.save()
    contribution = create(project, practitioner, attribution=attribution)

    for other in (service_user, host_admin, staff, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.contribution_edit(contribution=contribution, by=other, **_fields())
    for other in (service_user, host_admin, staff):
        client.force_login(other)
        assert client.get(edit_url(contribution)).status_code == 403
        assert client.post(edit_url(contribution), posted()).status_code == 403
        page = client.get(contribution.get_absolute_url()).content.decode()
        assert edit_url(contribution) not in page
    client.logout()
    assert client.get(edit_url(contribution)).status_code == 302  # to log in

    assert Contribution.objects.get(pk=contribution.pk).title == contribution.title


def test_bad_input_shows_errors_and_changes_nothing(client, project, practitioner):
    contribution = create(project, practitioner, "practice")
    client.force_login(practitioner)

    response = client.post(edit_url(contribution), posted("practice", title="", since="1200"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_title"' in page and 'href="#id_since"' in page  # both named in the summary
    assert Contribution.objects.get(pk=contribution.pk).title == contribution.title


def test_a_withdrawn_contribution_cannot_be_edited(project, practitioner):
    contribution = create(project, practitioner)
    services.contribution_withdraw(contribution=contribution, by=practitioner)

    with pytest.raises(ValidationError):
        services.contribution_edit(contribution=contribution, by=practitioner, **_fields())

    assert Contribution.objects.get(pk=contribution.pk).title == contribution.title


def test_editing_evidence_keeps_its_file_unless_a_new_one_comes(project, practitioner):
    pdf = SimpleUploadedFile("memo.pdf", samples.pdf_with_metadata(), "application/pdf")
    contribution = create(project, practitioner, "evidence", attachment=pdf)
    first = contribution.attachment.name

    services.contribution_edit(contribution=contribution, by=practitioner, **_fields("evidence"))
    assert Contribution.objects.get(pk=contribution.pk).attachment.name == first

    png = SimpleUploadedFile("photo.png", samples.png_with_text(), "image/png")
    services.contribution_edit(
        contribution=contribution, by=practitioner, attachment=png, **_fields("evidence")
    )
    saved = Contribution.objects.get(pk=contribution.pk)
    assert saved.attachment.name != first
    assert samples.SECRET.encode() not in saved.attachment.read()  # cleaned like any upload
