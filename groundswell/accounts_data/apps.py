from django.apps import AppConfig


class AccountsDataConfig(AppConfig):
    name = "groundswell.accounts_data"
    label = "accounts_data"
    verbose_name = "A member's own data: export and erasure"
