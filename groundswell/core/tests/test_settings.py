"""Settings come from the environment, default to a safe local setup, and fail loudly."""

import os
import subprocess
import sys

import pytest

PROBE = (
    "import django, json; from django.conf import settings; django.setup(); "
    "from django.db import connection; c = connection.cursor(); "
    "c.execute('PRAGMA journal_mode') if connection.vendor == 'sqlite' else None; "
    "print(json.dumps({'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, "
    "'engine': settings.DATABASES['default']['ENGINE'], "
    "'journal': c.fetchone()[0] if connection.vendor == 'sqlite' else None, "
    "'mode': settings.DATABASES['default'].get('OPTIONS', {}).get('transaction_mode')}))"
)


def run_settings(tmp_path, **env):
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}
    }
    clean.update(
        DJANGO_SETTINGS_MODULE="groundswell.settings", GROUNDSWELL_VAR_DIR=str(tmp_path), **env
    )
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=clean, capture_output=True, text=True, timeout=60
    )


def test_defaults_are_safe_and_local(tmp_path):
    result = run_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    import json

    probed = json.loads(result.stdout)
    assert probed["debug"] is False
    assert probed["hosts"] == ["127.0.0.1", "localhost", "[::1]"]
    assert probed["engine"] == "django.db.backends.sqlite3"
    assert probed["journal"] == "wal"
    assert probed["mode"] == "IMMEDIATE"
    assert (tmp_path / "secret-key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 32 characters"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL must point at SQLite"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT must be a whole number"),
        ({"ACCOUNT_EMAIL_VERIFICATION": "sometimes"}, "ACCOUNT_EMAIL_VERIFICATION must be"),
    ],
)
def test_bad_values_fail_loudly(tmp_path, env, message):
    result = run_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


CONCURRENT_WRITERS = """
import threading, django
django.setup()
from django.db import connection, transaction, connections

with connection.cursor() as c:
    c.execute("CREATE TABLE tally (n INTEGER NOT NULL)")
errors = []

def writer():
    try:
        for _ in range(40):
            # Read then write in one transaction: with deferred transactions two of these
            # deadlock on the lock upgrade and one fails at once with "database is locked".
            with transaction.atomic():
                with connection.cursor() as c:
                    c.execute("SELECT COUNT(*) FROM tally")
                    c.execute("INSERT INTO tally (n) VALUES (%s)", [c.fetchone()[0]])
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=writer) for _ in range(6)]
for t in threads: t.start()
for t in threads: t.join()
with connection.cursor() as c:
    c.execute("SELECT COUNT(*), COUNT(DISTINCT n) FROM tally")
    print(c.fetchone(), errors)
"""


def test_concurrent_sqlite_writers_wait_instead_of_failing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}}
    env.update(DJANGO_SETTINGS_MODULE="groundswell.settings", GROUNDSWELL_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", CONCURRENT_WRITERS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # 240 rows, each transaction saw every earlier one, and no writer failed.
    assert result.stdout.strip() == "(240, 240) []"


def test_the_sql_debug_log_stays_off_even_at_log_level_debug(tmp_path):
    """Its queries would put a member's own lookup beside the insert of their protected item."""
    probe = (
        "import django, logging; django.setup(); "
        "print(logging.getLogger().getEffectiveLevel(), "
        "logging.getLogger('django.db.backends').getEffectiveLevel())"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(
        DJANGO_SETTINGS_MODULE="groundswell.settings", GROUNDSWELL_VAR_DIR=str(tmp_path),
        DEBUG="true", LOG_LEVEL="DEBUG",
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["10", "20"]  # root at DEBUG, SQL at INFO
