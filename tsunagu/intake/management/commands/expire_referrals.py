import datetime

from django.core.management.base import BaseCommand

from tsunagu.intake import actions


class Command(BaseCommand):
    help = "回答期限(営業日)を過ぎて未回答のつなぐシートを「期限切れ」にします。毎日実行します。"

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, today=None, **options):
        count = actions.expire_referrals(today=today)
        self.stdout.write(f"期限切れにした依頼: {count}件")
