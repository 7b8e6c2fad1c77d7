from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from groundswell.moderation.models import AppealStatus, Decision

_SAID = {
    "reject": "not accepted it, so it is not open for votes",
    "hide": "hidden it from the public",
    "edit_request": "asked you to change it",
    "remove": "removed it",
}


@task()
def send_moderation_notice(*, decision_id: int) -> None:
    """Tell a named or pseudonymous author of a decision, or of the outcome of their appeal."""
    decision = (
        Decision.objects.select_related("author", "project", "appeal")
        .filter(pk=decision_id, item_protected=False, author__is_active=True)
        .first()
    )
    if decision is None or not decision.author.email:
        # Protected items and former members are never e-mailed; nor is a suspended member,
        # whose link to the notices would only meet a refused log-in.
        return
    link = settings.SITE_URL + reverse("moderation:notices")
    appeal = getattr(decision, "appeal", None)
    if appeal is not None and appeal.status != AppealStatus.OPEN:
        subject = "[Groundswell] The outcome of your appeal"
        body = (
            f"A host has looked at your appeal about your {decision.item_kind} in "
            f"“{decision.project.question}”.\n\n"
            f"Outcome: {appeal.get_status_display()}.\nReason: {appeal.outcome_reason}\n\n"
            f"See your moderation notices here:\n{link}\n"
        )
    else:
        subject = "[Groundswell] A host has moderated something you wrote"
        body = (
            f"A host of “{decision.project.question}” has looked at your {decision.item_kind} "
            f"and {_SAID.get(decision.outcome, 'moderated it')}.\n\nReason: {decision.reason}\n\n"
            f"You can read the notice and appeal once here:\n{link}\n"
        )
    send_mail(
        subject=subject, message=body, from_email=None, recipient_list=[decision.author.email]
    )
