"""Many members redeem the same single-use code at once; used by test_invite_codes on both
databases. Run as a script it builds a throwaway SQLite file database first, because SQLite's
in-memory test database cannot show real concurrent writers."""

import sys
import threading


def race(*, code: str, user_ids: list[int]) -> tuple[list[int], list[str]]:
    """Every member tries the code from their own thread, all at once: (winners, other errors)."""
    from django.core.exceptions import ValidationError
    from django.db import connection

    from groundswell.people.models import User
    from groundswell.projects.services import project_join_by_code

    joined: list[int] = []
    errors: list[str] = []
    barrier = threading.Barrier(len(user_ids))

    def redeem(user_id: int) -> None:
        try:
            user = User.objects.get(pk=user_id)
            barrier.wait(timeout=30)
            project_join_by_code(code=code, user=user)
            joined.append(user_id)
        except ValidationError:
            pass  # the expected refusal for everyone but the winner
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return joined, errors


def main() -> int:
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from groundswell.projects.models import Participant
    from groundswell.projects.services import project_invite_codes_create
    from groundswell.testing import factories

    project = factories.ProjectFactory(visibility="private")
    (code,) = project_invite_codes_create(
        project=project,
        by=project.host_user,
        count=1,
        expires_on=timezone.localdate() + timedelta(days=3),
    )
    users = [factories.UserFactory().pk for _ in range(6)]
    joined, errors = race(code=code.code.lower(), user_ids=users)
    code.refresh_from_db()
    members = Participant.objects.filter(project=project).count()
    print(
        f"joined={len(joined)} members={members} used_by_winner={code.used_by_id in joined}"
        f" errors={errors}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
