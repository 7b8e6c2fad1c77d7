from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from groundswell.contributions.kinds import all_kinds
from groundswell.contributions.models import (
    Comment,
    Contribution,
    ContributionLink,
    ProtectedAuthorKey,
)
from groundswell.demo import content
from groundswell.demo.loader import demo_load
from groundswell.organisations.models import Membership, Organisation, VerifiedRole
from groundswell.people.models import User
from groundswell.projects.models import Participant, Project, ProjectInviteCode
from groundswell.projects.permissions import current_phase

MD5_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
ALL_KINDS = {kind.slug for kind in all_kinds()}


@pytest.fixture(scope="module")
def _demo_world(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module and rolled back at its end (loading takes seconds)."""
    # Function-scoped settings from conftest.py are not in force yet: match its fast hasher.
    fast_hasher = override_settings(PASSWORD_HASHERS=[MD5_HASHER])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_world, db):
    # Each test runs in a savepoint inside the module's transaction, so changes roll back.
    return _demo_world


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "memberships": Membership.objects.count(),
        "projects": Project.objects.count(),
        "contributions": Contribution.objects.count(),
        "comments": Comment.objects.count(),
        "links": ContributionLink.objects.count(),
        "participants": Participant.objects.count(),
        "protected_keys": ProtectedAuthorKey.objects.count(),
    }


def test_demo_loads(demo):
    assert demo.created
    assert demo.projects == 4 == Project.objects.filter(is_demo=True).count()
    assert 5 <= demo.organisations == Organisation.objects.count()
    assert Organisation.objects.filter(verified=True).count() == 2
    assert 12 <= len(content.MEMBERS) <= 16
    assert User.objects.filter(is_staff=True).count() == 1
    assert demo.contributions == Contribution.objects.count()
    assert demo.comments == Comment.objects.count() > 0
    assert demo.links == ContributionLink.objects.count() > 0
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert demo.invite_url
    for project in Project.objects.exclude(question=content.LONDON_YOUTH_POLICING["question"]):
        assert project.description.startswith("Demo content")
        assert 12 <= project.contributions.count() <= 20
        assert current_phase(project=project) in {"gather", "deliberate"}
        assert project.targets.exists()
    for org in Organisation.objects.all():
        assert org.description.startswith("Demo organisation")


def test_every_member_can_log_in(demo, client):
    for email, _ in demo.logins:
        assert client.login(email=email, password=content.PASSWORD), email
        client.logout()


def test_every_kind_in_every_project_with_its_fields(demo):
    for project in Project.objects.exclude(question=content.LONDON_YOUTH_POLICING["question"]):
        kinds = set(project.contributions.values_list("kind", flat=True))
        assert kinds == ALL_KINDS, project.question
    home_care = Project.objects.get(question__startswith="What would make home care")
    assert set(home_care.contributions.values_list("kind", flat=True)) == ALL_KINDS
    for kind in all_kinds():
        # At least one contribution of each kind fills in every one of its fields.
        wanted = {n for n in kind.details_form.base_fields if n != "file"}
        filled = [set(c.details) for c in Contribution.objects.filter(kind=kind.slug)]
        assert any(wanted <= f for f in filled), kind.slug


def test_attribution_mixes_named_pseudonymous_and_protected(demo):
    modes = set(Contribution.objects.values_list("attribution", flat=True))
    assert modes == {"named", "pseudonymous", "protected"}


def test_protected_contributions_have_no_author(demo):
    protected = Contribution.objects.filter(attribution="protected")
    assert protected.exists()
    assert not protected.filter(author__isnull=False).exists()
    assert not Comment.objects.filter(attribution="protected", author__isnull=False).exists()
    for item in [*protected, *Comment.objects.filter(attribution="protected")]:
        written = timezone.localtime(item.created_at)
        assert (written.hour, written.minute, written.second) == (0, 0, 0)


def test_public_pages_are_open_to_anonymous_visitors(demo, client):
    for project in Project.objects.filter(
        visibility="public", contributions__isnull=False
    ).distinct():
        contribution = project.contributions.filter(comment_count__gt=0).first()
        for url in [
            project.get_absolute_url(),
            f"/projects/{project.slug}/contributions/",
            contribution.get_absolute_url(),
        ]:
            response = client.get(url)
            assert response.status_code == 200, url
        assert contribution.title.encode() in client.get(contribution.get_absolute_url()).content
    for url in ["/", "/projects/", "/contributions/", "/organisations/"]:
        assert client.get(url).status_code == 200, url


def test_private_forum_is_hidden_from_anonymous_visitors(demo, client):
    project = Project.objects.get(visibility="private")
    contribution = project.contributions.first()
    for url in [
        project.get_absolute_url(),
        f"/projects/{project.slug}/contributions/",
        contribution.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 404, url
    assert contribution.title.encode() not in client.get("/contributions/").content


def test_private_forum_is_open_to_its_participants(demo, client):
    project = Project.objects.get(visibility="private")
    client.force_login(User.objects.get(username="lena"))
    assert client.get(project.get_absolute_url()).status_code == 200
    contribution = project.contributions.first()
    assert client.get(contribution.get_absolute_url()).status_code == 200


def test_loading_twice_creates_no_duplicates(demo):
    before = _counts()
    out = StringIO()
    again = demo_load(stdout=out)
    assert not again.created
    assert "already loaded" in out.getvalue()
    assert _counts() == before


def test_reset_reloads_without_leftovers(demo):
    before = _counts()
    again = demo_load(reset=True)
    assert again.created
    assert _counts() == before


def test_reset_keeps_other_data(demo):
    outsider = User.objects.create_user(username="real", email="real@example.com")
    demo_load(reset=True)
    assert User.objects.filter(pk=outsider.pk).exists()


def test_command_prints_how_to_log_in(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert content.PASSWORD in text
    assert content.MEMBERS[0]["email"] in text
    assert "/projects/join/" in text
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert Project.objects.count() == 4


def test_deliberation_has_votes_ideas_and_ready_results(demo, client):
    from groundswell.deliberation.models import AnalysisSnapshot, Comparison, Statement, Vote

    housing = Project.objects.get(question__startswith="How can temporary accommodation")
    assert housing.statements.count() == len(content.DELIBERATION["statements"])
    assert Vote.objects.filter(project=housing).count() > 100
    assert Comparison.objects.filter(project=housing).exists()
    snapshot = AnalysisSnapshot.objects.get(project=housing)
    assert snapshot.computed_at and snapshot.result["groups"]
    assert snapshot.result["bridging_perspective"]["perspectives"]
    page = client.get(f"/projects/{housing.slug}/results/").content.decode()
    assert "Opinion groups" in page and "<svg" in page

    london = Project.objects.get(question=content.LONDON_YOUTH_POLICING["question"])
    assert Statement.objects.filter(project=london, polis_id__isnull=False).count() > 30
    page = client.get(london.get_absolute_url()).content.decode()
    assert "The Computational Democracy Project" in page and "CC BY 4.0" in page
    assert client.get(f"/projects/{london.slug}/results/").status_code == 200


def test_the_imported_conversation_carries_its_licence_wherever_it_is_shown(demo, client):
    """CC BY 4.0 asks for the licensor, the licence and a link to it wherever the material is
    shared: the statements and results pages and the data download, not the project page only."""
    import io
    import zipfile

    london = Project.objects.get(question=content.LONDON_YOUTH_POLICING["question"])
    licence = '<a href="https://creativecommons.org/licenses/by/4.0/"'
    for path in ["statements/", "results/"]:
        page = client.get(f"{london.get_absolute_url()}{path}").content.decode()
        assert "CC BY 4.0" in page and licence in page, path
        assert "The Computational Democracy Project" in page, path
    download = client.get(reverse("deliberation:export_polis", args=[london.slug]))
    credit = zipfile.ZipFile(io.BytesIO(download.content)).read("ATTRIBUTION.txt").decode()
    assert "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)" in credit
    assert "The Computational Democracy Project" in credit


def test_demo_shows_badges_a_moderation_log_and_invitation_codes(demo, client):
    spec = content.MODERATED_COMMENT
    project = Project.objects.get(question=content.HOME_CARE["question"])
    log = client.get(reverse("moderation:log", args=[project.slug])).content.decode()
    assert "It names a care worker." in log
    assert "Jo Smith" not in log  # the hidden words are not repeated in public
    george = User.objects.get(username=spec["author"])
    assert george.display_name not in log
    page = client.get(Contribution.objects.get(title=spec["on"]).get_absolute_url())
    assert "Jo Smith" not in page.content.decode()

    assert VerifiedRole.objects.filter(status="confirmed").count() == len(content.VERIFIED_ROLES)
    # Badges vouch for pseudonyms: shown beside kwame's pseudonymous writing, not his name.
    kwame = User.objects.get(username="kwame")
    pseudonymous = Contribution.objects.filter(
        author=kwame, attribution="pseudonymous", project__visibility="public"
    ).first()
    page = client.get(pseudonymous.get_absolute_url()).content.decode()
    assert "Verified: Registered social worker" in page
    assert "Registered social worker" not in client.get(kwame.get_absolute_url()).content.decode()

    forum = Project.objects.get(question=content.CRISIS["question"])
    assert ProjectInviteCode.objects.filter(project=forum, used_on__isnull=True).count() == 5


def test_loading_the_demo_queues_no_email(db, django_capture_on_commit_callbacks):
    """The demo's members are fictional: no invitation or moderation notice is queued for the
    worker, which would send it later with the site's real mail backend."""
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        demo_load()
    assert mail.outbox == []
