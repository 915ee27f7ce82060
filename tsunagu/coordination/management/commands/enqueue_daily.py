from django.core.management.base import BaseCommand

from tsunagu.access.tasks import anchor_audit
from tsunagu.coordination.tasks import run_reminders
from tsunagu.intake.tasks import expire_referrals

DAILY = [expire_referrals, run_reminders, anchor_audit]


class Command(BaseCommand):
    help = (
        "毎日の処理(つなぐシートの期限切れ・モニタリングと役割分担のお知らせ・監査ログの控え)を"
        "タスクとして登録します。cron で1日1回実行し、manage.py db_worker が処理します。"
    )

    def handle(self, *args, **options):
        for task in DAILY:
            result = task.enqueue()
            self.stdout.write(f"登録しました: {task.name} ({result.id})")
