"""Kill the real server mid-write: no acknowledged vote, contribution or comment may be lost.

The first test runs a short bench/fault.py (two SIGKILLs to the server's process group, a few
hundred requests) against a database of its own: a temporary SQLite file, or, when DATABASE_URL
points at PostgreSQL, a database named after it with `_fault` added, created and dropped here.
pytest-django's test database is never touched by the server. The other tests show that the
checks the script makes do find a lost or duplicated write, so a pass means something.

Deselect with `-m "not fault"`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"

pytestmark = pytest.mark.fault


def _postgres() -> tuple[str, str] | None:
    """(server URL without a database, a database name of our own), or None for SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "groundswell"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = re.sub(r"\W", "_", f"{base}_fault_{worker}".rstrip("_")).lower()
    return f"{parts.scheme}://{parts.netloc}", name


def _kill_group(pid_file: Path) -> None:
    """If the script itself died, its server's process group may still be running: end it."""
    if not pid_file.exists():
        return
    with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
        os.killpg(int(pid_file.read_text()), signal.SIGKILL)


def _drop(postgres: tuple[str, str]) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from common import drop_postgres_database

        drop_postgres_database(postgres[1], postgres[0])
    finally:
        sys.path.remove(str(BENCH))


def test_no_acknowledged_write_is_lost_when_the_server_is_killed(tmp_path):
    postgres = _postgres()
    figures_file, pid_file = tmp_path / "figures.json", tmp_path / "server.pid"
    command = [
        sys.executable,
        str(BENCH / "fault.py"),
        "--database",
        "postgres" if postgres else "sqlite",
        "--rounds",
        "2",
        "--requests",
        "120",
        "--members",
        "40",
        "--statements",
        "20",
        "--concurrency",
        "4",
        "--workers",
        "2",
        "--analysis-wait",
        "0",
        "--json",
        str(figures_file),
        "--pid-file",
        str(pid_file),
    ]
    if postgres:
        command += ["--pg-server", postgres[0], "--pg-database", postgres[1], "--drop"]
    script = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        # A generous guard for a slow, shared machine; the run itself takes well under a minute.
        output, _ = script.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        script.send_signal(signal.SIGTERM)  # the script stops its server on SIGTERM
        output = ""
        with contextlib.suppress(subprocess.TimeoutExpired):
            output, _ = script.communicate(timeout=60)
        pytest.fail(f"bench/fault.py did not finish in 15 minutes\n{output}")
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
            script.wait()
        _kill_group(pid_file)
        if postgres:
            _drop(postgres)

    assert figures_file.exists(), output
    figures = json.loads(figures_file.read_text())
    assert figures["lost"] == 0, output
    assert figures["duplicates"] == 0, output
    assert figures["verdict"]["integrity"] == [], output
    assert figures["verdict"]["missing_participants"] == 0, output
    assert figures["verdict"]["unsearchable_contributions"] == 0, output
    assert figures["good"], output
    assert script.returncode == 0, output
    # The kills happened, with requests in flight, and the run still acknowledged writes of
    # every kind: the figures above are about something.
    killed = [r for r in figures["rounds"] if r["killed"]]
    assert len(killed) == 2
    assert all(r["in_flight_seen"] >= 1 for r in killed), output
    assert all(k["acknowledged"] > 0 for k in figures["by_kind"].values()), output
    # Every request was acknowledged, cut off by a kill (no answer) or rate limited: no refusal
    # that would mean the client sent nonsense, and no server error.
    assert set(figures["not_acknowledged_by_status"]) <= {"0", "429"}, output
    assert figures["server_errors"] == 0, output


# --- the checks find what they look for ------------------------------------------------------


@pytest.fixture
def fault(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import fault

    return fault


@pytest.fixture
def statements(project, host_admin):
    from groundswell.deliberation.models import Statement, StatementStatus

    return [
        Statement.objects.create(
            project=project,
            text=f"Statement {i}",
            status=StatementStatus.ACCEPTED,
            author=host_admin,
        )
        for i in range(3)
    ]


def _fixture(fault, project, statements):
    return fault.Fixture(project.pk, [s.pk for s in statements], [], [])


def _vote(fault, member, seq, statement, value, **outcome):
    return fault.Sent("vote", member.pk, 1, seq, statement=statement.pk, value=value, **outcome)


def test_the_vote_check_finds_a_lost_vote_and_a_wrong_value(
    fault, project, statements, practitioner, service_user
):
    from groundswell.deliberation.services import vote_cast

    kept, changed, lost = statements
    vote_cast(statement=kept, user=practitioner, value=1)
    vote_cast(statement=changed, user=practitioner, value=1)
    sent = [
        _vote(fault, practitioner, 1, kept, 1, acknowledged=True),
        _vote(fault, practitioner, 2, changed, 1, acknowledged=True),
        # Acknowledged later, yet the stored value is still the first one.
        _vote(fault, practitioner, 3, changed, -1, acknowledged=True),
        _vote(fault, service_user, 1, lost, 0, acknowledged=True),
    ]
    verdict = fault.Verdict()

    fault.check_votes(_fixture(fault, project, statements), sent, verdict)

    assert (verdict.lost_votes, verdict.wrong_vote_values, verdict.duplicate_votes) == (1, 1, 0)
    assert verdict.lost == 2
    assert not verdict.good


def test_the_vote_check_allows_a_later_unanswered_value(fault, project, statements, practitioner):
    from groundswell.deliberation.services import vote_cast

    statement = statements[0]
    vote_cast(statement=statement, user=practitioner, value=-1)
    sent = [
        _vote(fault, practitioner, 1, statement, 1, acknowledged=True),
        # Cut off by the kill, but committed before it: this later value may stand.
        _vote(fault, practitioner, 2, statement, -1, status=0, error="ConnectionResetError"),
    ]
    verdict = fault.Verdict()

    fault.check_votes(_fixture(fault, project, statements), sent, verdict)

    assert verdict.lost == 0
    assert verdict.good


def test_the_contribution_check_finds_a_lost_and_a_duplicated_contribution(
    fault, project, statements, practitioner
):
    from groundswell.contributions.services import contribution_create

    def create(token):
        return contribution_create(
            project=project,
            author=practitioner,
            kind="story",
            title=f"Fault check {token}",
            body="A story.",
        )

    kept = create("xkept")
    twice = create("xtwice")
    create("xtwice")
    receipts = [("xkept", kept.pk), ("xtwice", twice.pk), ("xlost", kept.pk + 1000)]
    sent = [
        fault.Sent(
            "contribution",
            practitioner.pk,
            1,
            seq,
            token=token,
            attribution="named",
            pk=pk,
            acknowledged=True,
        )
        for seq, (token, pk) in enumerate(receipts, start=1)
    ]
    verdict = fault.Verdict()

    fault.check_contributions(_fixture(fault, project, statements), sent, verdict)

    assert verdict.lost_contributions == 1
    assert verdict.duplicate_contributions == 1
    assert verdict.wrong_contributions == 0
    assert verdict.unsearchable_contributions == 0
    assert not verdict.good
