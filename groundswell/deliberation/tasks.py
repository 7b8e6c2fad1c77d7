from django_tasks import task

from groundswell.deliberation.analysis import analysis_recompute


@task()
def recompute_analysis(*, project_id: int) -> None:
    analysis_recompute(project_id=project_id)
