from django.core.management.base import BaseCommand, CommandError

from tsunagu.accounts import actions
from tsunagu.accounts.models import User
from tsunagu.municipality.models import Agency


class Command(BaseCommand):
    help = (
        "利用者にシステム管理者の役割を付与します (最初のシステム管理者の設定用。監査ログに記録)。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--agency", required=True, help="所属させる部署・機関の名称 (例: 福祉課)"
        )

    def handle(self, *args, username, agency, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"利用者「{username}」が見つかりません。")
        place = Agency.objects.filter(name=agency).first()
        if place is None:
            raise CommandError(f"部署・機関「{agency}」が見つかりません。")
        actions.grant_system_admin_from_server(user=user, agency=place)
        self.stdout.write(f"{user} に {place.name} のシステム管理者を付与しました。")
