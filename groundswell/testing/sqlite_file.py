"""Run a test module in its own process against a fresh SQLite file.

pytest-django's SQLite test database lives in memory, where threads cannot race one another
for the write lock; concurrency tests on SQLite therefore run as a separate process.
"""

import os
import subprocess
import sys
from pathlib import Path


def run_on_a_sqlite_file(module: str, *, var_dir: Path) -> str:
    """Run `python -m module` on a new SQLite database in var_dir; its last line of output."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="groundswell.settings",
        GROUNDSWELL_VAR_DIR=str(var_dir),
        GROUNDSWELL_FAST_HASHER="1",
        TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
    )
    result = subprocess.run(
        [sys.executable, "-m", module], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]
