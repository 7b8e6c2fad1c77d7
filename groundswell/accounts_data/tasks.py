from django_tasks import task

from groundswell.accounts_data.services import data_export_build


@task()
def build_data_export(*, export_id: str) -> None:
    data_export_build(export_id=export_id)
