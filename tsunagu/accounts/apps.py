from django.apps import AppConfig


class AccountsConfig(AppConfig):
    verbose_name = "利用者・所属"
    name = "tsunagu.accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from tsunagu.accounts.middleware import stamp_new_session

        user_logged_in.connect(stamp_new_session, dispatch_uid="tsunagu.stamp_new_session")
