import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tsunagu.accounts import actions
from tsunagu.accounts.models import User
from tsunagu.municipality.models import Agency


class Command(BaseCommand):
    help = (
        "利用者にシステム管理者の役割を付与します (最初のシステム管理者の設定用。監査ログに記録)。"
        " --create で利用者も作成します (パスワードを尋ねます)。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--agency", required=True, help="所属させる部署・機関の名称 (例: 福祉課)"
        )
        parser.add_argument("--create", action="store_true", help="利用者を新しく作成する")
        parser.add_argument("--display-name", default="", help="氏名 (--create のとき)")

    def handle(self, *args, username, agency, create, display_name, **options):
        place = Agency.objects.filter(name=agency).first()
        if place is None:
            raise CommandError(f"部署・機関「{agency}」が見つかりません。")
        user = User.objects.filter(username=username).first()
        if create:
            if user is not None:
                raise CommandError(
                    f"利用者「{username}」は既にいます (--create を外してください)。"
                )
            user = User(username=username, display_name=display_name)
            password = getpass.getpass("パスワード: ")
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            user.set_password(password)
            user.save()
        elif user is None:
            raise CommandError(f"利用者「{username}」が見つかりません (作成するには --create)。")
        actions.grant_system_admin_from_server(user=user, agency=place)
        self.stdout.write(f"{user} に {place.name} のシステム管理者を付与しました。")
