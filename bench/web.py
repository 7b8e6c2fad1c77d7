"""Page latency through the real server, on a project with 10,000 contributions.

    .venv/bin/python bench/web.py --database sqlite|postgres \
        [--contributions 10000 --comments 100000 --requests 300] [--write]

Builds a fresh database (SQLite in a temporary GROUNDSWELL_VAR_DIR, or PostgreSQL database
`gs_bench`, dropped and recreated), fills one public project in bulk, starts `groundswell serve`
(collectstatic, then gunicorn with DEBUG off) on a free port, and times anonymous GET requests
from a small threaded client. Each page gets its median and p95 latency and the ratio of its
median to the median of /healthz, the trivial view, measured in the same run. The pages are
interleaved over a few rounds so that drift in machine load falls on all of them alike.
Anonymous pages are mostly answered by the page cache (groundswell/core/pagecache.py), so two
uncached figures follow: "cold", an anonymous request made right after a change (the bench bumps
the site's page-cache version before each one, as a new contribution would), and "logged in",
a member's request (members are never served cached pages).
`--write` replaces this database's block in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from common import (
    DOCS,
    ROOT,
    database_version,
    free_port,
    fresh_database,
    get,
    machine,
    request,
    start_server,
)

PG_DATABASE = "gs_bench"
SLUG = "bench-care-at-home"
COMMON_WORD = "care"
RARE_WORD = "ombudsman"
RARE_COUNT = 7
DETAIL_COMMENTS = 10

# --- text -------------------------------------------------------------------------------------

# Ordered roughly by how often the words turn up in social-policy talk; drawn with Zipf weights.
_VOCABULARY_TEXT = """
care support service people staff time family home council need help team work plan visit
assessment carer hospital health money funding cost week month year day manager worker social
local community housing rent benefit school child parent young older adult mental wellbeing
problem change rule target form referral waiting list appointment phone call letter email
office policy process system data record report review meeting decision budget contract
commission provider charity volunteer training hours shift rota travel bus transport night
weekend discharge ward bed doctor nurse pharmacy medication therapy counselling crisis risk
safeguarding duty eligibility threshold criteria panel appeal complaint delay gap barrier
workaround outcome evidence trial pilot practice idea question story experience voice trust
respect dignity choice control independence isolation loneliness debt arrears eviction
tenancy landlord repair heating food bank energy bill job employment sanction claim advice
advocacy interpreter language disability access ramp wheelchair equipment adaptation grant
application deadline paperwork portal online digital password queue helpline callback
handover continuity relationship consistency agency vacancy recruitment retention pay wage
contractor tender framework commissioning outcome measure indicator dashboard audit
inspection regulator standard guidance statute duty right entitlement allowance pension
attendance exclusion transition leaver foster kinship adoption court solicitor probation
police custody release prison victim witness domestic abuse refuge shelter outreach street
homeless hostel temporary accommodation move quickly slowly again never always often
sometimes everyone nobody neighbour friend daughter son mother father partner grandmother
"""
_VOCABULARY = _VOCABULARY_TEXT.split()
_SYLLABLES = [a + b for a in "bdklmnrstv" for b in "aeiou"]


class Text:
    """Zipf-distributed words: a few very common, a long tail of rare ones (place names)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        tail = {
            "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(6000)
        }
        tail -= {COMMON_WORD, RARE_WORD, *_VOCABULARY}
        self.words = [*_VOCABULARY, *sorted(tail)]
        self.cum_weights: list[float] = []
        total = 0.0
        for rank in range(1, len(self.words) + 1):
            total += 1 / rank
            self.cum_weights.append(total)

    def words_(self, n: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum_weights, k=n)

    def title(self) -> str:
        return " ".join(self.words_(self.rng.randint(4, 9))).capitalize()

    def paragraph(self, low: int, high: int) -> str:
        words = self.words_(self.rng.randint(low, high))
        sentences, i = [], 0
        while i < len(words):
            n = self.rng.randint(6, 16)
            sentences.append(" ".join(words[i : i + n]).capitalize() + ".")
            i += n
        return " ".join(sentences)


# --- environment and data ---------------------------------------------------------------------


@dataclass
class Fixture:
    project_slug: str
    detail_pk: int
    contributions: int
    comments: int
    users: int
    seconds: float


KIND_WEIGHTS = {
    "story": 25,
    "idea": 20,
    "barrier": 15,
    "practice": 12,
    "question": 10,
    "evidence": 10,
    "failure_demand": 8,
}
ROLE_WEIGHTS = {
    "service_user": 22,
    "carer": 16,
    "practitioner": 20,
    "manager": 8,
    "commissioner": 4,
    "organisation": 8,
    "policy": 5,
    "researcher": 5,
    "journalist": 1,
    "funder": 1,
    "campaigner": 5,
    "other": 3,
    "": 2,
}
ATTRIBUTION_WEIGHTS = {"named": 60, "pseudonymous": 25, "protected": 15}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _details(rng: random.Random, text: Text, kind) -> dict:
    """Answers to the kind's own form, as the service would store them."""
    from django import forms

    raw: dict = {}
    for name, field in kind.details_form.base_fields.items():
        if name == "linked_barrier" or isinstance(field, forms.FileField):
            continue
        if not field.required and rng.random() < 0.4:
            continue
        if isinstance(field, forms.URLField):
            raw[name] = f"https://example.org/reports/{rng.randint(1, 99999)}"
        elif isinstance(field, forms.CharField):
            raw[name] = text.paragraph(4, 30)
        elif isinstance(field, forms.ChoiceField):
            raw[name] = rng.choice([value for value, _ in field.choices if value])
        elif isinstance(field, forms.IntegerField):
            low = field.min_value or 1
            raw[name] = rng.randint(low, min(field.max_value or 5000, low + 5000))
        elif isinstance(field, forms.BooleanField):
            raw[name] = rng.random() < 0.5
    return kind.serialise(raw)


def fill(*, contributions: int, comments: int, users: int, seed: int = 7) -> Fixture:
    """One public project in its gather phase, filled in bulk the way the services fill it."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from groundswell.contributions.authorship import protected_key
    from groundswell.contributions.kinds import get_kind
    from groundswell.contributions.models import (
        Attribution,
        Comment,
        Contribution,
        ProtectedAuthorKey,
    )
    from groundswell.people.models import User
    from groundswell.people.perspectives import Region, Sector
    from groundswell.projects.models import Participant, ParticipationTarget
    from groundswell.testing.factories import ProjectFactory

    started = time.perf_counter()
    rng = random.Random(seed)
    text = Text(rng)
    now = timezone.now()
    sectors = list(Sector.values)
    password = make_password("correct horse battery staple")

    with transaction.atomic():
        people = User.objects.bulk_create(
            User(
                username=f"member{i}",
                email=f"member{i}@example.org",
                password=password,
                display_name=f"{text.title().split()[0]} {rng.choice(_VOCABULARY).title()}"
                if rng.random() < 0.7
                else "",
                role=_pick(rng, ROLE_WEIGHTS),
                sector=rng.choice(sectors),
                region=rng.choice(Region.values),
                pseudonym=f"voice-{i}" if rng.random() < 0.4 else "",
            )
            for i in range(users)
        )
        project = ProjectFactory(
            slug=SLUG,
            question="What would make care at home work for the people who receive it?",
            description=text.paragraph(60, 120),
            host_user=people[0],
            sector="social_care",
        )
        ParticipationTarget.objects.bulk_create(
            ParticipationTarget(project=project, role=role, target=50)
            for role in ("service_user", "carer", "practitioner", "commissioner")
        )
        Participant.objects.bulk_create(Participant(project=project, user=u) for u in people)

        def attribute(item, author: User) -> None:
            attribution = _pick(rng, ATTRIBUTION_WEIGHTS)
            if attribution == Attribution.PSEUDONYMOUS and not author.pseudonym:
                attribution = Attribution.NAMED
            item.attribution = attribution
            item.written_by = author.pk  # only for the protected-author key below
            item.author_role = author.role
            item.author_sector = author.sector
            if attribution == Attribution.PROTECTED:
                item.author = None
                local = timezone.localtime(item.created_at)
                item.created_at = local.replace(hour=0, minute=0, second=0, microsecond=0)
            else:
                item.author = author
                if attribution == Attribution.PSEUDONYMOUS:
                    item.pseudonym = author.pseudonym

        # How many comments each contribution gets: heavy-tailed, one with exactly ten.
        weights = [rng.paretovariate(1.2) for _ in range(contributions)]
        counts = [0] * contributions
        for i in rng.choices(range(contributions), weights=weights, k=comments):
            counts[i] += 1
        detail_index = contributions // 3
        busiest = max(range(contributions), key=counts.__getitem__)
        counts[busiest] += counts[detail_index] - DETAIL_COMMENTS
        counts[detail_index] = DETAIL_COMMENTS
        rare = set(rng.sample(range(contributions), RARE_COUNT))

        keys: list[ProtectedAuthorKey] = []
        detail_pk = 0
        batch = 500
        for start in range(0, contributions, batch):
            items = []
            for i in range(start, min(start + batch, contributions)):
                kind = get_kind(_pick(rng, KIND_WEIGHTS))
                author = rng.choice(people)
                title = text.title()
                body = text.paragraph(40, 220)
                if i in rare:
                    body += f" We took it to the {RARE_WORD} in the end."
                details = _details(rng, text, kind)
                c = Contribution(
                    project=project,
                    kind=kind.slug,
                    title=title,
                    body=body,
                    details=details,
                    sector=rng.choice(["", "", *sectors]) or project.sector,
                    created_at=now - timedelta(seconds=rng.randint(3600, 300 * 86400)),
                    comment_count=counts[i],
                    search_text=" ".join([title, body, kind.search_text(details)]),
                )
                attribute(c, author)
                items.append(c)
            Contribution.objects.bulk_create(items)
            for offset, c in enumerate(items):
                i = start + offset
                if i == detail_index:
                    detail_pk = c.pk
                if c.is_protected:
                    key = protected_key(
                        object_kind="contribution", object_id=c.pk, user_id=c.written_by
                    )
                    keys.append(ProtectedAuthorKey(key=key))
            # Top-level comments first, then replies to them (threads are one level deep).
            top, replies = [], []
            for offset, c in enumerate(items):
                n = counts[start + offset]
                n_replies = min(sum(rng.random() < 0.25 for _ in range(n)), n - 1)
                span = max(int((now - c.created_at).total_seconds()), 60)
                for j in range(n):
                    comment = Comment(
                        contribution=c,
                        body=text.paragraph(8, 80),
                        created_at=c.created_at + timedelta(seconds=rng.randint(60, span)),
                    )
                    attribute(comment, rng.choice(people))
                    (replies if j < n_replies else top).append(comment)
            Comment.objects.bulk_create(top, batch_size=2000)
            by_contribution: dict[int, list[Comment]] = {}
            for comment in top:
                by_contribution.setdefault(comment.contribution_id, []).append(comment)
            for reply in replies:
                reply.parent = rng.choice(by_contribution[reply.contribution_id])
                reply.created_at = reply.parent.created_at + timedelta(
                    seconds=rng.randint(60, 3 * 86400)
                )
            Comment.objects.bulk_create(replies, batch_size=2000)
            keys.extend(
                ProtectedAuthorKey(
                    key=protected_key(object_kind="comment", object_id=c.pk, user_id=c.written_by)
                )
                for c in [*top, *replies]
                if c.is_protected
            )
        ProtectedAuthorKey.objects.bulk_create(keys, batch_size=2000, ignore_conflicts=True)

    with connection.cursor() as cursor:
        # PostgreSQL's autovacuum would analyse these tables soon after a load like this.
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
    return Fixture(
        project_slug=project.slug,
        detail_pk=detail_pk,
        contributions=Contribution.objects.count(),
        comments=Comment.objects.count(),
        users=User.objects.count(),
        seconds=time.perf_counter() - started,
    )


# --- server and client ------------------------------------------------------------------------


def hammer(
    port: int, path: str, n: int, concurrency: int, cookie: str = ""
) -> tuple[list[float], float]:
    """n requests from `concurrency` threads; latencies in seconds and the wall time."""
    latencies: list[float] = []
    lock = threading.Lock()
    remaining = [n]
    errors: list[str] = []

    def worker() -> None:
        while True:
            with lock:
                if remaining[0] <= 0 or errors:
                    return
                remaining[0] -= 1
            status, _, seconds = (
                request(port, path, headers={"Cookie": cookie}) if cookie else get(port, path)
            )
            with lock:
                if status != 200:
                    errors.append(f"{path} answered {status}")
                latencies.append(seconds)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(errors[0])
    return latencies, time.perf_counter() - started


@dataclass
class Page:
    name: str
    path: str
    matches: str = ""
    queries: int = 0
    latencies: list[float] | None = None
    busy: float = 0.0
    cold: list[float] | None = None
    member: list[float] | None = None

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.latencies)

    @property
    def p95_ms(self) -> float:
        return 1000 * statistics.quantiles(self.latencies, n=20, method="inclusive")[18]

    @property
    def cold_ms(self) -> float:
        return 1000 * statistics.median(self.cold)

    @property
    def member_ms(self) -> float:
        return 1000 * statistics.median(self.member)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.busy


def pages_for(fixture: Fixture) -> list[Page]:
    base = f"/projects/{fixture.project_slug}"
    later = max(fixture.contributions // 20 // 2, 1)

    def listing(**params: str | int) -> str:
        return f"{base}/contributions/" + (f"?{urlencode(params)}" if params else "")

    return [
        Page("trivial view /healthz", "/healthz"),
        Page("project page", f"{base}/"),
        Page("list, page 1", listing()),
        Page(f"list, page {later}", listing(page=later)),
        Page("list, kind = barrier", listing(kind="barrier")),
        Page("list, author role = carer", listing(author_role="carer")),
        Page(f"search, common word “{COMMON_WORD}”", listing(q=COMMON_WORD)),
        Page(f"search, rare word “{RARE_WORD}”", listing(q=RARE_WORD)),
        Page(
            f"contribution with {DETAIL_COMMENTS} comments",
            f"{base}/contributions/{fixture.detail_pk}/",
        ),
    ]


_MATCHES = re.compile(rb'<p role="status">([\d,]+) contribution')


def inspect_pages(pages: list[Page]) -> None:
    """Count each page's SQL queries in-process, and how many contributions a list matched."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for page in pages:
        client.get(page.path)  # the first request warms caches, as the warm-up does over HTTP
        cache.clear()  # render the page again rather than read its cached copy
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
        if response.status_code != 200:
            raise SystemExit(f"{page.path} answered {response.status_code}")
        # The page's own queries: the database cache's reads and writes are left out.
        page.queries = sum("groundswell_cache" not in q["sql"] for q in queries.captured_queries)
        found = _MATCHES.search(response.content)
        page.matches = found.group(1).decode() if found else ""


# --- report -----------------------------------------------------------------------------------


def table(pages: list[Page]) -> str:
    ceiling = pages[0].median_ms
    lines = [
        "| Page | Matches | SQL queries | Median ms | p95 ms | Median ÷ /healthz | req/s "
        "| Cold ms (÷ /healthz) | Logged in ms (÷ /healthz) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for p in pages:
        lines.append(
            f"| {p.name} | {p.matches or '—'} | {p.queries} | {p.median_ms:.1f} | "
            f"{p.p95_ms:.1f} | {p.median_ms / ceiling:.1f}x | {p.per_second:.0f} | "
            f"{p.cold_ms:.1f} ({p.cold_ms / ceiling:.0f}x) | "
            f"{p.member_ms:.1f} ({p.member_ms / ceiling:.0f}x) |"
        )
    return "\n".join(lines)


def member_cookie() -> str:
    """A logged-in session for a member of the project, made directly in the session store."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from groundswell.people.models import User

    user = User.objects.get(username="member1")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def measure_uncached(port: int, pages: list[Page], n: int, concurrency: int, cookie: str) -> None:
    """Cold anonymous requests (one at a time, each after a version bump), then a member's."""
    from django.db import connections

    from groundswell.core.pagecache import page_cache_bump

    for page in pages:
        page.cold = []
        for _ in range(n):
            page_cache_bump(scope="site")  # outside a transaction: bumps at once
            status, _, seconds = get(port, page.path)
            if status != 200:
                raise SystemExit(f"{page.path} answered {status}")
            page.cold.append(seconds)
    connections.close_all()
    for page in pages:
        hammer(port, page.path, max(n // 10, 3), concurrency, cookie)
        page.member, _ = hammer(port, page.path, n, concurrency, cookie)


def report(args, fixture: Fixture, pages: list[Page], db_version: str) -> str:
    m = machine()
    label = "SQLite" if args.database == "sqlite" else "PostgreSQL"
    command = " ".join(["bench/web.py", *sys.argv[1:]])
    within = [p.name for p in pages[1:] if p.median_ms <= 3 * pages[0].median_ms]
    return "\n".join(
        [
            f"### {label}",
            "",
            f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
            f"- Command: `.venv/bin/python {command}`",
            f"- Machine: {m['nproc']} cores, {m['cpu']}; `{m['uname']}`",
            f"- Python {m['python']}, {db_version}, gunicorn sync workers: {args.workers}, "
            f"client threads: {args.concurrency}",
            f"- Data: {fixture.contributions:,} contributions, {fixture.comments:,} comments, "
            f"{fixture.users} users in one public project (filled in {fixture.seconds:.0f} s)",
            f"- {args.requests} timed requests per page in {args.rounds} interleaved rounds, "
            f"after {args.warmup} warm-up requests each; then {args.uncached} cold anonymous "
            "requests per page, one at a time, each right after a page-cache version bump, and "
            f"{args.uncached} requests per page from a logged-in member",
            "",
            table(pages),
            "",
            f"Within 3x of /healthz: {len(within)} of {len(pages) - 1} pages.",
        ]
    )


def write_docs(database: str, block: str) -> None:
    start, end = f"<!-- bench/web.py {database} -->", f"<!-- /bench/web.py {database} -->"
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    wrapped = f"{start}\n{block}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + wrapped + rest.split(end, 1)[1]
    else:
        heading = "## Web pages (bench/web.py)"
        if heading not in text:
            text = text.rstrip("\n") + f"\n\n{heading}\n"
        text = text.rstrip("\n") + f"\n\n{wrapped}\n"
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text)


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--contributions", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests per page")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument(
        "--uncached", type=int, default=60, help="cold and logged-in requests per page"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2 to 4)")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads")
    parser.add_argument("--keep", action="store_true", help="keep the var dir and the server log")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()

    var_dir, env = fresh_database(args.database, prefix="gs-bench-web-", pg_database=PG_DATABASE)
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command
    from django.utils.functional import empty

    call_command("collectstatic", "--noinput", verbosity=0)  # `serve` does it too, quickly
    staticfiles_storage._wrapped = empty  # read the manifest collectstatic has just written
    fixture = fill(contributions=args.contributions, comments=args.comments, users=args.users)
    print(
        f"filled {fixture.contributions:,} contributions and {fixture.comments:,} comments "
        f"in {fixture.seconds:.0f} s",
        file=sys.stderr,
    )
    pages = pages_for(fixture)
    inspect_pages(pages)
    db_version = database_version(args.database)
    cookie = member_cookie()
    from django.db import connections

    connections.close_all()

    log = var_dir / "server.log"
    port = free_port()
    server = start_server(env, port, args.workers, log)
    try:
        for page in pages:
            hammer(port, page.path, args.warmup, args.concurrency)
            page.latencies = []
        per_round = max(args.requests // args.rounds, 1)
        for r in range(args.rounds):
            print(f"round {r + 1} of {args.rounds}…", file=sys.stderr)
            for page in pages:
                latencies, busy = hammer(port, page.path, per_round, args.concurrency)
                page.latencies.extend(latencies)
                page.busy += busy
        print("cold and logged-in requests…", file=sys.stderr)
        measure_uncached(port, pages, args.uncached, args.concurrency, cookie)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)
        else:
            print(f"kept {var_dir}", file=sys.stderr)

    block = report(args, fixture, pages, db_version)
    print(block)
    if args.write:
        write_docs(args.database, block)
        print(f"updated {DOCS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
