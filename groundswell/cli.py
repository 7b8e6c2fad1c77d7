"""The `groundswell` command: demo, serve, worker, analyse, manage …"""

import os
import sys

USAGE = """usage: groundswell COMMAND [ARGS]

commands:
  demo [--reset]       create the database if needed and load the demo content
                       (--reset: delete the demo and load it afresh)
  serve [--bind H:P] [--workers N] [--no-worker]
                       serve with gunicorn (static files through whitenoise) and run the
                       background task worker beside it
  worker               run the background task worker
  analyse --polis DIR --json
                       analyse a Pol.is export folder, no database needed
  import-polis DIR --project SLUG
                       import a Pol.is export folder into a project
  export DIR --project SLUG [--overwrite]
                       write a public project's statements and votes as a Pol.is export
  manage ARGS…         any Django management command
"""


def _django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["groundswell manage", *argv])


def _positive_int(raw: str) -> int:
    import argparse

    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"give a whole number of at least 1, not {raw!r}")
    return value


def _cannot_listen(bind: str) -> str | None:
    """Why gunicorn could not listen on `bind` (HOST:PORT), or None if it can (or if `bind` is
    a form such as unix:PATH that gunicorn checks itself)."""
    import socket

    host, sep, port = bind.rpartition(":")
    if not sep or bind.startswith(("unix:", "fd://")):
        return None
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        return f"{port!r} is not a port number"
    # ":PORT" means every interface to gunicorn, so that is what to try.
    host = host.strip("[]") or "0.0.0.0"  # noqa: S104
    try:
        infos = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        return f"{host} is not a known address ({error.strerror})"
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As gunicorn does, so that a port in TIME_WAIT after a restart is not called busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            return error.strerror or str(error)
    return None


def _unapplied_migrations() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _serve(argv: list[str]) -> int:
    import argparse
    import signal
    import subprocess

    parser = argparse.ArgumentParser(prog="groundswell serve")
    parser.add_argument(
        "--bind",
        default=os.environ.get("BIND", "127.0.0.1:8000"),
        help="HOST:PORT to listen on (default: $BIND or 127.0.0.1:8000)",
    )
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        help="web worker processes (default: $WEB_CONCURRENCY or 2 * CPUs + 1)",
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start a background task worker beside the web server",
    )
    args = parser.parse_args(argv)
    if args.workers is None and os.environ.get("WEB_CONCURRENCY"):
        try:
            args.workers = _positive_int(os.environ["WEB_CONCURRENCY"])
        except argparse.ArgumentTypeError as error:
            parser.error(f"WEB_CONCURRENCY: {error}")
    workers = args.workers or (os.cpu_count() or 1) * 2 + 1
    # Refuse a busy or impossible address at once, before the task worker starts beside it,
    # rather than after gunicorn's retries and a screenful of its log.
    problem = _cannot_listen(args.bind)
    if problem:
        parser.error(f"cannot listen on {args.bind}: {problem}")
    # A database that cannot be reached or is not migrated would only show as a 500 on every
    # page (and a worker that dies): say so now, in one line.
    pending = _unapplied_migrations()
    if pending:
        parser.error(
            f"the database has {pending} unapplied migration{'s' if pending > 1 else ''}: "
            "run `groundswell manage migrate` first"
        )
    _django(["collectstatic", "--noinput", "--verbosity", "0"])
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "groundswell.wsgi",
        "--bind",
        args.bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        # Client addresses stay out of the access log; see DESIGN.md "a place without fear".
        "--access-logformat",
        '"%(r)s" %(s)s %(b)s %(M)sms',
    ]
    # One command for a small install: the task worker (analysis, e-mail) runs alongside.
    worker = (
        None
        if args.no_worker
        else subprocess.Popen([sys.executable, "-m", "groundswell.cli", "worker"])
    )
    web = subprocess.Popen(gunicorn)

    def stop(signum, frame):
        web.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        return web.wait()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


def _operator_message(error: Exception) -> str | None:
    """One line an operator can act on, for the errors that come from the environment rather
    than from a bug: a bad setting, a database that is unreachable or not migrated, a path."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db.utils import DatabaseError

    if isinstance(error, ImproperlyConfigured):
        return str(error)
    if isinstance(error, DatabaseError):
        detail = (str(error).strip().splitlines() or [type(error).__name__])[0]
        if "no such table" in detail or ("relation" in detail and "does not exist" in detail):
            return (
                f"the database has no tables yet ({detail}): run `groundswell manage migrate` "
                "or `groundswell demo` first"
            )
        return f"cannot use the database (check DATABASE_URL): {detail}"
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(argv)
    except Exception as error:
        message = _operator_message(error)
        if message is None or "--traceback" in argv:
            raise
        print(f"groundswell: {message}", file=sys.stderr)
        return 1


def _main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "manage":
        _django(rest)
    elif command == "demo":
        _django(["migrate", "--noinput", "--verbosity", "0"])
        _django(["createcachetable", "--verbosity", "0"])
        _django(["load_demo", *rest])
    elif command == "serve":
        return _serve(rest)
    elif command == "import-polis":
        _django(["import_polis", *rest])
    elif command == "export":
        _django(["export_polis", *rest])
    elif command == "worker":
        _django(["db_worker", *rest])
    elif command == "analyse":
        from groundswell.analysis.cli import main as analyse

        return analyse(rest)
    else:
        print(f"groundswell: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
