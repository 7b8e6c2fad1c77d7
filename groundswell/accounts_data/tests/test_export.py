"""Download my data: built in the background, complete, and only ever shown to its owner."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts_data.export import member_data
from groundswell.accounts_data.models import DataExport, ExportStatus
from groundswell.accounts_data.services import data_export_build, data_export_request
from groundswell.contributions.services import contribution_create
from groundswell.people.models import RetiredPseudonym
from groundswell.testing import factories

from .conftest import IDENTITY, STORY


def _request_export(client, django_capture_on_commit_callbacks) -> DataExport:
    # The task is queued after commit; the immediate backend then runs it at once.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts_data:export_request"))
    assert response.status_code == 302
    return DataExport.objects.get()


def test_the_export_holds_everything_about_the_member(
    client, member, lived, django_capture_on_commit_callbacks
):
    from groundswell.deliberation.models import PolisImport

    # The uploads a member started are theirs too (another member's are not).
    PolisImport.objects.create(project=lived["named"].project, started_by=member, status="failed")
    PolisImport.objects.create(project=lived["named"].project, started_by=factories.UserFactory())
    RetiredPseudonym.objects.create(pseudonym="EarlyOwl", user=member)
    RetiredPseudonym.objects.create(pseudonym="SomeoneElsesOld", user=factories.UserFactory())
    client.force_login(member)
    export = _request_export(client, django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.READY
    response = client.get(reverse("accounts_data:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)

    assert data["profile"]["email"] == IDENTITY["e-mail"]
    assert data["profile"]["pseudonym"] == IDENTITY["pseudonym"]
    assert data["profile"]["former_pseudonyms"] == ["EarlyOwl"]
    assert data["profile"]["region"] == "north_west"
    assert [e["email"] for e in data["email_addresses"]] == [IDENTITY["e-mail"]]
    assert [m["organisation"] for m in data["memberships"]] == ["Northfield Care Trust"]
    assert [p["project"] for p in data["participations"]] == [lived["named"].project.slug]
    assert [(i["project"], i["status"]) for i in data["polis_imports"]] == [
        (lived["named"].project.slug, "failed")
    ]
    assert {c["title"] for c in data["contributions"]} == {"Named story", "Pseudo story"}
    assert [c["body"] for c in data["comments"]] == ["Named comment here"]
    assert [c["title"] for c in data["protected"]["contributions"]] == ["Protected story"]
    assert [c["body"] for c in data["protected"]["comments"]] == ["Protected comment here"]
    assert [s["text"] for s in data["statements"]] == ["Pay travel time"]
    assert [i["text"] for i in data["ideas"]] == ["More time per visit"]
    assert data["voter_key"] == f"u{member.pk}"
    assert sorted(v["value"] for v in data["votes"]) == [-1, 1]
    # Nobody else's writing comes along.
    assert "Someone else's story" not in json.dumps(data["contributions"])
    assert "A reply from Sam" not in response.content.decode()


def test_another_members_protected_items_stay_out_of_my_export(member, lived, service_user):
    contribution_create(
        project=lived["named"].project,
        author=service_user,
        title="Sam's protected story",
        attribution="protected",
        **STORY,
    )
    export = DataExport.objects.create(owner=service_user)
    data_export_build(export_id=str(export.pk))
    export.refresh_from_db()
    titles = [c["title"] for c in export.content["protected"]["contributions"]]
    assert titles == ["Sam's protected story"]
    assert "Protected comment here" not in json.dumps(export.content)


def test_the_page_shows_pending_then_ready(client, member, lived):
    client.force_login(member)
    export = DataExport.objects.create(owner=member)
    page = client.get(reverse("accounts_data:my_data")).content.decode()
    assert "Being prepared" in page
    assert 'http-equiv="refresh"' in page
    # Not ready: the link takes the member back to the page rather than to half a file.
    assert client.get(reverse("accounts_data:export_download", args=[export.pk])).status_code == 302
    data_export_build(export_id=str(export.pk))
    page = client.get(reverse("accounts_data:my_data")).content.decode()
    assert "Ready to download" in page
    assert reverse("accounts_data:export_download", args=[export.pk]) in page


def test_a_second_request_while_one_is_pending_reuses_it(member):
    first = data_export_request(user=member)
    assert data_export_request(user=member) == first
    assert DataExport.objects.count() == 1


def test_an_export_lost_while_being_prepared_does_not_block_a_new_one(member):
    """The worker died with it: after a while it counts as failed and a new one is queued."""
    lost = data_export_request(user=member)
    DataExport.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))

    fresh = data_export_request(user=member)

    assert fresh.pk != lost.pk
    assert DataExport.objects.get(pk=lost.pk).status == ExportStatus.FAILED
    assert DataExport.objects.get(pk=fresh.pk).status == ExportStatus.PENDING


@pytest.mark.parametrize("who", ["other member", "staff", "anonymous"])
def test_only_the_owner_can_open_the_link(client, member, lived, staff, service_user, who):
    export = DataExport.objects.create(owner=member)
    data_export_build(export_id=str(export.pk))
    if who != "anonymous":
        client.force_login(staff if who == "staff" else service_user)
    response = client.get(reverse("accounts_data:export_download", args=[export.pk]))
    if who == "anonymous":
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    else:
        assert response.status_code == 404
    assert IDENTITY["e-mail"] not in response.content.decode()


def test_an_expired_link_is_gone(client, member, lived):
    export = DataExport.objects.create(owner=member)
    data_export_build(export_id=str(export.pk))
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(member)
    response = client.get(reverse("accounts_data:export_download", args=[export.pk]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert IDENTITY["e-mail"] not in response.content.decode()


def test_expired_exports_are_dropped_when_a_new_one_is_asked_for(member):
    old = DataExport.objects.create(
        owner=member, status=ExportStatus.READY, content={"x": 1}, expires_at=timezone.now()
    )
    data_export_request(user=member)
    assert not DataExport.objects.filter(pk=old.pk).exists()


def test_anyones_expired_export_is_emptied_when_an_export_is_asked_for_or_built(
    client, member, outsider
):
    """Someone who never asks for another export kept their protected items and lived
    experience in the database long after the link stopped working."""

    def expired() -> DataExport:
        return DataExport.objects.create(
            owner=outsider,
            status=ExportStatus.READY,
            content={"x": 1},
            expires_at=timezone.now() - timedelta(seconds=1),
        )

    def content(export: DataExport):
        export.refresh_from_db()
        return export.content

    first = expired()
    live = DataExport.objects.create(owner=outsider, status=ExportStatus.READY, content={"y": 2})
    asked = data_export_request(user=member)
    assert content(first) is None and content(live) == {"y": 2}

    second = expired()
    data_export_build(export_id=str(asked.pk))
    assert content(second) is None and content(live) == {"y": 2}
    # The old link still says it has expired.
    client.force_login(outsider)
    response = client.get(reverse("accounts_data:export_download", args=[second.pk]))
    assert response.status_code == 410


def test_the_profile_links_to_the_data_pages_for_its_owner_only(client, member, outsider):
    client.force_login(member)
    page = client.get(member.get_absolute_url()).content.decode()
    assert reverse("accounts_data:my_data") in page and reverse("accounts_data:delete") in page
    client.force_login(outsider)
    page = client.get(member.get_absolute_url()).content.decode()
    assert reverse("accounts_data:delete") not in page


def test_building_an_export_for_a_vanished_request_does_nothing(db):
    other = factories.UserFactory()
    export = DataExport.objects.create(owner=other, status=ExportStatus.READY, content={})
    data_export_build(export_id=str(export.pk))  # already built: untouched
    export.refresh_from_db()
    assert export.content == {}


def test_the_export_holds_my_reports_and_the_decisions_on_my_items(
    member, lived, project, host_admin, service_user
):
    from groundswell.moderation.items import ITEM_TYPES
    from groundswell.moderation.services import appeal_make, decision_make, flag_create

    contribution = ITEM_TYPES["contribution"]
    flag_create(
        project=project, item_type=contribution, item=lived["others"], by=member, reason="spam"
    )
    flag_create(
        project=project, item_type=contribution, item=lived["named"], by=service_user, reason="spam"
    )
    hidden = decision_make(
        project=project,
        item_type=contribution,
        item=lived["protected"],
        outcome="hide",
        reason="Names a colleague.",
        by=host_admin,
    )
    appeal_make(decision=hidden, item_type=contribution, by=member, text="It names nobody.")
    decision_make(
        project=project,
        item_type=contribution,
        item=lived["others"],
        outcome="hide",
        reason="Someone else's item.",
        by=host_admin,
    )

    data = member_data(user=member)

    assert [(r["item_id"], r["reason"]) for r in data["reports_made"]] == [
        (lived["others"].pk, "spam")
    ]
    (notice,) = data["moderation_notices"]  # the protected item's decision, found by its key
    assert (notice["item_id"], notice["outcome"]) == (lived["protected"].pk, "hide")
    assert notice["appeal"]["text"] == "It names nobody."
