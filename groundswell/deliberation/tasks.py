from django.utils import timezone
from django_tasks import task

from groundswell.deliberation.analysis import compute_snapshot
from groundswell.deliberation.models import AnalysisSnapshot


@task()
def recompute_analysis(*, project_id: int) -> None:
    # Clear the flag first: votes that arrive while we compute queue a fresh run.
    AnalysisSnapshot.objects.filter(project_id=project_id).update(pending=False)
    snapshot = compute_snapshot(project_id=project_id)
    AnalysisSnapshot.objects.update_or_create(
        project_id=project_id,
        defaults={
            "result": snapshot,
            "computed_at": timezone.now(),
            "seconds": snapshot["seconds"],
            "votes_seen": snapshot["votes"],
        },
    )
