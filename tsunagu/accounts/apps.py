from django.apps import AppConfig


class AccountsConfig(AppConfig):
    verbose_name = "利用者・所属"
    name = "tsunagu.accounts"
