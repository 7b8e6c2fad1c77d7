"""The `groundswell` command: demo, serve, worker, analyse, manage …"""

import os
import sys

USAGE = """usage: groundswell COMMAND [ARGS]

commands:
  demo                 create the database if needed and load the demo content
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


def _serve(argv: list[str]) -> int:
    import argparse
    import signal
    import subprocess

    parser = argparse.ArgumentParser(prog="groundswell serve")
    parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start a background task worker beside the web server",
    )
    args = parser.parse_args(argv)
    workers = args.workers or (os.cpu_count() or 1) * 2 + 1
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


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "manage":
        _django(rest)
    elif command == "demo":
        _django(["migrate", "--noinput", "--verbosity", "0"])
        _django(["createcachetable"])
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
