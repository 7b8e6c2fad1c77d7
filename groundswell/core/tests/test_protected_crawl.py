"""A crawl of every page, the API, the exports, e-mails and logs: no trace of a protected author.

A member with a distinctive username, display name, e-mail, pseudonym and id writes protected
items of every kind (contributions, one with a file whose metadata names them, comments, a
statement, a pending statement, an idea), votes and compares, and asks for their data. Others
reply and vote on what they wrote. Then every other kind of viewer fetches every route in the URL
conf, its path arguments filled in with the real objects of this world (so a route added later
is crawled without touching this file, and one whose arguments cannot be filled fails loudly),
and every same-site link those pages show. Nothing any viewer receives (body, headers, files
inside a zip), no e-mail sent to anyone else and no log line may name the author.

Pages that are *about* the member (their public profile, the admin's user and e-mail address
pages, the admin's member directories) rightly show who they are: there, instead, none of the
protected items may appear, so nothing ties the member to what they wrote.
"""

import io
import logging
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from PIL import Image, PngImagePlugin

from groundswell.accounts_data.models import DataExport
from groundswell.contributions.kinds import all_kinds
from groundswell.contributions.models import Comment, Contribution
from groundswell.contributions.services import contribution_create
from groundswell.core.routes import Rule, rule_for
from groundswell.core.tests.test_routes import ROUTE_LIST
from groundswell.deliberation.models import Idea, Statement
from groundswell.deliberation.services import (
    deliberation_settings_update,
    idea_create,
    statement_create,
)
from groundswell.moderation.models import Appeal, Decision
from groundswell.organisations.services import organisation_invite
from groundswell.projects.models import Participant
from groundswell.projects.services import project_invite_create
from groundswell.testing import factories

# The author's id is far above any id the rest of this small world gets, and nine digits long,
# so finding "987654321" anywhere in a response is a leak, not a coincidence: no other id, count
# or date in this world comes near it, and random tokens (CSRF, invitation, export ids) match
# nine given digits with odds of about one in a billion. On PostgreSQL setting the id does not
# move the sequence; on SQLite later users get the next ids, which do not contain this one.
AUTHOR_PK = 987_654_321
IDENTITY = {
    "username": "mthistle",
    "display name": "Marigold Thistlewaite",
    "e-mail": "m.thistle.secret@example.net",
    "pseudonym": "LanternMoth",
    "user id": str(AUTHOR_PK),
}
# What the author wrote, all protected. Each text is distinctive so a page showing it is found.
TEXTS = {
    "public contribution": "Rota software overrules our judgement on visit length",
    "public evidence": "Audit of shortened visits across three teams",
    "public comment": "Nobody asks the night staff before changing the rota",
    "public statement": "Visit length should be set by the carer on the day",
    "public idea": "Let frontline staff extend a visit by fifteen minutes",
    # Rejected by a host with one click once it was open for votes, then appealed by its author:
    # the moderation log quotes it (it was public), the notices and appeals carry it.
    "public rejected statement": "Carers should choose the order of their own visits",
    "private contribution": "Agency staff never see the handover folder",
    "private comment": "The folder is locked in the day office overnight",
    "private statement": "Handover notes should travel with the resident",
}
PRIVATE_TEXTS = {k: v for k, v in TEXTS.items() if k.startswith("private")}
# The pending statement only its project's hosts see, in the moderation list.
PENDING = "private statement"
VIEWERS = [
    "anonymous",
    "outsider",
    "participant",
    "host_admin",
    "other_org_admin",
    "staff",
    "superuser",
]
INSIDERS = {"participant", "host_admin", "staff", "superuser"}  # may see the private project
HOSTS = {"host_admin", "staff", "superuser"}

# Routes the crawl does not request, each with the reason. Keep this short.
SKIP: dict[str, str] = {}
# Requested last: with ACCOUNT_LOGOUT_ON_GET it would end the viewer's session.
LAST = {"account_logout"}
# Public routes that answer no GET with a page of their own, and why.
NO_PAGE = {
    "admin:login": "sends a signed-in member of staff on to the admin",
    "admin:logout": "takes only a POST; a GET is sent on elsewhere",
    "api:api-root": "the API's root has no page: its interactive docs are switched off",
}
# Searches and filters that find the protected items by their words and their author's
# perspective; {public} and {private} are the projects' slugs.
QUERIES = [
    "/contributions/?q=rota",
    "/contributions/?kind=barrier&sector=social_care&author_role=practitioner",
    "/projects/{public}/contributions/?q=rota&author_role=practitioner",
    "/projects/{private}/contributions/?q=handover",
    "/api/v1/projects/{public}/contributions?q=rota&author_role=practitioner",
    "/api/v1/projects/{private}/contributions?kind=barrier",
    "/admin/contributions/contribution/?attribution__exact=protected",
    "/admin/contributions/contribution/?q=rota",
    "/admin/contributions/comment/?q=night",
]
# The admin's lists of members: naming members is what they are for.
DIRECTORIES = {"admin:people_user_changelist", "admin:account_emailaddress_changelist"}


# --- the world ---------------------------------------------------------------------------------


def _needles() -> dict[str, list[str]]:
    """Each identity value, and how it reads inside a URL."""
    return {
        what: sorted({value.lower(), quote(value).lower(), quote(value, safe="").lower()})
        for what, value in IDENTITY.items()
    }


NEEDLES = _needles()


def _identity_leaks(text: str) -> list[str]:
    lowered = text.lower()
    return sorted(what for what, values in NEEDLES.items() if any(v in lowered for v in values))


def _texts_shown(text: str) -> set[str]:
    return {what for what, value in TEXTS.items() if value in text}


# Loggers of the test's own tools, not of the app: factory_boy logs the users it builds.
TEST_TOOLS = {"factory"}


class Logs(logging.Handler):
    """Every log record, at DEBUG and up, from every logger, formatted as it would be written.

    Its own handler rather than caplog, so it works when pytest's logging plugin is off.
    """

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        if record.name.split(".")[0] not in TEST_TOOLS:
            self.lines.append(self.format(record))


@pytest.fixture
def logs():
    handler = Logs()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _run_tasks(capture) -> int:
    """What `groundswell worker` does, in the test's transaction: run every queued task.

    Delayed ones too (the analysis waits a few seconds to gather a burst of votes).
    """
    from django_tasks_db.models import DBTaskResult

    ran = 0
    while True:
        with capture(execute=True):
            row = DBTaskResult.objects.filter(status="READY").order_by("enqueued_at").first()
            if row is None:
                assert not DBTaskResult.objects.failed().exists()
                return ran
            row.claim("crawl")
            result = row.task_result
            try:
                row.set_successful(row.task.call(*result.args, **result.kwargs))
            except Exception as error:  # recorded like the worker does, and then failed below
                row.set_failed(error)
        ran += 1


@pytest.fixture
def world(
    settings,
    logs,
    django_capture_on_commit_callbacks,
    project,
    private_project,
    host_org,
    host_admin,
    practitioner,
    outsider,
    staff,
):
    """The author writes protected things through the web; others reply, vote and invite."""
    # Tasks queue in the database, as in production, so the admin's task pages have rows.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    capture = django_capture_on_commit_callbacks
    superuser = factories.UserFactory(
        username="root", display_name="Site Root", is_staff=True, is_superuser=True
    )
    factories.totp_activate(superuser)  # staff pages need two-factor authentication
    elsewhere = factories.OrganisationFactory(name="Elsewhere Trust")
    other_org_admin = factories.UserFactory(username="eli", display_name="Eli Elsewhere")
    factories.MembershipFactory(organisation=elsewhere, user=other_org_admin, is_admin=True)
    author = factories.UserFactory(
        pk=AUTHOR_PK,
        username=IDENTITY["username"],
        display_name=IDENTITY["display name"],
        email=IDENTITY["e-mail"],
        pseudonym=IDENTITY["pseudonym"],
        role="practitioner",
        sector="social_care",
    )
    for person in (author, practitioner):
        Participant.objects.create(project=private_project, user=person)
    Participant.objects.create(project=project, user=practitioner)
    with capture(execute=True):
        # Something of the host's to comment on and vote on; the private project pre-moderates.
        hosts_story = contribution_create(
            project=project,
            author=host_admin,
            kind="story",
            title="What the hosts heard",
            body="Visits are too short.",
        )
        hosts_statement = statement_create(project=project, author=host_admin, text="Pay travel")
        statement_create(project=private_project, author=host_admin, text="Share the folder")
        hosts_idea = idea_create(project=project, author=host_admin, text="Longer visits")
        deliberation_settings_update(project=private_project, by=host_admin, moderation="pre")
        invite = project_invite_create(project=private_project, by=host_admin, note="Carers")
        organisation_invite(organisation=host_org, by=host_admin, email="newcomer@example.org")

    as_author = Client()
    as_author.force_login(author)

    def post(url, data, expect=302):
        with capture(execute=True):
            response = as_author.post(url, data)
        assert response.status_code == expect, (url, response.status_code)
        return response

    pub, priv = f"/projects/{project.slug}", f"/projects/{private_project.slug}"
    barrier = {
        "body": "Commissioned by the minute, so the visit is a checklist.",
        "rule": "Time-and-task commissioning",
        "frontline_effect": "We rush people who need to talk.",
        "attribution": "protected",
    }
    post(f"{pub}/contribute/barrier/", {**barrier, "title": TEXTS["public contribution"]})
    post(f"{priv}/contribute/barrier/", {**barrier, "title": TEXTS["private contribution"]})
    # A file whose name and metadata name the author: both must be gone once uploaded.
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", IDENTITY["display name"])
    info.add_itxt("Comment", f"Sent by {IDENTITY['e-mail']} ({IDENTITY['username']})")
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 128, 0)).save(buffer, "PNG", pnginfo=info)
    photo = buffer.getvalue()
    post(
        f"{pub}/contribute/evidence/",
        {
            "title": TEXTS["public evidence"],
            "body": "We counted the visits cut short.",
            "source_type": "dataset",
            "source": "Team audit",
            "provenance": "Our own rota records",
            "quality": "moderate",
            "attribution": "protected",
            "file": SimpleUploadedFile(f"{IDENTITY['display name']}.png", photo),
        },
    )
    items = {
        key: Contribution.objects.get(title=TEXTS[key])
        for key in ("public contribution", "private contribution", "public evidence")
    }
    assert items["public evidence"].attachment
    for key, target in (("public comment", hosts_story), ("private comment", None)):
        target = target or items["private contribution"]
        post(
            f"{target.get_absolute_url()}comment/",
            {"body": TEXTS[key], "attribution": "protected"},
        )
        items[key] = Comment.objects.get(body=TEXTS[key])
    post(f"{pub}/statements/new/", {"text": TEXTS["public statement"], "attribution": "protected"})
    post(
        f"{priv}/statements/new/", {"text": TEXTS["private statement"], "attribution": "protected"}
    )
    post(f"{pub}/ideas/new/", {"text": TEXTS["public idea"], "attribution": "protected"})
    rejected_text = TEXTS["public rejected statement"]
    post(f"{pub}/statements/new/", {"text": rejected_text, "attribution": "protected"})
    for key in ("public statement", "private statement", "public rejected statement"):
        items[key] = Statement.objects.get(text=TEXTS[key])
    items["public idea"] = Idea.objects.get(text=TEXTS["public idea"])
    assert items[PENDING].status == "pending"
    post(f"{pub}/vote/{hosts_statement.pk}/", {"value": "1"})
    post(f"{pub}/vote/{items['public statement'].pk}/", {"value": "-1"})
    post(
        f"{pub}/compare/",
        {"first": items["public idea"].pk, "second": hosts_idea.pk, "outcome": "first"},
    )
    as_host = Client()
    as_host.force_login(host_admin)
    with capture(execute=True):
        response = as_host.post(
            f"{pub}/statements/{items['public rejected statement'].pk}/moderate/",
            {"decision": "reject"},
        )
    assert response.status_code == 302
    rejection = Decision.objects.get(item_kind="statement", outcome="reject")
    assert rejection.item_protected and rejection.author_id is None
    post(f"/moderation/notices/{rejection.pk}/appeal/", {"text": "It answers the question."})
    assert Appeal.objects.filter(decision=rejection, status="open").exists()
    post(reverse("accounts_data:export_request"), {})

    # Others answer what the author wrote: replies, votes, comparisons, a link.
    as_participant = Client()
    as_participant.force_login(practitioner)
    with capture(execute=True):
        for url, data in (
            (
                f"{hosts_story.get_absolute_url()}comment/",
                {
                    "body": "Same on our ward",
                    "attribution": "named",
                    "parent": items["public comment"].pk,
                },
            ),
            (
                f"{items['public contribution'].get_absolute_url()}comment/",
                {"body": "This is us too", "attribution": "named"},
            ),
            (
                f"{items['public contribution'].get_absolute_url()}link/",
                {"relation": "supports", "target": items["public evidence"].pk},
            ),
            (f"{pub}/vote/{items['public statement'].pk}/", {"value": "1"}),
            (
                f"{pub}/compare/",
                {"first": hosts_idea.pk, "second": items["public idea"].pk, "outcome": "second"},
            ),
        ):
            response = as_participant.post(url, data)
            assert response.status_code == 302, (url, response.status_code)
    tasks_run = _run_tasks(capture)
    assert tasks_run >= 3  # the author's export, the invitation e-mail, the analysis

    return {
        "author": author,
        "author_client": as_author,
        "items": items,
        "project": project,
        "private_project": private_project,
        "organisations": [host_org, elsewhere],
        "project_invite": invite,
        "org_invite": host_org.invites.get(),
        "author_export": DataExport.objects.get(owner=author),
        "users": {
            "anonymous": None,
            "outsider": outsider,
            "participant": practitioner,
            "host_admin": host_admin,
            "other_org_admin": other_org_admin,
            "staff": staff,
            "superuser": superuser,
        },
    }


# --- filling in the URL conf -------------------------------------------------------------------


@dataclass(frozen=True)
class Url:
    key: str  # the route it came from ("" for a link found on a page)
    url: str
    about_author: bool = False  # a page about the member, not about what they wrote
    found: bool = False  # a link found on a page, rather than made from the URL conf


class CannotFill(Exception):
    pass


def _admin_model(key: str, route: str):
    """The model an admin route is about, from its name or (unnamed ones) its path."""
    for model in admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        if key in {f"admin:{app}_{name}_{action}" for action in ("change", "delete", "history")}:
            return model
        if route.startswith(f"admin/{app}/{name}/<"):
            return model
    return None


def _objects_of(model, world) -> list[tuple[str, bool]]:
    """(pk, about the author?) for the objects of one model worth opening in the admin."""
    author = world["author"]
    pks = {str(pk): False for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:3]}
    for item in world["items"].values():
        if isinstance(item, model):
            pks[str(item.pk)] = False
    if model is type(author):
        pks[str(author.pk)] = True
    if model._meta.label == "account.EmailAddress":
        for pk in model.objects.filter(user=author).values_list("pk", flat=True):
            pks[str(pk)] = True
    if model._meta.label == "django_tasks_database.DBTaskResult":
        pks.update({str(pk): False for pk in model.objects.values_list("pk", flat=True)})
    # With no objects at all the route is still requested, for one that does not exist.
    return list(pks.items()) or [("0", False)]


def _route_urls(key: str, route: str, world, viewer_export) -> list[Url]:
    """Every concrete URL for one route in this world. Raises CannotFill for an unknown part."""
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    names = [a or b for a, b in names]
    author = world["author"]
    projects = [world["project"], world["private_project"]]
    values: dict[str, list[tuple[str, bool]]] = {}
    combos: list[dict[str, tuple[str, bool]]] | None = None
    model = _admin_model(key, route)
    for name in names:
        if name == "slug" and "pk" in names:
            continue  # filled together with pk
        elif name == "slug" and key.startswith("organisations:"):
            values[name] = [(o.slug, False) for o in world["organisations"]]
        elif name == "slug":
            values[name] = [(p.slug, False) for p in projects]
        elif name == "pk":
            # Every protected item with its own project's slug; a route for one kind of item
            # answers 404 to the others, which costs little and needs no table of kinds here.
            combos = [
                {"slug": (item_project(item).slug, False), "pk": (str(item.pk), False)}
                for item in world["items"].values()
            ]
        elif name == "username":
            values[name] = [(author.username, True), (world["users"]["host_admin"].username, False)]
        elif name in {"user_id", "id"}:
            values[name] = [(str(author.pk), True), (str(world["users"]["host_admin"].pk), False)]
        elif name == "object_id" and key == "admin:view_on_site":
            combos = [
                {
                    "content_type_id": (str(ContentType.objects.get_for_model(obj).pk), about),
                    "object_id": (str(obj.pk), about),
                }
                for obj, about in [
                    *((item, False) for item in world["items"].values()),
                    (author, True),
                ]
            ]
        elif name == "content_type_id":
            continue  # filled together with object_id
        elif name == "object_id":
            if model is None:
                raise CannotFill(f"no registered model for {route}")
            values[name] = _objects_of(model, world)
        elif name == "app_label":
            labels = sorted({m._meta.app_label for m in admin.site._registry})
            values[name] = [(label, False) for label in labels]
        elif name == "token":
            values[name] = [
                (world["project_invite"].token, False),
                (world["org_invite"].token, False),
            ]
        elif name == "invite_id":
            values[name] = [(str(world["project_invite"].pk), False)]
        elif name == "export_id":
            values[name] = [(str(world["author_export"].pk), False)]
            if viewer_export is not None:
                values[name].append((str(viewer_export.pk), False))
        elif name == "kind":
            values[name] = [(k.slug, False) for k in all_kinds()]
        elif name in {"key", "uidb36"}:
            values[name] = [("1-not-a-real-key" if name == "key" else "1", False)]
        elif name == "url":
            values[name] = [("no/such/page/", False)]
        else:
            raise CannotFill(f"path argument <{name}>")
    if combos is None:
        combos = [{}]
    for name, options in values.items():
        combos = [{**c, name: option} for c in combos for option in options]
    urls = []
    for combo in combos:

        def fill(match, combo=combo):
            return combo[match.group(1) or match.group(2)][0]

        path = re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", fill, route)
        path = "/" + path.replace("^", "").replace("$", "")
        about = any(about for _, about in combo.values()) or key in DIRECTORIES
        urls.append(Url(key, path, about))
    return urls


def item_project(item):
    if isinstance(item, Comment):
        return item.contribution.project
    return item.project


# --- reading what came back --------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/") and not href.startswith("//"):
                self.hrefs.append(href.split("#")[0])


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _readable(response, body: bytes) -> str:
    """Everything a viewer receives, as text: headers, body, and files inside a zip."""
    parts = [f"{name}: {value}" for name, value in response.items()]
    parts += [f"Set-Cookie: {m.OutputString()}" for m in response.cookies.values()]
    parts.append(body.decode("utf-8", "replace"))
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for info in archive.infolist():
                parts += [info.filename, info.comment.decode("utf-8", "replace")]
                parts.append(archive.read(info).decode("utf-8", "replace"))
    return "\n".join(parts)


@dataclass
class Crawl:
    statuses: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    requested: int = 0
    links_followed: int = 0
    texts_seen: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


_SKIPPED_LINKS = ("/static/", "/media/", "/accounts/logout/", "/admin/logout/")


def _crawl(client, world, viewer: str, viewer_export, logs) -> Crawl:
    crawl = Crawl()
    unfillable = []
    planned: list[Url] = []
    for key, route in ROUTE_LIST:
        if key in SKIP:
            continue
        try:
            planned += _route_urls(key, route, world, viewer_export)
        except CannotFill as reason:
            unfillable.append(f"{key} ({route}): {reason}")
    assert unfillable == [], (
        "The crawl cannot fill in these routes' path arguments; teach _route_urls the new "
        f"argument, or add the route to SKIP with a reason: {unfillable}"
    )
    slugs = {"public": world["project"].slug, "private": world["private_project"].slug}
    for query in QUERIES:
        url = query.format(**slugs)
        planned.append(Url(_route_key(url), url))
    last = [u for u in planned if u.key in LAST]
    seen = {u.url for u in planned}
    queue = [u for u in planned if u.key not in LAST]
    while queue:
        target = queue.pop(0)
        first_log = len(logs.lines)
        response = client.get(target.url)
        body = _body(response)
        crawl.requested += 1
        crawl.statuses[target.key].append(response.status_code)
        text = _readable(response, body)
        logged = "\n".join(logs.lines[first_log:])
        shown = _texts_shown(text)
        crawl.texts_seen |= shown
        where = f"{viewer} GET {target.url} -> {response.status_code}"
        if target.about_author:
            # A page about the member: it may name them, but must not show what they wrote.
            if shown:
                crawl.problems.append(f"{where}: a page about the author shows {sorted(shown)}")
        else:
            for what in _identity_leaks(text):
                crawl.problems.append(f"{where}: the response shows the author's {what}")
            for what in _identity_leaks(logged):
                crawl.problems.append(f"{where}: the log shows the author's {what}")
        if "You wrote this" in text:
            crawl.problems.append(f"{where}: tells this viewer they wrote something")
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser = _Links()
            parser.feed(body.decode("utf-8", "replace"))
            for href in parser.hrefs:
                if href in seen or href.startswith(_SKIPPED_LINKS):
                    continue
                seen.add(href)
                # Found on a page: a page about the author if its address names them, or if
                # it is one of the admin's member directories, however sorted or filtered.
                key = _route_key(href)
                about = bool(_identity_leaks(href)) or key in DIRECTORIES
                if not target.found:  # one level deep: links on pages the URL conf gave
                    queue.append(Url(key, href, about, found=True))
                    crawl.links_followed += 1
        if not queue:
            queue, last = last, []
    return crawl


def _route_key(href: str) -> str:
    """The key test_routes.py gives the route of a link: its namespaced name, or its pattern."""
    try:
        match = resolve(urlsplit(href).path)
    except Resolver404:
        return ""
    if match.url_name:
        return ":".join(n for n in (*match.namespaces, match.url_name) if n)
    return match.route


def _check_mail(author_email: str) -> list[str]:
    problems = []
    for message in mail.outbox:
        recipients = {a.lower() for a in [*message.to, *message.cc, *message.bcc]}
        if recipients == {author_email.lower()}:
            continue  # to the author alone: about their own things, seen by nobody else
        everything = "\n".join(
            [
                message.subject,
                message.body,
                message.from_email,
                *message.to,
                *message.cc,
                *message.bcc,
                *message.reply_to,
                *(f"{k}: {v}" for k, v in message.extra_headers.items()),
                *(str(a[0]) for a in getattr(message, "alternatives", [])),
            ]
        )
        for what in _identity_leaks(everything):
            problems.append(f"e-mail {message.subject!r} to {sorted(recipients)} shows {what}")
    return problems


# --- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_response_mail_or_log_names_a_protected_author(
    world, viewer, logs, django_capture_on_commit_callbacks
):
    user = world["users"][viewer]
    client = Client()
    viewer_export = None
    if user is not None:
        client.force_login(user)
        # Their own copy of their data: it holds their replies to, and votes on, the author's
        # protected items, and must not say whose they were.
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("accounts_data:export_request")).status_code == 302
        _run_tasks(django_capture_on_commit_callbacks)
        viewer_export = DataExport.objects.get(owner=user)
        assert viewer_export.status == "ready"

    crawl_started = len(logs.lines)
    crawl = _crawl(client, world, viewer, viewer_export, logs)

    assert crawl.problems == [], "\n".join(crawl.problems)
    assert mail.outbox, "no e-mail was sent at all: the check below would prove nothing"
    assert _check_mail(IDENTITY["e-mail"]) == []
    # Before the crawl (the world's building, the tasks, this viewer's export) no log named them.
    assert [line for line in logs.lines[:crawl_started] if _identity_leaks(line)] == []

    # The crawl was not vacuous: every route in the URL conf was requested...
    routes = {key for key, _ in ROUTE_LIST} - set(SKIP)
    assert routes <= set(crawl.statuses)
    assert crawl.requested >= len(routes) + crawl.links_followed
    assert crawl.links_followed > 0
    if user is not None:
        # This viewer's own data export was downloaded and read (the author's was refused).
        assert 200 in crawl.statuses["accounts_data:export_download"]
    # ...every public route answered (or, taking only POST, refused the GET)...
    for key in routes:
        if rule_for(key) == Rule.PUBLIC and key not in NO_PAGE:
            assert {200, 405} & set(crawl.statuses[key]), (key, crawl.statuses[key])
    # ...a superuser opened the admin page of every registered model...
    if user is not None and user.is_superuser:
        for model in admin.site._registry:
            key = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
            assert 200 in crawl.statuses[key], key
    # ...and the protected items themselves were on the pages this viewer may see.
    expected = set(TEXTS) - set(PRIVATE_TEXTS)
    if viewer in INSIDERS:
        expected |= set(PRIVATE_TEXTS) - {PENDING}
    if viewer in HOSTS:
        expected.add(PENDING)  # in the moderation list
    assert expected <= crawl.texts_seen, expected - crawl.texts_seen
    if viewer not in INSIDERS:
        assert not crawl.texts_seen & set(PRIVATE_TEXTS)


def test_the_whole_world_building_logged_nothing_that_names_the_author(world, logs):
    assert logs.lines, "the log capture caught nothing at all"
    assert [line for line in logs.lines if _identity_leaks(line)] == []


def test_the_author_alone_recognises_their_protected_items(world):
    client = world["author_client"]
    for key in ("public contribution", "private contribution", "public evidence"):
        page = client.get(world["items"][key].get_absolute_url()).content.decode()
        assert "You wrote this" in page, key
        assert TEXTS[key] in page
    # Their own copy of their data holds the protected items (it is theirs to see).
    export = world["author_export"]
    response = client.get(reverse("accounts_data:export_download", args=[export.pk]))
    assert response.status_code == 200
    data = response.content.decode()
    assert TEXTS["public contribution"] in data and TEXTS["public comment"] in data


def test_the_crawl_fills_in_every_route(world):
    """Every route of the URL conf becomes at least one concrete URL (none silently dropped)."""
    planned = {}
    for key, route in ROUTE_LIST:
        if key not in SKIP:
            planned[key] = _route_urls(key, route, world, None)
    assert [key for key, urls in planned.items() if not urls] == []
    assert set(SKIP) <= {key for key, _ in ROUTE_LIST}
    admin_models = set(admin.site._registry)
    assert apps.get_model("contributions", "Contribution") in admin_models
    pages_about_author = [u.url for urls in planned.values() for u in urls if u.about_author]
    assert f"/people/{IDENTITY['username']}/" in pages_about_author
