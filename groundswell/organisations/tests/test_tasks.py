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
