"""Many threads submit the same votes at once; used by test_vote_concurrency on both databases.

Run as a script it builds a throwaway SQLite file database first, because SQLite's in-memory
test database cannot show real concurrent writers.
"""

import sys
import threading
from collections.abc import Callable


def at_once(jobs: list[tuple], work: Callable[..., None]) -> list[str]:
    """``work(wait, *job)`` for every job, each in its own thread and database connection.

    Each calls ``wait()`` once it has read what it needs, so that the writes start together.
    Returns the errors raised, as ``repr`` strings.
    """
    from django.db import connection

    errors: list[str] = []
    barrier = threading.Barrier(len(jobs))

    def run(*job) -> None:
        try:
            work(lambda: barrier.wait(timeout=30), *job)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def hammer(*, statement_id: int, user_ids: list[int], repeats: int = 3) -> list[str]:
    """Every user votes on the statement `repeats` times from as many threads, all at once."""
    from groundswell.deliberation.models import Statement
    from groundswell.deliberation.services import vote_cast
    from groundswell.people.models import User

    def submit(wait: Callable[[], object], user_id: int, value: int) -> None:
        statement = Statement.objects.select_related("project").get(pk=statement_id)
        user = User.objects.get(pk=user_id)
        wait()
        vote_cast(statement=statement, user=user, value=value)

    jobs = [(uid, value) for uid in user_ids for value in ([1, -1, 1] * repeats)[:repeats]]
    return at_once(jobs, submit)


def hammer_batches(
    *, project_id: int, statement_ids: list[int], user_ids: list[int], repeats: int = 3
) -> list[str]:
    """Every user sends a vote on each statement in one batch, `repeats` times at once, the
    statements in a different order each time (as a client's queue may hold them)."""
    from groundswell.deliberation.services import votes_cast
    from groundswell.people.models import User
    from groundswell.projects.models import Project

    def submit(wait: Callable[[], object], user_id: int, repeat: int) -> None:
        project = Project.objects.get(pk=project_id)
        user = User.objects.get(pk=user_id)
        order = statement_ids[::-1] if repeat % 2 else statement_ids
        wait()
        votes_cast(project=project, user=user, values=dict.fromkeys(order, 1 - repeat % 3))

    return at_once([(uid, repeat) for uid in user_ids for repeat in range(repeats)], submit)


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from groundswell.deliberation.models import Vote
    from groundswell.deliberation.services import statement_create
    from groundswell.testing import factories

    project = factories.ProjectFactory()
    statement = statement_create(project=project, author=project.host_user, text="Same vote")
    users = [factories.UserFactory().pk for _ in range(6)]
    errors = hammer(statement_id=statement.pk, user_ids=users)
    rows = Vote.objects.filter(statement=statement).count()
    voters = Vote.objects.filter(statement=statement).values("voter").distinct().count()
    others = [
        statement_create(project=project, author=project.host_user, text=f"Batch {i}").pk
        for i in range(5)
    ]
    batch_errors = hammer_batches(project_id=project.pk, statement_ids=others, user_ids=users)
    batch_rows = Vote.objects.filter(statement__in=others).count()
    print(
        f"rows={rows} voters={voters} errors={errors} "
        f"batch_rows={batch_rows} batch_errors={batch_errors}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
