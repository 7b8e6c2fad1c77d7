"""The `groundswell` command answers an operator's mistakes with one line and a non-zero exit.

Each case runs the command in a fresh process, as an operator does: settings are read once per
process, so a bad setting can only be tried that way.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from groundswell.cli import _cannot_listen

ROOT = Path(__file__).resolve().parents[3]


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "WEB_CONCURRENCY"}
    }
    base.update(GROUNDSWELL_VAR_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT))
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "groundswell.cli", *args],
        env=base,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SECRET_KEY": "short"}, "groundswell: SECRET_KEY must be at least 32 characters long"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL must point at SQLite or PostgreSQL"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'"),
        ({"SITE_URL": "example.org"}, "SITE_URL must be the site's address with http://"),
    ],
)
def test_a_bad_setting_is_one_line(tmp_path, env, expected):
    line = _one_line_error(_run(["manage", "check"], tmp_path, **env))
    assert line.startswith("groundswell: ")
    assert expected in line


def test_a_var_dir_that_is_a_file_is_one_line(tmp_path):
    (tmp_path / "afile").write_text("")
    line = _one_line_error(
        _run(["manage", "check"], tmp_path, GROUNDSWELL_VAR_DIR=str(tmp_path / "afile"))
    )
    assert "GROUNDSWELL_VAR_DIR must be a folder" in line
    assert "it is a file" in line


def test_an_unreachable_database_is_one_line(tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    line = _one_line_error(
        _run(
            ["import-polis", str(tmp_path), "--project", "x"],
            tmp_path,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/nowhere",
        )
    )
    assert line.startswith("groundswell: cannot use the database (check DATABASE_URL)")


@pytest.mark.parametrize("command", ["import-polis", "export"])
def test_a_database_not_yet_migrated_says_to_migrate(tmp_path, command):
    line = _one_line_error(_run([command, str(tmp_path), "--project", "x"], tmp_path))
    assert "the database has no tables yet" in line
    assert "groundswell manage migrate" in line


def test_traceback_is_still_there_for_whoever_asks(tmp_path):
    result = _run(["manage", "check", "--traceback"], tmp_path, SECRET_KEY="short")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_serve_on_a_busy_port_refuses_at_once(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _run(["serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"], tmp_path)
    line = result.stderr.strip().splitlines()[-1]
    assert result.returncode == 2
    assert line == (
        f"groundswell serve: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    )
    # Refused before the task worker or gunicorn was started.
    assert "django_tasks" not in result.stderr and "gunicorn" not in result.stderr.lower()


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--workers", "x"], {}, "argument --workers: give a whole number of at least 1, not 'x'"),
        (["--workers", "-1"], {}, "give a whole number of at least 1, not '-1'"),
        ([], {"WEB_CONCURRENCY": "lots"}, "WEB_CONCURRENCY: give a whole number"),
    ],
)
def test_serve_refuses_a_bad_worker_count(tmp_path, args, env, expected):
    result = _run(["serve", *args], tmp_path, **env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert expected in result.stderr.strip().splitlines()[-1]


def test_cannot_listen_names_the_reason():
    assert _cannot_listen("127.0.0.1:99999") == "'99999' is not a port number"
    assert _cannot_listen("unix:/tmp/gs.sock") is None
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    assert _cannot_listen(f"127.0.0.1:{port}") is None


def test_serve_on_a_database_not_yet_migrated_says_to_migrate(tmp_path):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = _run(["serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"], tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert "unapplied migrations: run `groundswell manage migrate` first" in line
    assert "gunicorn" not in result.stderr.lower()


def test_serve_on_an_unreachable_database_is_one_line(tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    line = _one_line_error(
        _run(
            ["serve", "--bind", "127.0.0.1:0", "--workers", "1"],  # any free port
            tmp_path,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/nowhere",
        )
    )
    assert line.startswith("groundswell: cannot use the database (check DATABASE_URL)")
