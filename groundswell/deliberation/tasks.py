from django_tasks import task

from groundswell.deliberation.analysis import analysis_recompute
from groundswell.deliberation.polis import polis_import_run


@task()
def recompute_analysis(*, project_id: int) -> None:
    analysis_recompute(project_id=project_id)


@task()
def import_polis_upload(*, import_id: int) -> None:
    polis_import_run(import_id=import_id)
