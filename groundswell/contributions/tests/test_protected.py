"""Protected attribution: nobody but the author can tell who wrote a protected contribution.

A practitioner with a distinctive name, username, e-mail and pseudonym writes protected items
in a public and a private project through the web. Every page and list that could show them is
then fetched as every kind of viewer; the author's identity must never appear, while the item
itself must (so the check cannot pass vacuously). Then the database rows are inspected.
"""

import hashlib
import re
from datetime import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from groundswell.contributions.authorship import protected_key
from groundswell.contributions.models import (
    Comment,
    Contribution,
    ProtectedAuthorKey,
    Status,
)
from groundswell.people.perspectives import PROTECTED_PERSPECTIVE_CROWD
from groundswell.projects.models import Participant
from groundswell.testing import factories

AUTHOR_PK = 987_654_321
IDENTITY = {
    "display name": "Zephyrine Quillfeather",
    "username": "zquill",
    "e-mail": "zq.whistle@example.net",
    "pseudonym": "NightOwlQuill",
}
PUBLIC_TITLE = "Fifteen-minute visits leave no time to talk"
PUBLIC_COMMENT = "The rota software overrides our judgement every single week"
PRIVATE_TITLE = "Night handovers lose the care plan"
PRIVATE_COMMENT = "Agency staff never see the handover folder"
VIEWERS = ["anonymous", "outsider", "member", "host_admin", "staff", "superuser"]


def _identity_leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [what for what, value in IDENTITY.items() if value.lower() in lowered]


@pytest.fixture
def author(db):
    return factories.UserFactory(
        pk=AUTHOR_PK,
        username=IDENTITY["username"],
        display_name=IDENTITY["display name"],
        email=IDENTITY["e-mail"],
        pseudonym=IDENTITY["pseudonym"],
        role="practitioner",
        sector="social_care",
    )


@pytest.fixture
def superuser(db):
    user = factories.UserFactory(
        username="root", display_name="Site Root", is_staff=True, is_superuser=True
    )
    factories.totp_activate(user)  # staff pages need two-factor authentication
    return user


@pytest.fixture
def world(
    client, author, project, private_project, service_user, outsider, staff, superuser, host_admin
):
    """The author posts protected items through the web; service_user is a fellow member.

    Four other social care practitioners have joined each project, so the items may show the
    author's role and sector (see test_protected_perspective.py for an author who stands out).
    """
    for p in (project, private_project):
        Participant.objects.create(project=p, user=service_user)
        for _ in range(PROTECTED_PERSPECTIVE_CROWD - 1):
            Participant.objects.create(
                project=p,
                user=factories.UserFactory(role="practitioner", sector="social_care"),
            )
    Participant.objects.create(project=private_project, user=author)

    client.force_login(author)
    items = {}
    for p, title, comment in (
        (project, PUBLIC_TITLE, PUBLIC_COMMENT),
        (private_project, PRIVATE_TITLE, PRIVATE_COMMENT),
    ):
        response = client.post(
            f"/projects/{p.slug}/contribute/barrier/",
            {
                "title": title,
                "body": "Commissioned by the minute, so the visit is a checklist.",
                "rule": "Time-and-task commissioning",
                "frontline_effect": "We rush people who need to talk.",
                "attribution": "protected",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        contribution = Contribution.objects.get(title=title)
        response = client.post(
            f"/projects/{p.slug}/contributions/{contribution.pk}/comment/",
            {"body": comment, "attribution": "protected"},
        )
        assert response.status_code == 302
        items[p.slug] = (contribution, Comment.objects.get(body=comment))
    client.logout()
    return {
        "author": author,
        "public": project,
        "private": private_project,
        "items": items,
        "users": {
            "anonymous": None,
            "outsider": outsider,
            "member": service_user,
            "host_admin": host_admin,
            "staff": staff,
            "superuser": superuser,
        },
    }


def _pages(world, viewer: str) -> list[tuple[str, int, list[str], list[str]]]:
    """(url, expected status, text that must appear, text that must not) for one viewer."""
    public, private = world["public"], world["private"]
    pub_c, _ = world["items"][public.slug]
    priv_c, _ = world["items"][private.slug]
    sees_private = viewer in {"member", "host_admin", "staff", "superuser"}
    private_titles = [PRIVATE_TITLE] if sees_private else []
    hidden_private = [] if sees_private else [PRIVATE_TITLE, PRIVATE_COMMENT]
    author = world["author"]
    pages = [
        ("/", 200, [public.question], hidden_private),
        ("/projects/", 200, [public.question], hidden_private),
        ("/contributions/", 200, [PUBLIC_TITLE, *private_titles], hidden_private),
        ("/contributions/?q=fifteen+minute", 200, [PUBLIC_TITLE], [PRIVATE_TITLE]),
        ("/contributions/?q=handovers", 200, private_titles, [PUBLIC_TITLE, *hidden_private]),
        (
            "/contributions/?kind=barrier&sector=social_care&author_role=practitioner",
            200,
            [PUBLIC_TITLE, *private_titles],
            hidden_private,
        ),
        ("/contributions/?q=Quillfeather", 200, ["0 contributions"], [PUBLIC_TITLE]),
        ("/contributions/?q=NightOwlQuill", 200, ["0 contributions"], [PUBLIC_TITLE]),
        (f"/organisations/{public.host_organisation.slug}/", 200, [public.question], []),
        (author.get_absolute_url(), 200, [], [PUBLIC_TITLE, PRIVATE_TITLE]),
    ]
    for project, contribution, title, comment in (
        (public, pub_c, PUBLIC_TITLE, PUBLIC_COMMENT),
        (private, priv_c, PRIVATE_TITLE, PRIVATE_COMMENT),
    ):
        visible = project is public or sees_private
        status, shown = (200, [title]) if visible else (404, [])
        shown_comment = [comment] if visible else []
        hidden = [] if visible else [title, comment]
        base = f"/projects/{project.slug}"
        word = title.split()[0].lower()
        pages += [
            (f"{base}/", status, shown, hidden),
            (f"{base}/contributions/", status, shown, hidden),
            (f"{base}/contributions/?q={word}", status, shown, hidden),
            (f"{base}/contributions/?kind=barrier", status, shown, hidden),
            (f"{base}/contributions/?sector=social_care", status, shown, hidden),
            (f"{base}/contributions/?author_role=practitioner", status, shown, hidden),
            (f"{base}/contributions/?q=Zephyrine", status, [], [title]),
            (f"{base}/contributions/{contribution.pk}/", status, [*shown, *shown_comment], hidden),
        ]
    if viewer == "superuser":
        pages.append(("/admin/", 200, ["Site administration"], []))
        for model, item in ((Contribution, pub_c), (Comment, world["items"][public.slug][1])):
            meta = model._meta
            changelist = f"/admin/{meta.app_label}/{meta.model_name}/"
            change = f"{changelist}{item.pk}/change/"
            if admin.site.is_registered(model):
                marker = [PUBLIC_TITLE] if model is Contribution else [PUBLIC_COMMENT[:30]]
                pages += [(changelist, 200, marker, []), (change, 200, marker, [])]
            else:
                # Not in the admin at all: there is no admin page that could show the author.
                pages += [(changelist, 404, [], []), (change, 404, [], [])]
    return pages


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_page_shows_who_wrote_a_protected_item(client, world, viewer):
    user = world["users"][viewer]
    if user is not None:
        client.force_login(user)
    checked_items = 0
    for url, status, shown, hidden in _pages(world, viewer):
        response = client.get(url)
        assert response.status_code == status, (viewer, url, response.status_code)
        html = response.content.decode()
        query = parse_qs(urlsplit(url).query).get("q")
        if query:
            # The search box repeats what was typed; that is the viewer's words, not a leak.
            html = html.replace(f'value="{query[0]}"', 'value=""')
        if url == world["author"].get_absolute_url():
            # The author's own public profile names them, but must not tie them to the items.
            assert _identity_leaks(html) == ["display name", "username"], url
        else:
            assert _identity_leaks(html) == [], (viewer, url)
        for text in shown:
            assert text in html, (viewer, url, text)
            checked_items += text in {PUBLIC_TITLE, PRIVATE_TITLE}
        for text in hidden:
            assert text not in html, (viewer, url, text)
        assert "You wrote this" not in html, (viewer, url)
        assert "/withdraw/" not in html, (viewer, url)
    assert checked_items >= 8
    for message in mail.outbox:
        everything = " ".join(
            [message.subject, message.body, *message.to, *(a[0] for a in message.alternatives)]
        )
        assert _identity_leaks(everything) == []


def test_contribution_page_shows_protected_byline_and_the_comment(client, world):
    contribution, comment = world["items"][world["public"].slug]
    html = client.get(contribution.get_absolute_url()).content.decode()
    assert comment.body == PUBLIC_COMMENT
    assert html.count("Protected contributor") == 2  # the contribution and its comment
    assert PUBLIC_COMMENT in html
    # Role and sector may show; nothing that names the author.
    assert "Frontline practitioner" in html


@pytest.mark.parametrize("project_key", ["public", "private"])
def test_only_the_author_sees_you_wrote_this_and_can_withdraw(client, world, project_key):
    project = world[project_key]
    contribution, _ = world["items"][project.slug]
    withdraw = f"/projects/{project.slug}/contributions/{contribution.pk}/withdraw/"

    for viewer, user in world["users"].items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.post(withdraw)
        if user is None:
            assert response.status_code == 302
            assert response.url.startswith("/accounts/login/")
        elif project_key == "private" and viewer == "outsider":
            assert response.status_code == 404
        else:
            assert response.status_code == 403, viewer
        contribution.refresh_from_db()
        assert contribution.status == Status.PUBLISHED, viewer

    client.force_login(world["author"])
    page = client.get(contribution.get_absolute_url()).content.decode()
    assert "You wrote this" in page
    assert withdraw in page
    response = client.post(withdraw)
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == Status.WITHDRAWN
    assert client.get(contribution.get_absolute_url()).status_code == 404
    assert contribution.title not in client.get(f"/projects/{project.slug}/").content.decode()


def _raw_row(table: str, pk: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        columns = [c[0] for c in cursor.description]
        row = cursor.fetchone()
    assert row is not None
    return dict(zip(columns, row, strict=True))


def test_no_row_links_a_protected_item_to_its_author(world):
    author = world["author"]
    for contribution, comment in world["items"].values():
        contribution.refresh_from_db()
        comment.refresh_from_db()
        for item, table in (
            (contribution, Contribution._meta.db_table),
            (comment, Comment._meta.db_table),
        ):
            assert item.author is None
            assert item.author_id is None
            assert item.pseudonym == ""
            assert item.attribution == "protected"
            # What the public may know: role and sector, never who.
            assert (item.author_role, item.author_sector) == ("practitioner", "social_care")
            row = _raw_row(table, item.pk)
            assert "author_id" in row
            assert row["author_id"] is None
            for column, value in row.items():
                assert value != author.pk, column
                text = str(value)
                assert str(author.pk) not in text, column
                assert _identity_leaks(text) == [], column
            # Only the day is kept: no time of day to match against other records.
            assert timezone.localtime(item.created_at).time() == time(0, 0), table
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid, * FROM contributions_fts")
            fts_rows = cursor.fetchall()
        assert len(fts_rows) == 2
        for row in fts_rows:
            assert _identity_leaks(" ".join(map(str, row))) == []


def test_the_protected_author_key_is_an_opaque_keyed_hash(world, settings):
    author = world["author"]
    assert [f.name for f in ProtectedAuthorKey._meta.get_fields()] == ["id", "key"]
    keys = list(ProtectedAuthorKey.objects.values_list("key", flat=True))
    assert len(keys) == 4  # a contribution and a comment in each project
    expected = set()
    for contribution, comment in world["items"].values():
        expected.add(
            protected_key(object_kind="contribution", object_id=contribution.pk, user_id=author.pk)
        )
        expected.add(protected_key(object_kind="comment", object_id=comment.pk, user_id=author.pk))
    assert set(keys) == expected
    contribution = next(iter(world["items"].values()))[0]
    plain = f"contribution:{contribution.pk}:{author.pk}"
    for key in keys:
        assert re.fullmatch(r"[0-9a-f]{64}", key)
        assert str(author.pk) not in key
        assert key != hashlib.sha256(plain.encode()).hexdigest()
    # Keyed with the site secret: without it nobody can test a guess at who wrote it.
    with override_settings(SECRET_KEY="another site's secret, long enough to be valid"):
        other = protected_key(
            object_kind="contribution", object_id=contribution.pk, user_id=author.pk
        )
    assert other not in keys


@pytest.mark.parametrize("model", [Contribution, Comment, ProtectedAuthorKey, Participant])
def test_nothing_about_ip_addresses_is_stored(db, model):
    names = [f.name for f in model._meta.get_fields()]
    names += [f.column for f in model._meta.concrete_fields]
    assert names
    assert [n for n in names if "ip" in n.lower() or "addr" in n.lower()] == []
    with connection.cursor() as cursor:
        columns = [
            c.name
            for c in connection.introspection.get_table_description(cursor, model._meta.db_table)
        ]
    assert [c for c in columns if "ip" in c.lower() or "addr" in c.lower()] == []
