"""Profile service: what a member may declare about themselves."""

import pytest
from django.core.exceptions import ValidationError

from groundswell.people.models import User
from groundswell.people.services import profile_update


def test_profile_update_saves_the_declared_perspective(practitioner):
    profile_update(
        user=practitioner,
        display_name="Priya P.",
        role="carer",
        sector="mental_health",
        region="yorkshire",
        pseudonym="NightShift",
    )

    saved = User.objects.get(pk=practitioner.pk)
    assert (saved.display_name, saved.role, saved.sector, saved.region, saved.pseudonym) == (
        "Priya P.",
        "carer",
        "mental_health",
        "yorkshire",
        "NightShift",
    )
    assert saved.public_name == "Priya P."


def test_profile_update_saves_only_the_fields_it_was_given(practitioner):
    # Another process changes the bio; a profile update of the region must not overwrite it.
    User.objects.filter(pk=practitioner.pk).update(bio="Written elsewhere")

    profile_update(user=practitioner, region="london")

    saved = User.objects.get(pk=practitioner.pk)
    assert saved.region == "london"
    assert saved.bio == "Written elsewhere"


def test_profile_update_refuses_fields_that_are_not_part_of_a_profile(practitioner):
    with pytest.raises(TypeError):
        profile_update(user=practitioner, is_staff=True)

    assert User.objects.get(pk=practitioner.pk).is_staff is False


@pytest.mark.parametrize(
    ("field", "value"),
    [("role", "king"), ("sector", "space"), ("region", "mars")],
)
def test_profile_update_refuses_an_unknown_choice(practitioner, field, value):
    before = getattr(User.objects.get(pk=practitioner.pk), field)

    with pytest.raises(ValidationError) as excinfo:
        profile_update(user=practitioner, **{field: value})

    assert field in excinfo.value.message_dict
    assert getattr(User.objects.get(pk=practitioner.pk), field) == before


def test_a_pseudonym_belongs_to_one_member(practitioner, service_user):
    profile_update(user=practitioner, pseudonym="CareWorker7")

    with pytest.raises(ValidationError):
        profile_update(user=service_user, pseudonym="CareWorker7")

    assert User.objects.get(pk=service_user.pk).pseudonym == ""


def test_many_members_can_have_no_pseudonym(practitioner, service_user):
    profile_update(user=practitioner, pseudonym="")
    profile_update(user=service_user, pseudonym="")

    assert User.objects.filter(pseudonym="").count() >= 2
