"""Vote ingestion through the real server: throughput, latency, and no lost or duplicated vote.

    .venv/bin/python bench/votes.py --database sqlite|postgres \
        [--voters 2000 --statements 200 --seconds 30 --concurrency 8 --workers 4] [--no-worker]

Builds a fresh database (SQLite in a temporary GROUNDSWELL_VAR_DIR, or PostgreSQL database
`gs_votes`, dropped and recreated) with one public project in its gather phase (open for votes),
accepted statements, and members who are signed in through sessions written straight into the
session table, each with a CSRF cookie and header. No member is a participant yet: the first vote
of each joins them, as it would in life. It counts the SQL queries of one vote in-process, then
starts `groundswell serve` (gunicorn sync workers and, unless --no-worker, the background task
worker that recomputes the analysis) and drives votes from `--concurrency` client processes, first
through the JSON API for `--seconds`, then through the web (htmx) endpoint for as long, and, with
`--endpoints api,web,batch`, through the API's batch endpoint (`--batch` votes of one member a
request, as a client sends the votes it queued while offline).

Every client process owns its own members, so the order of one member's votes is the order that
process sent them. A few votes are changed later (a new value on a pair already voted), and a few
are deliberate double submits: the same vote sent on two connections before either answer is
read. Afterwards the database must hold exactly one row per (member, statement) pair that got an
acknowledged vote, no duplicates, and each row's value must be the last acknowledged value of its
pair. With the task worker, the analysis snapshot must catch up with every vote.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import random
import secrets
import shutil
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from common import (
    DOCS,
    ROOT,
    Member,
    database_version,
    free_port,
    fresh_database,
    machine,
    signed_in,
    start_server,
)

PG_DATABASE = "gs_votes"
SLUG = "bench-votes"
CHANGE_RATE = 0.10  # share of votes that change an earlier vote of the same pair
DOUBLE_RATE = 0.05  # share of votes sent twice at once on two connections
SECTION = "## Vote ingestion (bench/votes.py)"

# --- data -------------------------------------------------------------------------------------


@dataclass
class Fixture:
    project_id: int
    statement_ids: list[int]
    members: list[Member]
    probe: Member
    seconds: float


def fill(*, voters: int, statements: int, seed: int = 11) -> Fixture:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from groundswell.deliberation.models import Statement, StatementStatus
    from groundswell.people.models import User
    from groundswell.people.perspectives import Region, Sector
    from groundswell.testing.factories import ProjectFactory, UserFactory

    started = time.perf_counter()
    rng = random.Random(seed)
    roles = ["service_user", "carer", "practitioner", "manager", "commissioner", "other"]
    password = make_password(secrets.token_urlsafe(16))
    with transaction.atomic():
        host = UserFactory(username="bench-host", email="bench-host@example.org")
        project = ProjectFactory(slug=SLUG, host_user=host)
        Statement.objects.bulk_create(
            Statement(
                project=project,
                text=f"Statement {i}: the service should listen before it decides.",
                status=StatementStatus.ACCEPTED,
                is_seed=True,
                author=host,
            )
            for i in range(statements)
        )
        users = User.objects.bulk_create(
            User(
                username=f"voter{i}",
                email=f"voter{i}@example.org",
                password=password,
                role=rng.choice(roles),
                sector=rng.choice(Sector.values),
                region=rng.choice(Region.values),
            )
            for i in range(voters + 1)
        )
        members = signed_in(users)
    statement_ids = list(
        Statement.objects.filter(project=project).order_by("pk").values_list("pk", flat=True)
    )
    return Fixture(
        project_id=project.pk,
        statement_ids=statement_ids,
        members=members[1:],
        probe=members[0],
        seconds=time.perf_counter() - started,
    )


# --- the endpoints ----------------------------------------------------------------------------


def vote_request(endpoint: str, member: Member, votes: list[tuple[int, int]]):
    """Path, body and headers of one request carrying `votes` ((statement id, value); one for
    "api" and "web"), signed in by cookie, CSRF by header."""
    headers = {
        "Cookie": f"sessionid={member.session_key}; csrftoken={member.csrf}",
        "X-CSRFToken": member.csrf,
        "Host": "127.0.0.1",
        "Content-Type": "application/json",
    }
    if endpoint == "batch":
        path = f"/api/v1/projects/{SLUG}/votes"
        body = json.dumps({"votes": [{"statement": s, "value": v} for s, v in votes]}).encode()
        return path, body, headers
    ((statement_id, value),) = votes
    if endpoint == "api":
        path = f"/api/v1/projects/{SLUG}/statements/{statement_id}/vote"
        body = json.dumps({"value": value}).encode()
    else:
        path = f"/projects/{SLUG}/vote/{statement_id}/"
        body = urlencode({"value": value}).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["HX-Request"] = "true"
    return path, body, headers


def query_counts(fixture: Fixture, batch: int) -> dict[str, list[str]]:
    """The SQL of one request on each endpoint, in-process: a first vote (joins) and a change."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = fixture.probe.session_key
    found = {}
    ids = fixture.statement_ids
    probes = [("api", ids[:1]), ("web", ids[1:2]), (f"batch of {batch}", ids[2 : 2 + batch])]
    for endpoint, statement_ids in probes:
        for label, value in [("first vote", 1), ("changed vote", -1)]:
            votes = [(statement_id, value) for statement_id in statement_ids]
            path, body, headers = vote_request(endpoint.split()[0], fixture.probe, votes)
            extra = {"HTTP_HX_REQUEST": "true"} if endpoint == "web" else {}
            with CaptureQueriesContext(connection) as queries:
                response = client.post(path, body, content_type=headers["Content-Type"], **extra)
            if response.status_code != 200:
                raise SystemExit(f"probe vote on {path} answered {response.status_code}")
            found[f"{endpoint}, {label}"] = [q["sql"] for q in queries.captured_queries]
    return found


# --- client -----------------------------------------------------------------------------------


@dataclass
class Sent:
    """One vote as the client saw it: `seq` orders a member's votes within its client process."""

    user_id: int
    statement_id: int
    value: int
    status: int  # 0: no answer (connection error or timeout)
    seconds: float
    seq: int
    double: bool
    lead: bool = True  # the first vote of its request (a batch carries several)


def _send(port: int, endpoint: str, member: Member, votes: list[tuple[int, int]]):
    path, body, headers = vote_request(endpoint, member, votes)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", path, body=body, headers=headers)
    return conn


def _receive(conn: http.client.HTTPConnection) -> int:
    try:
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def client_process(
    port: int,
    endpoint: str,
    members: list[Member],
    statement_ids: list[int],
    start_at: float,
    seconds: float,
    seed: int,
    seq: int,
    batch: int,
) -> list[Sent]:
    """Vote as fast as the server answers until the deadline; one connection per request.
    A request carries one vote, or `batch` votes of one member on the "batch" endpoint."""
    rng = random.Random(seed)
    sent: list[Sent] = []
    pairs: list[tuple[Member, int, int]] = []  # what this process voted, for changes
    mine: dict[int, dict[int, int]] = {}  # the same by member, for the batches
    time.sleep(max(start_at - time.time(), 0))
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        votes: dict[int, int] = {}  # statement id -> value; one vote a statement in a request
        if endpoint == "batch":
            member = rng.choice(members)
            theirs = mine.setdefault(member.user_id, {})
            while len(votes) < batch:
                if theirs and rng.random() < CHANGE_RATE:
                    statement_id = rng.choice(list(theirs))
                    votes[statement_id] = rng.choice(
                        [v for v in (-1, 0, 1) if v != theirs[statement_id]]
                    )
                else:
                    votes[rng.choice(statement_ids)] = rng.choice((-1, 0, 1))
            theirs.update(votes)
        elif pairs and rng.random() < CHANGE_RATE:
            member, statement_id, old = rng.choice(pairs)
            votes[statement_id] = rng.choice([v for v in (-1, 0, 1) if v != old])
        else:
            member = rng.choice(members)
            votes[rng.choice(statement_ids)] = rng.choice((-1, 0, 1))
        double = rng.random() < DOUBLE_RATE
        started = time.perf_counter()
        conns = []
        try:
            for _ in range(2 if double else 1):
                conns.append(_send(port, endpoint, member, list(votes.items())))
        except OSError:
            conns.append(None)
        for conn in conns:
            status = 0
            if conn is not None:
                with contextlib.suppress(OSError):
                    status = _receive(conn)
            took = time.perf_counter() - started
            for index, (statement_id, value) in enumerate(votes.items()):
                seq += 1
                sent.append(
                    Sent(member.user_id, statement_id, value, status, took, seq, double, index == 0)
                )
        if endpoint != "batch":
            pairs.extend((member, statement_id, value) for statement_id, value in votes.items())
    return sent


def _run_client(args) -> list[Sent]:
    return client_process(*args)


def server_cpu_seconds(server_pid: int) -> float:
    """User + system CPU of the server's process tree (gunicorn workers, task worker)."""
    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, stack = 0.0, [server_pid]
    while stack:
        pid = stack.pop()
        total += cpu.get(pid, 0.0)
        stack.extend(children.get(pid, []))
    return total


@dataclass
class Phase:
    endpoint: str
    sent: list[Sent] = field(default_factory=list)
    wall: float = 0.0
    server_cpu: float = 0.0

    @property
    def cpu_ms_per_vote(self) -> float:
        return 1000 * self.server_cpu / max(len(self.sent), 1)

    @property
    def ok(self) -> list[Sent]:
        return [s for s in self.sent if s.status == 200]

    def quantile_ms(self, q: int) -> float:
        cuts = statistics.quantiles([s.seconds for s in self.sent], n=100, method="inclusive")
        return 1000 * cuts[q - 1]

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(s.seconds for s in self.sent)

    @property
    def errors(self) -> Counter:
        return Counter(s.status for s in self.sent if s.status != 200)


def drive(
    port: int,
    endpoint: str,
    fixture: Fixture,
    seconds: float,
    concurrency: int,
    seed: int,
    members: list[Member] | None = None,
    batch: int = 1,
) -> Phase:
    # Each member belongs to one client process, so a member's votes are sent in a known order.
    members = members or fixture.members
    shares = [members[i::concurrency] or members for i in range(concurrency)]
    start_at = time.time() + 1.0
    jobs = [
        (port, endpoint, share, fixture.statement_ids, start_at, seconds, seed * 1000 + i, 0, batch)
        for i, share in enumerate(shares)
    ]
    context = multiprocessing.get_context("fork")
    with context.Pool(concurrency) as pool:
        results = pool.map(_run_client, jobs)
    phase = Phase(endpoint)
    phase.wall = time.time() - start_at
    for part in results:
        phase.sent.extend(part)
    return phase


# --- verification -----------------------------------------------------------------------------


@dataclass
class Verdict:
    rows: int
    pairs_acknowledged: int
    pairs_unsure: int
    duplicates: int
    lost: int
    wrong_value: int
    participants: int
    voters: int
    doubles: int
    doubles_both_ok: int
    snapshot: str = ""

    @property
    def good(self) -> bool:
        return (
            self.duplicates == 0
            and self.lost == 0
            and self.wrong_value == 0
            and self.participants == self.voters
        )


def verify(fixture: Fixture, phases: list[Phase]) -> Verdict:
    from django.db.models import Count

    from groundswell.deliberation.models import Vote
    from groundswell.projects.models import Participant

    # The API phase ends before the web phase starts; within a phase, `seq` orders each member.
    history: dict[tuple[int, int], list[Sent]] = {}
    for index, phase in enumerate(phases):
        for s in sorted(phase.sent, key=lambda s: s.seq):
            history.setdefault((s.user_id, s.statement_id), []).append(s)
            s.seq += index * 10**9
    keys = {m.user_id: f"u{m.user_id}" for m in fixture.members}
    stored = {
        (int(voter[1:]), statement): value
        for voter, statement, value in Vote.objects.filter(project_id=fixture.project_id)
        .exclude(voter=f"u{fixture.probe.user_id}")
        .values_list("voter", "statement_id", "value")
    }
    duplicates = (
        Vote.objects.values("statement_id", "voter").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    acknowledged = unsure = lost = wrong = 0
    for pair, sends in history.items():
        ok = [s for s in sends if s.status == 200]
        if not ok:
            unsure += 1
            continue
        acknowledged += 1
        last = ok[-1]
        # A vote sent after the last acknowledged one, with no answer, may or may not have landed.
        allowed = {last.value} | {s.value for s in sends if s.seq > last.seq and s.status == 0}
        if pair not in stored:
            lost += 1
        elif stored[pair] not in allowed:
            wrong += 1
    voted = {user for (user, _), sends in history.items() if any(s.status == 200 for s in sends)}
    participants = Participant.objects.filter(
        project_id=fixture.project_id, user_id__in=[int(k[1:]) for k in keys.values()]
    ).count()
    doubles = [s for p in phases for s in p.sent if s.double and s.lead]
    return Verdict(
        rows=len(stored),
        pairs_acknowledged=acknowledged,
        pairs_unsure=unsure,
        duplicates=duplicates,
        lost=lost,
        wrong_value=wrong,
        participants=participants,
        voters=len(voted),
        doubles=len(doubles) // 2,
        doubles_both_ok=sum(1 for s in doubles if s.status == 200) // 2,
    )


def wait_for_log(log: Path, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        time.sleep(0.5)
    raise SystemExit(f"{text!r} did not appear in {log} within {timeout:.0f} s")


def wait_for_snapshot(fixture: Fixture, timeout: float) -> str:
    from django.db import connection

    from groundswell.deliberation.models import AnalysisSnapshot, Vote

    total = Vote.objects.filter(project_id=fixture.project_id).count()
    deadline = time.monotonic() + timeout
    snapshot = None
    while time.monotonic() < deadline:
        snapshot = AnalysisSnapshot.objects.filter(project_id=fixture.project_id).first()
        done = snapshot and snapshot.computed_at and not snapshot.pending
        if done and snapshot.votes_seen == total:
            break
        connection.close()
        time.sleep(1)
    if snapshot is None or snapshot.computed_at is None:
        return f"not computed within {timeout:.0f} s"
    return (
        f"computed, {snapshot.votes_seen:,} of {total:,} votes seen"
        f"{'' if snapshot.votes_seen == total else ' (still catching up)'}; "
        f"last run took {snapshot.seconds:.1f} s"
    )


def recomputes() -> Counter:
    from django_tasks_db.models import DBTaskResult

    return Counter(DBTaskResult.objects.values_list("status", flat=True))


# --- report -----------------------------------------------------------------------------------


def table(phases: list[Phase], batch: int) -> str:
    lines = [
        "| Endpoint | Votes sent | Acknowledged (200) | Errors | Votes/s | Median ms | p95 ms "
        "| p99 ms | Server CPU ms a vote |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    names = {
        "api": "JSON API `POST /api/v1/…/vote`",
        "web": "web (htmx) `POST /projects/…/vote/<pk>/`",
        "batch": f"JSON API, {batch} votes a request `POST /api/v1/…/votes`",
    }
    for p in phases:
        errors = ", ".join(f"{n} x {status or 'no answer'}" for status, n in p.errors.items())
        lines.append(
            f"| {names[p.endpoint]} | {len(p.sent):,} | {len(p.ok):,} | {errors or 0} | "
            f"{len(p.ok) / p.wall:.0f} | {p.median_ms:.1f} | {p.quantile_ms(95):.1f} | "
            f"{p.quantile_ms(99):.1f} | {p.cpu_ms_per_vote:.1f} |"
        )
    return "\n".join(lines)


def report(args, fixture, phases, verdict, queries, db_version, tasks) -> str:
    m = machine()
    label = "SQLite" if args.database == "sqlite" else "PostgreSQL"
    command = " ".join(["bench/votes.py", *sys.argv[1:]])
    goals = [
        f"{p.endpoint}: "
        + ("met" if len(p.ok) / p.wall >= 1000 and p.quantile_ms(99) < 100 else "not met")
        for p in phases
        if p.endpoint != "web"
    ]
    counts = ", ".join(f"{name}: {len(sql)}" for name, sql in queries.items())
    worker = "ran beside gunicorn" if not args.no_worker else "not started (--no-worker)"
    cache = "Redis (REDIS_URL)" if os.environ.get("REDIS_URL") else "the database (no REDIS_URL)"
    redis = f"REDIS_URL={os.environ['REDIS_URL']} " if os.environ.get("REDIS_URL") else ""
    return "\n".join(
        [
            f"### {label}",
            "",
            f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
            f"- Command: `{redis}.venv/bin/python {command}`",
            f"- Machine: {m['nproc']} cores, {m['cpu']}; `{m['uname']}`",
            f"- Python {m['python']}, {db_version}, gunicorn sync workers: {args.workers}, "
            f"task worker: {worker}; client: {args.concurrency} processes, a new connection "
            "per request, on the same machine",
            f"- Cache (rate-limit counters, page-cache versions): {cache}; "
            "sessions in the database",
            f"- Data: {len(fixture.members):,} members signed in by session, "
            f"{len(fixture.statement_ids)} statements; {args.seconds:.0f} s per endpoint; "
            f"{CHANGE_RATE:.0%} of votes change an earlier vote, {DOUBLE_RATE:.0%} are sent twice "
            "at once",
            f"- SQL queries per vote (in-process): {counts}",
            "",
            table(phases, args.batch),
            "",
            f"- Rows: {verdict.rows:,} for {verdict.pairs_acknowledged:,} acknowledged "
            f"(member, statement) pairs ({verdict.pairs_unsure} pairs had no acknowledged vote); "
            f"duplicates: {verdict.duplicates}; lost: {verdict.lost}; "
            f"not the last acknowledged value: {verdict.wrong_value}",
            f"- Concurrent double submits: {verdict.doubles:,}, both answered 200 in "
            f"{verdict.doubles_both_ok:,}",
            f"- Participants: {verdict.participants:,} rows for {verdict.voters:,} members who "
            "voted",
            f"- Analysis snapshot: {verdict.snapshot}; recompute tasks: "
            + (", ".join(f"{n} {status.lower()}" for status, n in sorted(tasks.items())) or "none"),
            f"- JSON API goal (≥ 1,000 votes/s and p99 < 100 ms; the batch endpoint's latency is "
            f"its requests'): {'; '.join(goals)}",
        ]
    )


def write_docs(database: str, block: str) -> None:
    start, end = f"<!-- bench/votes.py {database} -->", f"<!-- /bench/votes.py {database} -->"
    text = DOCS.read_text()
    wrapped = f"{start}\n{block}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + wrapped + rest.split(end, 1)[1]
    else:
        if SECTION not in text:
            text = text.rstrip("\n") + f"\n\n{SECTION}\n"
        text = text.rstrip("\n") + f"\n\n{wrapped}\n"
    DOCS.write_text(text)


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--statements", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30, help="load per endpoint")
    parser.add_argument("--concurrency", type=int, default=8, help="client processes")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (2 to 4)")
    parser.add_argument("--no-worker", action="store_true", help="no background task worker")
    parser.add_argument("--endpoints", default="api,web", help="api, web, batch, in order")
    parser.add_argument("--batch", type=int, default=20, help="votes a request on batch")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of one vote")
    parser.add_argument("--keep", action="store_true", help="keep the var dir and the server log")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()

    var_dir, env = fresh_database(args.database, prefix="gs-bench-votes-", pg_database=PG_DATABASE)
    fixture = fill(voters=args.voters, statements=args.statements)
    print(f"filled in {fixture.seconds:.1f} s", file=sys.stderr)
    queries = query_counts(fixture, args.batch)
    if args.show_sql:
        for name, sql in queries.items():
            print(f"--- {name}: {len(sql)} queries", file=sys.stderr)
            for q in sql:
                print(f"  {q[:160]}", file=sys.stderr)
    db_version = database_version(args.database)
    from django.db import connections

    connections.close_all()

    log = var_dir / "server.log"
    port = free_port()
    server = start_server(env, port, args.workers, log, task_worker=not args.no_worker)
    phases = []
    try:
        if not args.no_worker:
            wait_for_log(log, "Starting worker", timeout=120)
        # Warm every gunicorn worker on both endpoints with the probe member, who is not verified.
        for endpoint in args.endpoints.split(","):
            drive(port, endpoint, fixture, 3, args.concurrency, 0, [fixture.probe], args.batch)
        for index, endpoint in enumerate(args.endpoints.split(","), start=1):
            print(f"{endpoint}: {args.seconds:.0f} s of votes…", file=sys.stderr)
            cpu_before = server_cpu_seconds(server.pid)
            phase = drive(
                port, endpoint, fixture, args.seconds, args.concurrency, index, batch=args.batch
            )
            phase.server_cpu = server_cpu_seconds(server.pid) - cpu_before
            phases.append(phase)
            print(
                f"  {len(phase.ok) / phase.wall:.0f} votes/s, median {phase.median_ms:.1f} ms, "
                f"p99 {phase.quantile_ms(99):.1f} ms, errors {dict(phase.errors)}, "
                f"server CPU {phase.cpu_ms_per_vote:.1f} ms a vote",
                file=sys.stderr,
            )
        verdict = verify(fixture, phases)
        verdict.snapshot = (
            wait_for_snapshot(fixture, timeout=180) if not args.no_worker else "no worker ran"
        )
        tasks = recomputes()
        connections.close_all()
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)
        else:
            print(f"kept {var_dir}", file=sys.stderr)

    block = report(args, fixture, phases, verdict, queries, db_version, tasks)
    print(block)
    if args.write:
        write_docs(args.database, block)
        print(f"updated {DOCS.relative_to(ROOT)}", file=sys.stderr)
    return 0 if verdict.good else 1


if __name__ == "__main__":
    sys.exit(main())
