"""Pieces shared by the benchmarks that start the real server: environment, server, client, report.

The benchmark scripts run as `python bench/<name>.py`, so this module is imported as `common`.
"""

from __future__ import annotations

import http.client
import os
import platform
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def bench_env(
    database: str, var_dir: Path, pg_database: str, pg_server: str = PG_SERVER
) -> dict[str, str]:
    url = (
        f"sqlite:///{var_dir / 'groundswell.sqlite3'}"
        if database == "sqlite"
        else f"{pg_server}/{pg_database}"
    )
    return {
        **os.environ,
        "DATABASE_URL": url,
        "GROUNDSWELL_VAR_DIR": str(var_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "GROUNDSWELL_PLAIN_STATIC": "false",
        "GROUNDSWELL_FAST_HASHER": "false",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "groundswell.settings",
    }


def recreate_postgres_database(name: str, server: str = PG_SERVER) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def drop_postgres_database(name: str, server: str = PG_SERVER) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def fresh_database(
    database: str, *, prefix: str, pg_database: str, pg_server: str = PG_SERVER
) -> tuple[Path, dict]:
    """Point this process at a new, migrated database; returns the var dir and the environment.

    Django is set up here, so callers import models only after calling this.
    """
    import tempfile

    var_dir = Path(tempfile.mkdtemp(prefix=prefix))
    env = bench_env(database, var_dir, pg_database, pg_server)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    if database == "postgres":
        recreate_postgres_database(pg_database, pg_server)

    import django
    from django.core.management import call_command

    django.setup()
    print(f"migrating a fresh {database} database…", file=sys.stderr)
    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)
    return var_dir, env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes, float]:
    """One request on a fresh connection (gunicorn's sync workers close after each response)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            method,
            path,
            body=body,
            headers={"Host": "127.0.0.1", "Accept-Encoding": "identity", **(headers or {})},
        )
        response = conn.getresponse()
        content = response.read()
    finally:
        conn.close()
    return response.status, content, time.perf_counter() - started


def get(port: int, path: str) -> tuple[int, bytes, float]:
    return request(port, path)


def start_server(
    env: dict[str, str], port: int, workers: int, log: Path, *, task_worker: bool = True
) -> subprocess.Popen:
    """`groundswell serve` on the port; returns once /healthz answers."""
    groundswell = Path(sys.executable).parent / "groundswell"
    command = [str(groundswell), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    if not task_worker:
        command.append("--no-worker")
    with log.open("ab") as out:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped; see {log}")
        try:
            if get(port, "/healthz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not answer /healthz within 120 s; see {log}")


def machine() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    return {
        "nproc": str(os.cpu_count()),
        "uname": " ".join(part for part in platform.uname() if part),
        "cpu": cpu,
        "python": platform.python_version(),
    }


def database_version(database: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if database == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


@dataclass
class Member:
    """A member signed in for a benchmark: their session cookie and a CSRF token to send."""

    user_id: int
    session_key: str
    csrf: str


def signed_in(users) -> list[Member]:
    """Sign members in by writing their sessions straight into the session table, as a log-in
    would (Django settings must be loaded); faster than logging in thousands of members."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    backend = settings.AUTHENTICATION_BACKENDS[0]
    expires = timezone.now() + timedelta(days=1)
    store = SessionStore()
    members, sessions = [], []
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
        members.append(Member(user.pk, key, secrets.token_hex(16)))
    Session.objects.bulk_create(sessions, batch_size=1000)
    return members
