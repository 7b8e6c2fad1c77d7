"""factory_boy factories shared by tests and benchmarks."""

from datetime import timedelta

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from groundswell.contributions.models import Comment, Contribution
from groundswell.organisations.models import Membership, Organisation
from groundswell.people.models import User
from groundswell.projects.models import Phase, Project

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    display_name = factory.LazyAttribute(lambda u: u.username.title())

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])
            # A verified address, so the member can log in when verification is mandatory.
            obj.emailaddress_set.create(email=obj.email, verified=True, primary=True)


def totp_activate(user: User) -> str:
    """Give the member an authenticator app (as if set up on the two-factor page); its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    kind = "charity"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project whose gather phase is running today."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"project-{n}")
    question = factory.Sequence(lambda n: f"What would make service {n} work better?")
    kind = "policy_statement"
    visibility = "public"
    sector = "social_care"
    host_organisation = None
    host_user = factory.Maybe(
        "host_organisation", yes_declaration=None, no_declaration=factory.SubFactory(UserFactory)
    )

    @factory.post_generation
    def phases(obj, create, extracted, **kwargs):
        if not create:
            return
        today = timezone.localdate()
        for kind, start, end in extracted or [
            ("define", -30, -15),
            ("gather", -14, 14),
            ("deliberate", 15, 30),
            ("draft", 31, 45),
        ]:
            Phase.objects.create(
                project=obj,
                kind=kind,
                starts_on=today + timedelta(days=start),
                ends_on=today + timedelta(days=end),
            )


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    project = factory.SubFactory(ProjectFactory)
    kind = "story"
    title = factory.Sequence(lambda n: f"Contribution {n}")
    body = "What happened when the policy met practice."
    search_text = factory.LazyAttribute(lambda c: f"{c.title} {c.body}")


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    contribution = factory.SubFactory(ContributionFactory)
    body = "I have seen this too."


def votes_at(*, user: User, statements, values, at) -> None:
    """The member's votes on `statements`, one a minute from `at`: for tests of vote timing,
    which the services (stamping the time of the request) cannot backdate."""
    from groundswell.deliberation.models import Vote

    Vote.objects.bulk_create(
        Vote(
            statement=statement,
            project_id=statement.project_id,
            voter=f"u{user.pk}",
            value=value,
            created_at=at + timedelta(minutes=k),
            updated_at=at + timedelta(minutes=k),
        )
        for k, (statement, value) in enumerate(zip(statements, values, strict=True))
    )
