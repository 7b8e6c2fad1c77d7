from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from groundswell.organisations.models import OrganisationInvite


@task()
def send_organisation_invite(*, invite_id: int) -> None:
    invite = (
        OrganisationInvite.objects.select_related("organisation", "invited_by")
        .filter(pk=invite_id, accepted_at__isnull=True)
        .first()
    )
    if invite is None:
        return
    inviter = invite.invited_by.public_name if invite.invited_by else "An admin"
    link = settings.SITE_URL + reverse("organisations:accept_invite", args=[invite.token])
    send_mail(
        # A name with a line break in it (typed into a crafted form) would make a header that
        # the mail library refuses, and the invitation would silently never go.
        subject=f"[Groundswell] Join {' '.join(invite.organisation.name.split())}",
        message=(
            f"{inviter} has invited you to join {invite.organisation.name} on Groundswell.\n\n"
            f"Accept the invitation here (the link works for 14 days):\n{link}\n"
        ),
        from_email=None,
        recipient_list=[invite.email],
    )
