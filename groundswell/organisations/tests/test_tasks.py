"""Invitation e-mails go through the task queue: enqueued after commit, sent by the worker."""

import pytest
from django.core import mail
from django.core.management import call_command

from groundswell.organisations.services import organisation_invite


@pytest.mark.django_db(transaction=True)
def test_invite_email_is_queued_after_commit_and_sent_by_the_worker(settings, host_org, host_admin):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    from django_tasks_db.models import DBTaskResult

    invite = organisation_invite(organisation=host_org, by=host_admin, email="new@example.org")

    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("send_organisation_invite")
    assert queued.args_kwargs["kwargs"] == {"invite_id": invite.pk}

    call_command("db_worker", "--batch", "--no-startup-delay")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    assert invite.token in mail.outbox[0].body
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db
def test_a_name_with_a_line_break_still_makes_a_one_line_subject(host_org, host_admin):
    from groundswell.organisations.models import Organisation
    from groundswell.organisations.tasks import send_organisation_invite

    Organisation.objects.filter(pk=host_org.pk).update(name="Millbeck\r\nBcc: x@evil.example")
    invite = organisation_invite(organisation=host_org, by=host_admin, email="new@example.org")
    mail.outbox.clear()

    send_organisation_invite.call(invite_id=invite.pk)

    assert len(mail.outbox) == 1
    message = mail.outbox[0].message()
    assert message["Subject"] == "[Groundswell] Join Millbeck Bcc: x@evil.example"
    assert message["Bcc"] is None
    assert mail.outbox[0].recipients() == ["new@example.org"]
