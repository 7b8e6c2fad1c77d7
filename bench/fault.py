"""Fault test: kill the real server mid-write, again and again; no acknowledged write may be lost.

    .venv/bin/python bench/fault.py --database sqlite|postgres [--rounds 10] \
        [--requests 600 --members 300 --statements 60 --concurrency 6 --workers 3] [--write]

Builds a fresh database (SQLite in a temporary GROUNDSWELL_VAR_DIR, or a PostgreSQL database,
`gs_fault` unless --pg-database says otherwise, dropped and recreated) with one public project in
its gather phase, accepted statements, a few contributions and members signed in by sessions
written straight into the session table. It starts `groundswell serve` (gunicorn sync workers
and the background task worker) in a process group of its own, and client threads post, each
on a new connection:

- votes through the JSON API (acknowledged: 200 with the vote echoed back), some changing an
  earlier vote of the same member and statement;
- new contributions through the web form (acknowledged: a redirect to the new contribution's
  page), named, pseudonymous or protected, each with a title no other request uses;
- comments through the web form (acknowledged: a redirect to the comment on its contribution's
  page), each with a body no other request uses.

In each round, once a random number of requests has been sent (and while at least one is in
flight), the whole server process group gets SIGKILL: gunicorn's master, its workers and the task
worker die at once, wherever they are. The server is started again and the clients carry on.
After the last kill a final round runs to the end, the server stops, and the database is checked:

- every acknowledged vote is there with its value, or with the value of a later request of the
  same member and statement that may have landed; one row per member and statement;
- every acknowledged contribution and comment is there exactly once, under the acknowledged
  number, with its author (named, pseudonymous) or its protected-author key (protected), and a
  search for its title finds it; everyone with an acknowledged write is a participant;
- the database is sound: SQLite `PRAGMA integrity_check`, `PRAGMA foreign_key_check` and the
  full-text index's own check; PostgreSQL `amcheck` on every B-tree index; on both, no row points
  at a missing row.

It prints a summary and exits 1 if anything acknowledged was lost or duplicated or a check
failed. `--write` replaces this database's block in docs/reliability.md; `--json FILE` writes the
figures for a test to read.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from common import (
    PG_SERVER,
    ROOT,
    Member,
    database_version,
    drop_postgres_database,
    free_port,
    fresh_database,
    machine,
    request,
    signed_in,
)

DOCS = ROOT / "docs" / "reliability.md"
PG_DATABASE = "gs_fault"
SLUG = "fault-test"
SEED_CONTRIBUTIONS = 5
CLIENT_TIMEOUT = 120  # seconds; a request unanswered this long counts as "no answer"
START_TIMEOUT = 240  # seconds for `groundswell serve` to answer /healthz on a busy machine
MIX = {"vote": 0.70, "contribution": 0.18, "comment": 0.12}
CHANGE_RATE = 0.15  # share of votes that change an earlier vote of the same pair
ATTRIBUTIONS = ["named", "named", "pseudonymous", "protected"]
CONTRIBUTION_URL = re.compile(rf"^/projects/{SLUG}/contributions/(\d+)/$")
COMMENTS_URL = re.compile(
    rf"^/projects/{SLUG}/contributions/(\d+)/(?:\?comments=\d+)?#comment-\d+$"
)


# --- data -------------------------------------------------------------------------------------


@dataclass
class Fixture:
    project_id: int
    statement_ids: list[int]
    seed_contribution_ids: list[int]
    members: list[Member]


def fill(*, members: int, statements: int, seed: int) -> Fixture:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from groundswell.contributions.services import contribution_create
    from groundswell.deliberation.models import Statement, StatementStatus
    from groundswell.people.models import User
    from groundswell.testing.factories import ProjectFactory, UserFactory

    rng = random.Random(seed)
    password = make_password(secrets.token_urlsafe(16))
    with transaction.atomic():
        host = UserFactory(username="fault-host", email="fault-host@example.org")
        project = ProjectFactory(slug=SLUG, host_user=host)
        Statement.objects.bulk_create(
            Statement(
                project=project,
                text=f"Statement {i}: people should hear back within a week.",
                status=StatementStatus.ACCEPTED,
                is_seed=True,
                author=host,
            )
            for i in range(statements)
        )
        seeds = [
            contribution_create(
                project=project,
                author=host,
                kind="story",
                title=f"Seed story {i}",
                body="What happened when the service changed its letters.",
            ).pk
            for i in range(SEED_CONTRIBUTIONS)
        ]
        users = User.objects.bulk_create(
            User(
                username=f"member{i}",
                email=f"member{i}@example.org",
                pseudonym=f"Quiet Heron {i}",
                password=password,
                role=rng.choice(["service_user", "carer", "practitioner", "manager"]),
            )
            for i in range(members)
        )
        cast = signed_in(users)
    statement_ids = list(
        Statement.objects.filter(project=project).order_by("pk").values_list("pk", flat=True)
    )
    return Fixture(project.pk, statement_ids, seeds, cast)


# --- requests ---------------------------------------------------------------------------------


@dataclass
class Sent:
    """One request as its client saw it. `seq` orders the requests of one client thread."""

    kind: str  # vote, contribution, comment
    member: int
    round: int
    seq: int
    started: float = 0.0
    ended: float = 0.0
    status: int = 0  # 0: no answer (refused, reset, timed out)
    error: str = ""
    acknowledged: bool = False
    statement: int = 0
    value: int = 0
    token: str = ""  # unique word in a contribution's title or a comment's body
    attribution: str = ""
    target: int = 0  # the contribution a comment is on
    pk: int = 0  # the contribution's number, from the acknowledgement


def _headers(member: Member, content_type: str) -> dict[str, str]:
    return {
        "Cookie": f"sessionid={member.session_key}; csrftoken={member.csrf}",
        "X-CSRFToken": member.csrf,
        "Content-Type": content_type,
    }


def _vote(member: Member, sent: Sent):
    path = f"/api/v1/projects/{SLUG}/statements/{sent.statement}/vote"
    body = json.dumps({"value": sent.value}).encode()
    return path, body, _headers(member, "application/json")


def _contribution(member: Member, sent: Sent):
    path = f"/projects/{SLUG}/contribute/story/"
    form = {
        "title": f"Fault check {sent.token}",
        "body": f"A story written by a client of the fault test, marked {sent.token}.",
        "sector": "",
        "attribution": sent.attribution,
        "setting": "",
    }
    return path, urlencode(form).encode(), _headers(member, "application/x-www-form-urlencoded")


def _comment(member: Member, sent: Sent):
    path = f"/projects/{SLUG}/contributions/{sent.target}/comment/"
    form = {"body": f"Comment {sent.token} from the fault test.", "attribution": sent.attribution}
    return path, urlencode(form).encode(), _headers(member, "application/x-www-form-urlencoded")


def _acknowledged(sent: Sent, status: int, location: str, content: bytes) -> bool:
    """Did the server say it saved exactly what was sent?"""
    if sent.kind == "vote":
        if status != 200:
            return False
        try:
            answer = json.loads(content)
        except ValueError:
            return False
        return answer.get("statement") == sent.statement and answer.get("value") == sent.value
    if sent.kind == "contribution":
        match = CONTRIBUTION_URL.match(location) if status in (302, 303) else None
        if match:
            sent.pk = int(match[1])
        return match is not None
    match = COMMENTS_URL.match(location) if status in (302, 303) else None
    return match is not None and int(match[1]) == sent.target


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Round:
    index: int
    target: int  # requests to send before the kill; 0 for the final round
    kill_at: float = 0.0  # time.monotonic() of the SIGKILL; 0 when the round was not killed
    in_flight_seen: int = 0  # requests in flight at the instant of the kill, as counted live
    start_seconds: float = 0.0


class Run:
    """Client threads, the server process group, and the rounds of kills."""

    def __init__(self, args, env: dict[str, str], fixture: Fixture, log: Path) -> None:
        self.args = args
        self.env = env
        self.fixture = fixture
        self.log = log
        self.rng = random.Random(args.seed)
        self.port = 0
        self.server: subprocess.Popen | None = None
        self.up = threading.Event()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.sent_in_round = 0
        self.round = 0
        self.rounds: list[Round] = []
        self.sent: list[list[Sent]] = [[] for _ in range(args.concurrency)]
        self.threads: list[threading.Thread] = []

    # server

    def start_server(self) -> float:
        started = time.monotonic()
        self.port = free_port()
        groundswell = Path(sys.executable).parent / "groundswell"
        command = [
            str(groundswell),
            "serve",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.args.workers),
        ]
        if self.args.no_worker:
            command.append("--no-worker")
        with self.log.open("ab") as out:
            # A group of its own: one killpg reaches `serve`, gunicorn, its workers and the
            # task worker, and never this process.
            self.server = subprocess.Popen(
                command,
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if self.args.pid_file:
            # The group's id, for a caller that must clean up should this process be killed.
            self.args.pid_file.write_text(str(self.server.pid))
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"the server stopped while starting; see {self.log}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if request(self.port, "/healthz")[0] == 200:
                    return time.monotonic() - started
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer /healthz in {START_TIMEOUT} s; {self.log}")

    def kill_server(self) -> None:
        if self.server is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait()
        self.server = None

    def stop_server(self) -> None:
        """A clean stop: SIGTERM to the group, SIGKILL if it has not gone within 30 s."""
        if self.server is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.server.wait(timeout=30)
        # Whatever is left of the group (the task worker may outlive `serve`) goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.server.wait(timeout=30)
        self.server = None

    # clients

    def _next(self, rng: random.Random, seq: int, members: list[Member], mine: dict) -> Sent:
        kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        member = rng.choice(members)
        sent = Sent(kind=kind, member=member.user_id, round=self.round, seq=seq)
        if kind == "vote":
            if mine["pairs"] and rng.random() < CHANGE_RATE:
                member_id, statement, old = rng.choice(mine["pairs"])
                sent.member = member_id
                sent.value = rng.choice([v for v in (-1, 0, 1) if v != old])
            else:
                statement, sent.value = (
                    rng.choice(self.fixture.statement_ids),
                    rng.choice((-1, 0, 1)),
                )
            sent.statement = statement
            mine["pairs"].append((sent.member, statement, sent.value))
        else:
            sent.token = f"x{secrets.token_hex(6)}"
            sent.attribution = rng.choice(ATTRIBUTIONS)
            if kind == "comment":
                sent.target = rng.choice(self.fixture.seed_contribution_ids + mine["contributions"])
        return sent

    def client(self, index: int, members: list[Member]) -> None:
        """Send one request at a time, on a new connection each, while the server is up."""
        rng = random.Random(self.args.seed * 1000 + index)
        by_id = {m.user_id: m for m in members}
        mine: dict = {"pairs": [], "contributions": []}
        seq = 0
        while not self.stop.is_set():
            if not self.up.wait(timeout=0.2):
                continue
            seq += 1
            sent = self._next(rng, seq, members, mine)
            build = {"vote": _vote, "contribution": _contribution, "comment": _comment}[sent.kind]
            path, body, headers = build(by_id[sent.member], sent)
            with self.lock:
                self.in_flight += 1
                self.sent_in_round += 1
                sent.round = self.round
            sent.started = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=CLIENT_TIMEOUT)
            try:
                conn.request("POST", path, body=body, headers={"Host": "127.0.0.1", **headers})
                response = conn.getresponse()
                content = response.read()
                sent.status = response.status
                location = response.getheader("Location", "")
                sent.acknowledged = _acknowledged(sent, response.status, location, content)
            except (OSError, http.client.HTTPException) as error:
                sent.error = type(error).__name__
            finally:
                conn.close()
                sent.ended = time.monotonic()
                with self.lock:
                    self.in_flight -= 1
            self.sent[index].append(sent)
            if sent.kind == "contribution" and sent.acknowledged:
                mine["contributions"].append(sent.pk)

    # rounds

    def _wait_for(self, condition, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.001)
        return condition()

    def go(self) -> None:
        members = self.fixture.members
        n = self.args.concurrency
        for i in range(n):
            share = members[i::n]
            thread = threading.Thread(target=self.client, args=(i, share), daemon=True)
            self.threads.append(thread)
            thread.start()
        requests = self.args.requests
        for index in range(self.args.rounds + 1):
            final = index == self.args.rounds
            current = Round(index=index + 1, target=requests if final else 0)
            if not final:
                current.target = self.rng.randint(max(1, requests // 3), requests)
            self.rounds.append(current)
            current.start_seconds = self.start_server()
            with self.lock:
                self.round, self.sent_in_round = current.index, 0
            self.up.set()
            print(
                f"round {current.index}: server up in {current.start_seconds:.1f} s, "
                f"{'final, ' if final else ''}{current.target} requests"
                f"{'' if final else ' before the kill'}",
                file=sys.stderr,
            )
            self._wait_for(lambda n=current.target: self.sent_in_round >= n, timeout=3600)
            if final:
                break
            # A random instant inside the stream, and only while some request is in flight.
            time.sleep(self.rng.uniform(0, 0.05))
            self._wait_for(lambda: self.in_flight > 0, timeout=10)
            self.up.clear()
            with self.lock:
                current.in_flight_seen = self.in_flight
            current.kill_at = time.monotonic()
            self.kill_server()
        self.up.clear()
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=CLIENT_TIMEOUT + 10)

    def all_sent(self) -> list[Sent]:
        return [s for part in self.sent for s in part]


# --- checks -----------------------------------------------------------------------------------


@dataclass
class Verdict:
    lost_votes: int = 0
    wrong_vote_values: int = 0
    duplicate_votes: int = 0
    lost_contributions: int = 0
    duplicate_contributions: int = 0
    wrong_contributions: int = 0  # another number, author or key than acknowledged
    unsearchable_contributions: int = 0
    lost_comments: int = 0
    duplicate_comments: int = 0
    missing_participants: int = 0
    landed_unacknowledged: int = 0  # writes with no answer that were saved anyway (allowed)
    integrity: list[str] = field(default_factory=list)  # problems; empty when sound
    integrity_checks: list[str] = field(default_factory=list)  # what was checked
    analysis: str = ""
    tasks: dict[str, int] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return (
            self.lost_votes
            + self.wrong_vote_values
            + self.lost_contributions
            + self.wrong_contributions
            + self.lost_comments
        )

    @property
    def duplicates(self) -> int:
        return self.duplicate_votes + self.duplicate_contributions + self.duplicate_comments

    @property
    def good(self) -> bool:
        return (
            self.lost == 0
            and self.duplicates == 0
            and self.unsearchable_contributions == 0
            and self.missing_participants == 0
            and not self.integrity
        )


def _may_have_landed(sent: Sent) -> bool:
    """No answer, or a server error: the write may or may not have been committed."""
    return not sent.acknowledged and (sent.status == 0 or sent.status >= 500)


def check_votes(fixture: Fixture, sent: list[Sent], verdict: Verdict) -> None:
    from django.db.models import Count

    from groundswell.deliberation.models import Vote

    stored = {
        (voter, statement): value
        for voter, statement, value in Vote.objects.filter(
            project_id=fixture.project_id
        ).values_list("voter", "statement_id", "value")
    }
    verdict.duplicate_votes = (
        Vote.objects.values("statement_id", "voter").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    history: dict[tuple[str, int], list[Sent]] = {}
    # Each member belongs to one client thread, which sends one request at a time: `seq` is
    # the order of that member's requests.
    for s in sorted((s for s in sent if s.kind == "vote"), key=lambda s: s.seq):
        history.setdefault((f"u{s.member}", s.statement), []).append(s)
    for pair, sends in history.items():
        ok = [s for s in sends if s.acknowledged]
        if not ok:
            if pair in stored:
                verdict.landed_unacknowledged += 1
            continue
        last = ok[-1]
        allowed = {last.value} | {
            s.value
            for s in sends
            # A later request may have landed; so may a timed-out earlier one, late.
            if _may_have_landed(s) and (s.seq > last.seq or s.error == "TimeoutError")
        }
        if pair not in stored:
            verdict.lost_votes += 1
            verdict.details.append(f"lost vote {pair} = {last.value} (round {last.round})")
        elif stored[pair] not in allowed:
            verdict.wrong_vote_values += 1
            verdict.details.append(f"vote {pair} is {stored[pair]}, acknowledged {last.value}")


def _search_finds(project, token: str, pk: int) -> bool:
    from groundswell.contributions.selectors import contributions_list

    return pk in contributions_list(project=project, q=token).values_list("pk", flat=True)


def check_contributions(fixture: Fixture, sent: list[Sent], verdict: Verdict) -> None:
    from groundswell.contributions.authorship import is_protected_author
    from groundswell.contributions.models import Comment, Contribution
    from groundswell.people.models import User
    from groundswell.projects.models import Project

    project = Project.objects.get(pk=fixture.project_id)
    users = {u.pk: u for u in User.objects.filter(pk__in={s.member for s in sent})}
    titles: dict[str, list] = {}
    for pk, title, author_id, attribution in Contribution.objects.filter(
        project=project, title__startswith="Fault check "
    ).values_list("pk", "title", "author_id", "attribution"):
        titles.setdefault(title.removeprefix("Fault check "), []).append(
            (pk, author_id, attribution)
        )
    bodies: dict[str, list] = {}
    for pk, body, contribution_id in Comment.objects.filter(
        contribution__project=project, body__startswith="Comment "
    ).values_list("pk", "body", "contribution_id"):
        bodies.setdefault(body.split()[1], []).append((pk, contribution_id))
    verdict.duplicate_contributions = sum(1 for rows in titles.values() if len(rows) > 1)
    verdict.duplicate_comments = sum(1 for rows in bodies.values() if len(rows) > 1)

    for s in sent:
        if s.kind == "contribution":
            rows = titles.get(s.token, [])
            if not s.acknowledged:
                verdict.landed_unacknowledged += bool(rows)
                continue
            if not rows:
                verdict.lost_contributions += 1
                verdict.details.append(f"lost contribution {s.token} № {s.pk} (round {s.round})")
                continue
            # Under a duplicate, judge the row the receipt names (the duplicate is counted above).
            pk, author_id, attribution = next((r for r in rows if r[0] == s.pk), rows[0])
            if attribution == "protected":
                right_author = author_id is None and is_protected_author(
                    object_kind="contribution", object_id=pk, user=users[s.member]
                )
            else:
                right_author = author_id == s.member
            if pk != s.pk or attribution != s.attribution or not right_author:
                verdict.wrong_contributions += 1
                verdict.details.append(f"contribution {s.token} № {pk} differs from its receipt")
            if not _search_finds(project, s.token, pk):
                verdict.unsearchable_contributions += 1
                verdict.details.append(f"search does not find contribution {s.token} № {pk}")
        elif s.kind == "comment":
            rows = bodies.get(s.token, [])
            if not s.acknowledged:
                verdict.landed_unacknowledged += bool(rows)
            elif not rows or rows[0][1] != s.target:
                verdict.lost_comments += 1
                verdict.details.append(f"lost comment {s.token} (round {s.round})")


def check_participants(fixture: Fixture, sent: list[Sent], verdict: Verdict) -> None:
    from groundswell.projects.models import Participant

    writers = {s.member for s in sent if s.acknowledged}
    joined = set(
        Participant.objects.filter(project_id=fixture.project_id).values_list("user_id", flat=True)
    )
    verdict.missing_participants = len(writers - joined)


def _orphans() -> list[str]:
    """Rows whose foreign key points at no row, for every foreign key of every model."""
    from django.apps import apps
    from django.db import connection

    problems = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            for f in model._meta.concrete_fields:
                if not (f.many_to_one or f.one_to_one):
                    continue
                target = f.target_field
                sql = (
                    f'SELECT COUNT(*) FROM "{model._meta.db_table}" AS a '
                    f'WHERE a."{f.column}" IS NOT NULL AND NOT EXISTS ('
                    f'SELECT 1 FROM "{f.related_model._meta.db_table}" AS b '
                    f'WHERE b."{target.column}" = a."{f.column}")'
                )
                cursor.execute(sql)
                count = cursor.fetchone()[0]
                if count:
                    problems.append(f"{count} rows of {model._meta.db_table}.{f.column} orphaned")
    return problems


def check_integrity(database: str, verdict: Verdict) -> None:
    from django.db import connection

    problems = verdict.integrity
    with connection.cursor() as cursor:
        if database == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            result = [row[0] for row in cursor.fetchall()]
            if result != ["ok"]:
                problems.extend(f"integrity_check: {line}" for line in result[:10])
            cursor.execute("PRAGMA foreign_key_check")
            rows = cursor.fetchall()
            if rows:
                problems.append(f"foreign_key_check: {len(rows)} rows, e.g. {rows[:3]}")
            try:
                cursor.execute(
                    "INSERT INTO contributions_fts(contributions_fts) VALUES ('integrity-check')"
                )
            except Exception as error:
                problems.append(f"full-text index integrity-check: {error}")
            verdict.integrity_checks += [
                "PRAGMA integrity_check",
                "PRAGMA foreign_key_check",
                "FTS5 'integrity-check'",
            ]
        else:
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
            except Exception as error:
                problems.append(f"amcheck is not available: {error}")
            cursor.execute(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am am ON am.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE am.amname = 'btree' AND n.nspname = 'public' AND i.indisvalid"
            )
            indexes = [row[0] for row in cursor.fetchall()]
            for name in indexes:
                try:
                    cursor.execute("SELECT bt_index_check(%s::regclass, true)", [name])
                except Exception as error:
                    problems.append(f"bt_index_check({name}): {error}")
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE NOT convalidated "
                "AND connamespace = 'public'::regnamespace"
            )
            unvalidated = [row[0] for row in cursor.fetchall()]
            if unvalidated:
                problems.append(f"constraints not validated: {unvalidated}")
            # A killed worker's backend ends when it next talks to its client: give it time.
            deadline = time.monotonic() + 60
            while True:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                others = cursor.fetchone()[0]
                if not others or time.monotonic() > deadline:
                    break
                time.sleep(1)
            if others:
                problems.append(f"{others} other connections still open after the server stopped")
            verdict.integrity_checks += [
                f"amcheck bt_index_check (heapallindexed) on {len(indexes)} B-tree indexes",
                "every constraint validated",
                "no connection left behind",
            ]
    problems.extend(_orphans())
    verdict.integrity_checks.append("no foreign key pointing at a missing row (every model)")


def analysis_state(fixture: Fixture, timeout: float) -> str:
    """Whether the background analysis caught up with the votes after the last restart."""
    from django.db import connection

    from groundswell.deliberation.models import AnalysisSnapshot, Vote

    total = Vote.objects.filter(project_id=fixture.project_id).count()
    deadline = time.monotonic() + timeout
    while True:
        snapshot = AnalysisSnapshot.objects.filter(project_id=fixture.project_id).first()
        if snapshot and snapshot.computed_at and snapshot.votes_seen == total:
            return f"caught up: {total:,} of {total:,} votes seen"
        if time.monotonic() >= deadline:
            break
        connection.close()
        time.sleep(1)
    if snapshot is None:
        return "no snapshot"
    return (
        f"not caught up within {timeout:.0f} s: {snapshot.votes_seen:,} of {total:,} votes seen, "
        f"pending={snapshot.pending}"
    )


def durability(database: str) -> str:
    """What an acknowledged commit's survival rests on, as the app's connection sees it."""
    from django.db import connection

    with connection.cursor() as cursor:
        if database == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            level = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[cursor.fetchone()[0]]
            return f"journal_mode={mode}, synchronous={level}"
        found = []
        for name in ("fsync", "synchronous_commit", "full_page_writes", "wal_sync_method"):
            cursor.execute(f"SHOW {name}")
            found.append(f"{name}={cursor.fetchone()[0]}")
        return ", ".join(found)


def task_states() -> dict[str, int]:
    from django_tasks_db.models import DBTaskResult

    return dict(Counter(DBTaskResult.objects.values_list("status", flat=True)))


# --- report -----------------------------------------------------------------------------------


def summary(run: Run, verdict: Verdict) -> dict:
    sent = run.all_sent()
    rounds = []
    for r in run.rounds:
        mine = [s for s in sent if s.round == r.index]
        no_answer = [s for s in mine if s.status == 0]
        rounds.append(
            {
                "round": r.index,
                "killed": bool(r.kill_at),
                "server_start_seconds": round(r.start_seconds, 1),
                "requests": len(mine),
                "acknowledged": sum(s.acknowledged for s in mine),
                "no_answer": len(no_answer),
                "in_flight_at_kill": sum(
                    1 for s in no_answer if r.kill_at and s.started < r.kill_at
                )
                if r.kill_at
                else 0,
                "in_flight_seen": r.in_flight_seen,
            }
        )
    by_kind = {
        kind: {
            "requests": sum(1 for s in sent if s.kind == kind),
            "acknowledged": sum(1 for s in sent if s.kind == kind and s.acknowledged),
        }
        for kind in MIX
    }
    statuses = Counter(s.status for s in sent if not s.acknowledged)
    return {
        "requests": len(sent),
        "acknowledged": sum(s.acknowledged for s in sent),
        "kills": sum(1 for r in run.rounds if r.kill_at),
        "failed_by_kill": sum(1 for s in sent if s.status == 0),
        "in_flight_at_kill": sum(r["in_flight_at_kill"] for r in rounds),
        "server_errors": sum(1 for s in sent if s.status >= 500),
        "not_acknowledged_by_status": {str(k): v for k, v in sorted(statuses.items())},
        "lost": verdict.lost,
        "duplicates": verdict.duplicates,
        "by_kind": by_kind,
        "rounds": rounds,
        "verdict": {**asdict(verdict), "lost": verdict.lost, "duplicates": verdict.duplicates},
        "good": verdict.good,
    }


def report(args, figures: dict, db_version: str) -> str:
    m = machine()
    label = "SQLite" if args.database == "sqlite" else "PostgreSQL"
    v = figures["verdict"]
    command = " ".join(["bench/fault.py", *sys.argv[1:]])
    kinds = "; ".join(
        f"{kind}s {k['requests']:,} sent, {k['acknowledged']:,} acknowledged"
        for kind, k in figures["by_kind"].items()
    )
    other = ", ".join(
        f"{n} x {'no answer' if status == '0' else status}"
        for status, n in figures["not_acknowledged_by_status"].items()
    )
    lines = [
        f"### {label}",
        "",
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Command: `.venv/bin/python {command}`",
        f"- Machine: {m['nproc']} cores, {m['cpu']}; `{m['uname']}`",
        f"- Python {m['python']}, {db_version}; gunicorn sync workers: {args.workers}, task "
        f"worker: {'no' if args.no_worker else 'yes'}; {args.concurrency} client threads on the "
        f"same machine, a new connection per request; {len(figures['rounds'])} rounds, "
        f"{figures['kills']} ending in SIGKILL to the server's process group",
        "",
        "| Round | Killed | Requests | Acknowledged | No answer | In flight at the kill |",
        "|--:|:-:|--:|--:|--:|--:|",
    ]
    for r in figures["rounds"]:
        lines.append(
            f"| {r['round']} | {'yes' if r['killed'] else 'no (final)'} | {r['requests']:,} "
            f"| {r['acknowledged']:,} | {r['no_answer']:,} | {r['in_flight_at_kill']:,} |"
        )
    lines += [
        f"| **all** | {figures['kills']} | **{figures['requests']:,}** "
        f"| **{figures['acknowledged']:,}** | {figures['failed_by_kill']:,} "
        f"| {figures['in_flight_at_kill']:,} |",
        "",
        f"- By kind: {kinds}",
        f"- Not acknowledged: {other or 'none'}; server errors (5xx): {figures['server_errors']}",
        f"- **Lost: {figures['lost']}** (votes {v['lost_votes']}, vote values "
        f"{v['wrong_vote_values']}, contributions {v['lost_contributions']}, contributions not as "
        f"acknowledged {v['wrong_contributions']}, comments {v['lost_comments']}); "
        f"**duplicates: {figures['duplicates']}** (votes {v['duplicate_votes']}, contributions "
        f"{v['duplicate_contributions']}, comments {v['duplicate_comments']})",
        f"- Acknowledged contributions the search cannot find: {v['unsearchable_contributions']}; "
        f"members with an acknowledged write who are not participants: "
        f"{v['missing_participants']}",
        f"- Unanswered writes that were saved anyway (allowed: the answer was lost, not the "
        f"write): {v['landed_unacknowledged']}",
        f"- Integrity: {'; '.join(v['integrity_checks'])}: "
        + ("all passed" if not v["integrity"] else "FAILED: " + "; ".join(v["integrity"])),
        f"- Background analysis after the last restart: {v['analysis']}; task rows: "
        + (", ".join(f"{n} {s.lower()}" for s, n in sorted(v["tasks"].items())) or "none"),
        f"- Verdict: {'PASS' if figures['good'] else 'FAIL'}",
    ]
    return "\n".join(lines)


def write_docs(database: str, block: str) -> None:
    start, end = f"<!-- bench/fault.py {database} -->", f"<!-- /bench/fault.py {database} -->"
    text = DOCS.read_text() if DOCS.exists() else "# Reliability\n"
    wrapped = f"{start}\n{block}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + wrapped + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n{wrapped}\n"
    DOCS.write_text(text)


# --- main -------------------------------------------------------------------------------------


def _stop_on_term(signum, frame):
    # A SIGTERM (from a test's timeout, say) unwinds through `finally`, which stops the server.
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--rounds", type=int, default=10, help="kills (a final round follows)")
    parser.add_argument("--requests", type=int, default=600, help="most requests a round")
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--statements", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=6, help="client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--no-worker", action="store_true", help="no background task worker")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--analysis-wait", type=float, default=120, help="seconds; 0: skip")
    parser.add_argument("--pg-server", default=PG_SERVER, help="PostgreSQL URL without database")
    parser.add_argument("--pg-database", default=PG_DATABASE, help="dropped and recreated")
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL database after")
    parser.add_argument("--keep", action="store_true", help="keep the var dir and server log")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--pid-file", type=Path, help="write the server's process group here")
    parser.add_argument("--write", action="store_true", help="update docs/reliability.md")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop_on_term)

    var_dir, env = fresh_database(
        args.database, prefix="gs-fault-", pg_database=args.pg_database, pg_server=args.pg_server
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    fixture = fill(members=args.members, statements=args.statements, seed=args.seed)
    db_version = f"{database_version(args.database)} ({durability(args.database)})"
    from django.db import connections

    connections.close_all()
    log = var_dir / "server.log"
    run = Run(args, env, fixture, log)
    verdict = Verdict()
    try:
        try:
            run.go()
            if args.analysis_wait and not args.no_worker:
                verdict.analysis = analysis_state(fixture, args.analysis_wait)
            else:
                verdict.analysis = "not checked"
        finally:
            run.up.clear()
            run.stop.set()
            run.stop_server()
            connections.close_all()
        sent = run.all_sent()
        check_votes(fixture, sent, verdict)
        check_contributions(fixture, sent, verdict)
        check_participants(fixture, sent, verdict)
        check_integrity(args.database, verdict)
        verdict.tasks = task_states()
        connections.close_all()
    finally:
        if args.keep:
            print(f"kept {var_dir}", file=sys.stderr)
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
        if args.drop and args.database == "postgres":
            connections.close_all()
            drop_postgres_database(args.pg_database, args.pg_server)

    figures = summary(run, verdict)
    block = report(args, figures, db_version)
    print(block)
    for line in verdict.details[:20]:
        print(f"  {line}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    if args.write:
        write_docs(args.database, block)
        print(f"updated {DOCS.relative_to(ROOT)}", file=sys.stderr)
    return 0 if figures["good"] else 1


if __name__ == "__main__":
    sys.exit(main())
